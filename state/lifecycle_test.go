package state

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mlegit/mlegit/codes"
)

// legal is the transition table, written out independently of next.
var legal = map[[2]State]bool{
	{New, Validated}:             true,
	{Validated, Packaged}:        true,
	{Packaged, CodesReceived}:    true,
	{CodesReceived, SlipPrinted}: true,
	{CodesReceived, Expired}:     true,
	{CodesReceived, Activated}:   true,
	{SlipPrinted, Activated}:     true,
	{SlipPrinted, PickedUp}:      true,
	{SlipPrinted, Expired}:       true,
	{PickedUp, Activated}:        true,
	{PickedUp, Expired}:          true,
	{Expired, New}:               true,
	{Invalidated, New}:           true,
}

func TestTransitionTable(t *testing.T) {
	s := openTest(t)
	at := day(1).Add(-3 * time.Hour)
	n := 0
	for _, from := range States() {
		for _, to := range States() {
			n++
			p := testPESEL(n)
			want := legal[[2]State{from, to}] || to == Invalidated
			t.Run(from.String()+"→"+to.String(), func(t *testing.T) {
				seed(t, s, p, "1a", from)
				before, err := s.History(t.Context(), p)
				noErr(t, err)
				err = s.Transition(t.Context(), p, to, at, "test")
				after, _ := s.History(t.Context(), p)
				switch {
				case from == to:
					noErr(t, err)
					if len(after) != len(before) {
						t.Errorf("no-op added history: %+v", after[len(after)-1])
					}
					stateIs(t, s, p, from)
				case want:
					noErr(t, err)
					r := stateIs(t, s, p, to)
					if !r.Since.Equal(at) {
						t.Errorf("since %v, want %v", r.Since, at)
					}
					wantEv := Event{From: from, To: to, At: at, Reason: "test"}
					if len(after) != len(before)+1 || !sameEvent(after[len(after)-1], wantEv) {
						t.Errorf("history %+v, want %+v appended", after, wantEv)
					}
				default:
					isTransitionError(t, err, p, from, to)
					stateIs(t, s, p, from)
					if len(after) != len(before) {
						t.Errorf("refused move added history")
					}
				}
				if got := from.CanMoveTo(to); got != (want || from == to) {
					t.Errorf("CanMoveTo = %v", got)
				}
			})
		}
	}
}

func sameEvent(a, b Event) bool {
	return a.From == b.From && a.To == b.To && a.At.Equal(b.At) && a.Reason == b.Reason
}

func TestTransitionUnknown(t *testing.T) {
	s := openTest(t)
	err := s.Transition(t.Context(), testPESEL(1), Validated, day0, "")
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("err %v, want ErrNotFound", err)
	}
	seed(t, s, testPESEL(1), "1a", New)
	if err := s.Transition(t.Context(), testPESEL(1), Validated, time.Time{}, ""); !errors.Is(err, ErrNoTime) {
		t.Errorf("zero time: err %v, want ErrNoTime", err)
	}
	stateIs(t, s, testPESEL(1), New)
	if err := s.Upsert(t.Context(), []Item{item(testPESEL(2), "1a")}, time.Time{}); !errors.Is(err, ErrNoTime) {
		t.Errorf("zero time: err %v, want ErrNoTime", err)
	}
	if State(0).CanMoveTo(New) || New.CanMoveTo(0) || New.CanMoveTo(State(42)) {
		t.Error("CanMoveTo accepts a non-state")
	}
}

func TestTransitionError(t *testing.T) {
	err := error(&TransitionError{PESEL: "05210100016", From: New, To: Activated})
	const want = "state: student 0521*****16: illegal transition new → activated"
	if err.Error() != want {
		t.Errorf("Error() = %q, want %q", err.Error(), want)
	}
}

// A multi-row update is one transaction: a refusal in the middle leaves
// every student as it was.
func TestTransitionAllAtomic(t *testing.T) {
	s := openTest(t)
	a, b, c := testPESEL(1), testPESEL(2), testPESEL(3)
	seed(t, s, a, "1a", Validated)
	seed(t, s, b, "1a", New)
	seed(t, s, c, "1a", Validated)
	err := s.TransitionAll(t.Context(), []string{a, b, c}, Packaged, day(1), "package")
	isTransitionError(t, err, b, New, Packaged)
	for _, p := range []string{a, c} {
		r := stateIs(t, s, p, Validated)
		if !r.PackagedAt.IsZero() {
			t.Errorf("%s: packaged_at %v after rollback", p, r.PackagedAt)
		}
		if h, _ := s.History(t.Context(), p); len(h) != 2 {
			t.Errorf("%s: %d history rows, want 2", p, len(h))
		}
	}
	noErr(t, s.TransitionAll(t.Context(), []string{a, c}, Packaged, day(1), "package"))
	if r := stateIs(t, s, a, Packaged); !r.PackagedAt.Equal(day(1)) {
		t.Errorf("packaged_at %v, want %v", r.PackagedAt, day(1))
	}
}

