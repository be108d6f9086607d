package export

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mlegit/mlegit/safefile"
	"github.com/mlegit/mlegit/student"
)

func TestWriteSIOBytes(t *testing.T) {
	students := []student.Student{
		{PESEL: "12270707774", CardNumber: "A;B", CardIssued: time.Date(2024, 9, 2, 0, 0, 0, 0, time.UTC)},
		{PESEL: "09322423450", CardNumber: "12/2023", CardIssued: time.Date(2023, 9, 1, 0, 0, 0, 0, time.UTC), Disability: true},
		{PESEL: "10230110008", CardNumber: "-7/2024"},
	}
	const want = "pesel;numer legitymacji;data wydania;czy niepełnosprawność\n" +
		"09322423450;12/2023;2023-09-01;1\n" +
		"10230110008;'-7/2024;;0\n" +
		"12270707774;\"A;B\";2024-09-02;0\n"
	out := t.TempDir()
	path, err := WriteSIO(out, students)
	if err != nil {
		t.Fatal(err)
	}
	if wantPath := filepath.Join(out, "sio", "legitymacje.csv"); path != wantPath {
		t.Errorf("path %s, want %s", path, wantPath)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("SIO file\n got %q\nwant %q", got, want)
	}
	assertMode(t, path, safefile.FileMode)
}

func TestWriteSIOEmpty(t *testing.T) {
	path, err := WriteSIO(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	if string(got) != "pesel;numer legitymacji;data wydania;czy niepełnosprawność\n" {
		t.Errorf("empty SIO file %q", got)
	}
}
