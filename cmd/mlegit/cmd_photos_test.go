package main

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlegit/mlegit/photos"
)

func testJPEG(t *testing.T, w, h int) []byte { return patternJPEG(t, w, h, 1) }

// darkJPEG is testJPEG's pattern at a sixth of its brightness: a photo
// mlegit writes and warns about as too dark.
func darkJPEG(t *testing.T, w, h int) []byte { return patternJPEG(t, w, h, 6) }

// patternJPEG encodes a busy w×h pattern with its brightness divided by
// div.
func patternJPEG(t *testing.T, w, h int, div uint8) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = uint8(i*13) / div
	}
	img.Set(0, 0, color.White)
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestPhotosCommand(t *testing.T) {
	in, out := t.TempDir(), filepath.Join(t.TempDir(), "gotowe")
	good := testJPEG(t, 600, 800)
	for name, data := range map[string][]byte{"Jan Nowak 1a.JPG": good, "ucięte.jpg": good[:300], "opis.txt": []byte("x"),
		"11210110089.jpg": good[:200], "Ewa Lis 2b.jpg": darkJPEG(t, 600, 800)} {
		if err := os.WriteFile(filepath.Join(in, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	code, stdout, stderr := mlegit(t, "photos", "--in", in, "--out", out, "--profile", "zpe", "--workers", "2")
	if code != exitRejected {
		t.Fatalf("exit %d, want %d; stderr:\n%s", code, exitRejected, stderr)
	}
	// The dark photo is written and counted as one to check.
	if !strings.Contains(stdout, "photos: 4, written: 2, rejected: 2, to check: 1 (1 warnings)") {
		t.Errorf("stdout %q", stdout)
	}
	cfg, err := readJPEGConfig(filepath.Join(out, "Jan Nowak 1a.jpg"))
	if err != nil || cfg.Width != 246 || cfg.Height != 304 {
		t.Errorf("zpe output %dx%d, %v", cfg.Width, cfg.Height, err)
	}
	csv, err := os.ReadFile(filepath.Join(out, photos.RejectsFile))
	if err != nil || !strings.Contains(string(csv), "ucięte.jpg;PHOTO_UNREADABLE;") {
		t.Errorf("rejections report %q, %v", csv, err)
	}
	if _, err := os.Stat(filepath.Join(out, "Ewa Lis 2b.jpg")); err != nil {
		t.Errorf("dark photo not written: %v", err)
	}
	if !strings.Contains(string(csv), "\r\nDo sprawdzenia;;;\r\nEwa Lis 2b.jpg;PHOTO_DARK;") {
		t.Errorf("report does not list the dark photo to check:\n%s", csv)
	}
	// A photo named by its PESEL is listed masked, like in every
	// secretariat file.
	if strings.Contains(string(csv), "11210110089") || !strings.Contains(string(csv), "1121*****89.jpg;PHOTO_UNREADABLE;") {
		t.Errorf("rejections report shows the PESEL unmasked or not at all:\n%s", csv)
	}

	if code, _, _ := mlegit(t, "photos", "--out", out); code != exitUsage {
		t.Errorf("without --in: exit %d, want %d", code, exitUsage)
	}
	if code, _, _ := mlegit(t, "photos", "--in", in, "--out", out, "--profile", "nieznany"); code != exitUsage {
		t.Errorf("unknown profile: exit %d, want %d", code, exitUsage)
	}
}

func readJPEGConfig(path string) (image.Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return image.Config{}, err
	}
	defer f.Close()
	return jpeg.DecodeConfig(f)
}

func TestProfilesCommand(t *testing.T) {
	conf := filepath.Join(t.TempDir(), "config.yaml")
	yaml := "profile: szkola\nprofiles:\n  szkola:\n    aspect_w: 3\n    aspect_h: 4\n    min_width: 300\n    width: 600\n    max_bytes: 200000\n"
	if err := os.WriteFile(conf, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (int, string) {
		var out, errb bytes.Buffer
		code := run(context.Background(), append([]string{"--config", conf}, args...), &out, &errb)
		return code, out.String() + errb.String()
	}
	code, out := run("profiles")
	if code != exitOK {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	for _, want := range []string{"uonet", "mobywatel", "zpe", "sio", "legacy", "*szkola", "3:4", "600x800", "200 kB", "60 kB", "2,5 MB"} {
		if !strings.Contains(out, want) {
			t.Errorf("listing lacks %q:\n%s", want, out)
		}
	}
	code, out = run("profiles", "--json")
	var all map[string]photos.Profile
	if code != exitOK || json.Unmarshal([]byte(out), &all) != nil || all["szkola"].MinHeight != 400 || all["szkola"].MaxQuality != 95 {
		t.Errorf("--json: exit %d, %+v", code, all["szkola"])
	}
	if err := os.WriteFile(conf, []byte("profiles:\n  zla:\n    width: 100\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out := run("profiles"); code != exitUsage || !strings.Contains(out, "zla") {
		t.Errorf("invalid profile: exit %d:\n%s", code, out)
	}
}
