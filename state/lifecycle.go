package state

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mlegit/mlegit/pesel"
	"github.com/mlegit/mlegit/texts"
)

// State is where a student stands in the mLegitymacja lifecycle. The zero
// value is no state: the From of the history row that adds a student.
type State uint8

// The lifecycle states, in order; see the package documentation.
const (
	New State = iota + 1
	Validated
	Packaged
	CodesReceived
	SlipPrinted
	PickedUp
	Activated
	Expired
	Invalidated
)

var stateNames = [...]string{
	"none",
	New:           "new",
	Validated:     "validated",
	Packaged:      "packaged",
	CodesReceived: "codes_received",
	SlipPrinted:   "slip_printed",
	PickedUp:      "picked_up",
	Activated:     "activated",
	Expired:       "expired",
	Invalidated:   "invalidated",
}

// States lists every state in lifecycle order.
func States() []State {
	return []State{New, Validated, Packaged, CodesReceived, SlipPrinted, PickedUp, Activated, Expired, Invalidated}
}

// String returns the name stored on disk, e.g. "codes_received"; the zero
// State is "none".
func (s State) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return fmt.Sprintf("state(%d)", uint8(s))
}

// Polish returns the label shown to the secretariat, from the one
// vocabulary in package texts, e.g. "aktywowana".
func (s State) Polish() string { return texts.State(s.String()) }

// ParseState returns the State named name (as String gives it).
func ParseState(name string) (State, error) {
	for i, n := range stateNames {
		if n == name {
			return State(i), nil
		}
	}
	return 0, fmt.Errorf("state: unknown state %q", name)
}

// next holds the forward moves; invalidated is reachable from every state
// and is added by CanMoveTo.
var next = map[State][]State{
	New:       {Validated},
	Validated: {Packaged},
	Packaged:  {CodesReceived},
	// Activation proves the slip reached the student, recorded or not.
	CodesReceived: {SlipPrinted, Activated, Expired},
	SlipPrinted:   {PickedUp, Activated, Expired},
	PickedUp:      {Activated, Expired},
	Expired:       {New}, // reissue
	Invalidated:   {New}, // reissue
}

// CanMoveTo reports whether a student in state s may be moved to to. Staying
// in the same state is allowed (a no-op); the zero State moves nowhere.
func (s State) CanMoveTo(to State) bool {
	if s == 0 || to == 0 || int(to) >= len(stateNames) {
		return false
	}
	return s == to || to == Invalidated || slices.Contains(next[s], to)
}

// TransitionError is an illegal move, refused with nothing changed.
type TransitionError struct {
	PESEL    string // full number; Error masks it
	From, To State
}

func (e *TransitionError) Error() string {
	return fmt.Sprintf("state: student %s: illegal transition %s → %s", pesel.Masked(e.PESEL), e.From, e.To)
}

// ErrNotFound is returned for a PESEL the store does not hold.
var ErrNotFound = errors.New("state: student not in the store")

// Transition moves one student to state to, recording the move in the
// history with at (the run's as-of date with the wall time) and reason. A
// move to the state the student is already in does nothing and returns
// nil. An illegal move returns a *TransitionError; an unknown PESEL
// ErrNotFound.
//
// Moving to packaged records at as the packaging time (the start of the
// codes deadline). Moving back to new (a reissue) clears the packaging,
// codes, pickup and photo-purge records of the previous card and counts
// one more issue (Record.Issue).
func (s *Store) Transition(ctx context.Context, pesel string, to State, at time.Time, reason string) error {
	return s.TransitionAll(ctx, []string{pesel}, to, at, reason)
}

// TransitionAll moves every listed student to state to in one transaction:
// if any move is illegal (or a PESEL unknown) none is made.
func (s *Store) TransitionAll(ctx context.Context, pesels []string, to State, at time.Time, reason string) error {
	return inTx(ctx, s.db, func(tx *sql.Tx) error {
		for _, p := range pesels {
			if err := move(ctx, tx, p, to, at, reason); err != nil {
				return err
			}
		}
		return nil
	})
}

// Move is one transition of a batch given to Apply.
type Move struct {
	PESEL  string
	To     State
	Reason string // recorded in the history
}

// Apply makes the moves, in order, in one transaction: if any is illegal
// (or a PESEL unknown) none is made. A student may appear more than once,
// e.g. invalidated and then moved back to new (a reissue).
func (s *Store) Apply(ctx context.Context, at time.Time, moves ...Move) error {
	return inTx(ctx, s.db, func(tx *sql.Tx) error {
		for _, m := range moves {
			if err := move(ctx, tx, m.PESEL, m.To, at, m.Reason); err != nil {
				return err
			}
		}
		return nil
	})
}

