package export

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mlegit/mlegit/export/exporttest"
	"github.com/mlegit/mlegit/safefile"
	"github.com/mlegit/mlegit/student"
)

var asOf = time.Date(2025, time.September, 15, 0, 0, 0, 0, time.UTC)

// fixture writes photos for students plus one for a student who is not
// accepted, and returns the photo folder.
func fixture(t *testing.T, students []student.Student) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "photos")
	exporttest.WritePhotos(t, dir, students)
	stranger := exporttest.PESEL(time.Date(2011, 5, 5, 0, 0, 0, 0, time.UTC), 4242)
	if err := os.WriteFile(filepath.Join(dir, string(stranger)+".jpg"), exporttest.JPEG(t, 60, 80, 99), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

func readZip(t *testing.T, path string) map[string][]byte {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatalf("opening %s: %v", path, err)
	}
	defer zr.Close()
	out := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = b
		if !f.Modified.Equal(asOf) {
			t.Errorf("%s modified %v, want %v", f.Name, f.Modified, asOf)
		}
	}
	return out
}

func assertMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != want {
		t.Errorf("%s has mode %v, want %v", path, st.Mode().Perm(), want)
	}
}

func assertNoTemps(t *testing.T, dir string) {
	t.Helper()
	left, _ := filepath.Glob(filepath.Join(dir, ".*.tmp-*"))
	if len(left) > 0 {
		t.Errorf("temporary files left in %s: %v", dir, left)
	}
}

func TestWritePackageContents(t *testing.T) {
	students := exporttest.Students(3)
	students[2].CardNumber = "=1+1" // must be neutralised
	photoDir := fixture(t, students)
	out := t.TempDir()

	path, err := WritePackage(out, "12345", asOf, students, photoDir)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(out, "package", "mlegitymacja-12345-20250915.zip"); path != want {
		t.Errorf("path %s, want %s", path, want)
	}
	assertMode(t, path, safefile.FileMode)
	assertMode(t, filepath.Dir(path), safefile.DirMode)

	files := readZip(t, path)
	var names []string
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	sorted := slices.Clone(students)
	slices.Reverse(sorted) // Students returns reverse PESEL order
	wantNames := []string{"manifest.csv"}
	for _, s := range sorted {
		wantNames = append(wantNames, "photos/"+string(s.PESEL)+".jpg")
	}
	if !slices.Equal(names, wantNames) {
		t.Fatalf("entries %v, want %v", names, wantNames)
	}

	cr := csv.NewReader(bytes.NewReader(files["manifest.csv"]))
	cr.Comma = ';'
	recs, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.SplitN(string(files["manifest.csv"]), "\n", 2)[0]; got != "pesel;nazwisko;imie;drugie_imie;data_urodzenia;oddzial;numer_legitymacji;data_wydania;data_waznosci;zdjecie;sha256" {
		t.Errorf("header %q", got)
	}
	if len(recs) != 1+len(students) {
		t.Fatalf("%d manifest records, want %d", len(recs), 1+len(students))
	}
	for i, s := range sorted {
		rec := recs[i+1]
		sum := sha256.Sum256(files[rec[9]])
		photo := "photos/" + string(s.PESEL) + ".jpg"
		want := []string{string(s.PESEL), s.Surname, s.FirstName, s.SecondName, s.BirthDate.Format("2006-01-02"),
			s.Class, s.CardNumber, "", "", photo, hex.EncodeToString(sum[:])}
		if !s.CardIssued.IsZero() {
			want[7], want[8] = "2024-09-02", "2026-09-30"
		}
		if s.CardNumber == "=1+1" {
			want[6] = "'=1+1"
		}
		t.Run(string(s.PESEL[:4]), func(t *testing.T) {
			if !slices.Equal(rec, want) {
				t.Errorf("row\n got %q\nwant %q", rec, want)
			}
		})
	}
}

func TestWritePackageDeterministic(t *testing.T) {
	students := exporttest.Students(4)
	photoDir := fixture(t, students)
	out := t.TempDir()
	first, err := WritePackage(out, "12345", asOf, students, photoDir)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(first)
	slices.Reverse(students)
	second, err := WritePackage(t.TempDir(), "12345", asOf, students, photoDir)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(second)
	if !bytes.Equal(a, b) {
		t.Errorf("rerun gave different bytes (%d vs %d)", len(a), len(b))
	}
}

