package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/mlegit/mlegit/failpoint"
	"github.com/mlegit/mlegit/lifecycle"
	"github.com/mlegit/mlegit/pesel"
	"github.com/mlegit/mlegit/report"
	"github.com/mlegit/mlegit/rules"
	"github.com/mlegit/mlegit/state"
	"github.com/mlegit/mlegit/student"
	"github.com/mlegit/mlegit/texts"
)

// Nightly makes a run incremental through the school's state store: a
// student whose roster row and photo are unchanged gets no photo work, only
// students not yet sent (new, changed, reissued) go into the upload
// package, and the lifecycle rules of package lifecycle run on the as-of
// date (Night.Decide: transfers, passed card validity, name and printed
// data changes reissued, the mass-invalidation guard), overdue codes
// expire, and photos are purged photo_retention_days after their codes
// were generated.
//
// Every step is a transaction in the store and is safe to repeat, so a run
// killed at any point and run again reaches the same final state. The
// package is written before students are marked packaged, never after.
type Nightly struct {
	Store     *state.Store
	PhotoDir  string // where the photo stage writes <PESEL>.jpg
	Deadlines state.Deadlines
	Now       func() time.Time // wall clock for history times; nil: time.Now
	// Limit is the mass-invalidation guard (max_invalidations); the zero
	// Limit holds every withdrawal: use lifecycle.DefaultLimit.
	Limit lifecycle.Limit
	// ReissueOnNewPhoto: a new photo for an issued card reissues it
	// (reissue_on_new_photo); else it is a warning.
	ReissueOnNewPhoto bool

	at     time.Time
	asOf   time.Time
	stored map[string]state.Record
}

// Counts are what summary.json reports about the run's increment.
type Counts struct {
	New, Changed, Unchanged int
}

// photoFacts is what the nightly stage learned about a verdict's photo.
type photoFacts struct {
	hash, stat string
	reused     bool // unchanged: no photo work done
}

// load reads the store once at the start of a run.
func (n *Nightly) load(ctx context.Context, asOf time.Time) error {
	now := time.Now
	if n.Now != nil {
		now = n.Now
	}
	n.at = state.At(asOf, now())
	n.asOf = asOf
	recs, err := n.Store.Students(ctx)
	if err != nil {
		return fmt.Errorf("loading state: %w", err)
	}
	n.stored = make(map[string]state.Record, len(recs))
	for _, r := range recs {
		n.stored[r.PESEL] = r
	}
	return nil
}

// Inspect identifies an accepted student's source photo (from its file
// identity when the store already hashed the same file, else by hashing
// it) and reports whether the photo work can be skipped: the row and the
// photo are unchanged and the result of an earlier run is still valid.
// It is called from the photo workers' feeder, one verdict at a time.
func (n *Nightly) Inspect(v *Verdict, src string) (skip bool, err error) {
	st, err := os.Stat(src)
	if err != nil {
		return false, nil // the photo stage reports the unreadable file
	}
	stat := fmt.Sprintf("%s|%d|%d", filepath.Base(src), st.Size(), st.ModTime().UnixNano())
	rec, known := n.stored[string(v.Student.PESEL)]
	hash := ""
	if known && rec.PhotoStat == stat && rec.PhotoHash != "" {
		hash = rec.PhotoHash
	} else if hash, err = hashFile(src); err != nil {
		return false, nil
	}
	v.photo = photoFacts{hash: hash, stat: stat}
	if !known || rec.RowHash != state.RowHash(v.Student) || rec.PhotoHash != hash {
		return false, nil
	}
	switch rec.State {
	case state.New, state.Invalidated:
		return false, nil
	case state.Validated, state.Packaged:
		// The photo goes (or went) into a package: it must still be there.
		if _, err := os.Stat(filepath.Join(n.PhotoDir, string(v.Student.PESEL)+".jpg")); err != nil {
			return false, nil
		}
	}
	// Past packaging, the photo is not needed again (and may be purged):
	// expired codes too, until a reissue moves the student back to new.
	v.photo.reused = true
	return true, nil
}

func hashFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// night is what settle decided: the lifecycle plan and the students to
// send tonight.
type night struct {
	plan *lifecycle.Plan
	send []student.Student
}

