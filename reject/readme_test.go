package reject

import (
	"flag"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/mlegit/mlegit/texts"
)

var update = flag.Bool("update", false, "rewrite the README's tables of reasons and warnings")

// readmeRow is the row of the README's tables for a catalogue entry: the
// code, the Polish title, what to do and an example detail, as the program
// writes them.
func readmeRow(code string) string {
	e, _ := texts.Lookup(code)
	return "| `" + code + "` | " + e.Title + " | " + e.Action + " | " + e.Detail("", e.Example) + " |\n"
}

// readmeTables builds the tables of reasons (in All order) and warnings.
func readmeTables() (reasons, warnings string) {
	reasons = "| code | title (Powód) | what to do (Co zrobić) | example detail (Szczegóły) |\n|---|---|---|---|\n"
	for _, c := range All() {
		reasons += readmeRow(string(c))
	}
	warnings = "| code | title | what to do | example detail |\n|---|---|---|---|\n"
	for _, name := range texts.Codes() {
		if e, _ := texts.Lookup(name); e.Warning {
			warnings += readmeRow(name)
		}
	}
	return reasons, warnings
}

// The README's tables are what the secretariat's IT admin reads: every
// code and warning, with the texts the program really prints. After a
// change of the catalogue: go test ./reject -run README -update
func TestREADMEListsEveryCode(t *testing.T) {
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)
	reasons, warnings := readmeTables()
	want := readme
	for name, table := range map[string]string{"reasons": reasons, "warnings": warnings} {
		re := regexp.MustCompile(`(?s)<!-- ` + name + `:begin -->\n.*?<!-- ` + name + `:end -->`)
		if !re.MatchString(want) {
			t.Fatalf("README lacks the markers <!-- %s:begin/end -->", name)
		}
		want = re.ReplaceAllLiteralString(want, "<!-- "+name+":begin -->\n"+table+"<!-- "+name+":end -->")
	}
	if want == readme {
		return
	}
	if *update {
		if err := os.WriteFile("../README.md", []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	for _, line := range strings.SplitAfter(reasons+warnings, "\n") {
		if !strings.Contains(readme, line) {
			t.Errorf("README lacks the row %q", line)
		}
	}
	t.Error("README tables out of date: go test ./reject -run README -update")
}

// Every code has its catalogue entry, and every reason of the catalogue
// (not a warning) is a code here.
func TestCodesAndCatalogueAgree(t *testing.T) {
	for _, c := range All() {
		e, ok := texts.Lookup(string(c))
		if !ok || e.Warning {
			t.Errorf("%s: no reason entry in the texts catalogue", c)
		}
		if !c.Known() || c.Title() == "" || c.Action() == "" || c.Message() != e.Message() {
			t.Errorf("%s: texts not reachable through Code", c)
		}
	}
	for _, name := range texts.Codes() {
		if e, _ := texts.Lookup(name); !e.Warning && !Code(name).Known() {
			t.Errorf("catalogue reason %s has no Code", name)
		}
	}
	if got := PhotoTooSmall.Detail("", texts.Args{"file": texts.Quoted("a.jpg"), "found": texts.Size{W: 160, H: 200}, "need": texts.Size{W: 480, H: 600}}); !strings.Contains(got, "160×200") || !strings.Contains(got, "480×600") {
		t.Errorf("PhotoTooSmall.Detail = %q", got)
	}
}
