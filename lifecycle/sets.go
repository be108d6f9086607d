package lifecycle

import (
	"slices"

	"github.com/mlegit/mlegit/state"
)

// Set is a named group of states.
type Set []state.State

// Has reports whether s is in the set.
func (set Set) Has(s state.State) bool { return slices.Contains(set, s) }

// The named state sets every command judges by.
var (
	// Sent: the current issue's request and photo went to the portal, so
	// codes for it may arrive (codes import accepts them).
	Sent = Set{state.Packaged, state.CodesReceived, state.SlipPrinted, state.PickedUp, state.Activated, state.Expired}
	// Issued: the card exists (codes received, slip printed, picked up,
	// activated). Only a reason the procedure names withdraws it.
	Issued = Set{state.CodesReceived, state.SlipPrinted, state.PickedUp, state.Activated}
	// InFlight: sent or issued and not withdrawn or expired; a change of
	// a printed field invalidates and reissues such a card, and the
	// mass-invalidation guard counts its withdrawals.
	InFlight = Set{state.Packaged, state.CodesReceived, state.SlipPrinted, state.PickedUp, state.Activated}
	// Printable: a slip may be printed for the current codes.
	Printable = Set{state.CodesReceived, state.SlipPrinted, state.PickedUp}
	// Pending: waiting for the next nightly run to send it.
	Pending = Set{state.New, state.Validated}
	// AwaitingActivation: codes out, not yet activated; an activation
	// from the portal is expected.
	AwaitingActivation = Set{state.CodesReceived, state.SlipPrinted, state.PickedUp}
)
