// Package rules decides whether a roster row may become an mLegitymacja.
//
// Check judges one row on its own (names, PESEL, dates, card); Duplicates
// judges the school as a whole (the same PESEL on two rows). Every problem
// found becomes a reject.Rejection carrying the row's file and number, so the
// secretariat can fix all of a row's problems at once. Dates are judged on
// the run's as-of date, never on the wall clock, so runs are reproducible.
package rules

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/mlegit/mlegit/formula"
	"github.com/mlegit/mlegit/pesel"
	"github.com/mlegit/mlegit/reject"
	"github.com/mlegit/mlegit/roster"
	"github.com/mlegit/mlegit/student"
	"github.com/mlegit/mlegit/texts"
)

// Check validates one roster row as of the given date. It returns the parsed
// student and no rejections when the row is acceptable; otherwise the
// rejections (one per problem) and a zero Student.
func Check(r roster.Record, asOf time.Time) (student.Student, []reject.Rejection) {
	if r.Unreadable != "" {
		rej := Reject(r, reject.RowUnreadable, "row cannot be parsed")
		rej.Szczegoly = reject.RowUnreadable.Detail("", texts.Args{"reason": r.Unreadable})
		return student.Student{}, []reject.Rejection{rej}
	}
	c := checker{rec: r}
	s := student.Student{
		Surname:    r.Surname,
		FirstName:  r.FirstName,
		SecondName: r.SecondName,
		Class:      r.Class,
		CardNumber: r.CardNumber,
		File:       r.File,
		Row:        r.Row,
	}
	c.names()
	s.PESEL = c.pesel()
	s.BirthDate = c.birthDate(s.PESEL)
	c.card(&s, asOf)
	s.Disability = c.flag(r.Disability, roster.FieldDisability)
	c.text(roster.FieldClass, r.Class)
	if len(c.out) > 0 {
		return student.Student{}, c.out
	}
	return s, nil
}

// Reject builds a rejection for a record, masking its PESEL, with the
// English detail for scripts; the caller sets its Polish Szczegoly.
func Reject(r roster.Record, code reject.Code, detail string) reject.Rejection {
	return reject.Rejection{
		File:    r.File,
		Row:     r.Row,
		PESEL:   pesel.Masked(CleanPESEL(r.PESEL)),
		Name:    strings.TrimSpace(r.Surname + " " + r.FirstName),
		Class:   r.Class,
		Code:    code,
		Message: code.Message(),
		Detail:  detail,
	}
}

type checker struct {
	rec roster.Record
	out []reject.Rejection
}

// add records a problem: its English detail for scripts and the Polish
// detail of the catalogue's variant filled with a.
func (c *checker) add(code reject.Code, english, variant string, a texts.Args) {
	rej := Reject(c.rec, code, english)
	rej.Szczegoly = code.Detail(variant, a)
	c.out = append(c.out, rej)
}

// column is a roster column's name as the secretariat's documents quote it.
func column(f roster.Field) texts.Quoted { return texts.Quoted(roster.ColumnName(f)) }

// text rejects a free-text cell that holds a line break or looks like a
// spreadsheet formula.
func (c *checker) text(f roster.Field, v string) {
	switch {
	case strings.ContainsAny(v, "\r\n"):
		c.add(reject.FieldInvalid, string(f)+" holds a line break", "newline", texts.Args{"field": column(f)})
	case formula.Looks(v):
		c.add(reject.FieldInvalid, string(f)+" looks like a formula", "formula", texts.Args{"field": column(f), "value": texts.Quoted(v)})
	}
}

func (c *checker) names() {
	r := c.rec
	if r.Surname == "" || r.FirstName == "" {
		var missing []texts.Quoted
		var english []string
		for _, f := range []struct {
			f roster.Field
			v string
		}{{roster.FieldSurname, r.Surname}, {roster.FieldFirstName, r.FirstName}} {
			if f.v == "" {
				missing, english = append(missing, column(f.f)), append(english, string(f.f))
			}
		}
		c.add(reject.NameMissing, "empty: "+strings.Join(english, ", "), "", texts.Args{"fields": missing})
	}
	for _, f := range []struct {
		f roster.Field
		v string
	}{{roster.FieldSurname, r.Surname}, {roster.FieldFirstName, r.FirstName}, {roster.FieldSecondName, r.SecondName}} {
		if f.v != "" && !ValidName(f.v) {
			c.add(reject.NameInvalid, string(f.f)+" "+strconv.Quote(f.v), "", texts.Args{"field": column(f.f), "value": texts.Quoted(f.v)})
		}
	}
}

// ValidName reports whether s can be a person's name: letters (any script,
// with diacritics), joined by single spaces, hyphens or apostrophes, and not
// starting like a spreadsheet formula.
func ValidName(s string) bool {
	if formula.Looks(s) {
		return false
	}
	letters := 0
	prevSep := true // a name may not start with a separator
	for _, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.Is(unicode.Mn, r):
			letters++
			prevSep = false
		case r == ' ' || r == '-' || r == '\'' || r == '’':
			if prevSep {
				return false
			}
			prevSep = true
		default:
			return false
		}
	}
	return letters > 0 && !prevSep
}

// CleanPESEL removes the spaces and dashes people type inside a PESEL
// ("112 101 100 89", "11210-110089").
func CleanPESEL(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\u00a0' {
			return -1
		}
		return r
	}, s)
}

