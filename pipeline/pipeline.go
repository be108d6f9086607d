// Package pipeline runs one school through mlegit's stages, connected by
// channels in the errgroup style:
//
//	read roster(s) → validate → photos → collect → package → reports
//
// Each stage is one goroutine (the photo stage a bounded pool) that owns and
// closes its output channel. A student travels as a verdict: accepted with
// its parsed data, or rejected with every reason found. Bad input never
// stops the batch; only failures to write the output (or a cancelled
// context) end the run with an error, and Run hides all of it behind one
// blocking call.
package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/mlegit/mlegit/failpoint"
	"github.com/mlegit/mlegit/pesel"
	"github.com/mlegit/mlegit/reject"
	"github.com/mlegit/mlegit/report"
	"github.com/mlegit/mlegit/roster"
	"github.com/mlegit/mlegit/student"
	"github.com/mlegit/mlegit/texts"
)

// Config is one school's run.
type Config struct {
	School     string    // school identifier, used in file names
	SchoolName string    // printed on documents
	AsOf       time.Time // the date the rules are judged on
	Rosters    []string  // roster files (CSV or XLSX)
	OutDir     string    // where everything is written
	Profile    string    // photo profile name, for the summary
	Roster     *roster.Options

	Photos  PhotoStage // nil: no photo stage (roster-only validation)
	Pack    PackStage  // nil: no upload package
	Nightly *Nightly   // nil: no state store; every run starts from nothing

	Progress Progress     // nil: no progress reporting
	Log      *slog.Logger // nil: slog.Default()
}

// Progress is told about work as it happens, e.g. to drive a progress bar.
// Implementations must be safe for concurrent use.
type Progress interface {
	// Stage announces a stage and how many items it expects (-1: unknown).
	Stage(name string, total int)
	// Done reports n more items finished in the current stage.
	Done(n int)
}

// Verdict is one roster row on its way through the stages.
type Verdict struct {
	Record     roster.Record
	Student    student.Student // valid only when Rejections is empty
	Rejections []reject.Rejection

	photo  photoFacts // set by Nightly.Inspect
	dataOK bool       // the row passed validation (a photo may still fail)
}

// Accepted reports whether no stage has rejected the student.
func (v *Verdict) Accepted() bool { return len(v.Rejections) == 0 }

// Result is what a run produced.
type Result struct {
	Summary  report.Summary
	Accepted []student.Student
	// RostersRead counts roster files read successfully (at least one,
	// or Run fails with ErrNoRoster); FilesFailed those that could not be
	// used, each listed in the rejections.
	RostersRead, FilesFailed int
	// Sent lists the students put into tonight's upload package: all
	// accepted ones, or with Nightly only those new, changed or reissued.
	Sent []student.Student
	// Held: the mass-invalidation guard held the night (see
	// Summary.Held): the store is unchanged and no package was written.
	Held bool

	verdicts []*Verdict
}

// PhotoStage matches and normalises photos. Run receives every verdict
// (after validation, as a complete batch, because matching needs the whole
// school), must forward every verdict to out — rejecting accepted ones
// whose photo fails — and close out. Files it could not use it reports
// the returned slice. A returned error ends the run.
type PhotoStage interface {
	Run(ctx context.Context, in []*Verdict, out chan<- *Verdict) (PhotoReport, error)
}

// PhotoReport is what the photo stage tells about the photos folder
// beyond the students' verdicts.
type PhotoReport struct {
	Unmatched []string         // photo files that fit no student
	Warnings  []report.Warning // e.g. photos in subfolders, which are not read
}

// PackStage writes what goes out of the school: the upload package of
// tonight's students to send, and the files that list every accepted
// student (the SIO import).
type PackStage interface {
	// Package writes the upload package of send (never empty) under a
	// name taken does not hold (nil: any free name), and returns its path.
	Package(ctx context.Context, send []student.Student, taken func(name string) bool) (string, error)
	// List writes the files listing every accepted student.
	List(ctx context.Context, accepted []student.Student) error
}

// ErrNoRoster: no roster file of the run could be read; nothing was
// written.
var ErrNoRoster = errors.New("no roster file could be read")

