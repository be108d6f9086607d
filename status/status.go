// Package status tells where one school stands: how many students are in
// each lifecycle state, per class; which deadlines are near or overdue; and
// which rejections of the last run are still open; which upload packages
// wait to be uploaded. [Build] gathers it from
// the school's state store and the last run's summary.json into a
// [Report], which [WriteTable] prints for the IT admin and [WriteXLSX]
// writes as status.xlsx for the secretariat (in Polish).
//
// Terms:
//   - open rejection: a rejection listed in the summary.json of the last
//     run; the next run that accepts the student closes it.
//   - near: a deadline within the warning days of the as-of date (see
//     state.Deadlines.WarnDays); overdue: its date has passed.
//
// A Report never holds a full PESEL: every PESEL in it is masked when it is
// built, so no writer can print one.
package status

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mlegit/mlegit/pesel"
	"github.com/mlegit/mlegit/reject"
	"github.com/mlegit/mlegit/report"
	"github.com/mlegit/mlegit/state"
	"github.com/mlegit/mlegit/texts"
)

// FileName is the secretariat's workbook, written into the output folder.
const FileName = "status.xlsx"

// Report is the status of one school on one date.
type Report struct {
	School string // the store's school identifier
	// SchoolName is the school's full name (config school_name), shown to
	// the secretariat instead of the identifier when set.
	SchoolName string
	AsOf       time.Time // the date deadlines are judged on
	// States are the count columns: every lifecycle state, in order.
	States []state.State
	// Classes hold the counts per class, ordered by class (1a, 2a, ...,
	// 10a); Total sums them.
	Classes []ClassCounts
	Total   ClassCounts
	// Deadlines are near or overdue, ordered by date, kind and PESEL.
	Deadlines []Deadline
	// Rejections are the open rejections (PESELs masked), from the run of
	// RejectionsAsOf; both are empty when no run has written a summary.
	Rejections     []reject.Rejection
	RejectionsAsOf string
	// SummaryFound reports whether the last run's summary.json was read.
	SummaryFound bool
	// Packages are the upload packages that wait to be uploaded (not
	// confirmed by a codes import or mlegit package uploaded), oldest
	// first; CodesDueDays is the deadline past which one is late.
	Packages     []Package
	CodesDueDays int
}

// Package is one waiting upload package.
type Package struct {
	Name     string
	Created  time.Time
	AgeDays  int // whole days from Created to AsOf
	Students int
	Late     bool // waiting longer than CodesDueDays
}

// ClassCounts counts the students of one class per state.
type ClassCounts struct {
	Class   string // "" in Report.Total
	ByState map[state.State]int
	Total   int
}

// Deadline is one student's near or overdue date, with the student named.
type Deadline struct {
	PESEL    string // masked
	Name     string // surname and first name
	Class    string
	State    state.State
	Kind     state.DeadlineKind
	Due      time.Time // the last day still in time
	DaysLeft int       // 0 on the day, negative once overdue
	Overdue  bool
}

// KindPolish returns the secretariat's name of a deadline kind, from the
// vocabulary of package texts, e.g. "kody z portalu"; an unknown kind is
// returned as it is.
func KindPolish(k state.DeadlineKind) string { return texts.Deadline(string(k)) }

// Build gathers the status of the school whose store is given, judged on
// asOf with the limits dl (zero fields take state.DefaultDeadlines), and
// the open rejections from summaryPath (the last run's summary.json; a
// missing file means no run has finished yet and is not an error).
//
// Build only reads the store, so it may run while a nightly run holds the
// school's lock; the counts and the deadlines are then read in separate
// queries and may straddle one of the run's transactions.
func Build(ctx context.Context, store *state.Store, asOf time.Time, dl state.Deadlines, summaryPath string) (*Report, error) {
	r := &Report{
		School: strings.TrimSuffix(filepath.Base(store.Path()), ".sqlite"),
		AsOf:   asOf,
		States: state.States(),
	}
	var err error
	if r.Classes, r.Total, err = classCounts(ctx, store); err != nil {
		return nil, err
	}
	if r.Deadlines, err = deadlines(ctx, store, asOf, dl); err != nil {
		return nil, err
	}
	if err := r.readSummary(summaryPath); err != nil {
		return nil, err
	}
	if err := r.readPackages(ctx, store, dl); err != nil {
		return nil, err
	}
	return r, nil
}

// Overview is what a district's dashboard shows of one school: Build's
// totals, the number of its near and overdue deadlines and of its open
// rejections, read with aggregate queries (no student is read).
type Overview struct {
	Total ClassCounts
	// Overdue and Near count Report.Deadlines by Deadline.Overdue.
	Overdue, Near int
	// Rejections counts Report.Rejections, from the run of RejectionsAsOf.
	Rejections     int
	RejectionsAsOf string
}

