package district

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mlegit/mlegit/pipeline"
)

type panicOnStage string

func (p panicOnStage) Stage(name string, _ int) {
	if name == string(p) {
		panic("bug met reading this school")
	}
}
func (panicOnStage) Done(int) {}

// A panic inside one school's pipeline (in a stage's own goroutine) is
// that school's failure; the other schools complete.
func TestPanicInOneSchoolsStage(t *testing.T) {
	dir := t.TempDir()
	roster := filepath.Join(dir, "r.csv")
	os.WriteFile(roster, []byte("Nazwisko;Imię;PESEL;Numer legitymacji;Oddział\nKamiński;Paweł;11210110089;1/2024;1b\n"), 0o600)
	run := func(ctx context.Context, s School) (*Outcome, error) {
		cfg := pipeline.Config{School: s.ID, AsOf: time.Date(2026, 9, 15, 0, 0, 0, 0, time.UTC),
			Rosters: []string{roster}, OutDir: filepath.Join(dir, s.ID)}
		if s.ID == "sp002" {
			cfg.Progress = panicOnStage("roster")
		}
		res, err := pipeline.Run(ctx, cfg)
		if err != nil {
			return nil, err
		}
		return &Outcome{Students: res.Summary.Students, Accepted: res.Summary.Accepted, Rejected: res.Summary.Rejected}, nil
	}
	sum, _, err := Run(context.Background(), schools(3), 2, run)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range sum.Schools {
		failed := r.Status == StatusFailed
		if failed != (r.School == "sp002") {
			t.Errorf("school %s: status %s (%s)", r.School, r.Status, r.Error)
		}
		if failed && !strings.Contains(r.Error, "internal error") {
			t.Errorf("school %s: error %q does not say it was an internal error", r.School, r.Error)
		}
		if !failed && r.Students != 1 {
			t.Errorf("school %s: %d students, want 1", r.School, r.Students)
		}
	}
	if sum.Failed != 1 {
		t.Errorf("%d schools failed, want 1", sum.Failed)
	}
}
