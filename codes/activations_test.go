package codes

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

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