// BuildOverview gathers the Overview of a school, with the arguments of
// Build and the same numbers.
func BuildOverview(ctx context.Context, store *state.Store, asOf time.Time, dl state.Deadlines, summaryPath string) (*Overview, error) {
	_, total, err := classCounts(ctx, store)
	if err != nil {
		return nil, err
	}
	due, err := store.DueCounts(ctx, asOf, dl)
	if err != nil {
		return nil, fmt.Errorf("status: deadlines: %w", err)
	}
	var r Report
	if err := r.readSummary(summaryPath); err != nil {
		return nil, err
	}
	return &Overview{Total: total, Overdue: due.Overdue, Near: due.Near,
		Rejections: len(r.Rejections), RejectionsAsOf: r.RejectionsAsOf}, nil
}

// classCounts counts the students per class and state (classes ordered
// by compareClasses) and in all.
func classCounts(ctx context.Context, store *state.Store) ([]ClassCounts, ClassCounts, error) {
	counts, err := store.Counts(ctx)
	if err != nil {
		return nil, ClassCounts{}, fmt.Errorf("status: %w", err)
	}
	var classes []ClassCounts
	for class, by := range counts.ByClass {
		c := ClassCounts{Class: class, ByState: by}
		for _, n := range by {
			c.Total += n
		}
		classes = append(classes, c)
	}
	slices.SortFunc(classes, func(a, b ClassCounts) int { return compareClasses(a.Class, b.Class) })
	return classes, ClassCounts{ByState: counts.ByState, Total: counts.Total}, nil
}

// readPackages lists the waiting upload packages with their age.
func (r *Report) readPackages(ctx context.Context, store *state.Store, dl state.Deadlines) error {
	waiting, err := store.WaitingPackages(ctx)
	if err != nil {
		return fmt.Errorf("status: %w", err)
	}
	r.CodesDueDays = dl.CodesDueDays
	if r.CodesDueDays <= 0 {
		r.CodesDueDays = state.DefaultDeadlines.CodesDueDays
	}
	for _, p := range waiting {
		age := p.AgeDays(r.AsOf)
		r.Packages = append(r.Packages, Package{Name: p.Name, Created: p.Created, AgeDays: age,
			Students: p.Students, Late: age > r.CodesDueDays})
	}
	return nil
}

// deadlines lists the store's near and overdue dates with names.
func deadlines(ctx context.Context, store *state.Store, asOf time.Time, dl state.Deadlines) ([]Deadline, error) {
	due, err := store.Due(ctx, asOf, dl)
	if err != nil {
		return nil, fmt.Errorf("status: deadlines: %w", err)
	}
	if len(due) == 0 {
		return nil, nil
	}
	out := make([]Deadline, len(due))
	for i, d := range due {
		out[i] = Deadline{PESEL: pesel.Masked(d.PESEL), Name: d.Name, Class: d.Class, State: d.State,
			Kind: d.Kind, Due: d.Due, DaysLeft: d.DaysLeft, Overdue: d.Overdue}
	}
	return out, nil
}

// readSummary takes the open rejections from the last run's summary.json.
func (r *Report) readSummary(path string) error {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("status: reading the last run's summary: %w", err)
	}
	var s report.Summary
	if err := json.Unmarshal(data, &s); err != nil {
		return fmt.Errorf("status: reading %s: %w", path, err)
	}
	r.SummaryFound = true
	r.RejectionsAsOf = s.AsOf
	r.Rejections = s.Rejections
	for i := range r.Rejections {
		// Runs mask them already; masking again changes nothing then and
		// protects against a summary written by something else.
		r.Rejections[i].PESEL = pesel.Masked(r.Rejections[i].PESEL)
	}
	return nil
}

// compareClasses orders class names by their leading number, then as
// text, so that "2a" comes before "10a".
func compareClasses(a, b string) int {
	na, ra := leadingNumber(a)
	nb, rb := leadingNumber(b)
	return cmp.Or(cmp.Compare(na, nb), cmp.Compare(strings.ToLower(ra), strings.ToLower(rb)), cmp.Compare(a, b))
}

// leadingNumber splits s into its leading decimal number (-1 when none)
// and the rest.
func leadingNumber(s string) (int, string) {
	i := 0
	for i < len(s) && i < 9 && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 {
		return -1, s
	}
	n, _ := strconv.Atoi(s[:i])
	return n, s[i:]
}