func TestReissueClearsTheOldCard(t *testing.T) {
	s := openTest(t)
	a := testPESEL(1)
	seed(t, s, a, "1a", Packaged)
	noErr(t, s.RecordCodes(t.Context(), []codes.Entry{{PESEL: a, Generated: day(1), ValidUntil: day(31)}}, day(1)))
	noErr(t, s.Transition(t.Context(), a, SlipPrinted, day(2), "slips"))
	noErr(t, s.RecordPickup(t.Context(), a, "matka", day(3)))
	noErr(t, s.RecordPhoto(t.Context(), a, "out"))
	noErr(t, s.MarkPhotoPurged(t.Context(), a, day(4)))
	noErr(t, s.Transition(t.Context(), a, Invalidated, day(5), "name change"))
	noErr(t, s.Transition(t.Context(), a, New, day(5), "reissue"))
	r := stateIs(t, s, a, New)
	if !r.PackagedAt.IsZero() || !r.CodesGenerated.IsZero() || !r.CodesValidUntil.IsZero() ||
		r.PickedUpBy != "" || !r.PickedUpAt.IsZero() || !r.PhotoPurgedAt.IsZero() || r.OutputPhotoHash != "" {
		t.Errorf("old card data kept: %+v", r)
	}
	if r.RowHash == "" || r.Surname == "" {
		t.Errorf("roster data lost: %+v", r)
	}
	h, _ := s.History(t.Context(), a)
	var tos []State
	for _, e := range h {
		tos = append(tos, e.To)
	}
	want := []State{New, Validated, Packaged, CodesReceived, SlipPrinted, PickedUp, Invalidated, New}
	if len(tos) != len(want) {
		t.Fatalf("history %v, want %v", tos, want)
	}
	for i := range want {
		if tos[i] != want[i] {
			t.Fatalf("history %v, want %v", tos, want)
		}
	}
}

func TestStateNames(t *testing.T) {
	want := map[State][2]string{
		New:           {"new", "nowa"},
		Validated:     {"validated", "zweryfikowana"},
		Packaged:      {"packaged", "wysłana do portalu"},
		CodesReceived: {"codes_received", "wygenerowana"},
		SlipPrinted:   {"slip_printed", "wydrukowana"},
		PickedUp:      {"picked_up", "odebrana"},
		Activated:     {"activated", "aktywowana"},
		Expired:       {"expired", "wygasła"},
		Invalidated:   {"invalidated", "unieważniona"},
	}
	if len(States()) != len(want) {
		t.Fatalf("States() has %d, want %d", len(States()), len(want))
	}
	for _, st := range States() {
		t.Run(st.String(), func(t *testing.T) {
			if got := [2]string{st.String(), st.Polish()}; got != want[st] {
				t.Errorf("got %q, want %q", got, want[st])
			}
			if back, err := ParseState(st.String()); err != nil || back != st {
				t.Errorf("ParseState(%q) = %v, %v", st.String(), back, err)
			}
		})
	}
	if _, err := ParseState("lost"); err == nil {
		t.Error("ParseState accepted an unknown name")
	}
	if State(42).String() != "state(42)" || State(0).String() != "none" {
		t.Errorf("odd states print as %q, %q", State(42), State(0))
	}
}

