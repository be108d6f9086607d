package state

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/mlegit/mlegit/codes"
	"github.com/mlegit/mlegit/pesel"
)

// day0 is the as-of date tests count from (late evening, as a cron run).
var day0 = time.Date(2026, 9, 1, 22, 30, 0, 0, time.FixedZone("CEST", 2*3600))

// day returns day0 plus n days.
func day(n int) time.Time { return day0.AddDate(0, 0, n) }

// testPESEL returns a valid PESEL numbered n (0–999).
func testPESEL(n int) string {
	base := fmt.Sprintf("0521010%03d", n)
	return base + strconv.Itoa(pesel.Checksum(base))
}

func openTest(t *testing.T) *Store {
	t.Helper()
	s, err := Open(t.TempDir(), "szkola")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func noErr(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func item(p, class string) Item {
	return Item{PESEL: p, RowHash: "row-" + p, PhotoHash: "photo-" + p,
		Surname: "Nowak", FirstName: "Jan", Class: class}
}

// pathTo is the way from new to each state.
var pathTo = map[State][]State{
	New:           nil,
	Validated:     {Validated},
	Packaged:      {Validated, Packaged},
	CodesReceived: {Validated, Packaged, CodesReceived},
	SlipPrinted:   {Validated, Packaged, CodesReceived, SlipPrinted},
	PickedUp:      {Validated, Packaged, CodesReceived, SlipPrinted, PickedUp},
	Activated:     {Validated, Packaged, CodesReceived, SlipPrinted, PickedUp, Activated},
	Expired:       {Validated, Packaged, CodesReceived, Expired},
	Invalidated:   {Invalidated},
}

// seed adds student p of class and walks it to state to, all on day0.
func seed(t *testing.T, s *Store, p, class string, to State) {
	t.Helper()
	noErr(t, s.Upsert(t.Context(), []Item{item(p, class)}, day0))
	for _, st := range pathTo[to] {
		noErr(t, s.Transition(t.Context(), p, st, day0, "seed"))
	}
}

// isTransitionError fails unless err is a *TransitionError of p from → to.
func isTransitionError(t *testing.T, err error, p string, from, to State) {
	t.Helper()
	var te *TransitionError
	if !errors.As(err, &te) || te.PESEL != p || te.From != from || te.To != to {
		t.Fatalf("err %v, want TransitionError %s → %s", err, from, to)
	}
}

func stateIs(t *testing.T, s *Store, p string, want State) Record {
	t.Helper()
	r, err := s.Get(t.Context(), p)
	noErr(t, err)
	if r.State != want {
		t.Fatalf("%s: state %s, want %s", p, r.State, want)
	}
	return r
}

func TestOpenCreatesPrivateFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	s, err := Open(dir, "szkola")
	noErr(t, err)
	defer s.Close()
	noErr(t, s.Upsert(t.Context(), []Item{item(testPESEL(1), "1a")}, day0))
	for _, c := range []struct {
		path string
		mode os.FileMode
	}{
		{dir, 0o700}, {s.Path(), 0o600}, {s.Path() + "-wal", 0o600}, {s.Path() + "-shm", 0o600},
	} {
		fi, err := os.Stat(c.path)
		noErr(t, err)
		if got := fi.Mode().Perm(); got != c.mode {
			t.Errorf("%s: mode %o, want %o", c.path, got, c.mode)
		}
	}
	var mode string
	var busy int
	noErr(t, s.db.QueryRow("PRAGMA journal_mode").Scan(&mode))
	noErr(t, s.db.QueryRow("PRAGMA busy_timeout").Scan(&busy))
	if mode != "wal" || busy != 5000 {
		t.Errorf("journal_mode %q busy_timeout %d, want wal 5000", mode, busy)
	}
}

func TestOpenRefusesBadNames(t *testing.T) {
	for _, school := range []string{"", ".", "..", ".hidden", "a/b", `a\b`, "a?b"} {
		t.Run(strconv.Quote(school), func(t *testing.T) {
			if _, err := Open(t.TempDir(), school); err == nil {
				t.Fatal("Open succeeded")
			}
		})
	}
	if _, err := Open(filepath.Join(t.TempDir(), "a?b"), "szkola"); err == nil {
		t.Fatal("Open of a folder with '?' succeeded")
	}
}

func TestRecordCodes(t *testing.T) {
	s := openTest(t)
	a, b, c := testPESEL(1), testPESEL(2), testPESEL(3)
	seed(t, s, a, "1a", Packaged)
	seed(t, s, b, "1a", Packaged)
	seed(t, s, c, "1a", Validated)
	entry := func(p string) codes.Entry {
		return codes.Entry{PESEL: p, QR: "QR-SECRET-" + p, ActivationCode: "ACT-SECRET-" + p,
			Generated: day(2), ValidUntil: day(32), Simulated: true}
	}

	t.Run("a bad entry rolls back the whole import", func(t *testing.T) {
		err := s.RecordCodes(t.Context(), []codes.Entry{entry(a), entry(c), entry(b)}, day(3))
		isTransitionError(t, err, c, Validated, CodesReceived)
		stateIs(t, s, a, Packaged)
		err = s.RecordCodes(t.Context(), []codes.Entry{entry(a), entry(testPESEL(99))}, day(3))
		if !errors.Is(err, ErrNotFound) {
			t.Fatalf("err %v, want ErrNotFound", err)
		}
		stateIs(t, s, a, Packaged)
	})
	t.Run("import", func(t *testing.T) {
		noErr(t, s.RecordCodes(t.Context(), []codes.Entry{entry(a), entry(b)}, day(3)))
		r := stateIs(t, s, a, CodesReceived)
		if date(r.CodesGenerated) != date(day(2)) || date(r.CodesValidUntil) != date(day(32)) || !r.CodesSimulated {
			t.Errorf("codes recorded as %v %v %v", r.CodesGenerated, r.CodesValidUntil, r.CodesSimulated)
		}
	})
	t.Run("re-import is a no-op", func(t *testing.T) {
		before, _ := s.History(t.Context(), a)
		noErr(t, s.RecordCodes(t.Context(), []codes.Entry{entry(a), entry(b)}, day(4)))
		after, _ := s.History(t.Context(), a)
		if len(after) != len(before) {
			t.Errorf("history grew from %d to %d", len(before), len(after))
		}
		stateIs(t, s, a, CodesReceived)
	})
	t.Run("no secret reaches the disk", func(t *testing.T) {
		for _, f := range []string{s.Path(), s.Path() + "-wal"} {
			data, err := os.ReadFile(f)
			noErr(t, err)
			if bytes.Contains(data, []byte("SECRET")) {
				t.Errorf("%s holds a code", f)
			}
		}
	})
}

func TestPickups(t *testing.T) {
	s := openTest(t)
	a, b, c := testPESEL(1), testPESEL(2), testPESEL(3)
	seed(t, s, a, "1a", SlipPrinted)
	seed(t, s, b, "1a", SlipPrinted)
	seed(t, s, c, "1a", CodesReceived)
	at := day(5).Add(-10 * time.Hour)

	err := s.ImportPickups(t.Context(), []Pickup{{PESEL: a, By: "matka", At: at}, {PESEL: c, By: "ojciec", At: at}})
	isTransitionError(t, err, c, CodesReceived, PickedUp)
	stateIs(t, s, a, SlipPrinted)

	noErr(t, s.ImportPickups(t.Context(), []Pickup{{PESEL: a, By: "matka", At: at}, {PESEL: b, By: "sam", At: at}}))
	noErr(t, s.RecordPickup(t.Context(), a, "ktoś inny", day(6))) // again: first record kept
	r := stateIs(t, s, a, PickedUp)
	if r.PickedUpBy != "matka" || !r.PickedUpAt.Equal(at) {
		t.Errorf("pickup recorded as %q at %v, want matka at %v", r.PickedUpBy, r.PickedUpAt, at)
	}
	h, _ := s.History(t.Context(), a)
	if last := h[len(h)-1]; last.To != PickedUp || !last.At.Equal(at) {
		t.Errorf("last history %+v, want picked_up at %v", last, at)
	}
	// The pickup belongs to the issue it was recorded for: after a
	// reissue the new issue is picked up on its own.
	noErr(t, s.Apply(t.Context(), day(7), Move{a, Invalidated, "test"}, Move{a, New, "reissue"}))
	for _, to := range pathTo[SlipPrinted] {
		noErr(t, s.Transition(t.Context(), a, to, day(8), "test"))
	}
	noErr(t, s.RecordPickup(t.Context(), a, "ojciec", day(9)))
	if r := stateIs(t, s, a, PickedUp); r.Issue != 2 || r.PickedUpBy != "ojciec" {
		t.Errorf("after the reissue: issue %d picked up by %q, want issue 2 by ojciec", r.Issue, r.PickedUpBy)
	}
	all, err := s.Pickups(t.Context())
	noErr(t, err)
	var ofA []Pickup
	for _, pu := range all {
		if pu.PESEL == a {
			ofA = append(ofA, pu)
		}
	}
	if len(ofA) != 2 || ofA[0].Issue != 1 || ofA[0].By != "matka" || ofA[1].Issue != 2 || ofA[1].By != "ojciec" {
		t.Errorf("pickups of the reissued student: %+v, want issue 1 by matka and issue 2 by ojciec", ofA)
	}
	if err := s.RecordPickup(t.Context(), testPESEL(99), "x", at); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown PESEL: err %v, want ErrNotFound", err)
	}
}

