// Package exporttest makes upload-package fixtures for tests: valid PESELs,
// accepted students and small real JPEG photos on disk.
package exporttest

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mlegit/mlegit/pesel"
	"github.com/mlegit/mlegit/student"
)

// PESEL returns a valid number for someone born on birth, with serial
// (0–9999) as digits 7–10.
func PESEL(birth time.Time, serial int) pesel.PESEL {
	m := int(birth.Month())
	switch y := birth.Year(); {
	case y >= 2000 && y < 2100:
		m += 20
	case y < 1900:
		m += 80
	}
	s := fmt.Sprintf("%02d%02d%02d%04d", birth.Year()%100, m, birth.Day(), serial)
	return pesel.PESEL(s + fmt.Sprint(pesel.Checksum(s)))
}

// Students returns n accepted students with distinct PESELs, in reverse
// PESEL order (so writers must sort), the first with a second name and a
// disability, the second without card dates.
func Students(n int) []student.Student {
	out := make([]student.Student, 0, n)
	for i := n - 1; i >= 0; i-- {
		birth := time.Date(2010, time.March, 1+i%28, 0, 0, 0, 0, time.UTC)
		s := student.Student{
			PESEL:      PESEL(birth, 1000+i),
			Surname:    fmt.Sprintf("Żółkiewska-%d", i),
			FirstName:  "Zofia",
			BirthDate:  birth,
			Class:      fmt.Sprintf("%dA", 1+i%8),
			CardNumber: fmt.Sprintf("%d/2024", 100+i),
			CardIssued: time.Date(2024, time.September, 2, 0, 0, 0, 0, time.UTC),
			CardValid:  time.Date(2026, time.September, 30, 0, 0, 0, 0, time.UTC),
		}
		switch i {
		case 0:
			s.SecondName, s.Disability = "Maria", true
		case 1:
			s.CardIssued, s.CardValid = time.Time{}, time.Time{}
		}
		out = append(out, s)
	}
	return out
}

// JPEG returns a baseline RGB JPEG of w×h pixels whose content depends on
// seed, so photos of different students differ.
func JPEG(t testing.TB, w, h, seed int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x * seed), uint8(y + seed), uint8(seed * 37), 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 80}); err != nil {
		t.Fatalf("encoding test JPEG: %v", err)
	}
	return b.Bytes()
}

// WritePhotos writes dir/<PESEL>.jpg, 60×80, for every student.
func WritePhotos(t testing.TB, dir string, students []student.Student) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	for i, s := range students {
		if err := os.WriteFile(filepath.Join(dir, string(s.PESEL)+".jpg"), JPEG(t, 60, 80, i+1), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}
