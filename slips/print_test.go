package slips

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlegit/mlegit/codes"
)

func TestWriteAll(t *testing.T) {
	twin := entry(t, 5, "1b", "Nowak", "Jan")
	zaneta := entry(t, 1234, "1b", "Łęcka-Źdźbło", "Żaneta")
	ola := entry(t, 2, "2a", "Sowa", "Ola")
	store := &codes.Store{
		SchoolName: testSchool,
		Entries:    []codes.Entry{zaneta, ola, twin, twin}, // twins: same name and masked PESEL, must not overwrite
	}
	x := func(e codes.Entry) string { return e.PESEL[:4] + "xxxxx" + e.PESEL[9:] }
	for _, tc := range []struct {
		name  string
		opts  *Options
		print string
		files []string // relative to OUT/slips
	}{
		{"all", nil, PrintFile, []string{
			"1b/Łęcka-Źdźbło_Żaneta_" + x(zaneta) + ".pdf", "1b/Nowak_Jan_" + x(twin) + ".pdf",
			"1b/Nowak_Jan_" + x(twin) + "_2.pdf", "2a/Sowa_Ola_" + x(ola) + ".pdf",
		}},
		{"one class", &Options{Class: "2A"}, SelectedFile, []string{"2a/Sowa_Ola_" + x(ola) + ".pdf"}},
		{"one student", &Options{PESEL: []string{zaneta.PESEL}}, SelectedFile, []string{"1b/Łęcka-Źdźbło_Żaneta_" + x(zaneta) + ".pdf"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := t.TempDir()
			got, err := WriteAll(context.Background(), out, store, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Slips) != len(tc.files) {
				t.Fatalf("wrote %d slips %v, want %d", len(got.Slips), got.Slips, len(tc.files))
			}
			for i, f := range tc.files {
				want := filepath.Join(out, "slips", filepath.FromSlash(f))
				if got.Slips[i] != want {
					t.Errorf("slip %d at %s, want %s", i, got.Slips[i], want)
				}
				assertPrivatePDF(t, want)
			}
			if want := filepath.Join(out, "slips", tc.print); got.Print != want {
				t.Errorf("print sheet at %s, want %s", got.Print, want)
			}
			assertPrivatePDF(t, got.Print)
			if fi, err := os.Stat(filepath.Join(out, "slips")); err != nil || fi.Mode().Perm() != 0o700 {
				t.Errorf("slips folder: %v, mode %v, want 0700", err, fi.Mode().Perm())
			}
		})
	}
	t.Run("nothing selected", func(t *testing.T) {
		if _, err := WriteAll(context.Background(), t.TempDir(), store, &Options{Class: "9z"}); err == nil {
			t.Error("no error when no entry is selected")
		}
	})
}

func assertPrivatePDF(t *testing.T, path string) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("%s: mode %v, want 0600", path, fi.Mode().Perm())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Errorf("%s is not a PDF", path)
	}
}

// BenchmarkPrintPDF1000 renders 1,000 slips (40 classes of 25, half of them
// watermarked) into one print sheet and reports slips/s (wall clock),
// slips/cpu-s and bytes/slip.
func BenchmarkPrintPDF1000(b *testing.B) {
	const n = 1000
	var entries []codes.Entry
	for i := range n {
		e := entry(b, i, string(rune('1'+i/25%8))+string(rune('a'+i/200)), "Kowalski-"+string(rune('A'+i%25)), "Jan")
		e.Simulated = i%2 == 0
		entries = append(entries, e)
	}
	var size int
	cpu0 := cpuTime()
	for b.Loop() {
		var cw countWriter
		if err := WritePrint(&cw, testSchool, entries, nil); err != nil {
			b.Fatal(err)
		}
		size = int(cw)
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "slips/s")
	if cpu := cpuTime() - cpu0; cpu > 0 {
		// Slips per second of CPU time: the rate on one otherwise idle
		// core, whatever else shares the machine (run with -cpu 1).
		b.ReportMetric(float64(n*b.N)/cpu.Seconds(), "slips/cpu-s")
	}
	b.ReportMetric(float64(size)/n, "bytes/slip")
}

type countWriter int

func (c *countWriter) Write(p []byte) (int, error) { *c += countWriter(len(p)); return len(p), nil }

var _ io.Writer = (*countWriter)(nil)

// A code no slip can carry (a 10 kB QR payload that slipped past import)
// stops only its own slip: the others are written, and what is said about
// it names the student masked and never the payload.
func TestWriteAllSkipsABadCode(t *testing.T) {
	good := entry(t, 2, "2a", "Sowa", "Ola")
	bad := entry(t, 5, "1b", "Nowak", "Jan")
	bad.QR = strings.Repeat("TAJNE", 2048)
	got, err := WriteAll(context.Background(), t.TempDir(), &codes.Store{SchoolName: testSchool, Entries: []codes.Entry{bad, good}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Slips) != 1 || len(got.PESELs) != 1 || got.PESELs[0] != good.PESEL {
		t.Errorf("slips %v for %v, want only the good one", got.Slips, got.PESELs)
	}
	if len(got.Skipped) != 1 || strings.Contains(got.Skipped[0], "TAJNE") || strings.Contains(got.Skipped[0], bad.PESEL) ||
		!strings.Contains(got.Skipped[0], bad.PESEL[:4]) {
		t.Errorf("skipped %q: want one line, masked PESEL, no payload", got.Skipped)
	}
	assertPrivatePDF(t, got.Print)
}
