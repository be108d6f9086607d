package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"modernc.org/sqlite" // pure-Go SQLite driver "sqlite": no cgo

	"github.com/mlegit/mlegit/codes"
	"github.com/mlegit/mlegit/pesel"
	"github.com/mlegit/mlegit/safefile"
)

// dsnParams are applied by the driver on every new connection: busy_timeout
// first (the driver always runs it first, so the switch to WAL below waits
// for a concurrent opener instead of failing), WAL so that readers never
// block the writer, and BEGIN IMMEDIATE for transactions, so a writer takes
// the write lock (waiting under busy_timeout) before it reads, instead of
// failing with SQLITE_BUSY when a deferred read upgrades to a write.
const dsnParams = "?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_txlock=immediate"

// Formats of times and dates on disk.
const (
	stampLayout = time.RFC3339
	dateLayout  = time.DateOnly
)

// Store is one school's state database. Its methods are safe for use by
// several goroutines.
type Store struct {
	db   *sql.DB
	path string
}

// Open opens (creating and migrating when needed) the store of school in
// dir: <dir>/<school>.sqlite, 0600 in a 0700 folder.
func Open(dir, school string) (*Store, error) {
	if err := checkSchool(school); err != nil {
		return nil, err
	}
	if strings.ContainsRune(dir, '?') {
		// The driver splits its DSN at the first '?'.
		return nil, fmt.Errorf("state: folder %q: '?' not allowed in the path", dir)
	}
	if err := safefile.MkdirAll(dir); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, school+".sqlite")
	// Create the file ourselves so that it is private from the start;
	// SQLite gives its -wal and -shm files the same mode.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, safefile.FileMode)
	if err != nil {
		return nil, fmt.Errorf("creating state store: %w", err)
	}
	f.Close()
	if err := os.Chmod(path, safefile.FileMode); err != nil {
		return nil, fmt.Errorf("restricting state store: %w", err)
	}
	db, err := sql.Open("sqlite", path+dsnParams)
	if err != nil {
		return nil, fmt.Errorf("opening state store %s: %w", path, err)
	}
	// The first statement connects (DSN pragmas) and migrates. SQLite
	// answers SQLITE_BUSY without waiting while another process closing its
	// last connection cleans up the WAL, or recovers it after a crash,
	// under an exclusive lock: retry for as long as the busy timeout.
	deadline := time.Now().Add(openRetry)
	for delay := 10 * time.Millisecond; ; delay = min(2*delay, 200*time.Millisecond) {
		err = migrate(context.Background(), db, migrations)
		if err == nil || !isBusy(err) || time.Now().After(deadline) {
			break
		}
		time.Sleep(delay)
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("opening state store %s: %w", path, err)
	}
	return &Store{db: db, path: path}, nil
}

// openRetry bounds Open's retries on SQLITE_BUSY; it matches busy_timeout.
const openRetry = 5 * time.Second

// isBusy reports whether err is SQLite's SQLITE_BUSY (5), extended or not.
func isBusy(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == 5
}

// checkSchool refuses school IDs that could not be a plain file name.
func checkSchool(school string) error {
	if school == "" || school == "." || school == ".." || strings.HasPrefix(school, ".") ||
		strings.ContainsAny(school, "/\\?\x00") {
		return fmt.Errorf("state: school %q cannot name a file", school)
	}
	return nil
}

// Close closes the database.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("closing state store %s: %w", s.path, err)
	}
	return nil
}

// Path returns the database file's path.
func (s *Store) Path() string { return s.path }

// Record is what the store holds about one student. Zero times are unset.
type Record struct {
	PESEL                          string
	State                          State
	Since                          time.Time // when it entered State
	Surname, FirstName, SecondName string
	Class                          string
	CardValid                      time.Time // date
	RowHash                        string
	PhotoHash                      string // sha256 of the source photo
	PhotoStat                      string // source photo's name, size and mtime when hashed
	OutputPhotoHash                string // sha256 of the produced photo
	PackagedAt                     time.Time
	CodesGenerated                 time.Time // date
	CodesValidUntil                time.Time // date
	CodesSimulated                 bool
	PickedUpBy                     string
	PickedUpAt                     time.Time
	PhotoPurgedAt                  time.Time
	// Issue numbers the student's card: 1 for the first, one more at each
	// reissue (a move back to new). Pickups belong to one issue.
	Issue int
	// CardHash is CardHash of the roster row: the fields printed on the
	// card. Empty in stores written before schema version 3.
	CardHash string
}

const recordColumns = `pesel, state, since, surname, first_name, second_name, class, card_valid,
	row_hash, photo_hash, output_photo_hash, packaged_at, codes_generated, codes_valid_until,
	codes_simulated, picked_up_by, picked_up_at, photo_purged_at, photo_stat, issue, card_hash`

