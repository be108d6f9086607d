package codes

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mlegit/mlegit/pesel"
	"github.com/mlegit/mlegit/reject"
)

func TestReadActivations(t *testing.T) {
	path := filepath.Join(t.TempDir(), "aktywacje.csv")
	os.WriteFile(path, []byte("\uFEFFPESEL;Aktywowano\n"+
		"11210110089;2026-09-20\n"+ // good
		"02270803624;2026-09-21 14:05\n"+ // good, with a time
		"11210110088;2026-09-20\n"+ // checksum
		"18230410005;20.09.2026\n"+ // date format
		"17271712844;2026-09-20\n"+ // twice
		"17271712844;2026-09-22\n"), 0o600)
	got, rej, err := ReadActivations(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].PESEL != "11210110089" || got[1].At.Hour() != 14 || got[0].Row != 2 {
		t.Errorf("activations %+v", got)
	}
	want := []reject.Code{reject.ActivationPESELInvalid, reject.ActivationDateInvalid, reject.ActivationDuplicate, reject.ActivationDuplicate}
	wantDetail := []string{"cyfrę kontrolną", "„aktywowano”", "6, 7", "6, 7"}
	if len(rej) != len(want) {
		t.Fatalf("rejections %+v", rej)
	}
	for i, r := range rej {
		if r.Code != want[i] || r.Row != i+4 || r.Message == "" {
			t.Errorf("rejection %d: %+v, want %s at row %d", i, r, want[i], i+4)
		}
		if !strings.Contains(r.Szczegoly, wantDetail[i]) || !strings.Contains(r.Message, "raport") {
			t.Errorf("rejection %d: message %q, detail %q, want the activations report's own words and %q", i, r.Message, r.Szczegoly, wantDetail[i])
		}
		if len(r.PESEL) == 11 && r.PESEL[4] != '*' {
			t.Errorf("unmasked PESEL in %+v", r)
		}
	}
	if _, _, err := ReadActivations(filepath.Join(t.TempDir(), "brak.csv")); err == nil {
		t.Error("missing file read")
	}
}

// FuzzReadActivations: the portal's activations report is a file the
// secretariat downloads and may have opened and saved in a spreadsheet.
// Any bytes read without a panic; every row is either an activation (a
// valid PESEL, rows in file order) or a rejection naming its row, and no
// rejection shows a PESEL in full.
func FuzzReadActivations(f *testing.F) {
	f.Add([]byte("\uFEFFPESEL;Aktywowano\n11210110089;2026-09-20\n02270803624;2026-09-21 14:05\n11210110088;2026-09-20\n" +
		"18230410005;20.09.2026\n17271712844;2026-09-20\n17271712844;2026-09-22\n"))
	f.Add([]byte("aktywowano;pesel;x\n\"2026-09-20\";\"1121011008\"\"9\"\n;;\n18230410005\n"))
	digits11 := regexp.MustCompile(`\d{11}`)
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "aktywacje.csv")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		got, rej, err := ReadActivations(path)
		if err != nil {
			if len(got)+len(rej) > 0 {
				t.Errorf("error %v with %d activations and %d rejections", err, len(got), len(rej))
			}
			return
		}
		last := 1
		for _, a := range got {
			if _, err := pesel.Parse(a.PESEL); err != nil || a.Row <= last || a.At.IsZero() {
				t.Errorf("activation %+v after row %d (%v)", a, last, err)
			}
			last = a.Row
		}
		for _, r := range rej {
			if r.Row < 2 || !r.Code.Known() || r.Message == "" {
				t.Errorf("rejection %+v", r)
			}
			for _, s := range []string{r.PESEL, r.Detail, r.Szczegoly} {
				if m := digits11.FindString(s); m != "" {
					if _, err := pesel.Parse(m); err == nil {
						t.Errorf("rejection shows PESEL %s in full: %+v", pesel.Masked(m), r)
					}
				}
			}
		}
	})
}