func TestPhotoRecords(t *testing.T) {
	s := openTest(t)
	a := testPESEL(1)
	seed(t, s, a, "1a", CodesReceived)
	noErr(t, s.RecordPhoto(t.Context(), a, "out-hash"))
	noErr(t, s.MarkPhotoPurged(t.Context(), a, day(31)))
	noErr(t, s.MarkPhotoPurged(t.Context(), a, day(40)))
	r, err := s.Get(t.Context(), a)
	noErr(t, err)
	if r.OutputPhotoHash != "out-hash" || !r.PhotoPurgedAt.Equal(day(31)) {
		t.Errorf("output hash %q purged %v, want out-hash %v", r.OutputPhotoHash, r.PhotoPurgedAt, day(31))
	}
	for name, err := range map[string]error{
		"RecordPhoto":     s.RecordPhoto(t.Context(), testPESEL(99), "x"),
		"MarkPhotoPurged": s.MarkPhotoPurged(t.Context(), testPESEL(99), day0),
	} {
		if !errors.Is(err, ErrNotFound) {
			t.Errorf("%s of unknown PESEL: err %v, want ErrNotFound", name, err)
		}
	}
}

func TestCounts(t *testing.T) {
	s := openTest(t)
	seed(t, s, testPESEL(1), "1a", New)
	seed(t, s, testPESEL(2), "1a", Packaged)
	seed(t, s, testPESEL(3), "1a", Packaged)
	seed(t, s, testPESEL(4), "2b", Packaged)
	seed(t, s, testPESEL(5), "2b", Invalidated)
	c, err := s.Counts(t.Context())
	noErr(t, err)
	if c.Total != 5 || c.ByState[New] != 1 || c.ByState[Packaged] != 3 || c.ByState[Invalidated] != 1 {
		t.Errorf("counts %+v", c)
	}
	if c.ByClass["1a"][Packaged] != 2 || c.ByClass["1a"][New] != 1 || c.ByClass["2b"][Packaged] != 1 ||
		c.ByClass["2b"][Invalidated] != 1 || len(c.ByClass) != 2 {
		t.Errorf("per class %+v", c.ByClass)
	}
}

