package lifecycle

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mlegit/mlegit/codes"
	"github.com/mlegit/mlegit/pesel"
	"github.com/mlegit/mlegit/reject"
	"github.com/mlegit/mlegit/state"
	"github.com/mlegit/mlegit/texts"
)

var day0 = time.Date(2026, 9, 15, 21, 0, 0, 0, time.UTC)

func day(n int) time.Time { return day0.AddDate(0, 0, n) }

func testPESEL(n int) string {
	base := fmt.Sprintf("0521010%03d", n)
	return base + strconv.Itoa(pesel.Checksum(base))
}

// pathTo is the way from new to each state.
var pathTo = map[state.State][]state.State{
	state.New:           nil,
	state.Validated:     {state.Validated},
	state.Packaged:      {state.Validated, state.Packaged},
	state.CodesReceived: {state.Validated, state.Packaged, state.CodesReceived},
	state.SlipPrinted:   {state.Validated, state.Packaged, state.CodesReceived, state.SlipPrinted},
	state.PickedUp:      {state.Validated, state.Packaged, state.CodesReceived, state.SlipPrinted, state.PickedUp},
	state.Activated:     {state.Validated, state.Packaged, state.CodesReceived, state.SlipPrinted, state.PickedUp, state.Activated},
	state.Expired:       {state.Validated, state.Packaged, state.CodesReceived, state.Expired},
	state.Invalidated:   {state.Invalidated},
}

