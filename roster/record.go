// Package roster reads the student lists that school systems export
// (UONET+, SIO and others) as CSV or XLSX into raw Records, one per row.
//
// A Record holds text exactly as the school wrote it (trimmed), so that
// validation can say precisely what was wrong. The only repairs made here
// are those a spreadsheet caused (a PESEL stored as a number, a date stored
// as a date cell). A repair that changes digits (a PESEL's leading zero
// restored) is noted on the Record; a date cell read as RRRR-MM-DD loses
// nothing and is not noted.
package roster

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
)

// Record is one student row of a roster file.
type Record struct {
	File string // base name of the roster file
	Row  int    // row number as a spreadsheet shows it (CSV header = row 1)

	Surname    string
	FirstName  string
	SecondName string
	BirthDate  string // raw text, or RRRR-MM-DD when read from a date cell
	PESEL      string
	Class      string
	CardNumber string
	CardIssued string // raw text, or RRRR-MM-DD from a date cell
	CardValid  string // raw text, or RRRR-MM-DD from a date cell
	Disability string // raw flag text ("", "0", "1", "tak", "nie", ...)

	// Notes lists repairs made while reading (English, for warnings).
	Notes []string

	// Unreadable, when not empty, says in Polish why the row could not be
	// parsed (one of the Reason* texts); the other fields then hold a best
	// guess at the row's cells, only to tell the secretariat whose row it
	// was, and the row must be rejected (ROW_UNREADABLE).
	Unreadable string
}

// Why a row could not be read, in the secretariat's words.
const (
	ReasonQuote     = "niedomknięty lub nadmiarowy cudzysłów (\")"
	ReasonBareQuote = "cudzysłów (\") w środku pola, którego nie ujęto w cudzysłowy"
	ReasonNUL       = "wiersz zawiera bajt zerowy (NUL), plik mógł zostać uszkodzony"
	ReasonCells     = "nie udało się odczytać komórek tego wiersza arkusza"
)

// Field names a logical roster column.
type Field string

// The logical columns a roster may hold.
const (
	FieldSurname    Field = "surname"
	FieldFirstName  Field = "first_name"
	FieldSecondName Field = "second_name"
	FieldBirthDate  Field = "birth_date"
	FieldPESEL      Field = "pesel"
	FieldClass      Field = "class"
	FieldCardNumber Field = "card_number"
	FieldCardIssued Field = "card_issued"
	FieldCardValid  Field = "card_valid"
	FieldDisability Field = "disability"
)

// dateLayouts are the date formats found in Polish school exports.
var dateLayouts = []string{"02.01.2006", "2006-01-02", "02-01-2006", "2006/01/02"}

// ErrDate is returned by ParseDate for text that is no date we know.
var ErrDate = errors.New("unrecognised date")

// ParseDate reads a date in DD.MM.RRRR, RRRR-MM-DD, DD-MM-RRRR or RRRR/MM/DD
// (single-digit day and month accepted). A trailing time of day, as some
// exports add ("2010-05-01 00:00:00", after any space, a tab, a
// non-breaking space or "T"), is ignored.
func ParseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if i := strings.IndexFunc(s, func(r rune) bool { return r == 'T' || unicode.IsSpace(r) }); i > 0 {
		s = s[:i]
	}
	norm := padDate(s)
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, norm); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q: %w", s, ErrDate)
}

// padDate zero-pads one-digit day and month parts ("1.5.2010" -> "01.05.2010").
func padDate(s string) string {
	sep := ""
	for _, c := range []string{".", "-", "/"} {
		if strings.Count(s, c) == 2 {
			sep = c
			break
		}
	}
	if sep == "" {
		return s
	}
	parts := strings.Split(s, sep)
	for i, p := range parts {
		if len(p) == 1 {
			parts[i] = "0" + p
		}
	}
	return strings.Join(parts, sep)
}