// settle asks the lifecycle for tonight's plan from the verdicts and,
// unless the mass-invalidation guard holds the night (plan.Held), applies
// it and returns the students to send in tonight's package. With
// photosRun false (validation only) nothing is written. With complete
// false (a roster file failed) nobody is taken for departed.
func (n *Nightly) settle(ctx context.Context, verdicts []*Verdict, photosRun, complete bool) (*night, Counts, error) {
	rows := make([]lifecycle.Row, 0, len(verdicts))
	students := map[string]student.Student{}
	seen := map[string]bool{}
	for _, v := range verdicts {
		var row lifecycle.Row
		switch {
		case v.Accepted() && photosRun:
			it := state.ItemOf(v.Student, v.photo.hash)
			it.PhotoStat = v.photo.stat
			row = lifecycle.Row{PESEL: it.PESEL, Status: lifecycle.Accepted, Item: it}
		case v.Accepted() || v.dataOK:
			row = lifecycle.Row{PESEL: string(v.Student.PESEL), Status: lifecycle.NoPhoto, Item: state.ItemOf(v.Student, "")}
		default:
			p, err := pesel.Parse(rules.CleanPESEL(v.Record.PESEL))
			if err != nil {
				continue
			}
			row = lifecycle.Row{PESEL: string(p), Status: lifecycle.DataError}
		}
		if seen[row.PESEL] {
			continue // DUPLICATE_PESEL: both rows are data errors
		}
		seen[row.PESEL] = true
		if row.Status != lifecycle.DataError {
			students[row.PESEL] = v.Student
		}
		rows = append(rows, row)
	}
	stored := make([]state.Record, 0, len(n.stored))
	for _, r := range n.stored {
		stored = append(stored, r)
	}
	slices.SortFunc(stored, func(a, b state.Record) int { return strings.Compare(a.PESEL, b.PESEL) })
	reasons, err := lifecycle.LastReasons(ctx, n.Store, stored)
	if err != nil {
		return nil, Counts{}, err
	}
	nt := lifecycle.Night{
		AsOf: n.asOf, Complete: complete, ReissueOnNewPhoto: n.ReissueOnNewPhoto, Limit: n.Limit,
		PhotoOnFile: func(p string) bool {
			_, err := os.Stat(filepath.Join(n.PhotoDir, p+".jpg"))
			return err == nil
		},
	}
	plan := nt.Decide(stored, reasons, rows)
	c := Counts{New: plan.New, Changed: plan.Changed, Unchanged: plan.Unchanged}
	res := &night{plan: plan}
	if !photosRun {
		// Validation only: no lifecycle change, no package.
		plan.Held = false
		return res, c, nil
	}
	if plan.Held {
		return res, c, nil
	}
	if err := plan.Apply(ctx, n.Store, n.at); err != nil {
		return nil, c, err
	}
	accepted := map[string]*Verdict{}
	for _, v := range verdicts {
		if v.Accepted() {
			accepted[string(v.Student.PESEL)] = v
		}
	}
	if err := n.recordPhotos(ctx, accepted); err != nil {
		return nil, c, err
	}
	ready, err := n.Store.Students(ctx, state.Validated)
	if err != nil {
		return nil, c, err
	}
	for _, r := range ready {
		if plan.Sendable[r.PESEL] {
			res.send = append(res.send, students[r.PESEL])
		}
	}
	return res, c, nil
}

// recordPhotos stores the hash of each photo produced tonight.
func (n *Nightly) recordPhotos(ctx context.Context, accepted map[string]*Verdict) error {
	hashes := map[string]string{}
	for p, v := range accepted {
		if v.photo.reused || v.photo.hash == "" {
			continue
		}
		h, err := hashFile(filepath.Join(n.PhotoDir, p+".jpg"))
		if err != nil {
			return fmt.Errorf("hashing produced photo of %s: %w", pesel.Masked(p), err)
		}
		hashes[p] = h
	}
	return n.Store.RecordPhotos(ctx, hashes)
}

// housekeep applies the deadlines of the as-of date: overdue activations
// expire and photos past retention are deleted (a passed card validity is
// decided with the roster, in settle). It returns warnings for the summary (deadlines near or past).
func (n *Nightly) housekeep(ctx context.Context, asOf time.Time) ([]report.Warning, error) {
	due, err := n.Store.Due(ctx, asOf, n.Deadlines)
	if err != nil {
		return nil, err
	}
	moves := &mover{ctx: ctx, store: n.Store, at: n.at}
	var warns []report.Warning
	for _, d := range due {
		masked := pesel.Masked(d.PESEL)
		if !d.Overdue {
			w := report.NewWarning(report.WarnDeadlineNear, fmt.Sprintf("%s: %s due %s (%d days left)",
				masked, d.Kind, d.Due.Format(time.DateOnly), d.DaysLeft), "",
				texts.Args{"deadline": texts.Capital(texts.Deadline(string(d.Kind))), "due": d.Due, "days_left": d.DaysLeft})
			w.File, w.PESEL = "state", masked
			warns = append(warns, w)
			continue
		}
		switch d.Kind {
		case state.Activation:
			moves.add(d.PESEL, state.Expired, lifecycle.CodesExpired.Text("not activated by "+d.Due.Format(time.DateOnly)))
		case state.CardValidity:
			// Decided with the roster by lifecycle (Night.Decide), under
			// the mass-invalidation guard.
		case state.PhotoPurge:
			err := os.Remove(filepath.Join(n.PhotoDir, d.PESEL+".jpg"))
			if err != nil && !errors.Is(err, fs.ErrNotExist) {
				return nil, fmt.Errorf("purging photo of %s: %w", masked, err)
			}
			failpoint.Hit(PointPhotoRemoved)
			if err := n.Store.MarkPhotoPurged(ctx, d.PESEL, n.at); err != nil {
				return nil, err
			}
		case state.CodesDue:
			w := report.NewWarning(report.WarnCodesOverdue, fmt.Sprintf("%s: codes overdue since %s",
				masked, d.Due.Format(time.DateOnly)), "", texts.Args{"due": d.Due})
			w.File, w.PESEL = "state", masked
			warns = append(warns, w)
		}
	}
	return warns, moves.flush()
}

// mover batches transitions by target state and reason, applying each
// batch in one transaction, in the order first added.
type mover struct {
	ctx   context.Context
	store *state.Store
	at    time.Time
	order []moveKey
	batch map[moveKey][]string
}

type moveKey struct {
	to     state.State
	reason string
}

func (m *mover) add(p string, to state.State, reason string) {
	if m.batch == nil {
		m.batch = map[moveKey][]string{}
	}
	k := moveKey{to, reason}
	if _, ok := m.batch[k]; !ok {
		m.order = append(m.order, k)
	}
	m.batch[k] = append(m.batch[k], p)
}

func (m *mover) flush() error {
	for _, k := range m.order {
		if err := m.store.TransitionAll(m.ctx, m.batch[k], k.to, m.at, k.reason); err != nil {
			return fmt.Errorf("moving students to %s: %w", k.to, err)
		}
	}
	m.order, m.batch = nil, nil
	return nil
}
