package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mlegit/mlegit/codes"
	"github.com/mlegit/mlegit/pesel"
	"github.com/mlegit/mlegit/reject"
	"github.com/mlegit/mlegit/state"
	"github.com/mlegit/mlegit/texts"
)

// ErrRefused is wrapped by every *RefusedError.
var ErrRefused = errors.New("refused")

// RefusedError is an action the lifecycle does not allow for the student
// as it stands; nothing was changed. Code names the reason (scripts match
// on it); Polish says why, for the secretariat: the catalogue's title,
// what to do and the detail, as whole sentences.
type RefusedError struct {
	PESEL  string // full number; Error masks it
	Action string // "pickup", "reissue", ...
	State  state.State
	Code   reject.Code
	Polish string
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("%s of %s refused in state %s (%s): %s", e.Action, pesel.Masked(e.PESEL), e.State, e.Code, e.Polish)
}

func (e *RefusedError) Unwrap() error { return ErrRefused }

// Outcome is what an action did to one student.
type Outcome struct {
	PESEL    string
	Class    string
	Name     string // surname and first name
	From, To state.State
	Issue    int // the card issue the student is at afterwards
	// Changed is false when the student already stood where the action
	// leads; nothing was written then.
	Changed bool
	// Reason: the reason recorded; when nothing changed, the one on
	// record (Detail its text).
	Reason Reason
	Detail string
}

// get reads one student; an unknown PESEL wraps state.ErrNotFound.
func get(ctx context.Context, st *state.Store, p string) (state.Record, Outcome, error) {
	r, err := st.Get(ctx, p)
	if err != nil {
		return r, Outcome{}, err
	}
	return r, Outcome{PESEL: p, Class: r.Class, Name: strings.TrimSpace(r.Surname + " " + r.FirstName),
		From: r.State, To: r.State, Issue: r.Issue}, nil
}

// lastReason is the reason of the student's last transition.
func lastReason(ctx context.Context, st *state.Store, p string) (Reason, string, error) {
	h, err := st.History(ctx, p)
	if err != nil || len(h) == 0 {
		return 0, "", err
	}
	text := h[len(h)-1].Reason
	return ReasonOf(text), text, nil
}

// Invalidate withdraws a student's card for reason r (detail: free text,
// may be empty), as the school does on a parents' request, a lost device
// or a name change. A student already invalidated is left alone (Changed
// false, the reason on record returned). Whether the nightly run then
// reissues by itself is r.AutoReissue().
func Invalidate(ctx context.Context, st *state.Store, p string, r Reason, detail string, at time.Time) (Outcome, error) {
	rec, out, err := get(ctx, st, p)
	if err != nil {
		return out, err
	}
	if rec.State == state.Invalidated {
		out.Reason, out.Detail, err = lastReason(ctx, st, p)
		return out, err
	}
	if err := st.Transition(ctx, p, state.Invalidated, at, r.Text(detail)); err != nil {
		return out, fmt.Errorf("invalidating %s: %w", pesel.Masked(p), err)
	}
	out.To, out.Changed, out.Reason, out.Detail = state.Invalidated, true, r, r.Text(detail)
	return out, nil
}

// Reissue issues a student's card again, as the school does after a
// parents' request, a name change, a new photo or expired codes: the
// student moves back to new (one more issue) and the next nightly run
// sends it with the photo it finds (the parents' new one, else the
// normalised photo on file). A card in flight (packaged to activated) is
// invalidated first, both in one transaction. A student already waiting
// (new, validated) is left alone (Changed false).
func Reissue(ctx context.Context, st *state.Store, p string, r Reason, detail string, at time.Time) (Outcome, error) {
	rec, out, err := get(ctx, st, p)
	if err != nil {
		return out, err
	}
	if Pending.Has(rec.State) {
		return out, nil
	}
	var moves []state.Move
	if InFlight.Has(rec.State) {
		moves = append(moves, state.Move{PESEL: p, To: state.Invalidated, Reason: r.Text(detail)})
	}
	moves = append(moves, state.Move{PESEL: p, To: state.New, Reason: "reissue: " + r.Text(detail)})
	if err := st.Apply(ctx, at, moves...); err != nil {
		return out, fmt.Errorf("reissuing %s: %w", pesel.Masked(p), err)
	}
	out.To, out.Changed, out.Issue, out.Reason, out.Detail = state.New, true, rec.Issue+1, r, r.Text(detail)
	return out, nil
}

