package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mlegit/mlegit/codes"
	"github.com/mlegit/mlegit/state"
)

// codesByPESEL reads a codes file written by portal-sim: kod_qr by PESEL.
func codesByPESEL(t *testing.T, path string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	qr := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n")[1:] {
		f := strings.Split(line, ";")
		qr[f[0]] = f[1]
	}
	return qr
}

// TestCodesImportOlderPackageLast sends every student on 15 September and
// Kowalczyk Zuzanna again on 17 September (a name change reissues her
// card). The portal's codes for the 17th arrive first, those for the 15th
// after them: the older codes are accepted for the students still on that
// issue, while Zuzanna's code of the 15th answers her invalidated first
// issue and is CODES_STALE, replacing neither her code in codes.json nor
// the dates in the state store.
func TestCodesImportOlderPackageLast(t *testing.T) {
	const reissued, kept = "17271712844", "18230410005" // Kowalczyk Zuzanna, Kamiński Paweł
	roster, photos, out := school(t)
	nightly(t, roster, photos, out, "2026-09-15")
	accepted := readSummary(t, out).Accepted
	editRoster(t, roster, "Kowalczyk;Zuzanna;", "Kowalczyk-Nowak;Zuzanna;")
	nightly(t, roster, photos, out, "2026-09-17")

	dir := t.TempDir()
	older, newer := filepath.Join(dir, "kody-0915.csv"), filepath.Join(dir, "kody-0917.csv")
	for _, sim := range []struct{ pkg, file, asOf string }{
		{"mlegitymacja-sp7-demo-20260915.zip", older, "2026-09-16"},
		{"mlegitymacja-sp7-demo-20260917.zip", newer, "2026-09-18"},
	} {
		pkg := filepath.Join(out, "package", sim.pkg)
		if code, _, e := mlegit(t, "portal-sim", "--package", pkg, "--out", sim.file, "--as-of", sim.asOf); code != exitOK {
			t.Fatalf("portal-sim %s: exit %d\n%s", sim.pkg, code, e)
		}
	}
	olderQR, newerQR := codesByPESEL(t, older), codesByPESEL(t, newer)
	if len(olderQR) != accepted || len(newerQR) != 1 || newerQR[reissued] == "" {
		t.Fatalf("portal-sim gave %d and %d codes, want %d and 1", len(olderQR), len(newerQR), accepted)
	}

	if code, stdout, e := mlegit(t, "codes", "import", "--file", newer, "--out", out, "--as-of", "2026-09-18"); code != exitOK {
		t.Fatalf("import of the newer codes: exit %d\n%s%s", code, stdout, e)
	}
	code, stdout, stderr := mlegit(t, "codes", "import", "--file", older, "--out", out, "--as-of", "2026-09-18")
	if code != exitRejected {
		t.Errorf("import of the older codes: exit %d, want %d\n%s%s", code, exitRejected, stdout, stderr)
	}
	if n := strings.Count(stdout, "CODES_STALE"); n != 1 || !strings.Contains(stdout, "1727*****44") ||
		strings.Contains(stdout, "CODES_NOT_IN_PACKAGE") {
		t.Errorf("want exactly the reissued student's row rejected as CODES_STALE:\n%s", stdout)
	}
	if m := fullPESEL.FindString(stdout + stderr); m != "" {
		t.Errorf("full PESEL %s printed", m[:4])
	}
	for _, qr := range olderQR {
		if strings.Contains(stdout+stderr, qr) {
			t.Errorf("a QR payload was printed")
		}
	}
	rej, err := os.ReadFile(filepath.Join(out, "codes", codesRejectsFile))
	if err != nil || !strings.Contains(string(rej), "CODES_STALE") || !strings.Contains(string(rej), "Nie drukuj go") {
		t.Errorf("rejects file for the secretariat (%v):\n%s", err, rej)
	}

	store, err := codes.Load(codes.StorePath(out))
	if err != nil {
		t.Fatal(err)
	}
	if len(store.Entries) != accepted {
		t.Errorf("codes.json holds %d entries, want %d", len(store.Entries), accepted)
	}
	for _, e := range store.Entries {
		want := olderQR[e.PESEL]
		if e.PESEL == reissued {
			want = newerQR[e.PESEL]
			if e.Surname != "Kowalczyk-Nowak" {
				t.Errorf("reissued student's entry has the surname %q, want the reissue's", e.Surname)
			}
		}
		if e.QR != want {
			t.Errorf("%s: codes.json holds the wrong code", e.PESEL[:4])
		}
	}

	st, err := state.Open(filepath.Join(out, "state"), "sp7-demo")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for p, gen := range map[string]string{reissued: "2026-09-18", kept: "2026-09-16"} {
		r, err := st.Get(context.Background(), p)
		if err != nil {
			t.Fatal(err)
		}
		if r.State != state.CodesReceived || r.CodesGenerated.Format(time.DateOnly) != gen {
			t.Errorf("%s: %s, codes generated %s; want codes_received, %s", p[:4], r.State,
				r.CodesGenerated.Format(time.DateOnly), gen)
		}
	}
}
