package lifecycle

import (
	"testing"
	"time"

	"github.com/mlegit/mlegit/state"
)

func TestParseLimit(t *testing.T) {
	for _, tc := range []struct {
		in       string
		inFlight int
		want     int
		ok       bool
	}{
		{"", 300, 30, true}, // default 10%
		{"", 20, 5, true},   // never below 5
		{"10%", 0, 5, true}, // a school with no card yet
		{"100%", 300, 300, true},
		{"0", 300, 0, true}, // hold any withdrawal
		{"12", 300, 12, true},
		{"2.5%", 1000, 25, true},
		{"-1", 0, 0, false},
		{"110%", 0, 0, false},
		{"ten", 0, 0, false},
	} {
		l, err := ParseLimit(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("ParseLimit(%q): %v", tc.in, err)
			continue
		}
		if tc.ok && l.Of(tc.inFlight) != tc.want {
			t.Errorf("ParseLimit(%q).Of(%d) = %d, want %d", tc.in, tc.inFlight, l.Of(tc.inFlight), tc.want)
		}
	}
}

// rec is a stored student in state st with the data of item(p, class).
func rec(p, class string, st state.State) state.Record {
	it := item(p, class)
	return state.Record{PESEL: p, State: st, Class: class, Surname: it.Surname, FirstName: it.FirstName,
		RowHash: it.RowHash, CardHash: it.CardHash, PhotoHash: "photo", CardValid: it.CardValid, Issue: 1}
}

func item(p, class string) state.Item {
	return state.Item{PESEL: p, Surname: "Nowak", FirstName: "Ola", Class: class, RowHash: "row-" + class,
		CardHash: "card", PhotoHash: "photo", CardValid: time.Date(2027, 8, 31, 0, 0, 0, 0, time.UTC)}
}

func moves(p *Plan) map[string][]state.State {
	m := map[string][]state.State{}
	for _, mv := range p.Moves {
		m[mv.PESEL] = append(m[mv.PESEL], mv.To)
	}
	return m
}

// TestDecideKeepsIssuedCards: the events that must not withdraw an issued
// card, decided without a store.
func TestDecideKeepsIssuedCards(t *testing.T) {
	a, b, c, d := testPESEL(1), testPESEL(2), testPESEL(3), testPESEL(4)
	stored := []state.Record{rec(a, "1a", state.Activated), rec(b, "1a", state.SlipPrinted),
		rec(c, "1a", state.PickedUp), rec(d, "1a", state.CodesReceived)}
	moved := item(a, "2a") // class change: not printed
	noPhoto := item(b, "1a")
	noPhoto.PhotoHash = ""
	newPhoto := item(c, "1a")
	newPhoto.PhotoHash = "other"
	rows := []Row{
		{PESEL: a, Status: Accepted, Item: moved},
		{PESEL: b, Status: NoPhoto, Item: noPhoto},
		{PESEL: c, Status: Accepted, Item: newPhoto},
		{PESEL: d, Status: DataError},
	}
	n := Night{AsOf: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), Complete: true, Limit: DefaultLimit}
	plan := n.Decide(stored, nil, rows)
	if len(plan.Moves) != 0 || plan.Held || len(plan.Withdrawals) != 0 {
		t.Fatalf("moves %v, withdrawals %+v", moves(plan), plan.Withdrawals)
	}
	if !plan.PhotoNotNeeded[b] {
		t.Error("an issued card's missing photo is not forgiven")
	}
	for _, it := range plan.Upsert {
		if it.PESEL == c && it.PhotoHash != "photo" {
			t.Error("a new photo not sent replaced the stored photo identity")
		}
	}
	if len(plan.Notes) < 2 {
		t.Errorf("notes %+v: want the new photo and the data error told", plan.Notes)
	}

	// With reissue_on_new_photo the new photo reissues at once.
	n.ReissueOnNewPhoto = true
	plan = n.Decide(stored, nil, rows)
	if got := moves(plan)[c]; len(got) != 2 || got[0] != state.Invalidated || got[1] != state.New || !plan.Sendable[c] {
		t.Errorf("reissue_on_new_photo: moves %v", got)
	}
}

func TestDecideAutoReissue(t *testing.T) {
	lost, asked, renamed := testPESEL(1), testPESEL(2), testPESEL(3)
	stored := []state.Record{rec(lost, "1a", state.Invalidated), rec(asked, "1a", state.Invalidated),
		rec(renamed, "1a", state.Invalidated)}
	reasons := map[string]Reason{lost: LostDevice, asked: ParentRequest, renamed: NameChange}
	rows := []Row{{PESEL: lost, Status: Accepted, Item: item(lost, "1a")},
		{PESEL: asked, Status: Accepted, Item: item(asked, "1a")},
		{PESEL: renamed, Status: Accepted, Item: item(renamed, "1a")}}
	plan := Night{Complete: true, Limit: DefaultLimit}.Decide(stored, reasons, rows)
	m := moves(plan)
	if len(m[lost]) != 1 || len(m[asked]) != 0 || len(m[renamed]) != 0 {
		t.Errorf("moves %v: want only the lost device reissued (the name has not changed yet)", m)
	}
	rows[2].Item.Surname = "Kowalska"
	plan = Night{Complete: true, Limit: DefaultLimit}.Decide(stored, reasons, rows)
	if len(moves(plan)[renamed]) != 1 {
		t.Errorf("name change shown by the roster not reissued: %v", moves(plan))
	}
}