func scanRecord(row interface{ Scan(...any) error }) (Record, error) {
	var r Record
	var state, since, card, packaged, gen, until, picked, purged string
	err := row.Scan(&r.PESEL, &state, &since, &r.Surname, &r.FirstName, &r.SecondName, &r.Class, &card,
		&r.RowHash, &r.PhotoHash, &r.OutputPhotoHash, &packaged, &gen, &until,
		&r.CodesSimulated, &r.PickedUpBy, &picked, &purged, &r.PhotoStat, &r.Issue, &r.CardHash)
	if err != nil {
		return r, err
	}
	if r.State, err = ParseState(state); err != nil {
		return r, err
	}
	for _, f := range []struct {
		dst    *time.Time
		src    string
		layout string
	}{
		{&r.Since, since, stampLayout}, {&r.CardValid, card, dateLayout},
		{&r.PackagedAt, packaged, stampLayout}, {&r.CodesGenerated, gen, dateLayout},
		{&r.CodesValidUntil, until, dateLayout}, {&r.PickedUpAt, picked, stampLayout},
		{&r.PhotoPurgedAt, purged, stampLayout},
	} {
		if f.src == "" {
			continue
		}
		if *f.dst, err = time.Parse(f.layout, f.src); err != nil {
			return r, fmt.Errorf("student %s: %w", pesel.Masked(r.PESEL), err)
		}
	}
	return r, nil
}

// Get returns the record of one student, or ErrNotFound.
func (s *Store) Get(ctx context.Context, p string) (Record, error) {
	r, err := scanRecord(s.db.QueryRowContext(ctx, `SELECT `+recordColumns+` FROM students WHERE pesel = ?`, p))
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("student %s: %w", pesel.Masked(p), ErrNotFound)
	}
	if err != nil {
		return r, fmt.Errorf("reading student %s: %w", pesel.Masked(p), err)
	}
	return r, nil
}

// Students returns the records in the given states (all when none is
// given), ordered by PESEL.
func (s *Store) Students(ctx context.Context, states ...State) ([]Record, error) {
	q := `SELECT ` + recordColumns + ` FROM students`
	args := make([]any, len(states))
	if len(states) > 0 {
		marks := make([]string, len(states))
		for i, st := range states {
			marks[i], args[i] = "?", st.String()
		}
		q += ` WHERE state IN (` + strings.Join(marks, ", ") + `)`
	}
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY pesel`, args...)
	if err != nil {
		return nil, fmt.Errorf("listing students: %w", err)
	}
	defer rows.Close()
	var out []Record
	for rows.Next() {
		r, err := scanRecord(rows)
		if err != nil {
			return nil, fmt.Errorf("listing students: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing students: %w", err)
	}
	return out, nil
}

// Event is one row of a student's history.
type Event struct {
	From, To State // From is the zero State when the student entered the store
	At       time.Time
	Reason   string
}

// History returns one student's transitions, oldest first.
func (s *Store) History(ctx context.Context, p string) ([]Event, error) {
	rows, err := s.db.QueryContext(ctx,
		`SELECT from_state, to_state, at, reason FROM history WHERE pesel = ? ORDER BY id`, p)
	if err != nil {
		return nil, fmt.Errorf("reading history of %s: %w", pesel.Masked(p), err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		var from, to, at string
		if err := rows.Scan(&from, &to, &at, &e.Reason); err != nil {
			return nil, fmt.Errorf("reading history of %s: %w", pesel.Masked(p), err)
		}
		if e.From, err = ParseState(from); err == nil {
			e.To, err = ParseState(to)
		}
		if err == nil {
			e.At, err = time.Parse(stampLayout, at)
		}
		if err != nil {
			return nil, fmt.Errorf("reading history of %s: %w", pesel.Masked(p), err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading history of %s: %w", pesel.Masked(p), err)
	}
	return out, nil
}

// Upsert records the roster data of items in one transaction. A PESEL the
// store does not hold enters in state new (history reason "roster"); for
// the others the names, class, card validity and hashes are replaced and
// the state is left alone. An empty PhotoHash on a student whose photo was
// purged keeps the stored hash.
//
// Call it after acting on the Plan (invalidations, reissues): it overwrites
// the data the Plan compares against.
func (s *Store) Upsert(ctx context.Context, items []Item, at time.Time) error {
	return inTx(ctx, s.db, func(tx *sql.Tx) error {
		// Prepared once: a nightly run upserts every student of the school.
		update, err := tx.PrepareContext(ctx, `UPDATE students SET surname = ?1, first_name = ?2,
			second_name = ?3, class = ?4, card_valid = ?5, row_hash = ?6, card_hash = ?10,
			photo_hash = CASE WHEN ?7 = '' AND photo_purged_at != '' THEN photo_hash ELSE ?7 END,
			photo_stat = CASE WHEN ?7 = '' AND photo_purged_at != '' THEN photo_stat ELSE ?9 END
			WHERE pesel = ?8`)
		if err != nil {
			return fmt.Errorf("preparing student update: %w", err)
		}
		defer update.Close()
		for _, it := range items {
			res, err := update.ExecContext(ctx,
				it.Surname, it.FirstName, it.SecondName, it.Class, date(it.CardValid), it.RowHash, it.PhotoHash, it.PESEL, it.PhotoStat, it.CardHash)
			if err != nil {
				return fmt.Errorf("updating student %s: %w", pesel.Masked(it.PESEL), err)
			}
			if n, _ := res.RowsAffected(); n > 0 {
				continue
			}
			_, err = tx.ExecContext(ctx, `INSERT INTO students (pesel, state, since, surname, first_name,
				second_name, class, card_valid, row_hash, photo_hash, photo_stat, card_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				it.PESEL, New.String(), stamp(at), it.Surname, it.FirstName, it.SecondName, it.Class,
				date(it.CardValid), it.RowHash, it.PhotoHash, it.PhotoStat, it.CardHash)
			if err != nil {
				return fmt.Errorf("adding student %s: %w", pesel.Masked(it.PESEL), err)
			}
			if err := addHistory(ctx, tx, it.PESEL, 0, New, at, "roster"); err != nil {
				return err
			}
		}
		return nil
	})
}