// Run processes one school and writes its reports into cfg.OutDir. It
// returns an error only when the run could not complete (output not
// writable, context cancelled); rejected students are in the Result.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Progress == nil {
		cfg.Progress = nopProgress{}
	}
	if cfg.Nightly != nil {
		if err := cfg.Nightly.load(ctx, cfg.AsOf); err != nil {
			return nil, err
		}
	}
	res := &Result{Summary: report.Summary{
		School:     cfg.School,
		SchoolName: cfg.SchoolName,
		AsOf:       cfg.AsOf.Format(time.DateOnly),
		Profile:    cfg.Profile,
	}}

	g, gctx := errgroup.WithContext(ctx)
	records := make(chan roster.Record, 64)
	validated := make(chan *Verdict, 64)
	final := make(chan *Verdict, 64)

	g.Go(guard(cfg.Log, "roster", func() error {
		defer close(records)
		files, err := readRosters(gctx, cfg, records)
		res.Summary.Files = files
		return err
	}))
	g.Go(guard(cfg.Log, "validate", func() error {
		defer close(validated)
		return validate(gctx, cfg.AsOf, records, validated)
	}))
	var photoRep PhotoReport
	g.Go(guard(cfg.Log, "photos", func() (err error) {
		photoRep, err = photoStage(gctx, cfg, validated, final)
		return err
	}))
	g.Go(guard(cfg.Log, "collect", func() error {
		collect(final, res)
		return nil
	}))
	if err := g.Wait(); err != nil {
		return nil, err
	}
	res.Summary.UnmatchedPhotos = photoRep.Unmatched
	for _, f := range res.Summary.Files {
		for _, w := range f.Warnings {
			warn := report.Warning{File: f.File, Message: w}
			if w == roster.NoClassWarning {
				warn = report.NewWarning(report.WarnRosterNoClass, "no class column", "", texts.Args{"file": texts.Quoted(f.File)})
				warn.File = f.File
			}
			res.Summary.Warnings = append(res.Summary.Warnings, warn)
		}
	}
	res.Summary.Warnings = append(res.Summary.Warnings, photoRep.Warnings...)
	for _, f := range res.Summary.Files {
		if f.Error == "" {
			res.RostersRead++
		}
	}
	if res.RostersRead == 0 {
		// Nothing to work on: the previous night's summary and state stay
		// as they are rather than being replaced by empty ones, but the
		// secretariat's reports say in Polish why no file could be used.
		for _, f := range res.Summary.Files {
			cfg.Log.Error("roster file failed", "file", f.File, "err", f.Error)
		}
		held, err := report.WriteRejections(cfg.OutDir, &report.Summary{School: cfg.School, SchoolName: cfg.SchoolName,
			AsOf: res.Summary.AsOf, Rejections: fileRejections(res.Summary.Files)})
		if err != nil {
			return nil, fmt.Errorf("writing reports: %w", err)
		}
		res.Summary.HeldFiles = held
		logHeld(cfg.Log, held)
		return res, ErrNoRoster
	}
	res.FilesFailed = len(res.Summary.Files) - res.RostersRead
	res.Summary.Rejections = append(res.Summary.Rejections, fileRejections(res.Summary.Files)...)

	res.Sent = res.Accepted
	if n := cfg.Nightly; n != nil {
		// A roster file that could not be read hides students: nobody may
		// be taken for departed on such a night.
		complete := res.FilesFailed == 0
		if !complete {
			var failed []texts.Quoted
			for _, f := range res.Summary.Files {
				if f.Error != "" {
					failed = append(failed, texts.Quoted(f.File))
				}
			}
			w := report.NewWarning(report.WarnRosterIncomplete,
				"a roster file could not be read: no student is treated as having left tonight", "", texts.Args{"files": failed})
			w.File = "state"
			res.Summary.Warnings = append(res.Summary.Warnings, w)
		}
		nt, c, err := n.settle(ctx, res.verdicts, cfg.Photos != nil, complete)
		if err != nil {
			return nil, fmt.Errorf("recording the run in the state store: %w", err)
		}
		res.Sent = nt.send
		res.Summary.New, res.Summary.Changed, res.Summary.Unchanged = &c.New, &c.Changed, &c.Unchanged
		forgivePhotos(res, nt.plan.PhotoNotNeeded)
		res.Summary.Warnings = append(res.Summary.Warnings, noteWarnings(nt.plan.Notes)...)
		if nt.plan.Held {
			return res, hold(cfg, res, nt.plan)
		}
	}
	if err := pack(ctx, cfg, res); err != nil {
		return nil, err
	}
	if n := cfg.Nightly; n != nil {
		warns, err := n.housekeep(ctx, cfg.AsOf)
		if err != nil {
			return nil, fmt.Errorf("applying deadlines: %w", err)
		}
		res.Summary.Warnings = append(res.Summary.Warnings, warns...)
		if err := n.purgeMailPhotos(ctx, cfg.AsOf, cfg.OutDir, cfg.Log); err != nil {
			return nil, fmt.Errorf("applying deadlines: %w", err)
		}
		failpoint.Hit(PointDeadlinesApplied)
		// Photos parents e-mailed that nobody could be matched with.
		warns, err = mailWarnings(ctx, n.Store)
		if err != nil {
			return nil, err
		}
		res.Summary.Warnings = append(res.Summary.Warnings, warns...)
		// The summary names every package the store holds as waiting,
		// tonight's or a killed night's, never only tonight's counters.
		warns, err = n.summarizePackages(ctx, cfg, &res.Summary)
		if err != nil {
			return nil, err
		}
		res.Summary.Warnings = append(res.Summary.Warnings, warns...)
	}
	if err := report.Write(cfg.OutDir, &res.Summary); err != nil {
		return nil, fmt.Errorf("writing reports: %w", err)
	}
	failpoint.Hit(PointReportsWritten)
	logHeld(cfg.Log, res.Summary.HeldFiles)
	cfg.Log.Info("school done", "students", res.Summary.Students,
		"accepted", res.Summary.Accepted, "rejected", res.Summary.Rejected)
	return res, nil
}

