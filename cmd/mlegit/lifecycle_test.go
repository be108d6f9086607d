package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlegit/mlegit/lifecycle"
	"github.com/mlegit/mlegit/pesel"
	"github.com/mlegit/mlegit/reject"
	"github.com/mlegit/mlegit/state"
)

// The tests of this file walk the sample school through the events of a
// school year (issue 12): each event must leave issued cards alone unless
// the procedure names a reason.

const (
	zuzanna = "17271712844" // Kowalczyk Zuzanna, 2a
	szymon  = "17290913552" // Zieliński Szymon, 2a
	pawel   = "18230410005" // Kamiński Paweł, 1b
)

// issuedSchool runs the sample school's first night (2026-09-15), imports
// the portal's codes (2026-09-16) and prints every slip: every accepted
// student's card is issued (slip_printed). It returns the PESELs issued.
func issuedSchool(t *testing.T) (roster, photos, out string, issued []string) {
	t.Helper()
	roster, photos, out = school(t)
	nightly(t, roster, photos, out, "2026-09-15")
	codesCSV := filepath.Join(t.TempDir(), "kody.csv")
	for _, args := range [][]string{
		{"portal-sim", "--package", filepath.Join(out, "package", "mlegitymacja-sp7-demo-20260915.zip"), "--out", codesCSV, "--as-of", "2026-09-16"},
		{"codes", "import", "--file", codesCSV, "--out", out, "--as-of", "2026-09-16"},
		{"slips", "--out", out, "--as-of", "2026-09-16"},
	} {
		if code, _, e := mlegit(t, args...); code != exitOK {
			t.Fatalf("%s: exit %d\n%s", args[0], code, e)
		}
	}
	for _, r := range records(t, out) {
		if r.State == state.SlipPrinted {
			issued = append(issued, r.PESEL)
		}
	}
	if len(issued) < 10 {
		t.Fatalf("only %d cards issued", len(issued))
	}
	return roster, photos, out, issued
}

// records reads every student of the sample school's store.
func records(t *testing.T, out string) map[string]state.Record {
	t.Helper()
	s, err := state.Open(filepath.Join(out, "state"), "sp7-demo")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	recs, err := s.Students(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]state.Record{}
	for _, r := range recs {
		m[r.PESEL] = r
	}
	return m
}

