package register

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"github.com/mlegit/mlegit/codes"
	"github.com/mlegit/mlegit/pesel"
	"github.com/mlegit/mlegit/safefile"
	"github.com/mlegit/mlegit/slips"
	"github.com/mlegit/mlegit/state"
	"github.com/mlegit/mlegit/texts"
)

// Status is where a student's code stands on the as-of date; the values are
// the Polish labels the register prints.
type Status string

// The statuses, in order of precedence (see the package documentation).
const (
	Invalidated Status = texts.StatusInvalidated
	Active      Status = texts.StatusActivated
	Expired     Status = texts.StatusExpired
	PickedUp    Status = texts.StatusPickedUp
	Pending     Status = texts.StatusPending
)

// Statuses lists every status in the order the register's summary shows them.
func Statuses() []Status { return []Status{Pending, PickedUp, Active, Expired, Invalidated} }

// Sources are what the register joins. Store is required; the rest may be
// nil.
type Sources struct {
	Store *codes.Store
	// Pickups are the pickups of every issue of every card, from the
	// state store (state.Store.Pickups), the only pickup ledger.
	Pickups []state.Pickup
	// Issues maps a PESEL to its card's current issue (state.Record.Issue);
	// a student missing from it is at issue 1.
	Issues map[string]int
	// Activated and Invalidated map a PESEL to when its code was activated
	// or invalidated (from the portal, via the state store).
	Activated   map[string]time.Time
	Invalidated map[string]time.Time
}

// Row is one student's line of the register. It holds the PESEL masked
// and never the activation code.
type Row struct {
	Surname, FirstNames, Class string
	MaskedPESEL                string
	CardNumber                 string
	Generated, ValidUntil      time.Time
	PickedUpAt                 time.Time // zero: not picked up
	PickedUpBy                 string
	Simulated                  bool
	Status                     Status
	// Issue is the card's issue the row is about; an earlier issue, with
	// its pickup, gets a row of its own after the current one.
	Issue int
	// Replaced: the row is an earlier issue, withdrawn for a newer one.
	Replaced bool
}

// Build joins the sources into one row per codes entry (the card's
// current issue), sorted by class then surname (slips.Sort), with each
// status judged on asOf. An earlier issue that was picked up follows its
// student's row, with its own pickup and the status unieważniona.
func Build(src Sources, asOf time.Time) []Row {
	entries := append([]codes.Entry(nil), src.Store.Entries...)
	slips.Sort(entries)
	byIssue := map[string]map[int]state.Pickup{}
	for _, pk := range src.Pickups {
		if byIssue[pk.PESEL] == nil {
			byIssue[pk.PESEL] = map[int]state.Pickup{}
		}
		byIssue[pk.PESEL][pk.Issue] = pk
	}
	rows := make([]Row, 0, len(entries))
	for _, e := range entries {
		issue := max(src.Issues[e.PESEL], 1)
		r := Row{
			Surname:     e.Surname,
			FirstNames:  joinNames(e.FirstName, e.SecondName),
			Class:       e.Class,
			MaskedPESEL: pesel.Masked(e.PESEL),
			CardNumber:  e.CardNumber,
			Generated:   e.Generated,
			ValidUntil:  e.ValidUntil,
			Simulated:   e.Simulated,
			Issue:       issue,
		}
		pk, picked := byIssue[e.PESEL][issue]
		if picked {
			r.PickedUpAt, r.PickedUpBy = pk.At, pk.By
		}
		_, activated := src.Activated[e.PESEL]
		_, invalidated := src.Invalidated[e.PESEL]
		r.Status = status(invalidated, activated, picked, e.ValidUntil, asOf)
		rows = append(rows, r)
		for i := issue - 1; i >= 1; i-- {
			if pk, ok := byIssue[e.PESEL][i]; ok {
				old := Row{Surname: r.Surname, FirstNames: r.FirstNames, Class: r.Class, MaskedPESEL: r.MaskedPESEL,
					Issue: i, Replaced: true, PickedUpAt: pk.At, PickedUpBy: pk.By, Status: Invalidated}
				rows = append(rows, old)
			}
		}
	}
	return rows
}