// logHeld logs the reports another program held open, with the Polish
// message the secretariat reads.
func logHeld(log *slog.Logger, held []report.HeldFile) {
	for _, h := range held {
		log.Warn("report held open by another program; new version written beside it",
			"file", h.File, "written_to", h.WrittenTo, "komunikat", h.Komunikat)
	}
}

// collect drains the last stage into the result.
func collect(in <-chan *Verdict, res *Result) {
	for v := range in {
		res.verdicts = append(res.verdicts, v)
		res.Summary.Students++
		for _, n := range v.Record.Notes {
			w := report.Warning{Message: n}
			if n == roster.NotePESELPadded {
				w = report.NewWarning(report.WarnPESELRepaired, n, "", nil)
				w.PESEL = pesel.Masked(v.Record.PESEL)
			}
			w.File, w.Row = v.Record.File, v.Record.Row
			res.Summary.Warnings = append(res.Summary.Warnings, w)
		}
		if v.Accepted() {
			res.Summary.Accepted++
			res.Accepted = append(res.Accepted, v.Student)
			continue
		}
		res.Summary.Rejected++
		res.Summary.Rejections = append(res.Summary.Rejections, v.Rejections...)
	}
}

// ErrPanic marks a run ended by a panic in one of its stages: a bug met
// on this school's data. The school fails; a district run goes on.
var ErrPanic = errors.New("internal error")

// guard runs a stage's goroutine body, turning a panic into the stage's
// error (its stack goes to the log), so that a bug met on one school's
// data fails that school instead of the whole process: recover works only
// in the goroutine that panicked, so district.Run cannot catch it.
func guard(log *slog.Logger, stage string, f func() error) func() error {
	return func() (err error) {
		defer func() {
			if p := recover(); p != nil {
				log.Error("stage panicked", "stage", stage, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				err = fmt.Errorf("%s stage: %w: %v", stage, ErrPanic, p)
			}
		}()
		return f()
	}
}

type nopProgress struct{}

func (nopProgress) Stage(string, int) {}
func (nopProgress) Done(int)          {}
