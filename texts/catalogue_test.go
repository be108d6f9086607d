package texts

import (
	"strings"
	"testing"
	"time"
	"unicode"
)

// Every reason and warning, every variant of its detail, built with the
// entry's example values: a Polish title and action, every value filled,
// nothing English, no ISO date.
func TestEveryEntryIsPolishAndComplete(t *testing.T) {
	for _, code := range Codes() {
		e, _ := Lookup(code)
		t.Run(code, func(t *testing.T) {
			for what, s := range map[string]string{"title": e.Title, "action": e.Action} {
				if !sentence(s) {
					t.Errorf("%s %q is not a sentence (capital letter … full stop)", what, s)
				}
				if bad := Lint(s); len(bad) > 0 {
					t.Errorf("%s %q: not Polish: %q", what, s, bad)
				}
			}
			if len(e.Details) == 0 {
				t.Fatal("no detail template")
			}
			if _, ok := e.Details[""]; !ok {
				t.Error("no usual (\"\") detail variant")
			}
			for variant, tmpl := range e.Details {
				got := e.Detail(variant, e.Example)
				if strings.ContainsAny(got, "{}") {
					t.Errorf("variant %q: unfilled value in %q", variant, got)
				}
				if !sentence(got) {
					t.Errorf("variant %q: %q is not a sentence", variant, got)
				}
				if bad := Lint(got); len(bad) > 0 {
					t.Errorf("variant %q: %q: not Polish: %q", variant, got, bad)
				}
				for _, n := range Names(tmpl) {
					if _, ok := e.Example[n]; !ok {
						t.Errorf("variant %q uses {%s}, which Example lacks", variant, n)
					}
				}
			}
			if m := e.Message(); !strings.HasPrefix(m, e.Title) || !strings.HasSuffix(m, e.Action) {
				t.Errorf("Message %q is not title then action", m)
			}
		})
	}
}

func sentence(s string) bool {
	r := []rune(strings.TrimSpace(s))
	return len(r) > 1 && (unicode.IsUpper(r[0]) || unicode.IsDigit(r[0])) && strings.ContainsRune(".!", r[len(r)-1])
}

func TestUnknownVariantFallsBackToUsual(t *testing.T) {
	e, ok := Lookup("PHOTO_TOO_SMALL")
	if !ok {
		t.Fatal("PHOTO_TOO_SMALL not in the catalogue")
	}
	got := e.Detail("no-such-variant", Args{"file": Quoted("a.jpg"), "found": Size{160, 200}, "need": Size{480, 600}})
	if want := "Zdjęcie „a.jpg” ma 160×200 px, a potrzeba co najmniej 480×600 px (szerokość × wysokość)."; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestValuesArePolish(t *testing.T) {
	for _, c := range []struct {
		v    any
		want string
	}{
		{"tekst", "tekst"},
		{7, "7"},
		{2500, "2500"},
		{12345, "12\u00a0345"},
		{int64(1_000_000), "1\u00a0000\u00a0000"},
		{-54321, "-54\u00a0321"},
		{1.5, "1,5"},
		{2.0, "2"},
		{time.Date(2026, 10, 5, 23, 0, 0, 0, time.UTC), "05.10.2026"},
		{time.Time{}, "—"},
		{Size{480, 600}, "480×600"},
		{Bytes(512), "512 B"},
		{Bytes(60_000), "60 kB"},
		{Bytes(1_000_000), "1 MB"},
		{Bytes(2_540_000), "2,5 MB"},
		{Quoted("2a"), "„2a”"},
		{[]string{"a", "b"}, "a, b"},
		{[]Quoted{"PESEL", "Nr"}, "„PESEL”, „Nr”"},
		{[]int{3, 12345}, "3, 12\u00a0345"},
	} {
		if got := value(c.v); got != c.want {
			t.Errorf("value(%#v) = %q, want %q", c.v, got, c.want)
		}
	}
}

func TestFillLeavesUnknownNames(t *testing.T) {
	if got := Fill("{a} i {b}", Args{"a": 1}); got != "1 i {b}" {
		t.Errorf("got %q", got)
	}
	if got := Names("{b} {a} {b}"); strings.Join(got, ",") != "a,b" {
		t.Errorf("Names = %v", got)
	}
}

func TestLintFindsWhatMustNotBeThere(t *testing.T) {
	for _, s := range []string{
		"160x200 is below the minimum 480x600",
		"several files fit the student: a.jpg",
		"decoding jpeg: invalid JPEG format: short Huffman data",
		"empty file",
		"missing required columns: pesel, card_number",
		`parse error on line 2, column 3: bare " in non-quoted-field`,
		"kod_qr is empty",
		"valid until 2026-10-15",
		"PESEL stored as a number; leading zero restored",
		"Ważny do 2026-10-15",
		"open x.jpg: no such file or directory",
	} {
		if len(Lint(s)) == 0 {
			t.Errorf("Lint(%q) found nothing", s)
		}
	}
	for _, s := range []string{
		"Zdjęcie ma 160×200 px, a potrzeba co najmniej 480×600 px.",
		"To jest format DD.MM.RRRR, np. 05.09.2015; minimum to zero, one są puste.",
		"Uczeń Jan Nowak, oddział 2a, student.",
	} {
		if bad := Lint(s); len(bad) > 0 {
			t.Errorf("Lint(%q) = %q, want nothing", s, bad)
		}
	}
	if got := StripCodes("PHOTO_MISSING: kolumna kod_qr"); strings.Contains(got, "_") {
		t.Errorf("StripCodes left %q", got)
	}
}

func TestVocabulary(t *testing.T) {
	for name, want := range map[string]string{"activated": "aktywowana", "invalidated": "unieważniona", "expired": "wygasła", "zzz": "zzz"} {
		if got := State(name); got != want {
			t.Errorf("State(%q) = %q, want %q", name, got, want)
		}
	}
	for _, pl := range states {
		if bad := Lint(pl); len(bad) > 0 {
			t.Errorf("state %q: %q", pl, bad)
		}
	}
	if Deadline("activation") != "aktywacja kodu" || Reason("lost-device") == "lost-device" {
		t.Error("deadline or reason words missing")
	}
}

func TestLintSkipsQuotedValues(t *testing.T) {
	if bad := Lint("Plik „photo of the student.jpg” jest pusty."); len(bad) > 0 {
		t.Errorf("quoted file name linted: %q", bad)
	}
	if bad := Lint("Plik „a.jpg” is empty."); len(bad) == 0 {
		t.Error("English outside the quotes not found")
	}
}
