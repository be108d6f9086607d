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
	"time"

	"github.com/mlegit/mlegit/failpoint"
	"github.com/mlegit/mlegit/lifecycle"
	"github.com/mlegit/mlegit/pesel"
	"github.com/mlegit/mlegit/report"
	"github.com/mlegit/mlegit/rules"
	"github.com/mlegit/mlegit/state"
	"github.com/mlegit/mlegit/student"
)

// Nightly makes a run incremental through the school's state store: a
// student whose roster row and photo are unchanged gets no photo work, only
// students not yet sent (new, changed, reissued) go into the upload
// package, and the lifecycle rules run on the as-of date: students who
// left the roster or are now rejected are invalidated, name and data
// changes are invalidated and reissued, overdue codes expire, and photos
// are purged photo_retention_days after their codes were generated.
//
// Every step is a transaction in the store and is safe to repeat, so a run
// killed at any point and run again reaches the same final state. The
// package is written before students are marked packaged, never after.
type Nightly struct {
	Store     *state.Store
	PhotoDir  string // where the photo stage writes <PESEL>.jpg
	Deadlines state.Deadlines
	Now       func() time.Time // wall clock for history times; nil: time.Now

	at     time.Time
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

// settle applies tonight's verdicts to the store and returns the students
// to send in tonight's package. With complete false (a roster file failed)
// students missing from tonight's roster are not invalidated.
func (n *Nightly) settle(ctx context.Context, verdicts []*Verdict, photosRun, complete bool) ([]student.Student, Counts, error) {
	var c Counts
	var items []state.Item
	accepted := map[string]*Verdict{}
	rejected := map[string]string{} // PESEL → first code
	for _, v := range verdicts {
		if v.Accepted() {
			it := state.ItemOf(v.Student, v.photo.hash)
			it.PhotoStat = v.photo.stat
			items = append(items, it)
			accepted[it.PESEL] = v
			continue
		}
		if p, err := pesel.Parse(rules.CleanPESEL(v.Record.PESEL)); err == nil {
			if _, dup := rejected[string(p)]; !dup {
				rejected[string(p)] = string(v.Rejections[0].Code)
			}
		}
	}
	plan, err := n.Store.Plan(ctx, items)
	if err != nil {
		return nil, c, err
	}
	c = Counts{New: len(plan.New), Changed: len(plan.Changed), Unchanged: len(plan.Unchanged)}

	moves := &mover{ctx: ctx, store: n.Store, at: n.at}
	for _, r := range plan.Left {
		if !complete {
			break
		}
		reason := "left the roster (transfer)"
		if code, ok := rejected[r.PESEL]; ok {
			reason = "rejected by validation: " + code
		}
		moves.add(r.PESEL, state.Invalidated, reason)
	}
	for _, ch := range plan.Changed {
		what := changeReason(ch)
		switch {
		case issued(ch.Was.State):
			moves.add(ch.PESEL, state.Invalidated, what)
			moves.add(ch.PESEL, state.New, "reissue: "+what)
		case ch.Was.State == state.Expired:
			moves.add(ch.PESEL, state.New, "reissue: "+what)
		case ch.Was.State == state.Invalidated:
			// A manual invalidation (a parent's request) stands until the
			// school acts; the run's own ones and a lost device do not.
			ok, err := n.autoReissue(ctx, ch.PESEL)
			if err != nil {
				return nil, c, err
			}
			if ok {
				moves.add(ch.PESEL, state.New, "reissue: "+what)
			}
		}
	}
	for _, r := range plan.Unchanged {
		switch r.State {
		// Expired codes are reissued on request only (lifecycle/doc.go):
		// reissuing them here made a second run of the night undo the
		// first one's expiry (found by TestCrashPoints/purge).
		case state.Invalidated:
			ok, err := n.autoReissue(ctx, r.PESEL)
			if err != nil {
				return nil, c, err
			}
			if ok {
				moves.add(r.PESEL, state.New, "reissue: back on the roster and valid")
			}
		}
	}
	if err := moves.flush(); err != nil {
		return nil, c, err
	}
	if err := n.Store.Upsert(ctx, items, n.at); err != nil {
		return nil, c, err
	}
	recs, err := n.Store.Students(ctx, state.New)
	if err != nil {
		return nil, c, err
	}
	for _, r := range recs {
		if accepted[r.PESEL] != nil {
			moves.add(r.PESEL, state.Validated, "accepted")
		}
	}
	if err := moves.flush(); err != nil {
		return nil, c, err
	}
	if photosRun {
		if err := n.recordPhotos(ctx, accepted); err != nil {
			return nil, c, err
		}
	}
	ready, err := n.Store.Students(ctx, state.Validated)
	if err != nil {
		return nil, c, err
	}
	var send []student.Student
	for _, r := range ready {
		if v := accepted[r.PESEL]; v != nil {
			send = append(send, v.Student)
		}
	}
	return send, c, nil
}

// autoReissue reports whether an invalidated student, now accepted, gets
// a new card by itself: when the reason of the invalidation says so
// (lifecycle.Reason.AutoReissue).
func (n *Nightly) autoReissue(ctx context.Context, p string) (bool, error) {
	h, err := n.Store.History(ctx, p)
	if err != nil || len(h) == 0 {
		return false, err
	}
	return lifecycle.ReasonOf(h[len(h)-1].Reason).AutoReissue(), nil
}

// issued reports whether a card was (being) issued in state s: a change
// of data then invalidates it.
func issued(s state.State) bool { return lifecycle.InFlight.Has(s) }

func changeReason(ch state.Change) string {
	switch {
	case ch.Name:
		return "name changed"
	case ch.Row && ch.Photo:
		return "roster data and photo changed"
	case ch.Row:
		return "roster data changed"
	}
	return "photo changed"
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
// expire, passed card validity invalidates, and photos past retention are
// deleted. It returns warnings for the summary (deadlines near or past).
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
			warns = append(warns, report.Warning{File: "state", Message: fmt.Sprintf("%s: %s due %s (%d days left)",
				masked, d.Kind, d.Due.Format(time.DateOnly), d.DaysLeft)})
			continue
		}
		switch d.Kind {
		case state.Activation:
			moves.add(d.PESEL, state.Expired, "codes not activated by "+d.Due.Format(time.DateOnly))
		case state.CardValidity:
			moves.add(d.PESEL, state.Invalidated, "card validity passed on "+d.Due.Format(time.DateOnly))
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
			warns = append(warns, report.Warning{File: "state", Message: fmt.Sprintf("%s: codes overdue since %s",
				masked, d.Due.Format(time.DateOnly))})
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