// status applies the precedence. A code expires when, not activated, its
// valid-until date is before the as-of date: it is still valid on the day
// itself, whatever the clock times.
func status(invalidated, activated, picked bool, validUntil, asOf time.Time) Status {
	switch {
	case invalidated:
		return Invalidated
	case activated:
		return Active
	case !validUntil.IsZero() && civil(validUntil).Before(civil(asOf)):
		return Expired
	case picked:
		return PickedUp
	}
	return Pending
}

// civil is the calendar date of t in its own location, as a UTC midnight.
func civil(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func joinNames(first, second string) string {
	if second == "" {
		return first
	}
	return first + " " + second
}

// Count returns how many rows have each status.
func Count(rows []Row) map[Status]int {
	n := map[Status]int{}
	for _, r := range rows {
		n[r.Status]++
	}
	return n
}

// Written lists the files Write produced.
type Written struct {
	XLSX, PDF string
	// Held are files another program held open; their new version was
	// written beside them ("rejestr (nowy).xlsx").
	Held []*safefile.HeldError
}

// Write builds the register and writes OUT/register/rejestr.xlsx and
// OUT/register/rejestr.pdf through safefile.
func Write(ctx context.Context, outDir string, src Sources, asOf time.Time) (Written, error) {
	if src.Store == nil {
		return Written{}, fmt.Errorf("writing register: no codes store")
	}
	school := src.Store.SchoolName
	if school == "" {
		school = src.Store.School
	}
	rows := Build(src, asOf)
	dir := filepath.Join(outDir, "register")
	w := Written{XLSX: filepath.Join(dir, "rejestr.xlsx"), PDF: filepath.Join(dir, "rejestr.pdf")}
	for _, f := range []struct {
		path  string
		write func(io.Writer, string, []Row, time.Time) error
	}{{w.XLSX, WriteXLSX}, {w.PDF, WritePDF}} {
		if err := ctx.Err(); err != nil {
			return Written{}, fmt.Errorf("writing register: %w", err)
		}
		err := safefile.Write(f.path, func(out io.Writer) error {
			return f.write(out, school, rows, asOf)
		})
		var he *safefile.HeldError
		if errors.As(err, &he) {
			w.Held = append(w.Held, he) // open in Excel: written beside it
		} else if err != nil {
			return Written{}, err
		}
	}
	slog.Info("register written", "students", len(rows), "xlsx", w.XLSX, "pdf", w.PDF)
	return w, nil
}

// columns are the register's column headings, shared by XLSX and PDF.
var columns = []string{
	"Lp.", texts.ColSurname, texts.ColFirstNames, texts.ColClass, texts.ColPESEL, texts.ColCardNumber,
	texts.ColGenerated, texts.ColValidUntil, texts.ColPickedUpAt, texts.ColPickedUpBy, texts.ColState, "Uwagi",
}

// cells returns row i's texts in column order (dates as DD.MM.RRRR).
func (r Row) cells(i int) []string {
	var notes []string
	switch {
	case r.Replaced:
		notes = append(notes, fmt.Sprintf("wydanie %d, zastąpione nowym", r.Issue))
	case r.Issue > 1:
		notes = append(notes, fmt.Sprintf("wydanie %d", r.Issue))
	}
	if r.Simulated {
		notes = append(notes, "symulator (WZÓR)")
	}
	note := strings.Join(notes, "; ")
	return []string{
		fmt.Sprint(i + 1), r.Surname, r.FirstNames, r.Class, r.MaskedPESEL, r.CardNumber,
		slips.FormatDate(r.Generated), slips.FormatDate(r.ValidUntil), dateOrEmpty(r.PickedUpAt),
		r.PickedUpBy, string(r.Status), note,
	}
}

func dateOrEmpty(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return slips.FormatDate(t)
}
