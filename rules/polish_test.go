package rules

import (
	"strings"
	"testing"

	"github.com/mlegit/mlegit/reject"
	"github.com/mlegit/mlegit/roster"
	"github.com/mlegit/mlegit/texts"
)

// Every rejection of a row carries a Polish detail that names the column,
// quotes the value and says what is allowed, with nothing English in it;
// the English stays in Detail.
func TestRowDetailsArePolishAndSpecific(t *testing.T) {
	for _, c := range []struct {
		name  string
		edit  func(*roster.Record)
		code  reject.Code
		wants []string
	}{
		{"impossible date", func(r *roster.Record) { r.BirthDate = "32.13.2015" }, reject.DateInvalid,
			[]string{"„Data urodzenia”", "„32.13.2015”", "takiego dnia nie ma w kalendarzu"}},
		{"no date at all", func(r *roster.Record) { r.CardIssued = "wrzesień" }, reject.DateInvalid,
			[]string{"„Data wydania legitymacji”", "„wrzesień”", "DD.MM.RRRR"}},
		{"unknown flag", func(r *roster.Record) { r.Disability = "może" }, reject.FieldInvalid,
			[]string{"„Niepełnosprawność”", "„może”", "tak, nie"}},
		{"formula in class", func(r *roster.Record) { r.Class = "=1+1" }, reject.FieldInvalid,
			[]string{"„Oddział”", "formuła"}},
		{"line break in card", func(r *roster.Record) { r.CardNumber = "12\n3" }, reject.FieldInvalid,
			[]string{"„Numer legitymacji”", "w jednym wierszu"}},
		{"card missing", func(r *roster.Record) { r.CardNumber = "" }, reject.CardMissing,
			[]string{"„Numer legitymacji”", "pusta"}},
		{"card expired", func(r *roster.Record) { r.CardValid = "31.08.2026" }, reject.CardExpired,
			[]string{"31.08.2026", "15.09.2026"}},
		{"birth date mismatch", func(r *roster.Record) { r.BirthDate = "02.01.2011" }, reject.PESELBirthdateMismatch,
			[]string{"01.01.2011", "02.01.2011"}},
		{"short PESEL", func(r *roster.Record) { r.PESEL = "112101100" }, reject.PESELLength,
			[]string{"9", "11 cyfr"}},
		{"name missing", func(r *roster.Record) { r.FirstName = "" }, reject.NameMissing,
			[]string{"„Imię”"}},
		{"name invalid", func(r *roster.Record) { r.Surname = "K4miński" }, reject.NameInvalid,
			[]string{"„Nazwisko”", "„K4miński”"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := good()
			c.edit(&r)
			_, rej := Check(r, asOf)
			if len(rej) != 1 || rej[0].Code != c.code {
				t.Fatalf("rejections %v, want one %s", codes(rej), c.code)
			}
			pl := rej[0].Szczegoly
			for _, w := range c.wants {
				if !strings.Contains(pl, w) {
					t.Errorf("Szczegóły %q lacks %q", pl, w)
				}
			}
			if bad := texts.Lint(pl); len(bad) > 0 {
				t.Errorf("Szczegóły %q: not Polish: %q", pl, bad)
			}
			if rej[0].Detail == "" || rej[0].Detail == pl {
				t.Errorf("English detail %q missing", rej[0].Detail)
			}
		})
	}
}
