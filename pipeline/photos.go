package pipeline

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"

	"golang.org/x/sync/errgroup"

	"github.com/mlegit/mlegit/pesel"
	"github.com/mlegit/mlegit/photos"
	"github.com/mlegit/mlegit/reject"
	"github.com/mlegit/mlegit/report"
	"github.com/mlegit/mlegit/rules"
	"github.com/mlegit/mlegit/student"
	"github.com/mlegit/mlegit/texts"
)

// photoStage hands the validated school to cfg.Photos, or passes every
// verdict through untouched when the run has no photo stage.
func photoStage(ctx context.Context, cfg Config, in <-chan *Verdict, out chan<- *Verdict) (PhotoReport, error) {
	var batch []*Verdict
	for v := range in {
		batch = append(batch, v)
	}
	if cfg.Photos != nil {
		return cfg.Photos.Run(ctx, batch, out)
	}
	defer close(out)
	return PhotoReport{}, sendAll(ctx, out, batch)
}

func sendAll(ctx context.Context, out chan<- *Verdict, vs []*Verdict) error {
	for _, v := range vs {
		select {
		case out <- v:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// Photos is the photo stage: it matches the files in SourceDir to the
// students and normalises each matched photo in a bounded worker pool
// into Config.Dir as <PESEL>.jpg.
type Photos struct {
	SourceDir string
	Config    photos.Config
	Progress  Progress // nil: none
	// Inspect, when set, is asked about each accepted student's matched
	// photo before it is queued; true skips the photo work (the result
	// of an earlier run stands). Nightly.Inspect is the one in use.
	Inspect func(v *Verdict, src string) (skip bool, err error)
}

// Run implements PhotoStage.
func (p *Photos) Run(ctx context.Context, in []*Verdict, out chan<- *Verdict) (PhotoReport, error) {
	defer close(out)
	prog := p.Progress
	if prog == nil {
		prog = nopProgress{}
	}
	var rep PhotoReport
	l, err := photos.ListDir(p.SourceDir)
	if err != nil {
		return rep, fmt.Errorf("listing photos: %w", err)
	}
	files := l.Files
	for _, d := range l.Subfolders {
		w := report.NewWarning(report.WarnPhotoSubfolder, "photos in subfolders are not read; move them into the photos folder",
			"", texts.Args{"folder": texts.Quoted(d)})
		w.File = d + "/"
		rep.Warnings = append(rep.Warnings, w)
	}
	offline := func(names []string, english, variant string) {
		for _, f := range names {
			name := pesel.MaskIn(f)
			w := report.NewWarning(report.WarnPhotoOffline, english, variant, texts.Args{"file": texts.Quoted(name)})
			w.File = name
			rep.Warnings = append(rep.Warnings, w)
		}
	}
	offline(l.Unreadable, "photo file cannot be read now (online-only in OneDrive?); keep it on this device and run again", "")
	offline(l.Special, "not a file (named pipe, socket or device); not read", "special")

	// Rejected students take part in matching too, so that their photos are
	// not reported as matching nobody; their matches are then ignored.
	// Matching sees each student with Row set to its index in `in` (two
	// roster files of one school may share a base name and row numbers).
	people := make([]student.Student, len(in))
	for i, v := range in {
		people[i] = identity(v)
		people[i].Row = i
	}
	m := photos.Match(people, files)
	for _, r := range m.Rejected {
		if v := in[r.Row]; v.Accepted() {
			rej := rules.Reject(v.Record, r.Code, r.Detail)
			rej.Szczegoly = r.Szczegoly
			v.Rejections = append(v.Rejections, rej)
		}
	}
	bySource := make(map[string]*Verdict, len(m.Matched))
	var jobs []photos.Job
	matched := make(map[*Verdict]bool, len(m.Matched))
	for _, mt := range m.Matched {
		v := in[mt.Student.Row]
		if v.Accepted() {
			src := filepath.Join(p.SourceDir, mt.File)
			jobs = append(jobs, photos.Job{Student: v.Student, Source: src})
			matched[v] = true
			bySource[src] = v
		}
	}
	var ready []*Verdict
	for _, v := range in {
		if !matched[v] {
			if v.Accepted() {
				// Accepted but no job: Match must have rejected it.
				rej := rules.Reject(v.Record, reject.PhotoMissing, "no file matches")
				rej.Szczegoly = reject.PhotoMissing.Detail("", texts.Args{"example": texts.Quoted(
					texts.PhotoNameExample(v.Record.Surname, v.Record.FirstName, v.Record.Class))})
				v.Rejections = append(v.Rejections, rej)
			}
			ready = append(ready, v)
		}
	}
	prog.Stage("photos", len(jobs))
	if err := sendAll(ctx, out, ready); err != nil {
		return rep, err
	}

	g, gctx := errgroup.WithContext(ctx)
	jobCh := make(chan photos.Job)
	results := make(chan photos.Result)
	g.Go(guard(slog.Default(), "photos", func() error {
		defer close(jobCh)
		for _, j := range jobs {
			if p.Inspect != nil {
				v := bySource[j.Source]
				skip, err := p.Inspect(v, j.Source)
				if err != nil {
					return err
				}
				if skip {
					prog.Done(1)
					select {
					case out <- v:
						continue
					case <-gctx.Done():
						return gctx.Err()
					}
				}
			}
			select {
			case jobCh <- j:
			case <-gctx.Done():
				return gctx.Err()
			}
		}
		return nil
	}))
	photos.Process(gctx, g, p.Config, jobCh, results)
	g.Go(guard(slog.Default(), "photos", func() error {
		for r := range results {
			v := bySource[r.Source]
			if r.Code != "" {
				rej := rules.Reject(v.Record, r.Code, r.Detail)
				rej.Szczegoly = r.Szczegoly
				v.Rejections = append(v.Rejections, rej)
			}
			for _, w := range r.Info.Warnings {
				name := pesel.MaskIn(filepath.Base(r.Source))
				rep.Warnings = append(rep.Warnings, report.Warning{File: name, PESEL: pesel.Masked(string(v.Student.PESEL)),
					Code: w.Code, Message: w.Err.Error(), Szczegoly: w.Polish(name)})
			}
			prog.Done(1)
			select {
			case out <- v:
			case <-gctx.Done():
				return gctx.Err()
			}
		}
		return nil
	}))
	if err := g.Wait(); err != nil {
		return rep, fmt.Errorf("photo stage: %w", err)
	}
	rep.Unmatched = m.Unmatched
	return rep, nil
}

// identity is the student as matching sees it: the parsed student when
// accepted, else what the roster row says.
func identity(v *Verdict) student.Student {
	if v.Accepted() {
		return v.Student
	}
	r := v.Record
	return student.Student{PESEL: pesel.PESEL(rules.CleanPESEL(r.PESEL)), Surname: r.Surname, FirstName: r.FirstName,
		SecondName: r.SecondName, Class: r.Class, File: r.File, Row: r.Row}
}
