package rules

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mlegit/mlegit/pesel"
	"github.com/mlegit/mlegit/reject"
	"github.com/mlegit/mlegit/roster"
)

var asOf = time.Date(2026, 9, 15, 0, 0, 0, 0, time.UTC)

// good is a valid row: PESEL 11210110089 encodes 2011-01-01.
func good() roster.Record {
	return roster.Record{
		File: "uczniowie.csv", Row: 2,
		Surname: "Kamiński", FirstName: "Paweł", SecondName: "Jan",
		BirthDate: "01.01.2011", PESEL: "11210110089", Class: "1b",
		CardNumber: "123/2024", CardIssued: "2024-09-01", CardValid: "30.09.2027",
	}
}

func codes(rs []reject.Rejection) []reject.Code {
	var out []reject.Code
	for _, r := range rs {
		out = append(out, r.Code)
	}
	return out
}

func TestCheckAccepts(t *testing.T) {
	s, rej := Check(good(), asOf)
	if len(rej) != 0 {
		t.Fatalf("rejected: %v", codes(rej))
	}
	if s.PESEL != "11210110089" || s.BirthDate.Format("2006-01-02") != "2011-01-01" {
		t.Errorf("parsed %+v", s)
	}
	if s.CardValid.Format("2006-01-02") != "2027-09-30" || s.CardIssued.IsZero() {
		t.Errorf("card dates %v %v", s.CardIssued, s.CardValid)
	}
	if s.File != "uczniowie.csv" || s.Row != 2 {
		t.Errorf("source %s:%d", s.File, s.Row)
	}
}

func TestCheckRejects(t *testing.T) {
	cases := []struct {
		name   string
		modify func(r *roster.Record)
		want   reject.Code
	}{
		{"short pesel", func(r *roster.Record) { r.PESEL = "1121011008" }, reject.PESELLength},
		{"letters in pesel", func(r *roster.Record) { r.PESEL = "1121011008X" }, reject.PESELLength},
		{"bad checksum", func(r *roster.Record) { r.PESEL = "11210110088" }, reject.PESELChecksum},
		{"birth date differs", func(r *roster.Record) { r.BirthDate = "2011-01-02" }, reject.PESELBirthdateMismatch},
		{"impossible encoded date", func(r *roster.Record) {
			r.PESEL = "1133010001" + fmt.Sprint(pesel.Checksum("1133010001"))
			r.BirthDate = ""
		}, reject.PESELBirthdateMismatch},
		{"bad birth date text", func(r *roster.Record) { r.BirthDate = "jutro" }, reject.DateInvalid},
		{"no card", func(r *roster.Record) { r.CardNumber = "" }, reject.CardMissing},
		{"card expired", func(r *roster.Record) { r.CardValid = "2026-09-14" }, reject.CardExpired},
		{"bad card date", func(r *roster.Record) { r.CardValid = "31.02.2027" }, reject.DateInvalid},
		{"bad issue date", func(r *roster.Record) { r.CardIssued = "wczoraj" }, reject.DateInvalid},
		{"no surname", func(r *roster.Record) { r.Surname = "" }, reject.NameMissing},
		{"no first name", func(r *roster.Record) { r.FirstName = "" }, reject.NameMissing},
		{"digits in name", func(r *roster.Record) { r.FirstName = "Pawe1" }, reject.NameInvalid},
		{"formula surname", func(r *roster.Record) { r.Surname = "=HYPERLINK(\"http://x\")" }, reject.NameInvalid},
		{"formula at", func(r *roster.Record) { r.FirstName = "@SUM(A1)" }, reject.NameInvalid},
		{"plus name", func(r *roster.Record) { r.SecondName = "+Jan" }, reject.NameInvalid},
		{"leading hyphen", func(r *roster.Record) { r.Surname = "-Nowak" }, reject.NameInvalid},
		{"double hyphen", func(r *roster.Record) { r.Surname = "Nowak--Kowalska" }, reject.NameInvalid},
		{"formula card", func(r *roster.Record) { r.CardNumber = "=1+1" }, reject.FieldInvalid},
		{"formula class", func(r *roster.Record) { r.Class = "=A1" }, reject.FieldInvalid},
		{"odd flag", func(r *roster.Record) { r.Disability = "może" }, reject.FieldInvalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := good()
			c.modify(&r)
			s, rej := Check(r, asOf)
			if len(rej) == 0 {
				t.Fatalf("accepted %+v", s)
			}
			found := false
			for _, x := range rej {
				if x.Code == c.want {
					found = true
				}
				if x.File != r.File || x.Row != r.Row {
					t.Errorf("rejection located at %s:%d", x.File, x.Row)
				}
				if x.Message == "" || x.Message == string(x.Code) {
					t.Errorf("no Polish message for %s", x.Code)
				}
				if x.PESEL == r.PESEL && len(r.PESEL) == 11 {
					t.Errorf("rejection carries the full PESEL")
				}
			}
			if !found {
				t.Errorf("codes %v, want %s among them", codes(rej), c.want)
			}
		})
	}
}

