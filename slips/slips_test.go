package slips

import (
	"bytes"
	"codeberg.org/go-pdf/fpdf"
	"math"
	"regexp"
	"strings"
	"testing"

	"github.com/mlegit/mlegit/codes"
	"github.com/mlegit/mlegit/pesel"
	"github.com/mlegit/mlegit/texts"
)

func TestSlipText(t *testing.T) {
	e := entry(t, 1234, "1b", "Łęcka-Źdźbło", "Żaneta")
	masked := pesel.Masked(e.PESEL)
	want := []string{
		testSchool,
		"mLegitymacja szkolna",
		"Żaneta Łęcka-Źdźbło",
		"Oddział", "1b",
		masked,
		"SP7/2026/4",
		"Kod aktywacyjny", "K7PM 9XWQ 2RTD",
		"Kod ważny do", "30.09.2026",
		"Jak dodać mLegitymację do aplikacji mObywatel",
		// The classic way, every step of the ministry's instruction.
		"Otwórz aplikację mObywatel",
		"„+” w prawym dolnym rogu",
		"„Legitymacja szkolna”",
		"„Akceptuję”",
		"przetwarzanie danych", "aparatu", "„Dalej”",
		"Zeskanuj kod QR", "wpisz ręcznie",
		"Wpisz kod aktywacyjny i dotknij „Aktywuj”",
		// The other way, in one line.
		"mObywatel", "Junior", "ZPE",
		// What the codes are good for and what to do after.
		"jeden raz, na jednym telefonie", "przez 29 dni od", "(01.09.2026)",
		"przyjdź do sekretariatu", "po nowe kody",
		// The secretariat's strip.
		"oddział 1b",
		"Potwierdzam odbiór kodów mLegitymacji",
		"Czytelny podpis rodzica / opiekuna prawnego",
		watermarkText,
	}
	unwanted := []string{"Jak aktywować legitymację", "mObywatel Junior / Dokumenty", "Odebrałem/am", "Wygenerowano", "kl. 1b"}
	check := func(t *testing.T, text string, norm func(string) string) {
		t.Helper()
		for _, w := range want {
			if !strings.Contains(text, norm(w)) {
				t.Errorf("slip text lacks %q", w)
			}
		}
		if strings.Contains(text, e.PESEL) {
			t.Errorf("slip text contains the full PESEL")
		}
		for _, u := range unwanted {
			if strings.Contains(text, norm(u)) {
				t.Errorf("slip text still has %q", u)
			}
		}
	}
	plain := renderSlip(t, e, &Options{plain: true})
	packed := renderSlip(t, e, nil)

	t.Run("content stream", func(t *testing.T) {
		pages := pageTexts(t, plain)
		if len(pages) != 1 {
			t.Fatalf("got %d pages, want 1", len(pages))
		}
		check(t, strings.ReplaceAll(pages[0], "\n", " "), same)
		if strings.Contains(pages[0], "K7PM9XWQ2RTD") {
			t.Errorf("activation code not grouped")
		}
		// The steps come in the instruction's order.
		at := -1
		for _, step := range []string{"„+”", "„Legitymacja szkolna”", "„Akceptuję”", "„Dalej”", "Zeskanuj kod QR", "„Aktywuj”"} {
			i := strings.Index(pages[0], step)
			if i <= at {
				t.Errorf("step %q out of order", step)
			}
			at = i
		}
		// Nothing English, no ISO date, in what the parent reads.
		prose := strings.NewReplacer(e.QR, "", GroupPayload(e.QR), "", "K7PM 9XWQ 2RTD", "").Replace(pages[0])
		if bad := texts.Lint(prose); len(bad) > 0 {
			t.Errorf("slip text not Polish: %q", bad)
		}
	})
	t.Run("pdftotext", func(t *testing.T) {
		// pdftotext breaks the rotated watermark into single letters;
		// compare with all white space removed.
		squeeze := func(s string) string { return strings.Join(strings.Fields(s), "") }
		check(t, squeeze(strings.Join(popplerText(t, packed), "")), squeeze)
	})
	t.Run("no full PESEL in the bytes", func(t *testing.T) {
		for name, b := range map[string][]byte{"plain": plain, "compressed": packed} {
			if bytes.Contains(b, []byte(e.PESEL)) {
				t.Errorf("%s PDF contains the full PESEL", name)
			}
		}
	})
	t.Run("QR at least 30 mm wide", func(t *testing.T) {
		for name, b := range map[string][]byte{
			"slip":       plain,
			"2 per page": renderPrint(t, []codes.Entry{e}, &Options{SlipsPerPage: 2, plain: true}),
		} {
			lo, hi := math.Inf(1), math.Inf(-1)
			for _, r := range qrPath(t, b) {
				lo, hi = math.Min(lo, r[0]), math.Max(hi, r[0]+r[2])
			}
			// Coordinates are points; the 2-up sheet scales by a cm operator.
			scale := 1.0
			if name != "slip" {
				scale = 1.414
			}
			if mm := (hi - lo) * scale * 25.4 / 72; mm < 30 {
				t.Errorf("%s: QR is %.1f mm wide, want ≥ 30", name, mm)
			}
		}
	})
	t.Run("fonts embedded once, subset", func(t *testing.T) {
		b := renderPrint(t, []codes.Entry{e, entry(t, 2, "1b", "Nowak", "Jan"), entry(t, 3, "2a", "Sowa", "Ola")}, &Options{plain: true})
		if n := bytes.Count(b, []byte("/FontFile2")); n != 3 {
			t.Errorf("%d embedded font files, want 3 (regular, bold, mono bold)", n)
		}
		for _, m := range regexp.MustCompile(`/Length1 (\d+)`).FindAllSubmatch(b, -1) {
			if len(m[1]) > 5 { // ≥ 100 kB: the whole TTF (goregular is 134 kB)
				t.Errorf("embedded font of %s bytes is not a subset", m[1])
			}
		}
	})
}