// move is Transition inside tx.
func move(ctx context.Context, tx *sql.Tx, p string, to State, at time.Time, reason string) error {
	from, err := stateOf(ctx, tx, p)
	if err != nil {
		return err
	}
	if from == to {
		return nil
	}
	if !from.CanMoveTo(to) {
		return &TransitionError{PESEL: p, From: from, To: to}
	}
	// ?2 twice: in SQLite a SET expression reads the row as it was.
	q := `UPDATE students SET state = ?1, since = ?2 WHERE pesel = ?3`
	switch to {
	case Packaged:
		q = `UPDATE students SET state = ?1, since = ?2, packaged_at = ?2 WHERE pesel = ?3`
	case New:
		q = `UPDATE students SET state = ?1, since = ?2, output_photo_hash = '', issue = issue + 1,
			packaged_at = '', codes_generated = '', codes_valid_until = '', codes_simulated = 0,
			picked_up_by = '', picked_up_at = '', photo_purged_at = '' WHERE pesel = ?3`
	}
	if _, err := tx.ExecContext(ctx, q, to.String(), stamp(at), p); err != nil {
		return fmt.Errorf("moving %s to %s: %w", pesel.Masked(p), to, err)
	}
	return addHistory(ctx, tx, p, from, to, at, reason)
}

// ErrNoTime is returned for a change recorded without its time.
var ErrNoTime = errors.New("state: change without a time")

func addHistory(ctx context.Context, tx *sql.Tx, p string, from, to State, at time.Time, reason string) error {
	if at.IsZero() {
		return fmt.Errorf("student %s: %s → %s: %w", pesel.Masked(p), from, to, ErrNoTime)
	}
	_, err := tx.ExecContext(ctx,
		`INSERT INTO history (pesel, from_state, to_state, at, reason) VALUES (?, ?, ?, ?, ?)`,
		p, from.String(), to.String(), stamp(at), reason)
	if err != nil {
		return fmt.Errorf("recording history of %s: %w", pesel.Masked(p), err)
	}
	return nil
}

// stateOf reads the current state of p inside tx.
func stateOf(ctx context.Context, tx *sql.Tx, p string) (State, error) {
	var name string
	err := tx.QueryRowContext(ctx, `SELECT state FROM students WHERE pesel = ?`, p).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("student %s: %w", pesel.Masked(p), ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("reading state of %s: %w", pesel.Masked(p), err)
	}
	return ParseState(name)
}

// At is the time a run records: the calendar date of asOf (the run's
// as-of date) at the wall-clock time of now, in now's location.
func At(asOf, now time.Time) time.Time {
	y, m, d := asOf.Date()
	return time.Date(y, m, d, now.Hour(), now.Minute(), now.Second(), now.Nanosecond(), now.Location())
}

// Deadlines are the lifecycle limits, in days, from the configuration. A
// zero field takes its value from DefaultDeadlines.
type Deadlines struct {
	CodesDueDays       int // codes_due_days: portal codes due after packaging
	ActivationDays     int // activation_days: codes to be activated after generation
	PhotoRetentionDays int // photo_retention_days: photo kept after codes generated
	// WarnDays: how many days before its date a deadline is listed as near.
	// Negative: list only deadlines due today or overdue.
	WarnDays int
}

// DefaultDeadlines are the limits used for zero fields of Deadlines.
var DefaultDeadlines = Deadlines{CodesDueDays: 14, ActivationDays: 30, PhotoRetentionDays: 30, WarnDays: 3}

// DeadlineKind names what a Deadline is about.
type DeadlineKind string

// The deadline kinds, each with what the caller does once it is overdue.
const (
	// CodesDue: packaged, no codes yet; due CodesDueDays after packaging.
	// Overdue: chase the portal.
	CodesDue DeadlineKind = "codes_due"
	// Activation: codes received, slip printed or picked up, not activated;
	// due ActivationDays after the codes were generated. Overdue: move to
	// expired.
	Activation DeadlineKind = "activation"
	// CardValidity: the school card's validity date (any state but
	// invalidated). Overdue: move to invalidated.
	CardValidity DeadlineKind = "card_validity"
	// PhotoPurge: codes generated, photo not yet purged; the photo may be
	// kept PhotoRetentionDays after generation. Overdue: delete the photo
	// file, then MarkPhotoPurged.
	PhotoPurge DeadlineKind = "photo_purge"
)

// Deadline is one student's date that is near or past.
type Deadline struct {
	PESEL string
	Name  string // surname and first name
	Class string
	State State
	Kind  DeadlineKind
	Due   time.Time // the last day that is still in time (a UTC date)
	// DaysLeft counts days from the as-of date to Due: 0 on the day,
	// negative once overdue.
	DaysLeft int
	Overdue  bool // the as-of date is after Due
}