func TestUpsertKeepsState(t *testing.T) {
	s := openTest(t)
	a := testPESEL(1)
	seed(t, s, a, "1a", Packaged)
	it := item(a, "2a")
	it.Surname = "Kowalska"
	noErr(t, s.Upsert(t.Context(), []Item{it}, day(1)))
	r := stateIs(t, s, a, Packaged)
	if r.Class != "2a" || r.Surname != "Kowalska" {
		t.Errorf("data not updated: %+v", r)
	}
	h, _ := s.History(t.Context(), a)
	if h[0].From != 0 || h[0].To != New || h[0].Reason != "roster" || !h[0].At.Equal(day0) {
		t.Errorf("entry history %+v", h[0])
	}
}

func TestUpsertKeepsPhotoStat(t *testing.T) {
	s := openTest(t)
	it := item(testPESEL(1), "1a")
	it.PhotoHash, it.PhotoStat = "abc", "a.jpg|100|5"
	noErr(t, s.Upsert(t.Context(), []Item{it}, day(0)))
	r, err := s.Get(t.Context(), it.PESEL)
	noErr(t, err)
	if r.PhotoStat != "a.jpg|100|5" || r.PhotoHash != "abc" {
		t.Fatalf("stored stat %q hash %q", r.PhotoStat, r.PhotoHash)
	}
	it.PhotoHash, it.PhotoStat = "def", "a.jpg|120|9"
	noErr(t, s.Upsert(t.Context(), []Item{it}, day(1)))
	r, _ = s.Get(t.Context(), it.PESEL)
	if r.PhotoStat != "a.jpg|120|9" {
		t.Errorf("stat not replaced: %q", r.PhotoStat)
	}
}
