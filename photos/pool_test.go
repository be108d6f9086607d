package photos

import (
	"bytes"
	"context"
	stdcsv "encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/mlegit/mlegit/reject"
	"github.com/mlegit/mlegit/safefile"
	"github.com/mlegit/mlegit/student"
	"github.com/mlegit/mlegit/texts"
)

func writeFiles(t *testing.T, dir string, files map[string][]byte) {
	t.Helper()
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// runProcess feeds jobs through Process and collects results by source
// base name.
func runProcess(t *testing.T, cfg Config, jobs []Job) (map[string]Result, error) {
	t.Helper()
	g, ctx := errgroup.WithContext(context.Background())
	in, out := make(chan Job), make(chan Result)
	g.Go(func() error { return Feed(ctx, jobs, in) })
	Process(ctx, g, cfg, in, out)
	got := map[string]Result{}
	for r := range out {
		got[filepath.Base(r.Source)] = r
	}
	return got, g.Wait()
}

func TestProcess(t *testing.T) {
	src, dst := t.TempDir(), filepath.Join(t.TempDir(), "photos")
	good := encJPEG(t, photoLike(400, 500, 1), 90)
	writeFiles(t, src, map[string][]byte{
		"a.jpg":       good,
		"renamed.jpg": encPNG(t, photoLike(200, 250, 2)),
		"cut.jpg":     good[:len(good)/3],
		"tiny.png":    encPNG(t, photoLike(20, 25, 3)),
	})
	// A photo accepted by an earlier run must go when the new one fails.
	stale := kowal
	if err := safefile.WriteFile(filepath.Join(dst, string(stale.PESEL)+".jpg"), good); err != nil {
		t.Fatal(err)
	}
	jobs := []Job{
		{Student: kaminski, Source: filepath.Join(src, "a.jpg")},
		{Student: nowak, Source: filepath.Join(src, "renamed.jpg")},
		{Student: stale, Source: filepath.Join(src, "cut.jpg")},
		{Student: twin1, Source: filepath.Join(src, "tiny.png")},
		{Student: twin2, Source: filepath.Join(src, "gone.jpg")},
	}
	got, err := runProcess(t, Config{Dir: dst, Profile: small, Workers: 2}, jobs)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		s    student.Student
		code reject.Code
	}{
		"a.jpg": {kaminski, ""}, "renamed.jpg": {nowak, ""}, "cut.jpg": {stale, reject.PhotoUnreadable},
		"tiny.png": {twin1, reject.PhotoTooSmall}, "gone.jpg": {twin2, reject.PhotoUnreadable},
	}
	if len(got) != len(want) {
		t.Fatalf("%d results, want %d", len(got), len(want))
	}
	for name, w := range want {
		t.Run(name, func(t *testing.T) {
			r := got[name]
			if r.Student.PESEL != w.s.PESEL || r.Code != w.code {
				t.Fatalf("result %s/%q, want %s/%q (%s)", r.Student.PESEL, r.Code, w.s.PESEL, w.code, r.Detail)
			}
			path := filepath.Join(dst, string(w.s.PESEL)+".jpg")
			st, err := os.Stat(path)
			if w.code != "" {
				if err == nil || r.Path != "" {
					t.Errorf("rejected photo left %s", path)
				}
				if r.Detail == "" || digitRun.MatchString(r.Detail) {
					t.Errorf("detail %q must say why without a full PESEL", r.Detail)
				}
				return
			}
			if err != nil || r.Path != path {
				t.Fatalf("output %q: %v", r.Path, err)
			}
			if st.Mode().Perm() != safefile.FileMode {
				t.Errorf("mode %v, want %v", st.Mode().Perm(), safefile.FileMode)
			}
			data, _ := os.ReadFile(path)
			assertOutput(t, data, 80, 100, small.MaxBytes)
		})
	}
}

func TestProcessOutputFailureIsGroupError(t *testing.T) {
	src := t.TempDir()
	writeFiles(t, src, map[string][]byte{"a.jpg": encJPEG(t, photoLike(200, 250, 1), 90), "blocker": {1}})
	jobs := []Job{{Student: kaminski, Source: filepath.Join(src, "a.jpg")}}
	_, err := runProcess(t, Config{Dir: filepath.Join(src, "blocker", "photos"), Profile: small, Workers: 2}, jobs)
	if err == nil || CodeOf(err) != "" {
		t.Fatalf("err = %v, want an output-folder error", err)
	}
}

func TestProcessStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	g, ctx := errgroup.WithContext(ctx)
	in, out := make(chan Job), make(chan Result) // in is never closed
	Process(ctx, g, Config{Dir: t.TempDir(), Profile: small, Workers: 3}, in, out)
	cancel()
	done := make(chan error)
	go func() {
		for range out {
		}
		done <- g.Wait()
	}()
	select {
	case err := <-done:
		if err == nil {
			t.Error("cancelled stage returned no error")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("stage did not stop after cancel")
	}
}

func TestNormalizeDir(t *testing.T) {
	in, out := t.TempDir(), filepath.Join(t.TempDir(), "wynik")
	good := encJPEG(t, photoLike(400, 500, 1), 90)
	writeFiles(t, in, map[string][]byte{
		"Paweł Kamiński 1b.jpg": good,
		"renamed.jpg":           encPNG(t, photoLike(200, 250, 2)),
		"=cut.jpg":              good[:500],
		"dup.jpg":               good,
		"dup.png":               good,
		"Nowak Ewa 2b.jpg":      good, // one file on Windows and macOS
		"NOWAK EWA 2B.png":      good,
		"avif.AVIF":             append([]byte("\x00\x00\x00\x18ftypavif"), make([]byte, 40)...),
		"notes.txt":             []byte("x"),
		"Thumbs.db":             []byte("x"),
	})
	rep, err := NormalizeDir(context.Background(), in, Config{Dir: out, Profile: small, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Total != 8 || rep.Written != 2 || len(rep.Rejected) != 6 {
		t.Errorf("report %+v, want 8 found, 2 written, 6 rejected", rep)
	}
	for _, name := range []string{"Paweł Kamiński 1b.jpg", "renamed.jpg"} {
		data, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		assertOutput(t, data, 80, 100, small.MaxBytes)
	}
	csv, err := os.ReadFile(filepath.Join(out, RejectsFile))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(csv, []byte("\uFEFFPlik;Kod błędu;Powód;Szczegóły\r\n")) {
		t.Errorf("report header: %q", csv)
	}
	cr := stdcsv.NewReader(bytes.NewReader(bytes.TrimPrefix(csv, []byte("\uFEFF"))))
	cr.Comma = ';'
	rows, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"'=cut.jpg", "PHOTO_UNREADABLE", reject.PhotoUnreadable.Message(), "Plik „=cut.jpg” jest uszkodzony"},
		{"NOWAK EWA 2B.png", "PHOTO_AMBIGUOUS", reject.PhotoAmbiguous.Message(), "„NOWAK EWA 2B.png”, „Nowak Ewa 2b.jpg” dałyby to samo zdjęcie wynikowe"},
		{"Nowak Ewa 2b.jpg", "PHOTO_AMBIGUOUS", reject.PhotoAmbiguous.Message(), "„Nowak Ewa 2b.jpg”"},
		{"avif.AVIF", "PHOTO_FORMAT", reject.PhotoFormat.Message(), "Plik „avif.AVIF” jest w formacie AVIF"},
		{"dup.jpg", "PHOTO_AMBIGUOUS", reject.PhotoAmbiguous.Message(), "Pliki „dup.jpg”, „dup.png” dałyby to samo zdjęcie wynikowe „dup.jpg”"},
		{"dup.png", "PHOTO_AMBIGUOUS", reject.PhotoAmbiguous.Message(), "„dup.png”"},
	}
	if len(rows) != len(want)+1 {
		t.Fatalf("report rows:\n%q", rows)
	}
	for i, w := range want {
		got := rows[i+1]
		if len(got) != 4 || got[0] != w[0] || got[1] != w[1] || got[2] != w[2] || !strings.Contains(got[3], w[3]) {
			t.Errorf("row %d = %q, want %q (detail containing the last)", i+1, got, w)
		}
		if bad := texts.Lint(got[3]); len(bad) > 0 {
			t.Errorf("row %d detail %q: not Polish: %q", i+1, got[3], bad)
		}
	}
	if _, err := NormalizeDir(context.Background(), in, Config{Dir: in, Profile: small, Workers: 2}); err == nil || !strings.Contains(err.Error(), "input folder") {
		t.Errorf("writing over the input folder: err = %v", err)
	}
	if bytes.Contains(csv, []byte("\n\n")) {
		t.Error("blank line in report")
	}
}