func TestDue(t *testing.T) {
	s := openTest(t)
	pkg, codesIn, card, inv, purged := testPESEL(1), testPESEL(2), testPESEL(3), testPESEL(4), testPESEL(5)
	seed(t, s, pkg, "1a", Validated)
	noErr(t, s.Transition(t.Context(), pkg, Packaged, day0, "package")) // 22:30 on day 0
	for _, p := range []string{codesIn, purged} {
		seed(t, s, p, "1a", Packaged)
		noErr(t, s.RecordCodes(t.Context(), []codes.Entry{{PESEL: p, Generated: day0.Add(-22 * time.Hour),
			ValidUntil: day(30)}}, day0))
	}
	noErr(t, s.MarkPhotoPurged(t.Context(), purged, day0))
	for _, p := range []string{card, inv} {
		it := item(p, "2b")
		it.CardValid = time.Date(2026, 9, 20, 0, 0, 0, 0, time.UTC) // day 19
		noErr(t, s.Upsert(t.Context(), []Item{it}, day0))
	}
	noErr(t, s.Transition(t.Context(), inv, Invalidated, day0, "transfer"))

	type key struct {
		p    string
		kind DeadlineKind
	}
	type want struct {
		left    int
		overdue bool
	}
	early := func(n int) time.Time { // 00:05 on day n, same date as day(n)
		y, m, d := day(n).Date()
		return time.Date(y, m, d, 0, 5, 0, 0, day0.Location())
	}
	cases := []struct {
		name string
		asOf time.Time
		cfg  Deadlines
		want map[key]want
	}{
		{"day 10: nothing near", day(10), Deadlines{}, map[key]want{}},
		{"day 13: codes due in 1", day(13), Deadlines{}, map[key]want{{pkg, CodesDue}: {1, false}}},
		{"day 13 just after midnight", early(13), Deadlines{}, map[key]want{{pkg, CodesDue}: {1, false}}},
		{"day 14: codes due today", day(14), Deadlines{}, map[key]want{{pkg, CodesDue}: {0, false}}},
		{"day 15: codes overdue", day(15), Deadlines{}, map[key]want{{pkg, CodesDue}: {-1, true}}},
		{"day 16: card near", day(16), Deadlines{}, map[key]want{
			{pkg, CodesDue}: {-2, true}, {card, CardValidity}: {3, false}}},
		{"day 20: card passed", day(20), Deadlines{}, map[key]want{
			{pkg, CodesDue}: {-6, true}, {card, CardValidity}: {-1, true}}},
		{"day 29: activation and purge near", day(29), Deadlines{}, map[key]want{
			{pkg, CodesDue}: {-15, true}, {card, CardValidity}: {-10, true},
			{codesIn, Activation}: {1, false}, {codesIn, PhotoPurge}: {1, false},
			{purged, Activation}: {1, false}}},
		{"day 31: activation and purge overdue", day(31), Deadlines{}, map[key]want{
			{pkg, CodesDue}: {-17, true}, {card, CardValidity}: {-12, true},
			{codesIn, Activation}: {-1, true}, {codesIn, PhotoPurge}: {-1, true},
			{purged, Activation}: {-1, true}}},
		{"configured days, no warning ahead", day(7),
			Deadlines{CodesDueDays: 5, ActivationDays: 10, PhotoRetentionDays: 7, WarnDays: -1}, map[key]want{
				{pkg, CodesDue}: {-2, true}, {codesIn, PhotoPurge}: {0, false}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ds, err := s.Due(t.Context(), c.asOf, c.cfg)
			noErr(t, err)
			got := map[key]want{}
			for i, d := range ds {
				got[key{d.PESEL, d.Kind}] = want{d.DaysLeft, d.Overdue}
				if i > 0 && ds[i-1].Due.After(d.Due) {
					t.Errorf("not ordered by date: %v after %v", ds[i-1].Due, d.Due)
				}
			}
			if len(got) != len(ds) || len(got) != len(c.want) {
				t.Fatalf("got %v, want %v", got, c.want)
			}
			for k, w := range c.want {
				if got[k] != w {
					t.Errorf("%s %s: got %+v, want %+v", k.p, k.kind, got[k], w)
				}
			}
			// DueCounts counts exactly what Due lists.
			var want DueCount
			for _, w := range c.want {
				if w.overdue {
					want.Overdue++
				} else {
					want.Near++
				}
			}
			if n, err := s.DueCounts(t.Context(), c.asOf, c.cfg); err != nil || n != want {
				t.Errorf("DueCounts %+v, %v; want %+v", n, err, want)
			}
			for _, d := range ds {
				if d.PESEL == card && d.Name != "Nowak Jan" {
					t.Errorf("name %q", d.Name)
				}
			}
		})
	}
}

func TestAt(t *testing.T) {
	asOf := time.Date(2026, 9, 15, 0, 0, 0, 0, time.UTC)
	now := time.Date(2026, 9, 20, 23, 45, 10, 0, day0.Location())
	want := time.Date(2026, 9, 15, 23, 45, 10, 0, day0.Location())
	if got := At(asOf, now); !got.Equal(want) {
		t.Errorf("At = %v, want %v", got, want)
	}
}

// A date the store cannot read stops Due and DueCounts with an error
// naming nobody in full, as reading the record would.
func TestDueUnreadableDate(t *testing.T) {
	s := openTest(t)
	p := testPESEL(7)
	it := item(p, "1a")
	it.CardValid = time.Date(2027, 8, 31, 0, 0, 0, 0, time.UTC)
	noErr(t, s.Upsert(t.Context(), []Item{it}, day0))
	if _, err := s.db.Exec(`UPDATE students SET card_valid = 'wkrótce' WHERE pesel = ?`, p); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Due(t.Context(), day(1), Deadlines{}); err == nil || strings.Contains(err.Error(), p) {
		t.Errorf("Due: %v", err)
	}
	if _, err := s.DueCounts(t.Context(), day(1), Deadlines{}); err == nil {
		t.Error("DueCounts: no error")
	}
}