// RecordPhotos stores, in one transaction, the sha256 (hex) of the photo
// produced for each student (PESEL → hash).
func (s *Store) RecordPhotos(ctx context.Context, hashes map[string]string) error {
	return inTx(ctx, s.db, func(tx *sql.Tx) error {
		for p, h := range hashes {
			if _, err := tx.ExecContext(ctx, `UPDATE students SET output_photo_hash = ? WHERE pesel = ?`, h, p); err != nil {
				return fmt.Errorf("recording photo of %s: %w", pesel.Masked(p), err)
			}
		}
		return nil
	})
}

// RecordPhoto stores the sha256 (hex) of the photo produced for a student.
func (s *Store) RecordPhoto(ctx context.Context, p, outputHash string) error {
	return s.update(ctx, p, `UPDATE students SET output_photo_hash = ? WHERE pesel = ?`, outputHash, p)
}

// MarkPhotoPurged records that the student's photo was deleted at at (the
// caller deletes the file first). A second call keeps the first time.
func (s *Store) MarkPhotoPurged(ctx context.Context, p string, at time.Time) error {
	return s.update(ctx, p, `UPDATE students SET photo_purged_at =
		CASE WHEN photo_purged_at = '' THEN ? ELSE photo_purged_at END WHERE pesel = ?`, stamp(at), p)
}

// update runs a one-row UPDATE whose last argument is the PESEL p.
func (s *Store) update(ctx context.Context, p, q string, args ...any) error {
	res, err := s.db.ExecContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("updating student %s: %w", pesel.Masked(p), err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return fmt.Errorf("updating student %s: %w", pesel.Masked(p), ErrNotFound)
	}
	return nil
}

// RecordCodes records, in one transaction, the dates of the codes the
// portal returned (never the codes themselves) and moves packaged students
// to codes_received, confirming the packages holding their current card
// issue (see ConfirmPackage). Re-importing codes for a student already past
// packaged only refreshes the dates. A student in any other state (new,
// validated, invalidated) fails the whole import with a *TransitionError:
// filter the entries first, e.g. by Students(ctx, Packaged).
func (s *Store) RecordCodes(ctx context.Context, entries []codes.Entry, at time.Time) error {
	return inTx(ctx, s.db, func(tx *sql.Tx) error {
		for _, e := range entries {
			from, err := stateOf(ctx, tx, e.PESEL)
			if err != nil {
				return err
			}
			switch from {
			case Packaged:
				if err := move(ctx, tx, e.PESEL, CodesReceived, at, "codes imported"); err != nil {
					return err
				}
			case CodesReceived, SlipPrinted, PickedUp, Activated, Expired:
			default:
				return &TransitionError{PESEL: e.PESEL, From: from, To: CodesReceived}
			}
			_, err = tx.ExecContext(ctx, `UPDATE students SET codes_generated = ?, codes_valid_until = ?,
				codes_simulated = ? WHERE pesel = ?`, date(e.Generated), date(e.ValidUntil), e.Simulated, e.PESEL)
			if err != nil {
				return fmt.Errorf("recording codes of %s: %w", pesel.Masked(e.PESEL), err)
			}
		}
		// The codes prove the portal has the packages they answer.
		ps := make([]string, len(entries))
		for i, e := range entries {
			ps[i] = e.PESEL
		}
		return confirmPackagesOf(ctx, tx, ps, at, ConfirmedByCodes)
	})
}

