package main

import (
	"bytes"
	"database/sql"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mlegit/mlegit/report"
)

// waitingNames lists the summary's waiting packages as name:students.
func waitingNames(t *testing.T, out string) string {
	t.Helper()
	var names []string
	for _, p := range readSummary(t, out).WaitingPackages {
		names = append(names, p.Name+":"+itoa(p.Students))
	}
	return strings.Join(names, ",")
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestPackageWaitsUntilUploaded(t *testing.T) {
	roster, photos, out := school(t)
	nightly(t, roster, photos, out, "2026-09-15")
	first := "mlegitymacja-sp7-demo-20260915.zip"
	s := readSummary(t, out)
	if s.Package != first || s.Sent != 15 || waitingNames(t, out) != first+":15" {
		t.Fatalf("first night: package %q sent %d waiting %s", s.Package, s.Sent, waitingNames(t, out))
	}
	// Started again the same night: the summary still names the package.
	code, stdout, _ := mlegit(t, "run", "--roster", roster, "--photos", photos, "--out", out, "--as-of", "2026-09-15")
	if code != exitRejected || !strings.Contains(stdout, "wait to be uploaded") || !strings.Contains(stdout, first) {
		t.Errorf("second run the same night: exit %d\n%s", code, stdout)
	}
	if s := readSummary(t, out); s.Package != first || s.Sent != 15 || waitingNames(t, out) != first+":15" {
		t.Errorf("second run the same night hides the package: %q sent %d waiting %s", s.Package, s.Sent, waitingNames(t, out))
	}
	// Later nights list it as waiting, with its age; past the 14 days
	// the school has for codes, a Polish warning.
	nightly(t, roster, photos, out, "2026-09-29")
	s = readSummary(t, out)
	if s.Package != "" || len(s.WaitingPackages) != 1 || s.WaitingPackages[0].AgeDays != 14 {
		t.Errorf("day 14: package %q, waiting %+v", s.Package, s.WaitingPackages)
	}
	for _, w := range s.Warnings {
		if w.Code == report.WarnPackageNotSent {
			t.Errorf("warned on day 14: %s", w.Message)
		}
	}
	nightly(t, roster, photos, out, "2026-09-30")
	warned := false
	for _, w := range readSummary(t, out).Warnings {
		warned = warned || (w.File == first && w.Code == report.WarnPackageNotSent && strings.Contains(w.Szczegoly, "czeka od 15 dni"))
	}
	if !warned {
		t.Errorf("no Polish warning for a package waiting 15 days: %+v", readSummary(t, out).Warnings)
	}
	// The secretariat reads it in its own report.
	if csv, _ := os.ReadFile(filepath.Join(out, "odrzuceni.csv")); !strings.Contains(string(csv), "czeka od 15 dni") {
		t.Errorf("odrzuceni.csv lacks the waiting package:\n%s", csv)
	}

	if code, _, e := mlegit(t, "package", "uploaded", "mlegitymacja-sp7-demo-20260901.zip", "--out", out); code != exitUsage {
		t.Errorf("unknown package: exit %d, want %d\n%s", code, exitUsage, e)
	}
	if code, stdout, e := mlegit(t, "package", "uploaded", first, "--out", out, "--as-of", "2026-09-30"); code != exitOK || !strings.Contains(stdout, "recorded as uploaded") {
		t.Fatalf("package uploaded: exit %d\n%s%s", code, stdout, e)
	}
	nightly(t, roster, photos, out, "2026-10-01")
	if w := waitingNames(t, out); w != "" {
		t.Errorf("confirmed package still waiting: %s", w)
	}
}

func TestCodesImportConfirmsPackage(t *testing.T) {
	roster, photos, out := school(t)
	nightly(t, roster, photos, out, "2026-09-15")
	pkg := filepath.Join(out, "package", "mlegitymacja-sp7-demo-20260915.zip")
	codesCSV := filepath.Join(t.TempDir(), "kody.csv")
	if code, _, e := mlegit(t, "portal-sim", "--package", pkg, "--out", codesCSV, "--as-of", "2026-09-15"); code != 0 {
		t.Fatalf("portal-sim: %d %s", code, e)
	}
	// The next night one student is sent again, in a second package.
	copyFile(t, filepath.Join(samples, "photos", "Paweł Kamiński 1b.JPG"), filepath.Join(photos, "Hanna Szymańska 2a.jpg"))
	nightly(t, roster, photos, out, "2026-09-16")
	if w := waitingNames(t, out); w != "mlegitymacja-sp7-demo-20260915.zip:15,mlegitymacja-sp7-demo-20260916.zip:1" {
		t.Fatalf("waiting %s", w)
	}
	mlegit(t, "codes", "import", "--file", codesCSV, "--out", out, "--as-of", "2026-09-16")
	nightly(t, roster, photos, out, "2026-09-17")
	// The first package's codes confirm it; the second one's student got
	// a stale code only, so it still waits.
	if w := waitingNames(t, out); w != "mlegitymacja-sp7-demo-20260916.zip:1" {
		t.Errorf("after the codes of the first package: waiting %s", w)
	}
}

func TestPackageFileMissingIsRebuiltOrReported(t *testing.T) {
	roster, photos, out := school(t)
	nightly(t, roster, photos, out, "2026-09-15")
	zip := filepath.Join(out, "package", "mlegitymacja-sp7-demo-20260915.zip")
	before, err := os.ReadFile(zip)
	if err != nil {
		t.Fatal(err)
	}
	// Deleted while it still waits: rebuilt, byte for byte.
	os.Remove(zip)
	nightly(t, roster, photos, out, "2026-09-16")
	if after, err := os.ReadFile(zip); err != nil || !bytes.Equal(after, before) {
		t.Fatalf("missing package not rebuilt identically: %v", err)
	}
	// Deleted after one of its students left: it cannot be rebuilt as it
	// was, so the school is told in Polish, and no look-alike is left.
	os.Remove(zip)
	data, _ := os.ReadFile(roster)
	var keep []string
	for _, l := range strings.Split(string(data), "\n") {
		if !strings.HasPrefix(l, "Wójcik;Jakub;") {
			keep = append(keep, l)
		}
	}
	os.WriteFile(roster, []byte(strings.Join(keep, "\n")), 0o600)
	nightly(t, roster, photos, out, "2026-09-17")
	if _, err := os.Stat(zip); err == nil {
		t.Error("a package differing from the recorded one was left")
	}
	warned := false
	for _, w := range readSummary(t, out).Warnings {
		warned = warned || (w.File == filepath.Base(zip) && w.Code == report.WarnPackageLost && strings.Contains(w.Szczegoly, "uczniów: "))
	}
	if !warned {
		t.Errorf("no Polish warning about the missing package: %+v", readSummary(t, out).Warnings)
	}
}

// A package written by an mlegit before package records (its students
// moved to packaged with the old reason, no record) is adopted, not
// removed, and listed as waiting.
func TestPackageFromOlderVersionIsAdopted(t *testing.T) {
	roster, photos, out := school(t)
	nightly(t, roster, photos, out, "2026-09-15")
	db, err := sql.Open("sqlite", filepath.Join(out, "state", "sp7-demo.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`DELETE FROM package_students`, `DELETE FROM packages`,
		`UPDATE history SET reason = 'upload package written' WHERE to_state = 'packaged'`} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	nightly(t, roster, photos, out, "2026-09-16")
	if _, err := os.Stat(filepath.Join(out, "package", "mlegitymacja-sp7-demo-20260915.zip")); err != nil {
		t.Fatalf("older package removed: %v", err)
	}
	if w := waitingNames(t, out); w != "mlegitymacja-sp7-demo-20260915.zip:15" {
		t.Errorf("waiting %q, want the adopted package", w)
	}
}