// deadlineRows is the one statement of which deadlines a student has: a
// row (pesel, class, state, surname, first_name, kind, due) per student
// and kind, due as YYYY-MM-DD, NULL when the stored date is unreadable.
// Due lists its rows, DueCounts counts them. A stored time counts by its
// own calendar date (the stamp's first ten characters), as civil does.
func deadlineRows(cfg Deadlines) (string, []any) {
	days := func(n int) string { return fmt.Sprintf("%+d days", n) }
	q := `SELECT pesel, class, state, surname, first_name, ? AS kind, date(substr(packaged_at, 1, 10), ?) AS due
			FROM students WHERE state = ? AND packaged_at <> ''
		UNION ALL SELECT pesel, class, state, surname, first_name, ?, date(codes_generated, ?)
			FROM students WHERE state IN (?, ?, ?) AND codes_generated <> ''
		UNION ALL SELECT pesel, class, state, surname, first_name, ?, date(card_valid)
			FROM students WHERE state <> ? AND card_valid <> ''
		UNION ALL SELECT pesel, class, state, surname, first_name, ?, date(codes_generated, ?)
			FROM students WHERE photo_purged_at = '' AND codes_generated <> ''`
	args := []any{
		string(CodesDue), days(cfg.CodesDueDays), Packaged.String(),
		string(Activation), days(cfg.ActivationDays), CodesReceived.String(), SlipPrinted.String(), PickedUp.String(),
		string(CardValidity), Invalidated.String(),
		string(PhotoPurge), days(cfg.PhotoRetentionDays),
	}
	return q, args
}

// Due lists the deadlines that are within cfg.WarnDays of the as-of date
// or past it, ordered by date, kind and PESEL. Dates are whole calendar
// days: asOf counts by its own calendar date, whatever its wall time.
// Only those deadlines are read from the store, not every student.
func (s *Store) Due(ctx context.Context, asOf time.Time, cfg Deadlines) ([]Deadline, error) {
	cfg = cfg.withDefaults()
	today := civil(asOf)
	q, args := deadlineRows(cfg)
	rows, err := s.db.QueryContext(ctx, `SELECT pesel, class, state, surname, first_name, kind, due FROM (`+q+`)
		WHERE due IS NULL OR due <= ?`, append(args, date(today.AddDate(0, 0, cfg.WarnDays)))...)
	if err != nil {
		return nil, fmt.Errorf("listing deadlines: %w", err)
	}
	defer rows.Close()
	var out []Deadline
	for rows.Next() {
		var d Deadline
		var st, surname, first, kind string
		var due sql.NullString
		if err := rows.Scan(&d.PESEL, &d.Class, &st, &surname, &first, &kind, &due); err != nil {
			return nil, fmt.Errorf("listing deadlines: %w", err)
		}
		if !due.Valid {
			return nil, fmt.Errorf("student %s: unreadable date for %s", pesel.Masked(d.PESEL), kind)
		}
		if d.State, err = ParseState(st); err != nil {
			return nil, fmt.Errorf("listing deadlines: %w", err)
		}
		if d.Due, err = time.Parse(dateLayout, due.String); err != nil {
			return nil, fmt.Errorf("student %s: %w", pesel.Masked(d.PESEL), err)
		}
		d.Name, d.Kind = strings.TrimSpace(surname+" "+first), DeadlineKind(kind)
		d.DaysLeft = int(d.Due.Sub(today).Hours() / 24)
		d.Overdue = d.DaysLeft < 0
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing deadlines: %w", err)
	}
	slices.SortFunc(out, func(a, b Deadline) int {
		return cmp.Or(a.Due.Compare(b.Due), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.PESEL, b.PESEL))
	})
	return out, nil
}

// DueCount counts the deadlines Due lists.
type DueCount struct {
	Overdue int // past their date
	Near    int // due today or within WarnDays
}

// DueCounts counts the deadlines Due would list, in one aggregate query
// (a dashboard needs the numbers, not the students).
func (s *Store) DueCounts(ctx context.Context, asOf time.Time, cfg Deadlines) (DueCount, error) {
	cfg = cfg.withDefaults()
	today := civil(asOf)
	q, args := deadlineRows(cfg)
	var c DueCount
	var unreadable int
	args = append([]any{date(today), date(today)}, args...)
	err := s.db.QueryRowContext(ctx, `SELECT COALESCE(SUM(due IS NULL), 0), COALESCE(SUM(due < ?), 0), COALESCE(SUM(due >= ?), 0)
		FROM (`+q+`) WHERE due IS NULL OR due <= ?`, append(args, date(today.AddDate(0, 0, cfg.WarnDays)))...).
		Scan(&unreadable, &c.Overdue, &c.Near)
	if err != nil {
		return c, fmt.Errorf("counting deadlines: %w", err)
	}
	if unreadable > 0 {
		return c, fmt.Errorf("counting deadlines: %d unreadable dates", unreadable)
	}
	return c, nil
}

func (d Deadlines) withDefaults() Deadlines {
	def := DefaultDeadlines
	if d.CodesDueDays == 0 {
		d.CodesDueDays = def.CodesDueDays
	}
	if d.ActivationDays == 0 {
		d.ActivationDays = def.ActivationDays
	}
	if d.PhotoRetentionDays == 0 {
		d.PhotoRetentionDays = def.PhotoRetentionDays
	}
	switch {
	case d.WarnDays == 0:
		d.WarnDays = def.WarnDays
	case d.WarnDays < 0:
		d.WarnDays = 0
	}
	return d
}

// civil is t's calendar date (in t's own location) as midnight UTC, so
// that day arithmetic never meets a DST change.
func civil(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// addDays is civil(t) plus n days, or zero when t is zero.
func addDays(t time.Time, n int) time.Time {
	if t.IsZero() {
		return t
	}
	return civil(t).AddDate(0, 0, n)
}