func (c *checker) pesel() pesel.PESEL {
	raw := CleanPESEL(c.rec.PESEL)
	p, err := pesel.Parse(raw)
	switch {
	case err == nil:
		return p
	case errors.Is(err, pesel.ErrLength) && scientific(raw):
		c.add(reject.PESELLength, "the spreadsheet stored the PESEL in scientific notation", "scientific", texts.Args{"value": texts.Quoted(raw)})
	case errors.Is(err, pesel.ErrLength) && lostLeadingZero(raw):
		c.add(reject.PESELLength, "10 digits: the spreadsheet dropped the leading zero", "lost_zero", nil)
	case errors.Is(err, pesel.ErrLength):
		n := len([]rune(raw))
		c.add(reject.PESELLength, fmt.Sprintf("%d characters", n), "", texts.Args{"n": n})
	case errors.Is(err, pesel.ErrChecksum):
		c.add(reject.PESELChecksum, "bad check digit", "", nil)
	case errors.Is(err, pesel.ErrDate):
		c.add(reject.PESELBirthdateMismatch, "the PESEL holds an impossible birth date", "impossible", nil)
	}
	return ""
}

// scientific reports whether s is a number in a spreadsheet's scientific
// notation, "1,72314E+10" or "1.72314e10": what Excel shows for an 11-digit
// number in a column too narrow or formatted as General, and writes to CSV.
func scientific(s string) bool {
	mant, exp, ok := strings.Cut(strings.ToUpper(s), "E")
	exp = strings.TrimPrefix(exp, "+")
	if !ok || exp == "" || mant == "" || strings.Trim(exp, "0123456789") != "" {
		return false
	}
	intPart, frac, _ := strings.Cut(strings.Replace(mant, ",", ".", 1), ".")
	return intPart != "" && strings.Trim(intPart+frac, "0123456789") == ""
}

// lostLeadingZero reports whether a 10-digit value is a valid PESEL once
// the zero a spreadsheet dropped is put back (students born 2000–2009).
func lostLeadingZero(s string) bool {
	if len(s) != 10 {
		return false
	}
	_, err := pesel.Parse("0" + s)
	return err == nil
}

// birthDate returns the roster's date of birth, checking it against the
// PESEL's; with no roster date the PESEL's is used.
func (c *checker) birthDate(p pesel.PESEL) time.Time {
	raw := c.rec.BirthDate
	if raw == "" {
		if p == "" {
			return time.Time{}
		}
		return p.BirthDate()
	}
	d, ok := c.date(roster.FieldBirthDate, raw)
	if !ok {
		return time.Time{}
	}
	if p != "" && !d.Equal(p.BirthDate()) {
		c.add(reject.PESELBirthdateMismatch, "PESEL "+p.BirthDate().Format(time.DateOnly)+", roster "+d.Format(time.DateOnly),
			"", texts.Args{"pesel_date": p.BirthDate(), "sheet_date": d})
	}
	return d
}

func (c *checker) card(s *student.Student, asOf time.Time) {
	r := c.rec
	switch {
	case r.CardNumber == "":
		c.add(reject.CardMissing, "card_number is empty", "", texts.Args{"column": column(roster.FieldCardNumber)})
	default:
		c.text(roster.FieldCardNumber, r.CardNumber)
	}
	if r.CardIssued != "" {
		s.CardIssued, _ = c.date(roster.FieldCardIssued, r.CardIssued)
	}
	if r.CardValid != "" {
		d, ok := c.date(roster.FieldCardValid, r.CardValid)
		if ok && d.Before(asOf) {
			c.add(reject.CardExpired, "valid until "+d.Format(time.DateOnly), "", texts.Args{"valid_until": d, "as_of": asOf})
		}
		s.CardValid = d
	}
}

// dateShape matches text written like a date (day, month and year in one
// of the roster layouts), whatever the numbers.
var dateShape = regexp.MustCompile(`^(\d{1,2}[.\-/]\d{1,2}[.\-/]\d{4}|\d{4}[.\-/]\d{1,2}[.\-/]\d{1,2})([ T\t\x{a0}].*)?$`)

// date reads a date cell, rejecting it when it is no date: a date-shaped
// value that is not in the calendar (32.13.2015) is told apart from text
// in no date layout at all.
func (c *checker) date(f roster.Field, raw string) (time.Time, bool) {
	d, err := roster.ParseDate(raw)
	if err == nil {
		return d, true
	}
	variant := "unparsed"
	if dateShape.MatchString(strings.TrimSpace(raw)) {
		variant = ""
	}
	c.add(reject.DateInvalid, string(f)+" "+strconv.Quote(raw), variant, texts.Args{"field": column(f), "value": texts.Quoted(raw)})
	return time.Time{}, false
}

// boolValues are the values a yes/no roster cell accepts.
var boolValues = map[string]bool{
	"": false, "0": false, "nie": false, "n": false, "false": false, "no": false,
	"1": true, "tak": true, "t": true, "true": true, "yes": true, "x": true,
}

// flag reads a yes/no roster cell.
func (c *checker) flag(v string, f roster.Field) bool {
	b, ok := boolValues[strings.ToLower(strings.TrimSpace(v))]
	if !ok {
		c.add(reject.FieldInvalid, string(f)+" "+strconv.Quote(v)+" is not yes/no", "",
			texts.Args{"field": column(f), "value": texts.Quoted(v), "allowed": texts.BoolValues})
	}
	return b
}
