package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlegit/mlegit/report"
	"github.com/mlegit/mlegit/safefile/heldtest"
)

// odrzuceni.csv open in Excel during the night run: the run completes with
// its usual exit code, announces its package, writes the new report beside
// the open one, and the terminal and summary.json name the file to close.
// Once Excel lets go, the next run writes the report in place again.
func TestWindowsReportOpenInExcel(t *testing.T) {
	roster, photos, out := school(t)
	first := nightly(t, roster, photos, out, "2026-09-15")
	csvPath := filepath.Join(out, report.RejectionsCSV)
	old, err := os.ReadFile(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	release, err := heldtest.Hold(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	code, stdout, stderr := mlegit(t, "run", "--roster", roster, "--photos", photos, "--out", out, "--as-of", "2026-09-16")
	if code != first {
		t.Fatalf("exit %d with odrzuceni.csv open, want %d as the night before\n%s\n%s", code, first, stdout, stderr)
	}
	if !strings.Contains(stdout, "Zamknij plik odrzuceni.csv") || !strings.Contains(stdout, "odrzuceni (nowy).csv") {
		t.Errorf("terminal does not say which file to close:\n%s", stdout)
	}
	if !strings.Contains(stderr, "odrzuceni.csv") {
		t.Errorf("log does not name the held file:\n%s", stderr)
	}
	sum := readSummary(t, out)
	if len(sum.HeldFiles) != 1 || sum.HeldFiles[0].File != report.RejectionsCSV ||
		sum.HeldFiles[0].WrittenTo != "odrzuceni (nowy).csv" || !strings.Contains(sum.HeldFiles[0].Komunikat, "Zamknij") {
		t.Errorf("summary held_files %+v", sum.HeldFiles)
	}
	if got, _ := os.ReadFile(csvPath); string(got) != string(old) {
		t.Error("the held report changed")
	}
	if _, err := os.Stat(filepath.Join(out, "odrzuceni (nowy).csv")); err != nil {
		t.Error(err)
	}
	release()
	nightly(t, roster, photos, out, "2026-09-17")
	if sum := readSummary(t, out); len(sum.HeldFiles) != 0 {
		t.Errorf("held files after closing: %+v", sum.HeldFiles)
	}
	if _, err := os.Stat(filepath.Join(out, "odrzuceni (nowy).csv")); !os.IsNotExist(err) {
		t.Errorf("the beside copy stayed: %v", err)
	}
}