func TestCheckPESELTypedWithSpacesOrDashes(t *testing.T) {
	for _, typed := range []string{"112 101 100 89", "11210-110089", "11210\u00a0110089"} {
		r := good()
		r.PESEL = typed
		s, rej := Check(r, asOf)
		if len(rej) != 0 || s.PESEL != "11210110089" {
			t.Errorf("%q: %v, PESEL %q", typed, codes(rej), s.PESEL)
		}
	}
	a, b := good(), good()
	b.Row, b.PESEL = 3, "112 101 100 89"
	if got := Duplicates([]roster.Record{a, b}); len(got) != 2 {
		t.Errorf("the same PESEL typed two ways is not a duplicate: %v", got)
	}
}

func TestCheckPESELThatLostItsLeadingZero(t *testing.T) {
	r := good()
	r.PESEL, r.BirthDate = "2270803624", "" // 02270803624 as Excel keeps it
	_, rej := Check(r, asOf)
	if len(rej) != 1 || rej[0].Code != reject.PESELLength || !strings.Contains(rej[0].Detail, "zero") {
		t.Errorf("rejections %+v, want PESEL_LENGTH with a hint about the lost zero", rej)
	}
}

func TestCheckCollectsEveryProblem(t *testing.T) {
	r := good()
	r.FirstName = ""
	r.CardNumber = ""
	r.PESEL = "123"
	_, rej := Check(r, asOf)
	want := map[reject.Code]bool{reject.NameMissing: true, reject.CardMissing: true, reject.PESELLength: true}
	for _, x := range rej {
		delete(want, x.Code)
	}
	if len(want) > 0 {
		t.Errorf("missing codes %v in %v", want, codes(rej))
	}
}

func TestValidName(t *testing.T) {
	ok := []string{"Łukasz", "Żółć", "Gęślą-Jaźń", "O'Connor", "de la Cruz", "Anna Maria", "Müller", "Ñandú"}
	bad := []string{"", " ", "Anna ", "Jan  Paweł", "X Æ A-12", "a;b", "Jan\tNowak", "=A1", "'", "Nowak-"}
	for _, s := range ok {
		if !ValidName(s) {
			t.Errorf("ValidName(%q) = false", s)
		}
	}
	for _, s := range bad {
		if ValidName(s) {
			t.Errorf("ValidName(%q) = true", s)
		}
	}
}

func TestCardValidOnAsOfDayIsAccepted(t *testing.T) {
	r := good()
	r.CardValid = asOf.Format("2006-01-02")
	if _, rej := Check(r, asOf); len(rej) != 0 {
		t.Errorf("card valid through the as-of day rejected: %v", codes(rej))
	}
}

func TestDuplicatesRejectEveryRow(t *testing.T) {
	a, b, c, d := good(), good(), good(), good()
	b.Row, c.Row, d.Row = 3, 4, 5
	c.PESEL = "02270803624"
	d.PESEL = ""
	e := d
	e.Row = 6
	got := Duplicates([]roster.Record{a, b, c, d, e})
	if len(got) != 2 || got[0] != 0 || got[1] != 1 {
		t.Errorf("Duplicates = %v, want [0 1]", got)
	}
}

// An unreadable row is rejected with ROW_UNREADABLE and the reader's
// reason as the detail, whatever its guessed cells say, and never makes a
// readable row with the same PESEL a duplicate.
func TestCheckUnreadableRow(t *testing.T) {
	r := good()
	r.Unreadable = roster.ReasonQuote
	s, rej := Check(r, asOf)
	if len(rej) != 1 || rej[0].Code != reject.RowUnreadable || !strings.Contains(rej[0].Szczegoly, roster.ReasonQuote) || s.PESEL != "" {
		t.Fatalf("Check = %+v, %+v; want only ROW_UNREADABLE", s, rej)
	}
	if rej[0].Row != 2 || rej[0].Name != "Kamiński Paweł" || rej[0].PESEL != pesel.Masked("11210110089") {
		t.Errorf("rejection does not locate the row: %+v", rej[0])
	}
	if d := Duplicates([]roster.Record{good(), r}); len(d) != 0 {
		t.Errorf("Duplicates = %v, want none: the unreadable row's PESEL is only a guess", d)
	}
}

// A PESEL that a spreadsheet turned into scientific notation gets a hint
// to format the column as text, not a count of characters.
func TestCheckPESELInScientificNotation(t *testing.T) {
	for _, v := range []string{"1,72314E+10", "1.72314E+10", "2,1E+10", "1.23e10"} {
		r := good()
		r.PESEL, r.BirthDate = v, ""
		_, rej := Check(r, asOf)
		if len(rej) != 1 || rej[0].Code != reject.PESELLength || !strings.Contains(rej[0].Szczegoly, "jako tekst") || !strings.Contains(rej[0].Szczegoly, v) {
			t.Errorf("%s: got %+v, want PESEL_LENGTH with the format-as-text hint", v, rej)
		}
	}
	for _, v := range []string{"E+10", "1,2E", "12345E+1x", "1,2,3E+10"} {
		if scientific(v) {
			t.Errorf("scientific(%q) = true", v)
		}
	}
}
