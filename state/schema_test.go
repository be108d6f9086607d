package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"sync"
	"testing"
	"time"
)

func userVersion(t *testing.T, s *Store) int {
	t.Helper()
	var v int
	noErr(t, s.db.QueryRow("PRAGMA user_version").Scan(&v))
	return v
}

func hasColumn(t *testing.T, s *Store, table, column string) bool {
	t.Helper()
	var n int
	noErr(t, s.db.QueryRow(`SELECT COUNT(*) FROM pragma_table_info(?) WHERE name = ?`, table, column).Scan(&n))
	return n == 1
}

func TestMigrations(t *testing.T) {
	t.Run("from an empty file", func(t *testing.T) {
		dir := t.TempDir()
		noErr(t, os.WriteFile(dir+"/szkola.sqlite", nil, 0o600))
		s, err := Open(dir, "szkola")
		noErr(t, err)
		defer s.Close()
		if v := userVersion(t, s); v != len(migrations) {
			t.Errorf("user_version %d, want %d", v, len(migrations))
		}
		if !hasColumn(t, s, "students", "row_hash") || !hasColumn(t, s, "history", "reason") {
			t.Error("tables missing")
		}
	})
	t.Run("reopen is idempotent", func(t *testing.T) {
		dir := t.TempDir()
		for i := range 3 {
			s, err := Open(dir, "szkola")
			noErr(t, err)
			noErr(t, s.Upsert(t.Context(), []Item{item(testPESEL(i), "1a")}, day0))
			if v := userVersion(t, s); v != len(migrations) {
				t.Errorf("open %d: user_version %d", i, v)
			}
			c, err := s.Counts(t.Context())
			noErr(t, err)
			if c.Total != i+1 {
				t.Errorf("open %d: %d students, want %d", i, c.Total, i+1)
			}
			noErr(t, s.Close())
		}
	})
	t.Run("to a later version, keeping the data", func(t *testing.T) {
		s := openTest(t)
		seed(t, s, testPESEL(1), "1a", Validated)
		later := append(slices.Clone(migrations), `ALTER TABLE students ADD COLUMN note TEXT NOT NULL DEFAULT ''`)
		noErr(t, migrate(t.Context(), s.db, later))
		noErr(t, migrate(t.Context(), s.db, later)) // again: nothing to do
		if v := userVersion(t, s); v != len(later) {
			t.Errorf("user_version %d, want %d", v, len(later))
		}
		if !hasColumn(t, s, "students", "note") {
			t.Error("column not added")
		}
		stateIs(t, s, testPESEL(1), Validated)
	})
	t.Run("a failing step rolls back every step of the run", func(t *testing.T) {
		s := openTest(t)
		bad := append(slices.Clone(migrations), `CREATE TABLE extra (a TEXT)`, `THIS IS NOT SQL`)
		if err := migrate(t.Context(), s.db, bad); err == nil {
			t.Fatal("migrate succeeded")
		}
		if v := userVersion(t, s); v != len(migrations) {
			t.Errorf("user_version %d after failure, want %d", v, len(migrations))
		}
		var n int
		noErr(t, s.db.QueryRow(`SELECT COUNT(*) FROM sqlite_schema WHERE name = 'extra'`).Scan(&n))
		if n != 0 {
			t.Error("first step of the failed run kept")
		}
	})
	t.Run("a store from a newer mlegit is refused", func(t *testing.T) {
		dir := t.TempDir()
		s, err := Open(dir, "szkola")
		noErr(t, err)
		_, err = s.db.Exec(fmt.Sprintf("PRAGMA user_version = %d", len(migrations)+1))
		noErr(t, err)
		s.Close()
		if _, err := Open(dir, "szkola"); !errors.Is(err, ErrNewerSchema) {
			t.Errorf("err %v, want ErrNewerSchema", err)
		}
	})
}

// Several goroutines opening one school at once (each its own *sql.DB, as
// two processes would) all migrate, write and commit without corruption.
func TestConcurrentOpen(t *testing.T) {
	dir := t.TempDir()
	const workers, each = 4, 25
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- func() error {
				s, err := Open(dir, "szkola")
				if err != nil {
					return err
				}
				defer s.Close()
				var items []Item
				var pesels []string
				for i := range each {
					p := testPESEL(w*each + i)
					items = append(items, item(p, fmt.Sprint(w)))
					pesels = append(pesels, p)
				}
				if err := s.Upsert(context.Background(), items, day0); err != nil {
					return err
				}
				for _, p := range pesels { // many small write transactions interleave
					if err := s.Transition(context.Background(), p, Validated, day0, "ok"); err != nil {
						return err
					}
				}
				return nil
			}()
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		noErr(t, err)
	}
	s, err := Open(dir, "szkola")
	noErr(t, err)
	defer s.Close()
	var check string
	noErr(t, s.db.QueryRow("PRAGMA integrity_check").Scan(&check))
	c, err := s.Counts(t.Context())
	noErr(t, err)
	if check != "ok" || c.Total != workers*each || c.ByState[Validated] != workers*each {
		t.Errorf("integrity %q, counts %+v", check, c.ByState)
	}
}

