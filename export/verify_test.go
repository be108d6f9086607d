package export

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mlegit/mlegit/export/exporttest"
)

// zipEntry is one file of a hand-built package.
type zipEntry struct {
	name string
	data []byte
}

// spec is a hand-built package: manifest rows (without header) and files.
type spec struct {
	header string
	rows   [][]string
	files  []zipEntry
}

func goodSpec(t *testing.T) *spec {
	t.Helper()
	s := &spec{header: strings.Join(ManifestHeader, ";")}
	for i, p := range []string{"09322423450", "10230110008"} {
		photo := exporttest.JPEG(t, 60, 80, i+1)
		sum := sha256.Sum256(photo)
		s.rows = append(s.rows, []string{p, "Nowak", "Jan", "", "2010-03-01", "1A", "1/2024", "2024-09-02", "", "photos/" + p + ".jpg", hex.EncodeToString(sum[:])})
		s.files = append(s.files, zipEntry{"photos/" + p + ".jpg", photo})
	}
	return s
}

// setPhoto replaces the photo of row i (and, unless keepHash, its hash).
func (s *spec) setPhoto(i int, data []byte, keepHash bool) {
	s.files[i].data = data
	if !keepHash {
		sum := sha256.Sum256(data)
		s.rows[i][10] = hex.EncodeToString(sum[:])
	}
}

func (s *spec) write(t *testing.T, withManifest bool) string {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	add := func(name string, data []byte) {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	for _, f := range s.files {
		add(f.name, f.data)
	}
	if withManifest {
		m := s.header + "\n"
		for _, r := range s.rows {
			m += strings.Join(r, ";") + "\n"
		}
		add(ManifestName, []byte(m))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "sub", "p.zip")
	os.MkdirAll(filepath.Dir(path), 0o700)
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func codesOf(probs []Problem) []ProblemCode {
	var out []ProblemCode
	for _, p := range probs {
		out = append(out, p.Code)
	}
	return out
}

func grayJPEG(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, 60, 80)), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// progressive marks a baseline JPEG's frame header as progressive.
func progressive(t *testing.T, b []byte) []byte {
	t.Helper()
	i := bytes.Index(b, []byte{0xFF, 0xC0})
	if i < 0 {
		t.Fatal("no SOF0 in test JPEG")
	}
	b = slices.Clone(b)
	b[i+1] = 0xC2
	return b
}

func TestVerifyPackage(t *testing.T) {
	limits := PhotoLimits{MaxBytes: 100_000, MinW: 50, MinH: 50, MaxW: 1000, MaxH: 1000}
	tests := []struct {
		name   string
		change func(t *testing.T, s *spec)
		limits PhotoLimits
		noMan  bool
		want   []ProblemCode // nil: the package is fine
	}{
		{name: "good", change: func(*testing.T, *spec) {}},
		{name: "photo missing", change: func(_ *testing.T, s *spec) { s.files = s.files[1:] }, want: []ProblemCode{PhotoMissing}},
		{name: "extra photo", change: func(t *testing.T, s *spec) {
			s.files = append(s.files, zipEntry{"photos/12270707774.jpg", exporttest.JPEG(t, 60, 80, 5)})
		}, want: []ProblemCode{PhotoExtra}},
		{name: "row without photo twice", change: func(_ *testing.T, s *spec) { s.rows = append(s.rows, slices.Clone(s.rows[0])) },
			want: []ProblemCode{PESELDuplicate, PhotoMissing}},
		{name: "duplicate entry", change: func(_ *testing.T, s *spec) { s.files = append(s.files, s.files[0]) }, want: []ProblemCode{DuplicateEntry}},
		{name: "hash mismatch", change: func(t *testing.T, s *spec) { s.setPhoto(0, exporttest.JPEG(t, 60, 80, 7), true) }, want: []ProblemCode{PhotoHash}},
		{name: "bad PESEL checksum", change: func(_ *testing.T, s *spec) {
			s.rows[0][0] = "09322423451"
			s.rows[0][9] = "photos/09322423451.jpg"
			s.files[0].name = "photos/09322423451.jpg"
		}, want: []ProblemCode{PESELInvalid}},
		{name: "photo path not the PESEL", change: func(_ *testing.T, s *spec) {
			s.rows[0][9] = "photos/x.jpg"
			s.files[0].name = "photos/x.jpg"
		}, want: []ProblemCode{PhotoPathWrong}},
		{name: "bad date", change: func(_ *testing.T, s *spec) { s.rows[1][7] = "02.09.2024" }, want: []ProblemCode{ManifestDate}},
		{name: "missing card number", change: func(_ *testing.T, s *spec) { s.rows[1][6] = "" }, want: []ProblemCode{ManifestField}},
		{name: "short row", change: func(_ *testing.T, s *spec) { s.rows[1] = s.rows[1][:5] }, want: []ProblemCode{ManifestColumns, PhotoExtra}},
		{name: "too heavy", change: func(*testing.T, *spec) {}, limits: PhotoLimits{MaxBytes: 100}, want: []ProblemCode{PhotoTooHeavy, PhotoTooHeavy}},
		{name: "too small", change: func(t *testing.T, s *spec) { s.setPhoto(0, exporttest.JPEG(t, 40, 80, 1), false) }, want: []ProblemCode{PhotoDimensions}},
		{name: "too big", change: func(t *testing.T, s *spec) { s.setPhoto(0, exporttest.JPEG(t, 60, 1200, 1), false) }, want: []ProblemCode{PhotoDimensions}},
		{name: "progressive", change: func(t *testing.T, s *spec) { s.setPhoto(1, progressive(t, s.files[1].data), false) }, want: []ProblemCode{PhotoFormat}},
		{name: "grayscale", change: func(t *testing.T, s *spec) { s.setPhoto(1, grayJPEG(t), false) }, want: []ProblemCode{PhotoFormat}},
		{name: "not a JPEG", change: func(_ *testing.T, s *spec) { s.setPhoto(1, []byte("\x89PNG\r\n\x1a\n...."), false) }, want: []ProblemCode{PhotoFormat}},
		{name: "truncated JPEG", change: func(_ *testing.T, s *spec) { s.setPhoto(1, s.files[1].data[:len(s.files[1].data)/2], false) },
			want: []ProblemCode{PhotoUnreadable}},
		{name: "unexpected entry", change: func(_ *testing.T, s *spec) { s.files = append(s.files, zipEntry{"readme.txt", []byte("hi")}) },
			want: []ProblemCode{UnexpectedEntry}},
		{name: "bad header", change: func(_ *testing.T, s *spec) { s.header = "pesel;imie" }, want: []ProblemCode{ManifestInvalid}},
		{name: "no manifest", change: func(*testing.T, *spec) {}, noMan: true, want: []ProblemCode{ManifestMissing}},
		{name: "zip-slip", change: func(t *testing.T, s *spec) {
			evil := exporttest.JPEG(t, 60, 80, 3)
			s.files = append(s.files, zipEntry{"../evil.jpg", evil}, zipEntry{"/tmp/evil.jpg", evil}, zipEntry{`photos\..\..\evil.jpg`, evil},
				zipEntry{"photos/../../evil.jpg", evil}, zipEntry{"C:/evil.jpg", evil})
		}, want: []ProblemCode{UnsafePath, UnsafePath, UnsafePath, UnsafePath, UnsafePath}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := goodSpec(t)
			tc.change(t, s)
			path := s.write(t, !tc.noMan)
			l := limits
			if tc.limits != (PhotoLimits{}) {
				l = tc.limits
			}
			probs, err := VerifyPackage(path, l)
			if err != nil {
				t.Fatal(err)
			}
			if got := codesOf(probs); !slices.Equal(got, tc.want) {
				t.Errorf("problems %v, want %v", probs, tc.want)
			}
			for _, p := range probs {
				if strings.Contains(p.String(), "09322423450") || strings.Contains(p.String(), "10230110008") {
					t.Errorf("problem shows a full PESEL: %s", p)
				}
			}
			// Nothing was ever extracted next to or above the package.
			for _, dir := range []string{filepath.Dir(path), filepath.Dir(filepath.Dir(path))} {
				if _, err := os.Stat(filepath.Join(dir, "evil.jpg")); !os.IsNotExist(err) {
					t.Errorf("evil.jpg exists in %s", dir)
				}
			}
		})
	}
}