// Pickup records that the slip of the student's current issue was handed
// to by at at. Only a printed slip of a valid issue is picked up: an
// invalidated card, expired codes, a slip never printed, codes not yet
// received and a slip already picked up are refused with a
// *RefusedError saying why in Polish.
func Pickup(ctx context.Context, st *state.Store, p, by string, at time.Time) (Outcome, error) {
	by = strings.Join(strings.Fields(by), " ")
	if by == "" {
		return Outcome{}, fmt.Errorf("pickup of %s: who collected the slip is not given", pesel.Masked(p))
	}
	if at.IsZero() {
		return Outcome{}, fmt.Errorf("pickup of %s: no pickup date", pesel.Masked(p))
	}
	rec, out, err := get(ctx, st, p)
	if err != nil {
		return out, err
	}
	refuse := func(c reject.Code, variant string, a texts.Args) (Outcome, error) {
		return out, &RefusedError{PESEL: p, Action: "pickup", State: rec.State, Code: c,
			Polish: c.Message() + " " + c.Detail(variant, a)}
	}
	since := texts.Args{"since": rec.Since}
	switch rec.State {
	case state.SlipPrinted:
	case state.Invalidated:
		return refuse(reject.PickupInvalidated, "", since)
	case state.Expired:
		return refuse(reject.PickupCodesExpired, "", since)
	case state.CodesReceived:
		return refuse(reject.PickupNotPrinted, "", since)
	case state.Activated, state.PickedUp:
		if rec.State == state.Activated && rec.PickedUpAt.IsZero() {
			return refuse(reject.PickupActivated, "", since)
		}
		if rec.PickedUpAt.IsZero() {
			return refuse(reject.PickupAlreadyDone, "undated", nil)
		}
		return refuse(reject.PickupAlreadyDone, "", texts.Args{"date": rec.PickedUpAt})
	default:
		return refuse(reject.PickupNoCodes, "", texts.Args{"state": texts.State(rec.State.String())})
	}
	if err := st.ImportPickups(ctx, []state.Pickup{{PESEL: p, By: by, At: at}}); err != nil {
		return out, err
	}
	out.To, out.Changed = state.PickedUp, true
	return out, nil
}

// RecordCodes records the codes the portal returned: students whose
// current issue was sent (Sent) move from packaged to codes_received, the
// others are skipped and counted (their codes cannot be for the current
// issue).
func RecordCodes(ctx context.Context, st *state.Store, entries []codes.Entry, at time.Time) (skipped int, err error) {
	recs, err := st.Students(ctx, Sent...)
	if err != nil {
		return 0, err
	}
	sent := make(map[string]bool, len(recs))
	for _, r := range recs {
		sent[r.PESEL] = true
	}
	var known []codes.Entry
	for _, e := range entries {
		if sent[e.PESEL] {
			known = append(known, e)
		}
	}
	return len(entries) - len(known), st.RecordCodes(ctx, known, at)
}

// CurrentIssues tells codes.Import, per student, whether the current
// issue was sent and when it was packaged. It returns nil when the store
// knows nobody (a package built elsewhere).
func CurrentIssues(ctx context.Context, st *state.Store) (map[string]codes.Issue, error) {
	recs, err := st.Students(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the state store for the codes import: %w", err)
	}
	if len(recs) == 0 {
		return nil, nil
	}
	issues := make(map[string]codes.Issue, len(recs))
	for _, r := range recs {
		var issue codes.Issue
		if Sent.Has(r.State) {
			issue = codes.Issue{Sent: true, Packaged: r.PackagedAt}
		}
		issues[r.PESEL] = issue
	}
	return issues, nil
}

// ActivationRejected is an activation the store cannot take.
type ActivationRejected struct {
	codes.Activation
	Code  reject.Code // ActivationStudentUnknown or ActivationUnexpected
	State state.State // where the student stands (ActivationUnexpected)
}

// Activate records the portal's activations: a student awaiting
// activation moves to activated (from codes_received or slip_printed too:
// the activation proves the slip reached the student). An activation
// already recorded is skipped; one for an unknown student or a student
// not awaiting activation is returned as rejected. Each activation is
// recorded at the portal's date; importing the same report again changes
// nothing.
func Activate(ctx context.Context, st *state.Store, acts []codes.Activation) (recorded int, rejected []ActivationRejected, err error) {
	recs, err := st.Students(ctx)
	if err != nil {
		return 0, nil, err
	}
	stateOf := make(map[string]state.State, len(recs))
	for _, r := range recs {
		stateOf[r.PESEL] = r.State
	}
	for _, a := range acts {
		reason := "activated in the app"
		switch s, known := stateOf[a.PESEL]; {
		case !known:
			rejected = append(rejected, ActivationRejected{Activation: a, Code: reject.ActivationStudentUnknown})
			continue
		case s == state.Activated:
			continue
		case !AwaitingActivation.Has(s):
			rejected = append(rejected, ActivationRejected{Activation: a, Code: reject.ActivationUnexpected, State: s})
			continue
		case s != state.PickedUp:
			reason += " (pickup not recorded)"
		}
		// Each at its own date: history times are the portal's.
		if err := st.Transition(ctx, a.PESEL, state.Activated, a.At, reason); err != nil {
			return recorded, rejected, err
		}
		stateOf[a.PESEL] = state.Activated
		recorded++
	}
	return recorded, rejected, nil
}
