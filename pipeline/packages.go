package pipeline

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/mlegit/mlegit/export"
	"github.com/mlegit/mlegit/failpoint"
	"github.com/mlegit/mlegit/report"
	"github.com/mlegit/mlegit/state"
	"github.com/mlegit/mlegit/student"
	"github.com/mlegit/mlegit/texts"
)

// Crash points of run, in the order a run reaches them; docs/crash-points.md
// says what is durable at each and what the next run does.
const (
	PointPackageWritten   = "run.package-written"   // the zip is renamed into OUT/package, not recorded
	PointPackageRecorded  = "run.package-recorded"  // package and its students' move to packaged committed
	PointListsWritten     = "run.sio-written"       // OUT/sio/legitymacje.csv replaced
	PointPhotoRemoved     = "run.photo-removed"     // a photo past retention deleted, its purge not recorded
	PointDeadlinesApplied = "run.deadlines-applied" // expiries, invalidations and purges committed
	PointReportsWritten   = "run.reports-written"   // summary.json, odrzuceni.csv and .xlsx replaced
)

// legacyPackagedReason is the history reason with which mlegit before
// package records moved students to packaged: a package whose students
// carry it was written by such a version, not by a killed run.
const legacyPackagedReason = "upload package written"

// pack is the package step: tonight's upload package is written (temp +
// rename), then recorded with its students in one transaction, then the
// SIO list is replaced. With a store, OUT/package is first made to agree
// with the store's records (see reconcilePackages).
func pack(ctx context.Context, cfg Config, res *Result) error {
	if cfg.Pack == nil {
		res.Sent = nil // nothing is sent without a package
		return nil
	}
	cfg.Progress.Stage("package", -1)
	n := cfg.Nightly
	var taken func(string) bool
	if n != nil {
		warns, recorded, err := n.reconcilePackages(ctx, cfg, res.Accepted)
		if err != nil {
			return fmt.Errorf("checking upload packages against the state store: %w", err)
		}
		res.Summary.Warnings = append(res.Summary.Warnings, warns...)
		taken = func(name string) bool { return recorded[name] }
	}
	if len(res.Sent) > 0 {
		path, err := cfg.Pack.Package(ctx, res.Sent, taken)
		if err != nil {
			return fmt.Errorf("building upload package: %w", err)
		}
		failpoint.Hit(PointPackageWritten)
		res.Summary.Package, res.Summary.Sent = filepath.Base(path), len(res.Sent)
		if n != nil {
			if err := n.recordPackage(ctx, path, res.Sent); err != nil {
				return fmt.Errorf("recording the upload package: %w", err)
			}
			failpoint.Hit(PointPackageRecorded)
		}
	}
	if err := cfg.Pack.List(ctx, res.Accepted); err != nil {
		return err
	}
	failpoint.Hit(PointListsWritten)
	return nil
}

// recordPackage records the package at path with its students, who move
// to packaged in the same transaction.
func (n *Nightly) recordPackage(ctx context.Context, path string, sent []student.Student) error {
	sha, err := hashFile(path)
	if err != nil {
		return fmt.Errorf("hashing %s: %w", path, err)
	}
	ps := make([]string, len(sent))
	for i, s := range sent {
		ps[i] = string(s.PESEL)
	}
	return n.Store.RecordPackage(ctx, filepath.Base(path), sha, ps, n.at)
}

// reconcilePackages makes OUT/package agree with the store's records
// before tonight's package is written, and returns the recorded names:
//
//   - a package file with no record that a killed run wrote (its students
//     were never moved to packaged) is removed: tonight's package holds
//     its students again, under the same name when nothing changed;
//   - a package file with no record that an older mlegit wrote (its
//     students were moved to packaged with the old reason) is adopted;
//   - a waiting package whose file is gone is rebuilt when every student
//     in it still waits and is accepted tonight, and the rebuilt zip has
//     the recorded hash; otherwise a Polish warning says so.
//
// Files not named like a package, or unreadable, are left alone (warned).
func (n *Nightly) reconcilePackages(ctx context.Context, cfg Config, accepted []student.Student) ([]report.Warning, map[string]bool, error) {
	recs, err := n.Store.Packages(ctx)
	if err != nil {
		return nil, nil, err
	}
	recorded := make(map[string]bool, len(recs))
	for _, p := range recs {
		recorded[p.Name] = true
	}
	dir := filepath.Join(cfg.OutDir, export.PackageDir)
	files, err := filepath.Glob(filepath.Join(dir, "mlegitymacja-*.zip"))
	if err != nil {
		return nil, nil, err
	}
	var warns []report.Warning
	adopted := false
	for _, f := range files {
		name := filepath.Base(f)
		_, day, ok := export.ParsePackageName(name)
		if !ok || recorded[name] {
			continue
		}
		rows, err := export.ReadManifest(f)
		if err != nil {
			w := report.NewWarning(report.WarnPackageUnreadable, fmt.Sprintf(
				"package/%s cannot be read as a package and is not in the state store; left as it is", name), "",
				texts.Args{"file": texts.Quoted(name)})
			w.File = name
			warns = append(warns, w)
			continue
		}
		ps := make([]string, len(rows))
		for i, r := range rows {
			ps[i] = r.PESEL
		}
		legacy, err := n.writtenByOlder(ctx, ps)
		if err != nil {
			return nil, nil, err
		}
		if legacy {
			sha, err := hashFile(f)
			if err != nil {
				return nil, nil, fmt.Errorf("hashing %s: %w", f, err)
			}
			st, err := os.Stat(f)
			if err != nil {
				return nil, nil, err
			}
			if err := n.Store.AdoptPackage(ctx, name, sha, ps, state.At(day, st.ModTime())); err != nil {
				return nil, nil, err
			}
			recorded[name], adopted = true, true
			continue
		}
		if err := os.Remove(f); err != nil {
			return nil, nil, fmt.Errorf("removing the unrecorded package %s: %w", name, err)
		}
		cfg.Log.Info("removed an upload package a killed run wrote but never recorded; its students go into tonight's package",
			"package", name, "students", len(ps))
	}
	if adopted {
		if recs, err = n.Store.Packages(ctx); err != nil {
			return nil, nil, err
		}
	}
	byPESEL := make(map[string]student.Student, len(accepted))
	for _, s := range accepted {
		byPESEL[string(s.PESEL)] = s
	}
	for _, p := range recs {
		path := filepath.Join(dir, p.Name)
		if !p.IsWaiting() || fileExists(path) {
			continue
		}
		ok, err := n.rebuild(ctx, p, path, byPESEL)
		if err != nil {
			return nil, nil, err
		}
		if ok {
			cfg.Log.Info("rebuilt a waiting upload package whose file was missing", "package", p.Name)
			continue
		}
		w := report.NewWarning(report.WarnPackageLost, fmt.Sprintf(
			"package %s (created %s, %d students) is missing from package/, cannot be rebuilt and was not confirmed uploaded; if it was sent: mlegit package uploaded %s",
			p.Name, p.Created.Format(time.DateOnly), p.Students, p.Name), "",
			texts.Args{"package": texts.Quoted(p.Name), "created": p.Created, "students": p.Students})
		w.File = p.Name
		warns = append(warns, w)
	}
	return warns, recorded, nil
}