// storeSnapshot renders the whole store (records and history lengths), to
// prove a night changed nothing.
func storeSnapshot(t *testing.T, out string) string {
	t.Helper()
	s, err := state.Open(filepath.Join(out, "state"), "sp7-demo")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	recs, err := s.Students(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, r := range recs {
		h, _ := s.History(context.Background(), r.PESEL)
		fmt.Fprintf(&b, "%+v history=%d\n", r, len(h))
	}
	return b.String()
}

// stillIssued fails for every PESEL not in state want.
func stillIn(t *testing.T, out string, want state.State, ps []string) {
	t.Helper()
	recs := records(t, out)
	for _, p := range ps {
		if r := recs[p]; r.State != want {
			t.Errorf("%s: %s, want %s", pesel.Masked(p), r.State, want)
		}
	}
}

// runArgs runs one nightly run with extra flags and returns its exit code
// and output.
func runNight(t *testing.T, roster, photos, out, asOf string, extra ...string) (int, string, string) {
	t.Helper()
	args := []string{"run", "--roster", roster, "--out", out, "--as-of", asOf}
	if photos != "" {
		args = append(args, "--photos", photos)
	}
	return mlegit(t, append(args, extra...)...)
}

func keepRosterLines(t *testing.T, roster string, keep func(line string) bool) {
	t.Helper()
	data, err := os.ReadFile(roster)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	out := []string{lines[0]}
	for _, l := range lines[1:] {
		if l != "" && keep(l) {
			out = append(out, l)
		}
	}
	if err := os.WriteFile(roster, []byte(strings.Join(out, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestEventPhotosDeletedAfterIssuance(t *testing.T) {
	roster, photos, out, issued := issuedSchool(t)
	ents, _ := os.ReadDir(photos)
	for _, e := range ents {
		os.Remove(filepath.Join(photos, e.Name()))
	}
	nightly(t, roster, photos, out, "2026-09-20")
	stillIn(t, out, state.SlipPrinted, issued)
	sum := readSummary(t, out)
	for _, r := range sum.Rejections {
		for _, p := range issued {
			if r.PESEL == pesel.Masked(p) && r.Code == reject.PhotoMissing {
				t.Errorf("issued student %s rejected for the deleted photo", r.PESEL)
			}
		}
	}
	if sum.Sent != 0 || sum.Package != "" {
		t.Errorf("sent %d in %q after the photos were deleted", sum.Sent, sum.Package)
	}
}

func TestEventRolloverWithOldClassPhotoNames(t *testing.T) {
	roster, photos, out, issued := issuedSchool(t)
	data, _ := os.ReadFile(roster)
	moved := strings.NewReplacer(";1b;", ";2b;", ";2a;", ";3a;", ";3c;", ";4c;").Replace(string(data))
	os.WriteFile(roster, []byte(moved), 0o600)
	nightly(t, roster, photos, out, "2026-09-21")
	stillIn(t, out, state.SlipPrinted, issued)
	if r := records(t, out)[pawel]; r.Class != "2b" {
		t.Errorf("class %q after the rollover, want 2b", r.Class)
	}
	if sum := readSummary(t, out); sum.Sent != 0 || sum.Package != "" {
		t.Errorf("a class change sent %d in %q", sum.Sent, sum.Package)
	}
	// The slip shows the new class.
	if code, _, e := mlegit(t, "slips", "--out", out, "--pesel", pawel, "--as-of", "2026-09-21"); code != exitOK {
		t.Fatalf("slips: %d %s", code, e)
	}
	if ents, _ := os.ReadDir(filepath.Join(out, "slips", "2b")); len(ents) != 1 {
		t.Errorf("slips/2b holds %d slips, want the moved student's", len(ents))
	}
}

func TestEventPartialExportHeldThenLetThrough(t *testing.T) {
	roster, photos, out, issued := issuedSchool(t)
	keepRosterLines(t, roster, func(l string) bool { return strings.Contains(l, ";2a;") })
	before := storeSnapshot(t, out)
	code, stdout, stderr := runNight(t, roster, photos, out, "2026-09-22")
	if code != exitHeld {
		t.Fatalf("partial export: exit %d, want %d\n%s%s", code, exitHeld, stdout, stderr)
	}
	if storeSnapshot(t, out) != before {
		t.Error("a held night changed the state store")
	}
	if _, err := os.Stat(filepath.Join(out, "package", "mlegitymacja-sp7-demo-20260922.zip")); err == nil {
		t.Error("a held night wrote a package")
	}
	if !strings.Contains(stdout+stderr, "--max-invalidations") {
		t.Errorf("the terminal does not say how to let the night through:\n%s%s", stdout, stderr)
	}
	sum := readSummary(t, out)
	if sum.Held == nil || sum.Held.Invalidations <= sum.Held.Limit || len(sum.Held.Students) != sum.Held.Invalidations {
		t.Fatalf("summary held: %+v", sum.Held)
	}
	checkExitCode(t, sum, exitHeld)
	csv, _ := os.ReadFile(filepath.Join(out, "odrzuceni.csv"))
	if !strings.Contains(string(csv), string(reject.InvalidationHeld)) || !strings.Contains(string(csv), "eksport listy uczniów jest kompletny") ||
		!strings.Contains(string(csv), pesel.Masked(pawel)) || fullPESEL.Match(csv) {
		t.Errorf("odrzuceni.csv does not list the held invalidations (masked):\n%s", csv)
	}

	code, stdout, stderr = runNight(t, roster, photos, out, "2026-09-22", "--max-invalidations", "100%")
	if code != exitOK && code != exitRejected {
		t.Fatalf("let through: exit %d\n%s%s", code, stdout, stderr)
	}
	recs := records(t, out)
	for _, p := range issued {
		r := recs[p]
		if r.Class == "2a" {
			if r.State != state.SlipPrinted {
				t.Errorf("%s of 2a: %s", pesel.Masked(p), r.State)
			}
			continue
		}
		if r.State != state.Invalidated {
			t.Errorf("%s of %s: %s, want invalidated once let through", pesel.Masked(p), r.Class, r.State)
		}
	}
}

func TestEventHeaderOnlyRosterHeldAndInvalidatesNobody(t *testing.T) {
	roster, photos, out, issued := issuedSchool(t)
	keepRosterLines(t, roster, func(string) bool { return false })
	before := storeSnapshot(t, out)
	code, stdout, stderr := runNight(t, roster, photos, out, "2026-09-22")
	if code != exitHeld {
		t.Fatalf("header-only roster: exit %d, want %d\n%s%s", code, exitHeld, stdout, stderr)
	}
	if storeSnapshot(t, out) != before {
		t.Error("a held night changed the state store")
	}
	// Let through, it still invalidates nobody.
	code, stdout, stderr = runNight(t, roster, photos, out, "2026-09-22", "--max-invalidations", "100%")
	if code == exitHeld || code == exitFatal {
		t.Fatalf("header-only roster let through: exit %d\n%s%s", code, stdout, stderr)
	}
	stillIn(t, out, state.SlipPrinted, issued)
}

func TestEventRunWithoutPhotosChangesNothing(t *testing.T) {
	roster, _, out, _ := issuedSchool(t)
	editRoster(t, roster, "Kowalczyk;Zuzanna;", "Kowalczyk-Nowak;Zuzanna;")
	keepRosterLines(t, roster, func(l string) bool { return !strings.HasPrefix(l, "Zieliński;") })
	before := storeSnapshot(t, out)
	code, stdout, stderr := runNight(t, roster, "", out, "2026-09-22")
	if code != exitOK && code != exitRejected {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	if storeSnapshot(t, out) != before {
		t.Error("a run without --photos changed the state store")
	}
	if sum := readSummary(t, out); sum.Package != "" || sum.Sent != 0 {
		t.Errorf("a run without --photos sent %d in %q", sum.Sent, sum.Package)
	}
}

func TestEventTwoSchoolsInOneOut(t *testing.T) {
	roster, photos, out := school(t)
	nightly(t, roster, photos, out, "2026-09-15")
	code, _, stderr := runNight(t, roster, photos, out, "2026-09-16", "--school", "sp8")
	if code != exitUsage || !strings.Contains(stderr, "sp7-demo") {
		t.Errorf("second school into one --out: exit %d\n%s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(out, "state", "sp8.sqlite")); err == nil {
		t.Error("the second school's store was created")
	}
	if st, _ := storeState(t, out, zuzanna); st != state.Packaged {
		t.Errorf("the first school's student is now %s", st)
	}

	// Commands find the school in --out; with two stores they name both.
	cfg := filepath.Join(t.TempDir(), "empty.yaml")
	os.WriteFile(cfg, []byte("out: out\n"), 0o600)
	status := func() (int, string) {
		var o, e strings.Builder
		c := run(context.Background(), []string{"--config", cfg, "status", "--out", out, "--as-of", "2026-09-16"}, &o, &e)
		return c, o.String() + e.String()
	}
	if c, text := status(); c != exitOK || !strings.Contains(text, "packaged") {
		t.Errorf("status without --school: exit %d\n%s", c, text)
	}
	other, err := state.Open(filepath.Join(out, "state"), "sp9")
	if err != nil {
		t.Fatal(err)
	}
	other.Close()
	if c, text := status(); c != exitUsage || !strings.Contains(text, "sp7-demo") || !strings.Contains(text, "sp9") {
		t.Errorf("status with two schools in --out: exit %d\n%s", c, text)
	}
}

func TestEventTransfer(t *testing.T) {
	roster, photos, out, _ := issuedSchool(t)
	keepRosterLines(t, roster, func(l string) bool { return !strings.HasPrefix(l, "Zieliński;") })
	nightly(t, roster, photos, out, "2026-09-22")
	st, h := storeState(t, out, szymon)
	if st != state.Invalidated || lifecycle.ReasonOf(h[len(h)-1].Reason) != lifecycle.Transfer {
		t.Errorf("transfer: %s, history %+v", st, h[len(h)-1])
	}
	stillIn(t, out, state.SlipPrinted, []string{zuzanna, pawel})
}

func TestEventCardExpired(t *testing.T) {
	roster, photos, out := school(t)
	editRoster(t, roster, "17271712844;2a;5/2023;01.09.2023;31.08.2027", "17271712844;2a;5/2023;01.09.2023;30.09.2026")
	nightly(t, roster, photos, out, "2026-09-15")
	if st, _ := storeState(t, out, zuzanna); st != state.Packaged {
		t.Fatalf("before expiry: %s", st)
	}
	nightly(t, roster, photos, out, "2026-09-30") // the last valid day
	if st, _ := storeState(t, out, zuzanna); st != state.Packaged {
		t.Errorf("on the last valid day: %s", st)
	}
	nightly(t, roster, photos, out, "2026-10-01")
	st, h := storeState(t, out, zuzanna)
	if st != state.Invalidated || lifecycle.ReasonOf(h[len(h)-1].Reason) != lifecycle.CardExpired {
		t.Errorf("card expired: %s, history %+v", st, h[len(h)-1])
	}
	if st, _ := storeState(t, out, szymon); st != state.Packaged {
		t.Errorf("a classmate with a valid card: %s", st)
	}
}

func TestEventNameChangeReissuedWithPhotoOnFile(t *testing.T) {
	roster, photos, out, issued := issuedSchool(t)
	// The school deleted the parents' photos once the codes existed.
	ents, _ := os.ReadDir(photos)
	for _, e := range ents {
		os.Remove(filepath.Join(photos, e.Name()))
	}
	editRoster(t, roster, "Kowalczyk;Zuzanna;", "Kowalczyk-Nowak;Zuzanna;")
	nightly(t, roster, photos, out, "2026-09-22")
	st, h := storeState(t, out, zuzanna)
	if st != state.Packaged {
		t.Fatalf("name change: %s, want packaged again the same night", st)
	}
	var reasons []string
	for _, e := range h {
		reasons = append(reasons, e.To.String()+":"+e.Reason)
	}
	if joined := strings.Join(reasons, ","); !strings.Contains(joined, "invalidated:name change") {
		t.Errorf("history %s", joined)
	}
	sum := readSummary(t, out)
	if sum.Sent != 1 || sum.Package != "mlegitymacja-sp7-demo-20260922.zip" {
		t.Errorf("sent %d in %q, want the renamed student", sum.Sent, sum.Package)
	}
	if r := records(t, out)[zuzanna]; r.Issue != 2 || r.Surname != "Kowalczyk-Nowak" {
		t.Errorf("record %+v: want issue 2 with the new name", r)
	}
	var others []string
	for _, p := range issued {
		if p != zuzanna {
			others = append(others, p)
		}
	}
	stillIn(t, out, state.SlipPrinted, others)
}

func TestEventNameChangeAfterPhotoPurgeWaitsForPhoto(t *testing.T) {
	roster, photos, out, _ := issuedSchool(t)
	acts := filepath.Join(t.TempDir(), "aktywacje.csv")
	os.WriteFile(acts, []byte("pesel;aktywowano\n"+zuzanna+";2026-09-20\n"), 0o600)
	if code, _, e := mlegit(t, "codes", "activations", "--file", acts, "--out", out); code != exitOK {
		t.Fatalf("activations: %d %s", code, e)
	}
	ents, _ := os.ReadDir(photos)
	for _, e := range ents {
		os.Remove(filepath.Join(photos, e.Name()))
	}
	nightly(t, roster, photos, out, "2026-10-17") // codes day 31: photos purged
	if _, err := os.Stat(filepath.Join(out, "photos", zuzanna+".jpg")); err == nil {
		t.Fatal("photo on file not purged after retention")
	}
	// Codes not activated in time expire, and stay expired: reissued on
	// request only.
	if st, _ := storeState(t, out, szymon); st != state.Expired {
		t.Errorf("unactivated codes after 30 days: %s", st)
	}
	editRoster(t, roster, "Kowalczyk;Zuzanna;", "Kowalczyk-Nowak;Zuzanna;")
	nightly(t, roster, photos, out, "2026-10-20")
	if st, _ := storeState(t, out, zuzanna); st != state.New {
		t.Errorf("renamed student without a photo: %s, want new (waiting for a photo)", st)
	}
	if st, _ := storeState(t, out, szymon); st != state.Expired {
		t.Errorf("expired codes reissued by themselves: %s", st)
	}
	found := false
	for _, w := range readSummary(t, out).Warnings {
		if w.PESEL == pesel.Masked(zuzanna) && w.Code == lifecycle.NoteNeedsPhoto && strings.Contains(w.Szczegoly, "2a") {
			found = true
		}
	}
	if !found {
		t.Errorf("no Polish report line asks for a new photo: %+v", readSummary(t, out).Warnings)
	}
}

func TestEventNewPhotoWarnedThenReissued(t *testing.T) {
	roster, photos, out, _ := issuedSchool(t)
	copyFile(t, filepath.Join(samples, "photos", "Paweł Kamiński 1b.JPG"), filepath.Join(photos, "Hanna Szymańska 2a.jpg"))
	const hanna = "17221414260"
	nightly(t, roster, photos, out, "2026-09-22")
	if st, _ := storeState(t, out, hanna); st != state.SlipPrinted {
		t.Errorf("new photo: %s, want the issued card kept", st)
	}
	sum := readSummary(t, out)
	warned := false
	for _, w := range sum.Warnings {
		warned = warned || (w.PESEL == pesel.Masked(hanna) && w.Code == lifecycle.NoteNewPhotoNotSent)
	}
	if !warned || sum.Sent != 0 {
		t.Errorf("new photo: warned %v, sent %d", warned, sum.Sent)
	}
	code, stdout, e := mlegit(t, "reissue", "--out", out, "--pesel", hanna, "--reason", "new-photo", "--as-of", "2026-09-22")
	if code != exitOK || !strings.Contains(stdout, "issue 2") {
		t.Fatalf("reissue: exit %d\n%s%s", code, stdout, e)
	}
	nightly(t, roster, photos, out, "2026-09-23")
	if st, _ := storeState(t, out, hanna); st != state.Packaged {
		t.Errorf("after the reissue: %s, want packaged", st)
	}
	if sum := readSummary(t, out); sum.Sent != 1 {
		t.Errorf("after the reissue: sent %d", sum.Sent)
	}
}

func TestEventReissueAfterParentRequest(t *testing.T) {
	roster, photos, out, _ := issuedSchool(t)
	if code, _, e := mlegit(t, "invalidate", "--out", out, "--pesel", zuzanna, "--reason", "parent-request", "--as-of", "2026-09-20"); code != exitOK {
		t.Fatalf("invalidate: %d %s", code, e)
	}
	nightly(t, roster, photos, out, "2026-09-21")
	if st, _ := storeState(t, out, zuzanna); st != state.Invalidated {
		t.Errorf("parents' request: %s the next night, want still invalidated", st)
	}
	if code, _, e := mlegit(t, "reissue", "--out", out, "--pesel", zuzanna, "--reason", "nowy telefon", "--as-of", "2026-09-22"); code != exitOK {
		t.Fatalf("reissue: %d %s", code, e)
	}
	nightly(t, roster, photos, out, "2026-09-22")
	if st, _ := storeState(t, out, zuzanna); st != state.Packaged {
		t.Errorf("after the reissue: %s, want packaged", st)
	}
}

func TestEventPickupAfterReissueAndRefusedWhenInvalidated(t *testing.T) {
	roster, photos, out, _ := issuedSchool(t)
	pickup := func(date string) (int, string) {
		code, o, e := mlegit(t, "pickup", "--out", out, "--pesel", zuzanna, "--by", "Anna Kowalczyk (matka)", "--date", date)
		return code, o + e
	}
	if code, text := pickup("2026-09-17"); code != exitOK {
		t.Fatalf("first pickup: %d %s", code, text)
	}
	// A lost phone: invalidated, the nightly run reissues by itself.
	if code, _, e := mlegit(t, "invalidate", "--out", out, "--pesel", zuzanna, "--reason", "lost-device", "--as-of", "2026-09-20"); code != exitOK {
		t.Fatalf("invalidate: %d %s", code, e)
	}
	code, text := pickup("2026-09-20")
	if code != exitUsage || !strings.Contains(text, "unieważniona") {
		t.Errorf("pickup of an invalidated card: exit %d, want %d with a Polish reason\n%s", code, exitUsage, text)
	}
	nightly(t, roster, photos, out, "2026-09-21")
	codesCSV := filepath.Join(t.TempDir(), "kody.csv")
	for _, args := range [][]string{
		{"portal-sim", "--package", filepath.Join(out, "package", "mlegitymacja-sp7-demo-20260921.zip"), "--out", codesCSV, "--as-of", "2026-09-22"},
		{"codes", "import", "--file", codesCSV, "--out", out, "--as-of", "2026-09-22"},
		{"slips", "--out", out, "--pesel", zuzanna, "--as-of", "2026-09-22"},
	} {
		if code, _, e := mlegit(t, args...); code != exitOK {
			t.Fatalf("%s: exit %d\n%s", args[0], code, e)
		}
	}
	if code, text := pickup("2026-09-23"); code != exitOK || !strings.Contains(text, "issue 2") {
		t.Fatalf("pickup after the reissue: exit %d\n%s", code, text)
	}
	s, err := state.Open(filepath.Join(out, "state"), "sp7-demo")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	pks, err := s.Pickups(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var issues []int
	for _, pk := range pks {
		if pk.PESEL == zuzanna {
			issues = append(issues, pk.Issue)
		}
	}
	if fmt.Sprint(issues) != "[1 2]" {
		t.Errorf("pickups by issue %v, want [1 2]", issues)
	}
	if code, _, e := mlegit(t, "register", "--out", out, "--as-of", "2026-09-23"); code != exitOK {
		t.Errorf("register: %d %s", code, e)
	}
}

func TestStatusJSON(t *testing.T) {
	_, _, out, issued := issuedSchool(t)
	code, stdout, stderr := mlegit(t, "status", "--out", out, "--as-of", "2026-10-14", "--json")
	if code != exitOK {
		t.Fatalf("status --json: exit %d\n%s", code, stderr)
	}
	if m := fullPESEL.FindString(stdout); m != "" {
		t.Errorf("full PESEL %s printed", pesel.Masked(m))
	}
	var got struct {
		School   string         `json:"school"`
		AsOf     string         `json:"as_of"`
		States   map[string]int `json:"states"`
		Students []struct {
			PESEL, Class, State string
			Issue               int
		} `json:"students"`
		Deadlines []struct {
			PESEL, Kind, Due string
			DaysLeft         int `json:"days_left"`
		} `json:"deadlines"`
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, stdout)
	}
	if got.School != "sp7-demo" || got.AsOf != "2026-10-14" || got.States["slip_printed"] != len(issued) ||
		len(got.States) != len(state.States()) {
		t.Errorf("school %q as_of %q states %v", got.School, got.AsOf, got.States)
	}
	total := 0
	for _, n := range got.States {
		total += n
	}
	if len(got.Students) != total {
		t.Errorf("%d students listed, states count %d", len(got.Students), total)
	}
	for _, s := range got.Students {
		if s.PESEL == pesel.Masked(zuzanna) && (s.Class != "2a" || s.State != "slip_printed" || s.Issue != 1) {
			t.Errorf("student %+v", s)
		}
	}
	// Codes generated 2026-09-16 are to be activated by 2026-10-16: two
	// days left on 2026-10-14.
	found := false
	for _, d := range got.Deadlines {
		found = found || (d.PESEL == pesel.Masked(zuzanna) && d.Kind == "activation" && d.Due == "2026-10-16" && d.DaysLeft == 2)
	}
	if !found {
		t.Errorf("no activation deadline for the student: %+v", got.Deadlines)
	}
}
