package state

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/mlegit/mlegit/pesel"
	"github.com/mlegit/mlegit/student"
)

// Item is one student of tonight's roster, as Plan compares it with the
// store. ItemOf builds it from a validated student.
type Item struct {
	PESEL     string
	RowHash   string // RowHash of the roster row
	PhotoHash string // PhotoHash of the source photo bytes; "" when none
	// PhotoStat identifies the source file as it was hashed (see
	// Record.PhotoStat); stored by Upsert, not compared by Plan.
	PhotoStat string
	CardHash  string // CardHash of the roster row
	// Names, class and card validity are kept in the store for name-change
	// detection, status counts and deadlines.
	Surname, FirstName, SecondName string
	Class                          string
	CardValid                      time.Time
}

// ItemOf returns the Item of a validated student whose source photo hashes
// to photoHash ("" when it has none).
func ItemOf(s student.Student, photoHash string) Item {
	return Item{
		PESEL:      string(s.PESEL),
		RowHash:    RowHash(s),
		CardHash:   CardHash(s),
		PhotoHash:  photoHash,
		Surname:    clean(s.Surname),
		FirstName:  clean(s.FirstName),
		SecondName: clean(s.SecondName),
		Class:      clean(s.Class),
		CardValid:  s.CardValid,
	}
}

// RowHash returns a hex sha256 of the fields of s that the card depends on
// (PESEL, names, birth date, class, card number, issue and validity dates,
// disability), each normalised: Unicode NFC, surrounding and repeated
// spaces removed, dates as YYYY-MM-DD. Where the row came from (File, Row)
// is left out, and the fields are hashed by name in a fixed order, so the
// hash is the same across runs whatever the roster's column order.
func RowHash(s student.Student) string {
	fields := map[string]string{
		"v":           "1", // bump when the hashed fields change
		"pesel":       string(s.PESEL),
		"surname":     clean(s.Surname),
		"first_name":  clean(s.FirstName),
		"second_name": clean(s.SecondName),
		"birth_date":  date(s.BirthDate),
		"class":       clean(s.Class),
		"card_number": clean(s.CardNumber),
		"card_issued": date(s.CardIssued),
		"card_valid":  date(s.CardValid),
		"disability":  strconv.FormatBool(s.Disability),
	}
	b, err := json.Marshal(fields) // map keys are sorted
	if err != nil {
		panic(err) // a map of strings always marshals
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// CardHash returns a hex sha256 of the fields of s printed on the card:
// PESEL, names, birth date, card number, issue and validity dates,
// normalised as in RowHash. A change of any of them needs a new card; a
// change of the class (not printed) does not.
func CardHash(s student.Student) string {
	b, err := json.Marshal(map[string]string{
		"v":           "1",
		"pesel":       string(s.PESEL),
		"surname":     clean(s.Surname),
		"first_name":  clean(s.FirstName),
		"second_name": clean(s.SecondName),
		"birth_date":  date(s.BirthDate),
		"card_number": clean(s.CardNumber),
		"card_issued": date(s.CardIssued),
		"card_valid":  date(s.CardValid),
	})
	if err != nil {
		panic(err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// PhotoHash returns the hex sha256 of a photo's bytes.
func PhotoHash(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// clean is the normal form of a text field: NFC, single spaces, trimmed.
func clean(s string) string {
	return strings.Join(strings.Fields(norm.NFC.String(s)), " ")
}

// Plan is what tonight's roster changes against the store.
type Plan struct {
	New       []Item   // not in the store
	Changed   []Change // in the store, row or photo differs
	Unchanged []Record // in the store, same row and photo
	// Left are students in the store, not invalidated, absent from the
	// roster: candidates for invalidation with reason "transfer".
	Left []Record
}

// Change is a student whose row or photo changed since the store last saw it.
type Change struct {
	Item        // tonight's data
	Was  Record // the store's
	Row  bool   // RowHash differs
	// Photo: PhotoHash differs (a missing photo after a purge is no change).
	Photo bool
	// Name: surname, first or second name differ. The card shows the name,
	// so the caller invalidates the old card and reissues.
	Name bool
	// Card: a field printed on the card differs (CardHash; names included).
	// False when the store has no card hash yet (written by an older
	// mlegit): only a name change is then known to need a new card.
	Card bool
}

// Plan classifies current, tonight's roster, against the store without
// changing it. New, Changed and Unchanged keep the order of current; Left
// is ordered by PESEL. A PESEL twice in current is an error.
func (s *Store) Plan(ctx context.Context, current []Item) (Plan, error) {
	var plan Plan
	recs, err := s.Students(ctx)
	if err != nil {
		return plan, fmt.Errorf("planning: %w", err)
	}
	stored := make(map[string]Record, len(recs))
	for _, r := range recs {
		stored[r.PESEL] = r
	}
	seen := make(map[string]bool, len(current))
	for _, it := range current {
		if seen[it.PESEL] {
			return Plan{}, fmt.Errorf("planning: student %s listed twice", pesel.Masked(it.PESEL))
		}
		seen[it.PESEL] = true
		was, ok := stored[it.PESEL]
		if !ok {
			plan.New = append(plan.New, it)
			continue
		}
		c := Change{
			Item:  it,
			Was:   was,
			Row:   it.RowHash != was.RowHash,
			Photo: it.PhotoHash != was.PhotoHash && !(it.PhotoHash == "" && !was.PhotoPurgedAt.IsZero()),
			Name: clean(it.Surname) != clean(was.Surname) || clean(it.FirstName) != clean(was.FirstName) ||
				clean(it.SecondName) != clean(was.SecondName),
			Card: was.CardHash != "" && it.CardHash != was.CardHash,
		}
		if c.Row || c.Photo || c.Name {
			plan.Changed = append(plan.Changed, c)
		} else {
			plan.Unchanged = append(plan.Unchanged, was)
		}
	}
	for _, r := range recs {
		if !seen[r.PESEL] && r.State != Invalidated {
			plan.Left = append(plan.Left, r)
		}
	}
	return plan, nil
}