func TestWritePackageAtomic(t *testing.T) {
	students := exporttest.Students(5)
	photoDir := fixture(t, students)
	out := t.TempDir()
	pkgDir := filepath.Join(out, "package")

	t.Run("failure on an empty folder leaves nothing", func(t *testing.T) {
		broken := filepath.Join(t.TempDir(), "photos")
		exporttest.WritePhotos(t, broken, students[:2]) // photos stop halfway
		if _, err := WritePackage(out, "12345", asOf, students, broken); err == nil {
			t.Fatal("no error for missing photos")
		}
		if _, err := os.Stat(filepath.Join(pkgDir, PackageName("12345", asOf))); !os.IsNotExist(err) {
			t.Errorf("final package exists after a failed write: %v", err)
		}
		assertNoTemps(t, pkgDir)
	})

	path, err := WritePackage(out, "12345", asOf, students, photoDir)
	if err != nil {
		t.Fatal(err)
	}
	good, _ := os.ReadFile(path)

	t.Run("failure keeps the old package", func(t *testing.T) {
		os.Remove(filepath.Join(photoDir, string(students[2].PESEL)+".jpg"))
		defer exporttest.WritePhotos(t, photoDir, students)
		if _, err := WritePackage(out, "12345", asOf, students, photoDir); err == nil {
			t.Fatal("no error for a missing photo")
		}
		if now, _ := os.ReadFile(path); !bytes.Equal(now, good) {
			t.Error("old package changed by a failed write")
		}
		assertNoTemps(t, pkgDir)
	})

	t.Run("a killed run's temp file is gone after the next run", func(t *testing.T) {
		// A kill leaves safefile's temporary file behind, half written.
		f, err := safefile.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		f.Write(good[:len(good)/2])
		f.File.Close()
		if _, err := WritePackage(out, "12345", asOf, students, photoDir); err != nil {
			t.Fatal(err)
		}
		assertNoTemps(t, pkgDir)
	})
}

func TestWritePackageRejectsInput(t *testing.T) {
	students := exporttest.Students(2)
	photoDir := fixture(t, students)
	tests := []struct {
		name     string
		school   string
		students []student.Student
	}{
		{"school with a path", "../x", students},
		{"school with a slash", "a/b", students},
		{"school with a backslash", `a\b`, students},
		{"hidden school", ".x", students},
		{"empty school", "", students},
		{"duplicate PESEL", "12345", append(slices.Clone(students), students[0])},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := t.TempDir()
			if _, err := WritePackage(out, tc.school, asOf, tc.students, photoDir); err == nil {
				t.Error("no error")
			}
		})
	}
}

func TestReadManifestRoundTrip(t *testing.T) {
	students := exporttest.Students(3)
	students[2].Class = "-3B" // neutralised in the file, plain when read back
	path, err := WritePackage(t.TempDir(), "12345", asOf, students, fixture(t, students))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := ReadManifest(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 {
		t.Fatalf("%d rows, want 3", len(rows))
	}
	first := rows[0] // students[2] has the lowest PESEL
	if first.PESEL != string(students[2].PESEL) || first.Class != "-3B" || first.SecondName != "Maria" || first.Row != 2 {
		t.Errorf("first row %+v", first)
	}
}

func TestParsePackageName(t *testing.T) {
	tests := []struct {
		name, school string
		ok           bool
	}{
		{PackageName("12345", asOf), "12345", true},
		{PackageName("SP-12_x", asOf), "SP-12_x", true},
		{PackageName("SP 7 Kraków", asOf), "SP 7 Kraków", true},
		{packageName("sp7-demo", asOf, 2), "sp7-demo", true},
		{packageName("sp-2", asOf, 12), "sp-2", true},
		{"mlegitymacja-12345-2025091.zip", "", false},
		{"mlegitymacja--20250915.zip", "", false},
		{"other-12345-20250915.zip", "", false},
		{"mlegitymacja-12345-20250915.tar", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			school, d, ok := ParsePackageName(tc.name)
			if ok != tc.ok || school != tc.school || (ok && !d.Equal(asOf)) {
				t.Errorf("ParsePackageName(%q) = %q, %v, %v", tc.name, school, d, ok)
			}
		})
	}
}

func TestWritePackageSecondOfTheDayGetsItsOwnName(t *testing.T) {
	all := exporttest.Students(3)
	photoDir := fixture(t, all)
	out := t.TempDir()
	first, err := WritePackage(out, "sp7-demo", asOf, all[:2], photoDir)
	if err != nil {
		t.Fatal(err)
	}
	firstBytes, _ := os.ReadFile(first)
	again, err := WritePackage(out, "sp7-demo", asOf, all[:2], photoDir) // a re-run: same students
	if err != nil || again != first {
		t.Fatalf("re-run wrote %s (%v), want %s in place", again, err, first)
	}
	second, err := WritePackage(out, "sp7-demo", asOf, all[2:], photoDir) // later that day: others
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(second) != "mlegitymacja-sp7-demo-20250915-2.zip" || PackageSeq(filepath.Base(second)) != 2 {
		t.Errorf("second package %s", second)
	}
	if now, _ := os.ReadFile(first); !bytes.Equal(now, firstBytes) {
		t.Error("the first package of the day was replaced")
	}
	rows, err := ReadManifest(second)
	if err != nil || len(rows) != 1 || rows[0].PESEL != string(all[2].PESEL) {
		t.Errorf("second package holds %+v (%v)", rows, err)
	}
}
