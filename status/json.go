package status

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/mlegit/mlegit/pesel"
	"github.com/mlegit/mlegit/state"
)

// JSON is what `mlegit status --json` prints, for scripts and monitoring.
// PESELs are masked.
type JSON struct {
	School    string         `json:"school"`
	AsOf      string         `json:"as_of"` // YYYY-MM-DD
	States    map[string]int `json:"states"`
	Students  []JSONStudent  `json:"students"`
	Deadlines []JSONDeadline `json:"deadlines"`
	// WaitingPackages are the upload packages not yet confirmed (by a
	// codes import or mlegit package uploaded), oldest first.
	WaitingPackages []JSONPackage `json:"waiting_packages"`
}

// JSONPackage is one upload package that waits to be uploaded.
type JSONPackage struct {
	Name     string `json:"name"`
	Created  string `json:"created"` // RFC 3339
	Students int    `json:"students"`
	AgeDays  int    `json:"age_days"`
	Late     bool   `json:"late"` // waiting longer than codes_due_days
}

// JSONStudent is one student of the store.
type JSONStudent struct {
	PESEL string `json:"pesel"` // masked
	Class string `json:"class"`
	State string `json:"state"`
	Issue int    `json:"issue"` // the card's issue, 1 for the first
}

// JSONDeadline is one deadline near or past.
type JSONDeadline struct {
	PESEL    string `json:"pesel"` // masked
	Class    string `json:"class"`
	State    string `json:"state"`
	Kind     string `json:"kind"` // codes_due, activation, card_validity, photo_purge
	Due      string `json:"due"`  // YYYY-MM-DD, the last day in time
	DaysLeft int    `json:"days_left"`
	Overdue  bool   `json:"overdue"`
}

// WriteJSON writes r and the store's students recs as indented JSON:
// every state appears in states, with 0 when no student is in it.
func WriteJSON(w io.Writer, r *Report, recs []state.Record) error {
	out := JSON{School: r.School, AsOf: r.AsOf.Format(time.DateOnly), States: map[string]int{},
		Students: []JSONStudent{}, Deadlines: []JSONDeadline{}, WaitingPackages: []JSONPackage{}}
	for _, p := range r.Packages {
		out.WaitingPackages = append(out.WaitingPackages, JSONPackage{Name: p.Name, Created: p.Created.Format(time.RFC3339),
			Students: p.Students, AgeDays: p.AgeDays, Late: p.Late})
	}
	for _, s := range state.States() {
		out.States[s.String()] = 0
	}
	for _, rec := range recs {
		out.States[rec.State.String()]++
		out.Students = append(out.Students, JSONStudent{PESEL: pesel.Masked(rec.PESEL), Class: rec.Class,
			State: rec.State.String(), Issue: rec.Issue})
	}
	for _, d := range r.Deadlines {
		out.Deadlines = append(out.Deadlines, JSONDeadline{PESEL: d.PESEL, Class: d.Class, State: d.State.String(),
			Kind: string(d.Kind), Due: d.Due.Format(time.DateOnly), DaysLeft: d.DaysLeft, Overdue: d.Overdue})
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding status: %w", err)
	}
	_, err = w.Write(append(b, '\n'))
	return err
}