func openTest(t *testing.T) *state.Store {
	t.Helper()
	s, err := state.Open(t.TempDir(), "szkola")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// seed adds student p and walks it to state to.
func seed(t *testing.T, s *state.Store, p string, to state.State) {
	t.Helper()
	it := state.Item{PESEL: p, Surname: "Nowak", FirstName: "Ola", Class: "1a", RowHash: "r"}
	noErr(t, s.Upsert(t.Context(), []state.Item{it}, day0))
	for _, st := range pathTo[to] {
		noErr(t, s.Transition(t.Context(), p, st, day0, "seed"))
	}
}

func noErr(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func stateIs(t *testing.T, s *state.Store, p string, want state.State) state.Record {
	t.Helper()
	r, err := s.Get(t.Context(), p)
	noErr(t, err)
	if r.State != want {
		t.Errorf("%s: state %s, want %s", pesel.Masked(p), r.State, want)
	}
	return r
}

func TestReasonRoundTrip(t *testing.T) {
	for _, r := range Reasons() {
		for _, detail := range []string{"", "left the roster"} {
			if got := ReasonOf(r.Text(detail)); got != r {
				t.Errorf("ReasonOf(%q) = %v, want %v", r.Text(detail), got, r)
			}
		}
		if got := ReasonOf("reissue: " + r.Text("x")); got != r {
			t.Errorf("reissue text of %v read as %v", r, got)
		}
	}
	// Texts older mlegit versions wrote.
	for text, want := range map[string]Reason{
		"left the roster (transfer)":           Transfer,
		"card validity passed on 2026-09-30":   CardExpired,
		"lost or broken device":                LostDevice,
		"parent request":                       ParentRequest,
		"name changed":                         NameChange,
		"rejected by validation: CARD_MISSING": DataCorrection,
		"other: duplikat konta":                Other,
		"something else":                       0,
	} {
		if got := ReasonOf(text); got != want {
			t.Errorf("ReasonOf(%q) = %v, want %v", text, got, want)
		}
	}
	if ParentRequest.AutoReissue() || Other.AutoReissue() || !LostDevice.AutoReissue() || !NameChange.AutoReissue() {
		t.Error("AutoReissue: a parents' request and other reasons wait for the school; a lost device does not")
	}
}

func TestParseFlag(t *testing.T) {
	for _, tc := range []struct {
		arg    string
		free   bool
		want   Reason
		detail string
		ok     bool
	}{
		{"lost-device", false, LostDevice, "", true},
		{"parent-request", false, ParentRequest, "", true},
		{"other:  duplikat   konta ", false, Other, "duplikat konta", true},
		{"other:", false, 0, "", false},
		{"nowy telefon", false, 0, "", false},
		{"nowy telefon", true, Other, "nowy telefon", true},
		{"other:PESEL 05210100016", false, 0, "", false},
		{"zgubiony 05210100016", true, 0, "", false},
	} {
		r, d, err := ParseFlag(tc.arg, tc.free)
		if (err == nil) != tc.ok || r != tc.want || d != tc.detail {
			t.Errorf("ParseFlag(%q, %v) = %v, %q, %v", tc.arg, tc.free, r, d, err)
		}
	}
}

func TestInvalidateKeepsFirstReason(t *testing.T) {
	s := openTest(t)
	p := testPESEL(1)
	seed(t, s, p, state.Activated)
	out, err := Invalidate(t.Context(), s, p, LostDevice, "", day(1))
	noErr(t, err)
	if !out.Changed || out.From != state.Activated || out.To != state.Invalidated {
		t.Errorf("outcome %+v", out)
	}
	out, err = Invalidate(t.Context(), s, p, ParentRequest, "", day(2))
	noErr(t, err)
	if out.Changed || out.Reason != LostDevice {
		t.Errorf("second invalidation: %+v, want unchanged with the first reason", out)
	}
	if _, err := Invalidate(t.Context(), s, testPESEL(9), LostDevice, "", day(1)); !errors.Is(err, state.ErrNotFound) {
		t.Errorf("unknown student: %v", err)
	}
}

// TestReissueAfterParentRequest: a parents' request stands until the
// school reissues; the reissue counts one more issue and waits for the
// next run.
func TestReissueAfterParentRequest(t *testing.T) {
	s := openTest(t)
	p := testPESEL(1)
	seed(t, s, p, state.PickedUp)
	_, err := Invalidate(t.Context(), s, p, ParentRequest, "", day(1))
	noErr(t, err)
	out, err := Reissue(t.Context(), s, p, ParentRequest, "nowy telefon", day(2))
	noErr(t, err)
	r := stateIs(t, s, p, state.New)
	if !out.Changed || out.Issue != 2 || r.Issue != 2 {
		t.Errorf("reissue: %+v, record issue %d; want issue 2", out, r.Issue)
	}
	out, err = Reissue(t.Context(), s, p, ParentRequest, "", day(3))
	noErr(t, err)
	if out.Changed {
		t.Error("a second reissue changed a student already waiting")
	}
	// A card in use is invalidated and reissued in one step.
	q := testPESEL(2)
	seed(t, s, q, state.Activated)
	_, err = Reissue(t.Context(), s, q, NewPhoto, "", day(1))
	noErr(t, err)
	stateIs(t, s, q, state.New)
	h, err := s.History(t.Context(), q)
	noErr(t, err)
	if n := len(h); n < 2 || h[n-2].To != state.Invalidated || ReasonOf(h[n-2].Reason) != NewPhoto || h[n-1].To != state.New {
		t.Errorf("history %+v: want invalidated (new photo) then new", h)
	}
}

func TestPickupRefusals(t *testing.T) {
	s := openTest(t)
	for i, c := range []struct {
		st   state.State
		code reject.Code
		says string // part of the Polish reason
	}{
		{state.Invalidated, reject.PickupInvalidated, "unieważniono 15.09.2026"},
		{state.Expired, reject.PickupCodesExpired, "wygasły 15.09.2026"},
		{state.CodesReceived, reject.PickupNotPrinted, "mlegit slips"},
		{state.Activated, reject.PickupActivated, "Aktywowano ją 15.09.2026"},
		{state.Packaged, reject.PickupNoCodes, "Stan mLegitymacji: wysłana do portalu."},
		{state.New, reject.PickupNoCodes, "Stan mLegitymacji: nowa."},
	} {
		p := testPESEL(i + 1)
		seed(t, s, p, c.st)
		var re *RefusedError
		_, err := Pickup(t.Context(), s, p, "matka", day(1))
		if !errors.As(err, &re) || !errors.Is(err, ErrRefused) || re.Code != c.code || !strings.Contains(re.Polish, c.says) {
			t.Errorf("%s: pickup %v, want a refusal %s saying %q", c.st, err, c.code, c.says)
		} else if !strings.HasPrefix(re.Polish, c.code.Title()) || len(texts.Lint(texts.StripCodes(re.Polish))) > 0 {
			t.Errorf("%s: reason %q is not the catalogue's Polish text", c.st, re.Polish)
		}
		stateIs(t, s, p, c.st)
	}
	p := testPESEL(10)
	seed(t, s, p, state.SlipPrinted)
	if _, err := Pickup(t.Context(), s, p, "  ", day(1)); err == nil {
		t.Error("pickup by nobody accepted")
	}
	out, err := Pickup(t.Context(), s, p, "Anna  Nowak", day(1))
	noErr(t, err)
	if !out.Changed || out.Issue != 1 {
		t.Errorf("pickup: %+v", out)
	}
	var re *RefusedError
	if _, err := Pickup(t.Context(), s, p, "Jan", day(2)); !errors.As(err, &re) || re.Code != reject.PickupAlreadyDone ||
		!strings.Contains(re.Polish, "Data odbioru: 16.09.2026.") {
		t.Errorf("second pickup of one issue: %v, want refused as picked up on 16.09.2026", err)
	}
}

// TestPickupAfterReissue: the new issue's slip is picked up although the
// earlier issue's slip was.
func TestPickupAfterReissue(t *testing.T) {
	s := openTest(t)
	p := testPESEL(1)
	seed(t, s, p, state.PickedUp)
	_, err := Reissue(t.Context(), s, p, LostDevice, "", day(1))
	noErr(t, err)
	for _, to := range pathTo[state.SlipPrinted] {
		noErr(t, s.Transition(t.Context(), p, to, day(2), "test"))
	}
	out, err := Pickup(t.Context(), s, p, "ojciec", day(3))
	noErr(t, err)
	if out.Issue != 2 {
		t.Errorf("pickup of issue %d, want 2", out.Issue)
	}
}

func TestActivateAndCodes(t *testing.T) {
	s := openTest(t)
	a, b, c := testPESEL(1), testPESEL(2), testPESEL(3)
	seed(t, s, a, state.Packaged)
	seed(t, s, b, state.Validated)
	seed(t, s, c, state.SlipPrinted)
	skipped, err := RecordCodes(t.Context(), s, []codes.Entry{{PESEL: a, Generated: day(1), ValidUntil: day(31)}, {PESEL: b}}, day(1))
	noErr(t, err)
	if skipped != 1 {
		t.Errorf("skipped %d codes, want 1 (not sent)", skipped)
	}
	stateIs(t, s, a, state.CodesReceived)
	n, rej, err := Activate(t.Context(), s, []codes.Activation{{PESEL: a, At: day(2)}, {PESEL: b, At: day(2)}, {PESEL: c, At: day(2)}, {PESEL: testPESEL(9), At: day(2)}})
	noErr(t, err)
	if n != 2 || len(rej) != 2 {
		t.Errorf("recorded %d, rejected %+v", n, rej)
	}
	stateIs(t, s, c, state.Activated)
}