// A writer waits for another connection's write transaction (busy timeout,
// BEGIN IMMEDIATE) instead of failing with SQLITE_BUSY.
func TestBusyWriterWaits(t *testing.T) {
	dir := t.TempDir()
	a, err := Open(dir, "szkola")
	noErr(t, err)
	defer a.Close()
	b, err := Open(dir, "szkola")
	noErr(t, err)
	defer b.Close()
	p := testPESEL(1)
	seed(t, a, p, "1a", New)

	tx, err := a.db.BeginTx(t.Context(), nil)
	noErr(t, err)
	_, err = tx.Exec(`UPDATE students SET class = '2a'`)
	noErr(t, err)
	done := make(chan error)
	go func() { done <- b.Transition(context.Background(), p, Validated, day0, "") }()
	time.Sleep(300 * time.Millisecond)
	select {
	case err := <-done:
		t.Fatalf("second writer did not wait: %v", err)
	default:
	}
	noErr(t, tx.Commit())
	noErr(t, <-done)
	if r := stateIs(t, a, p, Validated); r.Class != "2a" {
		t.Errorf("class %q, want 2a", r.Class)
	}
}

// crashEnv makes TestCrashHelper act: open the store in the folder named,
// start moving every student to validated, and die before committing.
const crashEnv = "MLEGIT_STATE_CRASH_DIR"

func TestCrashHelper(t *testing.T) {
	dir := os.Getenv(crashEnv)
	if dir == "" {
		t.Skip("helper process for TestCrashMidTransaction")
	}
	s, err := Open(dir, "szkola")
	noErr(t, err)
	_ = inTx(context.Background(), s.db, func(tx *sql.Tx) error {
		for i := range 10 {
			noErr(t, move(context.Background(), tx, testPESEL(i), Validated, day(1), "crash"))
		}
		os.Exit(7) // killed mid-transaction
		return nil
	})
}

// A run killed in the middle of a transaction leaves the store as before
// it; running the same step again reaches the final state.
func TestCrashMidTransaction(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, "szkola")
	noErr(t, err)
	for i := range 10 {
		seed(t, s, testPESEL(i), "1a", New)
	}
	noErr(t, s.Close())

	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashHelper$")
	cmd.Env = append(os.Environ(), crashEnv+"="+dir)
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 7 {
		t.Fatalf("helper did not crash as planned: %v\n%s", err, out)
	}

	s, err = Open(dir, "szkola")
	noErr(t, err)
	defer s.Close()
	c, err := s.Counts(t.Context())
	noErr(t, err)
	if c.ByState[New] != 10 {
		t.Fatalf("after the crash: %+v, want all 10 new", c.ByState)
	}
	var pesels []string
	for i := range 10 {
		pesels = append(pesels, testPESEL(i))
	}
	for range 2 { // the re-run, twice: idempotent
		noErr(t, s.TransitionAll(t.Context(), pesels, Validated, day(1), "re-run"))
	}
	c, _ = s.Counts(t.Context())
	h, _ := s.History(t.Context(), pesels[0])
	if c.ByState[Validated] != 10 || len(h) != 2 {
		t.Errorf("after the re-run: %+v, %d history rows (want 10 validated, 2 rows)", c.ByState, len(h))
	}
}

func TestIsBusy(t *testing.T) {
	s := openTest(t)
	tx, err := s.db.BeginTx(t.Context(), nil) // holds the write lock
	noErr(t, err)
	defer tx.Rollback()
	impatient, err := sql.Open("sqlite", s.Path()+"?_txlock=immediate") // no busy timeout
	noErr(t, err)
	defer impatient.Close()
	_, err = impatient.Begin()
	if !isBusy(fmt.Errorf("wrapped: %w", err)) {
		t.Errorf("isBusy(%v) = false", err)
	}
	if isBusy(errors.New("database is locked")) || isBusy(nil) {
		t.Error("isBusy matches a plain error")
	}
}
