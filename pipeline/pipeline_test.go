package pipeline

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mlegit/mlegit/reject"
	"github.com/mlegit/mlegit/report"
	"github.com/mlegit/mlegit/roster"
	"github.com/mlegit/mlegit/student"
)

const rosterText = "Nazwisko;Imię;PESEL;Numer legitymacji\n" +
	"Kamiński;Paweł;11210110089;1/2024\n" +
	"Nowak;Jan;11210110088;2/2024\n" + // checksum
	"Wójcik;Ola;02270803624;3/2024\n" +
	"Wójcik;Ala;02270803624;4/2024\n" // duplicate of the row above

func writeRoster(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "r.csv")
	if err := os.WriteFile(p, []byte(rosterText), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

type countingProgress struct {
	mu     sync.Mutex
	stages []string
	done   int
}

func (p *countingProgress) Stage(name string, total int) {
	p.mu.Lock()
	p.stages = append(p.stages, name)
	p.mu.Unlock()
}
func (p *countingProgress) Done(n int) { p.mu.Lock(); p.done += n; p.mu.Unlock() }

// packRecorder is an in-memory PackStage.
type packRecorder struct{ got []student.Student }

func (p *packRecorder) Package(_ context.Context, send []student.Student, _ func(string) bool) (string, error) {
	p.got = send
	return "/x/pkg.zip", nil
}

func (p *packRecorder) List(context.Context, []student.Student) error { return nil }

func TestRunVerdicts(t *testing.T) {
	prog := &countingProgress{}
	pack := &packRecorder{}
	res, err := Run(context.Background(), Config{
		School: "s", AsOf: time.Date(2026, 9, 15, 0, 0, 0, 0, time.UTC),
		Rosters: []string{writeRoster(t)}, OutDir: t.TempDir(),
		Progress: prog, Pack: pack,
	})
	if err != nil {
		t.Fatal(err)
	}
	s := res.Summary
	if s.Students != 4 || s.Accepted != 1 || s.Rejected != 3 {
		t.Fatalf("counts %d/%d/%d", s.Students, s.Accepted, s.Rejected)
	}
	var dups int
	for _, r := range s.Rejections {
		if r.Code == reject.DuplicatePESEL {
			dups++
		}
	}
	if dups != 2 {
		t.Errorf("%d DUPLICATE_PESEL rejections, want both rows", dups)
	}
	if len(pack.got) != 1 || pack.got[0].Surname != "Kamiński" || s.Package != "pkg.zip" {
		t.Errorf("packed %v, summary package %q", pack.got, s.Package)
	}
	if prog.done != 4 || len(prog.stages) == 0 {
		t.Errorf("progress: stages %v, done %d", prog.stages, prog.done)
	}
}

func TestRunCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Run(ctx, Config{School: "s", Rosters: []string{writeRoster(t)}, OutDir: t.TempDir()})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestRunOutputNotWritable(t *testing.T) {
	// A path under a regular file fails even for root, who ignores
	// folder permissions.
	file := filepath.Join(t.TempDir(), "plik")
	os.WriteFile(file, nil, 0o600)
	_, err := Run(context.Background(), Config{School: "s", Rosters: []string{writeRoster(t)},
		OutDir: filepath.Join(file, "out")})
	if err == nil {
		t.Error("no error writing reports under a regular file")
	}
}

// A roster without a class column is read with a Polish warning in the
// summary; one with two PESEL columns is the file's FILE_COLUMNS_AMBIGUOUS
// rejection, naming both columns, and the other roster goes on.
func TestRunHeaderWarningsAndAmbiguity(t *testing.T) {
	dir := t.TempDir()
	ambiguous := filepath.Join(dir, "dwa.csv")
	os.WriteFile(ambiguous, []byte("Nazwisko;Imię;PESEL;Numer legitymacji;Nr PESEL\nNowak;Jan;11210110089;1/2024;11210110089\n"), 0o600)
	res, err := Run(context.Background(), Config{School: "s", AsOf: time.Date(2026, 9, 15, 0, 0, 0, 0, time.UTC),
		Rosters: []string{writeRoster(t), ambiguous}, OutDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	var warned, rejected bool
	for _, w := range res.Summary.Warnings {
		warned = warned || (w.File == "r.csv" && w.Code == report.WarnRosterNoClass && strings.Contains(w.Szczegoly, "„r.csv”"))
	}
	for _, r := range res.Summary.Rejections {
		rejected = rejected || (r.File == "dwa.csv" && r.Code == reject.FileColumnsAmbiguous &&
			strings.Contains(r.Szczegoly, "C („PESEL”) i E („Nr PESEL”)"))
	}
	if !warned || !rejected || res.Summary.Students != 4 {
		t.Errorf("no-class warning %v, ambiguity rejection %v, students %d; summary %+v", warned, rejected, res.Summary.Students, res.Summary)
	}
}

// One school saved by LibreOffice as XLSX, ODS, XLS and CSV gives the same
// summary: counts, and the same reasons for the same students (PESEL) on
// the same rows. Names are not compared: the one formula of the school
// (=HYPERLINK in a surname) keeps its text only in XLSX and ODS, while it
// is rejected alike in all four (fixtures: roster/testdata/make-fixtures.sh).
// The XLS saved in the 1904 date system (tekst-1904.xls) gives it too: its
// dates of birth agree with the PESELs as the other formats' do.
func TestSameSchoolSameSummaryInEveryFormat(t *testing.T) {
	type line struct {
		Row   int
		PESEL string
		Code  reject.Code
	}
	summary := func(ext string) (counts [3]int, lines []line) {
		res, err := Run(context.Background(), Config{School: "s", AsOf: time.Date(2026, 9, 15, 0, 0, 0, 0, time.UTC),
			Rosters: []string{filepath.Join("..", "roster", "testdata", "tekst"+ext)}, OutDir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		s := res.Summary
		for _, r := range s.Rejections {
			lines = append(lines, line{r.Row, r.PESEL, r.Code})
		}
		return [3]int{s.Students, s.Accepted, s.Rejected}, lines
	}
	wantCounts, wantLines := summary(".xlsx")
	if wantCounts[0] < 20 || wantCounts[2] == 0 {
		t.Fatalf("tekst.xlsx: students/accepted/rejected %v; the fixture should hold good and bad rows", wantCounts)
	}
	for _, ext := range []string{".ods", ".xls", ".csv", "-1904.xls"} {
		counts, lines := summary(ext)
		if counts != wantCounts || !reflect.DeepEqual(lines, wantLines) {
			t.Errorf("tekst%s: %v %v\nwant (xlsx) %v %v", ext, counts, lines, wantCounts, wantLines)
		}
	}
}

// panicky panics when the named stage starts: a bug met inside a stage's
// own goroutine, where no caller's recover can reach.
type panicky struct{ stage string }

func (p panicky) Stage(name string, _ int) {
	if name == p.stage {
		panic("bug in the " + name + " stage")
	}
}
func (panicky) Done(int) {}

// A panic in any stage's goroutine ends the run with ErrPanic instead of
// the process.
func TestRunStagePanicIsAnError(t *testing.T) {
	for _, stage := range []string{"roster", "photos"} {
		t.Run(stage, func(t *testing.T) {
			_, err := Run(context.Background(), Config{School: "s", AsOf: time.Date(2026, 9, 15, 0, 0, 0, 0, time.UTC),
				Rosters: []string{writeRoster(t)}, OutDir: t.TempDir(), Progress: panicky{stage},
				Photos: &Photos{SourceDir: t.TempDir(), Progress: panicky{stage}}})
			if !errors.Is(err, ErrPanic) || !strings.Contains(err.Error(), "bug in the "+stage) {
				t.Errorf("err = %v, want ErrPanic naming the panic", err)
			}
		})
	}
}

// The secretariat reads why a workbook was refused: too large unpacked
// (a zip bomb), a damaged .xls, or a file a reader stopped on.
func TestPolishFileErrorWorkbooks(t *testing.T) {
	for err, want := range map[error]string{
		fmt.Errorf("reading b.xlsx: %w", roster.ErrTooLarge):      "po rozpakowaniu byłby większy niż",
		fmt.Errorf("reading b.xls: %w", roster.ErrXLSBroken):      "nie otwiera się jako skoroszyt XLS",
		fmt.Errorf("reading b.ods: %w: x", roster.ErrReaderPanic): "jest uszkodzony",
	} {
		if got := polishFileError("b", err); !strings.Contains(got, want) {
			t.Errorf("%v: %q lacks %q", err, got, want)
		}
	}
}