func same(s string) string { return s }

func TestWatermark(t *testing.T) {
	for _, tc := range []struct {
		name      string
		simulated bool
	}{
		{"simulated codes print the watermark", true},
		{"real codes print none", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := entry(t, 1, "3c", "Nowak", "Jan")
			e.Simulated = tc.simulated
			text := pageTexts(t, renderSlip(t, e, &Options{plain: true}))[0]
			if got := strings.Contains(text, watermarkText); got != tc.simulated {
				t.Errorf("watermark present = %v, want %v", got, tc.simulated)
			}
		})
	}
}

func TestGroupCode(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"K7PM9XWQ2RTD", "K7PM 9XWQ 2RTD"},
		{"k7pm-9xwq-2rtd", "K7PM 9XWQ 2RTD"},
		{"K7PM 9XWQ 2R", "K7PM 9XWQ 2R"},
		{"12345678", "1234 5678"},
		{"ABC", "ABC"},
		{"", ""},
	} {
		t.Run(tc.in, func(t *testing.T) {
			if got := GroupCode(tc.in); got != tc.want {
				t.Errorf("GroupCode(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestSort(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   [][3]string // class, surname, first name
		want []string    // surnames or first names in order
	}{
		{"Ł after L", [][3]string{{"1a", "Łukasz", "A"}, {"1a", "Lucyna", "A"}, {"1a", "Mazur", "A"}}, []string{"Lucyna", "Łukasz", "Mazur"}},
		{"Ś after S", [][3]string{{"1a", "Ślusarz", "A"}, {"1a", "Sowa", "A"}, {"1a", "Szulc", "A"}, {"1a", "Tomala", "A"}}, []string{"Sowa", "Szulc", "Ślusarz", "Tomala"}},
		{"Ż after Ź after Z", [][3]string{{"1a", "Żak", "A"}, {"1a", "Źrebiec", "A"}, {"1a", "Zając", "A"}}, []string{"Zając", "Źrebiec", "Żak"}},
		{"class before surname, numerically", [][3]string{{"10a", "Adamska", "A"}, {"2b", "Wójcik", "A"}, {"2a", "Zieliński", "A"}}, []string{"Zieliński", "Wójcik", "Adamska"}},
		{"first name breaks ties", [][3]string{{"1a", "Nowak", "Łucja"}, {"1a", "Nowak", "Lena"}}, []string{"Lena", "Łucja"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var es []codes.Entry
			for i, r := range tc.in {
				es = append(es, codes.Entry{Class: r[0], Surname: r[1], FirstName: r[2], PESEL: testPESEL(t, i)})
			}
			Sort(es)
			for i, w := range tc.want {
				if es[i].Surname != w && es[i].FirstName != w {
					t.Errorf("position %d: %s %s, want %s", i, es[i].Surname, es[i].FirstName, w)
				}
			}
		})
	}
}

func TestPaging(t *testing.T) {
	class := func(name string, n, from int) []codes.Entry {
		var es []codes.Entry
		for i := range n {
			es = append(es, entry(t, from+i, name, "Uczeń"+string(rune('A'+i)), "Jan"))
		}
		return es
	}
	for _, tc := range []struct {
		name    string
		entries []codes.Entry
		perPage int
		pages   []string // classes on each page
	}{
		{"4 per page, 5 of one class", class("1a", 5, 0), 4, []string{"1a", "1a"}},
		{"4 per page, exactly 4", class("1a", 4, 0), 4, []string{"1a"}},
		{"2 per page, 5 of one class", class("1a", 5, 0), 2, []string{"1a", "1a", "1a"}},
		{"each class on a new page", append(class("2b", 1, 0), class("1a", 2, 10)...), 4, []string{"1a", "2b"}},
		{"default is 4 per page", class("3c", 8, 0), 0, []string{"3c", "3c"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pages := pageTexts(t, renderPrint(t, tc.entries, &Options{SlipsPerPage: tc.perPage, plain: true}))
			if len(pages) != len(tc.pages) {
				t.Fatalf("got %d pages, want %d", len(pages), len(tc.pages))
			}
			stub := regexp.MustCompile(`, oddział (\S+), PESEL`)
			slips := 0
			for i, p := range pages {
				for _, m := range stub.FindAllStringSubmatch(p, -1) {
					slips++
					if m[1] != tc.pages[i] {
						t.Errorf("page %d holds class %s, want only %s", i+1, m[1], tc.pages[i])
					}
				}
			}
			if slips != len(tc.entries) {
				t.Errorf("found %d slips, want %d", slips, len(tc.entries))
			}
		})
	}
	t.Run("rejects 3 per page", func(t *testing.T) {
		if err := WritePrint(&bytes.Buffer{}, testSchool, class("1a", 1, 0), &Options{SlipsPerPage: 3}); err == nil {
			t.Error("no error for 3 slips per page")
		}
	})
}

func TestFileName(t *testing.T) {
	e := entry(t, 1234, "1b", "Łęcka-Źdźbło", "Żaneta")
	masked := e.PESEL[:4] + "xxxxx" + e.PESEL[9:]
	for _, tc := range []struct {
		name, surname, first, want string
	}{
		{"Polish letters kept", "Łęcka-Źdźbło", "Żaneta", "Łęcka-Źdźbło_Żaneta_" + masked + ".pdf"},
		{"spaces and forbidden characters", `Kowalska Nowak`, `A/n:n*a?"<>|\`, "Kowalska_Nowak_A_n_n_a_" + masked + ".pdf"},
		{"no leading dots", "..Ukryty", "Jan", "Ukryty_Jan_" + masked + ".pdf"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e.Surname, e.FirstName = tc.surname, tc.first
			got := FileName(e)
			if got != tc.want {
				t.Errorf("FileName = %q, want %q", got, tc.want)
			}
			if strings.Contains(got, e.PESEL) {
				t.Errorf("file name holds the full PESEL")
			}
		})
	}
}

// The text a parent types when scanning fails is the QR's own payload, in
// groups of four; it stays on the slip above the tear-off strip whatever
// the length of the payload, the names and the school's name.
func TestSlipPrintsQRPayload(t *testing.T) {
	long := entry(t, 5, "3c", "Brzęczyszczykiewicz-Grzegorzewska", "Maria-Magdalena")
	long.SecondName = "Konstancja"
	long.QR = "https://mlegitymacja.gov.pl/a/" + simulatedQR(5) // 62 characters
	for name, e := range map[string]codes.Entry{"base32": entry(t, 4, "1b", "Nowak", "Jan"), "URL": long} {
		t.Run(name, func(t *testing.T) {
			lines := strings.Split(pageTexts(t, renderSlip(t, e, &Options{plain: true}))[0], "\n")
			var payload []string
			for i, l := range lines {
				if l == "Kod QR do wpisania ręcznie:" {
					for _, p := range lines[i+1:] {
						if strings.HasPrefix(p, "Jak dodać") {
							break
						}
						payload = append(payload, p)
					}
				}
			}
			got := strings.Join(payload, " ")
			if strings.ReplaceAll(got, " ", "") != e.QR {
				t.Errorf("payload printed as %q, want the QR's %q", got, e.QR)
			}
			for _, group := range strings.Fields(got) {
				if len([]rune(group)) > 4 {
					t.Errorf("group %q longer than four", group)
				}
			}
			s, err := newSlip(testSchool+" i Gimnazjum Dwujęzyczne nr 12 z Oddziałami Integracyjnymi", e)
			if err != nil {
				t.Fatal(err)
			}
			pdf := newPDF("P", fpdf.SizeType{Wd: slipW, Ht: slipH}, false, e.Generated)
			pdf.AddPage()
			bottom := s.draw(pdf, 0, 0)
			t.Logf("text ends at %.1f mm", bottom)
			if bottom > slipH-stubH-1.5 {
				t.Errorf("text reaches %.1f mm, into the tear-off strip at %.1f mm", bottom, slipH-stubH)
			}
		})
	}
}

func TestGroupPayload(t *testing.T) {
	for in, want := range map[string]string{
		"":                  "",
		"ABCD":              "ABCD",
		"ABCDEFGHIJ":        "ABCD EFGH IJ",
		"https://x.pl/a-Bc": "http s:// x.pl /a-B c",
	} {
		if got := GroupPayload(in); got != want {
			t.Errorf("GroupPayload(%q) = %q, want %q", in, got, want)
		}
	}
}
