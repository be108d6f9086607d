package photos

import (
	"bytes"
	"context"
	stdcsv "encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlegit/mlegit/texts"
)

// TestNormalizeDirWarnings: a dark and a blurred photo are written and
// listed under "Do sprawdzenia" with the catalogue's Polish text, after
// the rejections; a clean photo is written and not listed.
func TestNormalizeDirWarnings(t *testing.T) {
	in, out := t.TempDir(), filepath.Join(t.TempDir(), "gotowe")
	person := scene{1200, 1500, 0.5, 0.38, 0.3, lightSkin, greyWall}
	clean := encJPEG(t, person.draw(1), 92)
	writeFiles(t, in, map[string][]byte{
		"11210110089.jpg":     encJPEG(t, darken(person.draw(2), 0.3), 92), // dark, named by a PESEL
		"Nowak Jan 1b.jpg":    encJPEG(t, boxBlur(person.draw(3), 8), 92),  // out of focus
		"Kowalska Ewa 2a.jpg": clean,
		"ucięte.jpg":          clean[:400],
	})
	rep, err := NormalizeDir(context.Background(), in, Config{Dir: out, Profile: DefaultProfiles()["mobywatel"], Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Total != 4 || rep.Written != 3 || len(rep.Rejected) != 1 {
		t.Errorf("report: %d found, %d written, %d rejected; want 4, 3, 1", rep.Total, rep.Written, len(rep.Rejected))
	}
	// A warned photo is still written.
	for _, name := range []string{"11210110089.jpg", "Nowak Jan 1b.jpg", "Kowalska Ewa 2a.jpg"} {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Errorf("%s not written: %v", name, err)
		}
	}
	wantWarned := []struct{ file, code string }{{"11210110089.jpg", WarnPhotoDark}, {"Nowak Jan 1b.jpg", WarnPhotoBlurred}}
	if len(rep.Warnings) != len(wantWarned) {
		t.Fatalf("warnings %+v, want %v", rep.Warnings, wantWarned)
	}
	for i, w := range wantWarned {
		if got := rep.Warnings[i]; got.File != w.file || got.Code != w.code || got.Detail == "" {
			t.Errorf("warning %d = %+v, want %s %s with an English detail", i, got, w.file, w.code)
		}
	}

	data, err := os.ReadFile(filepath.Join(out, RejectsFile))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, []byte("11210110089")) {
		t.Errorf("report shows a PESEL unmasked:\n%s", data)
	}
	if bytes.Contains(data, []byte("Kowalska")) {
		t.Errorf("a clean photo is listed:\n%s", data)
	}
	cr := stdcsv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\uFEFF"))))
	cr.Comma = ';'
	rows, err := cr.ReadAll()
	if err != nil {
		t.Fatalf("report is not a 4-column CSV: %v\n%s", err, data)
	}
	// Header, the rejection, a blank row, the section row, two warnings.
	if len(rows) != 6 {
		t.Fatalf("report rows:\n%q", rows)
	}
	if rows[1][0] != "ucięte.jpg" || rows[1][1] != "PHOTO_UNREADABLE" {
		t.Errorf("rejection row %q", rows[1])
	}
	if strings.Join(rows[2], "") != "" || rows[3][0] != texts.SectionToCheck || strings.Join(rows[3][1:], "") != "" {
		t.Errorf("no %q section after the rejections: %q, %q", texts.SectionToCheck, rows[2], rows[3])
	}
	for i, w := range []struct{ file, code string }{{"1121*****89.jpg", WarnPhotoDark}, {"Nowak Jan 1b.jpg", WarnPhotoBlurred}} {
		row := rows[4+i]
		e, _ := texts.Lookup(w.code)
		if row[0] != w.file || row[1] != w.code || row[2] != e.Message() {
			t.Errorf("warning row %q, want %s, %s, %q", row, w.file, w.code, e.Message())
		}
		// The detail names the photo, quoted the Polish way, and is Polish.
		if !strings.Contains(row[3], "„"+w.file+"”") {
			t.Errorf("warning detail %q does not name %s", row[3], w.file)
		}
		for _, pol := range row[2:] {
			if bad := texts.Lint(texts.StripCodes(pol)); len(bad) > 0 {
				t.Errorf("warning text %q: not Polish: %q", pol, bad)
			}
		}
	}
}
