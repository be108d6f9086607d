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
		rej := Reject(r, reject.RowUnreadable, "row could not be parsed")
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
	s.Disability = c.flag(r.Disability, "niepełnosprawność")
	if strings.ContainsRune(r.Class, '\n') || formula.Looks(r.Class) {
		c.add(reject.FieldInvalid, "oddział")
	}
	if len(c.out) > 0 {
		return student.Student{}, c.out
	}
	return s, nil
}

// Reject builds a rejection for a record, masking its PESEL.
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

func (c *checker) add(code reject.Code, detail string) {
	c.out = append(c.out, Reject(c.rec, code, detail))
}

func (c *checker) names() {
	r := c.rec
	if r.Surname == "" || r.FirstName == "" {
		missing := []string{}
		if r.Surname == "" {
			missing = append(missing, "nazwisko")
		}
		if r.FirstName == "" {
			missing = append(missing, "imię")
		}
		c.add(reject.NameMissing, "puste: "+strings.Join(missing, ", "))
	}
	for _, f := range []struct{ what, v string }{
		{"nazwisko", r.Surname}, {"imię", r.FirstName}, {"drugie imię", r.SecondName},
	} {
		if f.v != "" && !ValidName(f.v) {
			c.add(reject.NameInvalid, f.what)
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
		c.add(reject.PESELLength, "arkusz zapisał PESEL jako liczbę w zapisie wykładniczym („"+raw+"”), a tej liczby nie da się zamienić z powrotem na cyfry — sformatuj kolumnę PESEL jako tekst, wpisz numery ponownie i zapisz plik")
	case errors.Is(err, pesel.ErrLength) && lostLeadingZero(raw):
		c.add(reject.PESELLength, "10 cyfr — arkusz usunął zero z początku numeru; wpisz PESEL jako tekst")
	case errors.Is(err, pesel.ErrLength):
		c.add(reject.PESELLength, fmt.Sprintf("znaków: %d", len([]rune(raw))))
	case errors.Is(err, pesel.ErrChecksum):
		c.add(reject.PESELChecksum, "")
	case errors.Is(err, pesel.ErrDate):
		c.add(reject.PESELBirthdateMismatch, "PESEL zawiera niemożliwą datę urodzenia")
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
	d, err := roster.ParseDate(raw)
	if err != nil {
		c.add(reject.DateInvalid, "data urodzenia: "+raw)
		return time.Time{}
	}
	if p != "" && !d.Equal(p.BirthDate()) {
		c.add(reject.PESELBirthdateMismatch, "w PESEL "+p.BirthDate().Format("02.01.2006")+", w arkuszu "+d.Format("02.01.2006"))
	}
	return d
}

func (c *checker) card(s *student.Student, asOf time.Time) {
	r := c.rec
	switch {
	case r.CardNumber == "":
		c.add(reject.CardMissing, "")
	case formula.Looks(r.CardNumber) || strings.ContainsAny(r.CardNumber, "\r\n"):
		c.add(reject.FieldInvalid, "numer legitymacji")
	}
	if r.CardIssued != "" {
		d, err := roster.ParseDate(r.CardIssued)
		if err != nil {
			c.add(reject.DateInvalid, "data wydania legitymacji: "+r.CardIssued)
		}
		s.CardIssued = d
	}
	if r.CardValid != "" {
		d, err := roster.ParseDate(r.CardValid)
		switch {
		case err != nil:
			c.add(reject.DateInvalid, "data ważności legitymacji: "+r.CardValid)
		case d.Before(asOf):
			c.add(reject.CardExpired, "ważna do "+d.Format("02.01.2006"))
		}
		s.CardValid = d
	}
}

// flag reads a yes/no roster cell.
func (c *checker) flag(v, what string) bool {
	switch strings.ToLower(v) {
	case "", "0", "nie", "n", "false", "no":
		return false
	case "1", "tak", "t", "true", "yes", "x":
		return true
	}
	c.add(reject.FieldInvalid, what)
	return false
}