// writtenByOlder reports whether a student of an unrecorded package was
// moved to packaged by an mlegit that did not record packages.
func (n *Nightly) writtenByOlder(ctx context.Context, pesels []string) (bool, error) {
	for _, p := range pesels {
		if _, known := n.stored[p]; !known {
			continue
		}
		h, err := n.Store.History(ctx, p)
		if err != nil {
			return false, err
		}
		for _, e := range h {
			if e.To == state.Packaged && e.Reason == legacyPackagedReason {
				return true, nil
			}
		}
	}
	return false, nil
}

// rebuild writes a waiting package again from tonight's data when all its
// students still wait in it and are accepted tonight with their photos at
// hand, and keeps it only when its hash is the recorded one.
func (n *Nightly) rebuild(ctx context.Context, p state.Package, path string, accepted map[string]student.Student) (bool, error) {
	if p.Waiting != p.Students {
		return false, nil
	}
	_, day, ok := export.ParsePackageName(p.Name)
	if !ok {
		return false, nil
	}
	ps, err := n.Store.PackageStudents(ctx, p.Name)
	if err != nil {
		return false, err
	}
	students := make([]student.Student, 0, len(ps))
	for _, pe := range ps {
		s, ok := accepted[pe]
		if !ok || !fileExists(filepath.Join(n.PhotoDir, pe+".jpg")) {
			return false, nil
		}
		students = append(students, s)
	}
	if err := export.WritePackageAt(path, day, students, n.PhotoDir); err != nil {
		return false, nil
	}
	if sha, err := hashFile(path); err == nil && sha == p.SHA256 {
		return true, nil
	}
	// Not the package the portal may have: never leave a look-alike.
	if err := os.Remove(path); err != nil {
		return false, fmt.Errorf("removing a rebuilt package that differs: %w", err)
	}
	return false, nil
}

// summarizePackages fills the summary's package fields from the store:
// every waiting package (oldest first, with its age), tonight's package
// (the newest waiting one created on the as-of date) and its students, and
// a Polish warning for each package waiting longer than the codes
// deadline.
func (n *Nightly) summarizePackages(ctx context.Context, cfg Config, sum *report.Summary) ([]report.Warning, error) {
	waiting, err := n.Store.WaitingPackages(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing waiting packages: %w", err)
	}
	due := n.Deadlines.CodesDueDays
	if due <= 0 {
		due = state.DefaultDeadlines.CodesDueDays
	}
	var warns []report.Warning
	sum.WaitingPackages = Waiting(waiting, cfg.AsOf)
	sum.Package, sum.Sent = "", 0
	for _, p := range waiting {
		age := p.AgeDays(cfg.AsOf)
		if age == 0 {
			sum.Package, sum.Sent = p.Name, p.Students
		}
		if age > due {
			w := report.NewWarning(report.WarnPackageNotSent, fmt.Sprintf(
				"package %s (created %s, %d students) has waited %d days for upload, over the %d days for codes; after sending: mlegit package uploaded %s",
				p.Name, p.Created.Format(time.DateOnly), p.Students, age, due, p.Name), "",
				texts.Args{"package": texts.Quoted(p.Name), "created": p.Created, "students": p.Students, "days": age, "due_days": due})
			w.File = p.Name
			warns = append(warns, w)
		}
	}
	return warns, nil
}

// Waiting turns the store's waiting packages into the summary's
// waiting_packages, their ages judged on asOf.
func Waiting(ps []state.Package, asOf time.Time) []report.WaitingPackage {
	out := make([]report.WaitingPackage, 0, len(ps))
	for _, p := range ps {
		out = append(out, report.WaitingPackage{Name: p.Name, Created: p.Created.Format(time.RFC3339),
			Students: p.Students, AgeDays: p.AgeDays(asOf)})
	}
	return out
}

// polishDate formats a date the way the secretariat reads it: DD.MM.RRRR.
func polishDate(t time.Time) string { return t.Format("02.01.2006") }

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