// Pickup is one handed-over slip.
type Pickup struct {
	PESEL string
	By    string // who collected it
	At    time.Time
	// Issue is the card issue the slip belonged to (set by Pickups; the
	// current issue when recorded).
	Issue int
}

// RecordPickup records one pickup; see ImportPickups.
func (s *Store) RecordPickup(ctx context.Context, p, by string, at time.Time) error {
	return s.ImportPickups(ctx, []Pickup{{PESEL: p, By: by, At: at}})
}

// ImportPickups records pickups in one transaction, moving each student
// from slip_printed to picked_up (history at the pickup time) and adding
// the pickup of the student's current issue to the pickups table. A
// student already picked up or activated keeps its first pickup record.
// Any other state fails the whole import with a *TransitionError. Which
// states may be picked up is the lifecycle package's decision; this is
// the storage step.
func (s *Store) ImportPickups(ctx context.Context, pickups []Pickup) error {
	return inTx(ctx, s.db, func(tx *sql.Tx) error {
		for _, pu := range pickups {
			from, err := stateOf(ctx, tx, pu.PESEL)
			if err != nil {
				return err
			}
			switch from {
			case SlipPrinted:
			case PickedUp, Activated:
				continue
			default:
				return &TransitionError{PESEL: pu.PESEL, From: from, To: PickedUp}
			}
			if err := move(ctx, tx, pu.PESEL, PickedUp, pu.At, "pickup"); err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, `UPDATE students SET picked_up_by = ?, picked_up_at = ? WHERE pesel = ?`,
				pu.By, stamp(pu.At), pu.PESEL)
			if err != nil {
				return fmt.Errorf("recording pickup of %s: %w", pesel.Masked(pu.PESEL), err)
			}
			_, err = tx.ExecContext(ctx, `INSERT OR IGNORE INTO pickups (pesel, issue, by, at)
				SELECT pesel, issue, ?, ? FROM students WHERE pesel = ?`, pu.By, stamp(pu.At), pu.PESEL)
			if err != nil {
				return fmt.Errorf("recording pickup of %s: %w", pesel.Masked(pu.PESEL), err)
			}
		}
		return nil
	})
}

// Pickups returns every recorded pickup, of every issue, ordered by PESEL
// and issue.
func (s *Store) Pickups(ctx context.Context) ([]Pickup, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT pesel, issue, by, at FROM pickups ORDER BY pesel, issue`)
	if err != nil {
		return nil, fmt.Errorf("listing pickups: %w", err)
	}
	defer rows.Close()
	var out []Pickup
	for rows.Next() {
		var pu Pickup
		var at string
		if err := rows.Scan(&pu.PESEL, &pu.Issue, &pu.By, &at); err != nil {
			return nil, fmt.Errorf("listing pickups: %w", err)
		}
		if pu.At, err = time.Parse(stampLayout, at); err != nil {
			return nil, fmt.Errorf("listing pickups: %w", err)
		}
		out = append(out, pu)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing pickups: %w", err)
	}
	return out, nil
}

// Counts are the numbers `mlegit status` shows.
type Counts struct {
	Total   int
	ByState map[State]int
	ByClass map[string]map[State]int // class → state → students
}

// Counts counts the students per state and per class and state.
func (s *Store) Counts(ctx context.Context) (Counts, error) {
	c := Counts{ByState: map[State]int{}, ByClass: map[string]map[State]int{}}
	rows, err := s.db.QueryContext(ctx, `SELECT class, state, COUNT(*) FROM students GROUP BY class, state`)
	if err != nil {
		return c, fmt.Errorf("counting students: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var class, name string
		var n int
		if err := rows.Scan(&class, &name, &n); err != nil {
			return c, fmt.Errorf("counting students: %w", err)
		}
		st, err := ParseState(name)
		if err != nil {
			return c, fmt.Errorf("counting students: %w", err)
		}
		if c.ByClass[class] == nil {
			c.ByClass[class] = map[State]int{}
		}
		c.ByClass[class][st] += n
		c.ByState[st] += n
		c.Total += n
	}
	if err := rows.Err(); err != nil {
		return c, fmt.Errorf("counting students: %w", err)
	}
	return c, nil
}

// stamp formats a time for the store (empty for the zero time).
func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(stampLayout)
}

// date formats a calendar date for the store (empty for the zero time).
func date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(dateLayout)
}