func TestVerifyWrittenPackage(t *testing.T) {
	students := exporttest.Students(4)
	path, err := WritePackage(t.TempDir(), "12345", time.Now(), students, fixture(t, students))
	if err != nil {
		t.Fatal(err)
	}
	probs, err := VerifyPackage(path, PhotoLimits{MaxBytes: 50_000, MinW: 60, MinH: 80, MaxW: 60, MaxH: 80})
	if err != nil {
		t.Fatal(err)
	}
	if len(probs) > 0 {
		t.Errorf("problems in a freshly written package: %v", probs)
	}
}

func TestVerifyNotAZip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.zip")
	os.WriteFile(path, []byte("not a zip"), 0o600)
	if _, err := VerifyPackage(path, PhotoLimits{}); err == nil {
		t.Error("no error for a file that is not a zip")
	}
}

func TestSafeEntryName(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		{"manifest.csv", true},
		{"photos/", true},
		{"photos/12345678901.jpg", true},
		{"", false},
		{".", false},
		{"./", false},
		{"../evil.jpg", false},
		{"photos/../../evil.jpg", false},
		{"/etc/passwd", false},
		{`photos\evil.jpg`, false},
		{"C:/evil.jpg", false},
		{"photos//x.jpg", false},
		{"photos/./x.jpg", false},
		{"a\x00b", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := SafeEntryName(tc.name); got != tc.want {
				t.Errorf("SafeEntryName(%q) = %v, want %v", tc.name, got, tc.want)
			}
		})
	}
}
