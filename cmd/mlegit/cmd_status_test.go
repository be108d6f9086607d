package main

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/mlegit/mlegit/lifecycle"
	"github.com/mlegit/mlegit/state"
	"github.com/mlegit/mlegit/status"
)

// readStatusXLSX returns every sheet of OUT/status.xlsx, and fails the
// test if a cell holds a full PESEL.
func readStatusXLSX(t *testing.T, out string) map[string][][]string {
	t.Helper()
	path := filepath.Join(out, status.FileName)
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("%s: %v, mode %v", path, err, fi.Mode().Perm())
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got, want := f.GetSheetList(), []string{"Podsumowanie", "Terminy", "Odrzuceni", "Paczki"}; !slices.Equal(got, want) {
		t.Fatalf("sheets %q, want %q", got, want)
	}
	sheets := map[string][][]string{}
	for _, name := range f.GetSheetList() {
		rows, err := f.GetRows(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range rows {
			for _, c := range row {
				if m := fullPESEL.FindString(c); m != "" {
					t.Errorf("%s: full PESEL %s in the workbook", name, m)
				}
			}
		}
		sheets[name] = rows
	}
	return sheets
}

// mlegitStatus runs mlegit status and fails on a non-zero exit or a full
// PESEL in what it printed.
func mlegitStatus(t *testing.T, out, asOf string) string {
	t.Helper()
	code, stdout, stderr := mlegit(t, "status", "--out", out, "--as-of", asOf)
	if code != exitOK {
		t.Fatalf("status: exit %d\n%s", code, stderr)
	}
	if m := fullPESEL.FindString(stdout + stderr); m != "" {
		t.Errorf("full PESEL %s printed:\n%s", m, stdout)
	}
	return stdout
}

func TestStatusAfterNightly(t *testing.T) {
	roster, photos, out := school(t)
	nightly(t, roster, photos, out, "2026-09-15")
	sum := readSummary(t, out)

	t.Run("counts match the run", func(t *testing.T) {
		stdout := mlegitStatus(t, out, "2026-09-15")
		for _, want := range []string{"packaged", "wysłana do portalu", "Open rejections (run of 2026-09-15): " + strconv.Itoa(len(sum.Rejections))} {
			if !strings.Contains(stdout, want) {
				t.Errorf("stdout lacks %q:\n%s", want, stdout)
			}
		}
		sheets := readStatusXLSX(t, out)
		summary := sheets["Podsumowanie"]
		header := summary[0]
		for _, s := range state.States() {
			if !slices.Contains(header, s.Polish()) {
				t.Errorf("header %q lacks %q", header, s.Polish())
			}
		}
		if !slices.Contains(header, "unieważniona") || !slices.Contains(header, "wygasła") {
			t.Errorf("header lost its diacritics: %q", header)
		}
		packaged := slices.Index(header, state.Packaged.Polish())
		var classes []string
		total := -1
		for _, row := range summary[1:] {
			if len(row) == 0 {
				break
			}
			if row[0] == "Razem" {
				// Students whose photo was missing wait as new.
				total, _ = strconv.Atoi(row[packaged])
				news, _ := strconv.Atoi(row[slices.Index(header, state.New.Polish())])
				if all, _ := strconv.Atoi(row[len(row)-1]); all != total+news {
					t.Errorf("totals %q: not everyone packaged or new", row)
				}
				break
			}
			classes = append(classes, row[0])
		}
		if total != sum.Accepted {
			t.Errorf("%d packaged, the run accepted %d", total, sum.Accepted)
		}
		if want := []string{"1b", "2a", "3c", "4a", "5b", "7a", "8a"}; !slices.Equal(classes, want) {
			t.Errorf("classes %q, want %q", classes, want)
		}
		if rj := sheets["Odrzuceni"]; len(rj) < len(sum.Rejections)+1 || rj[0][0] != "PESEL" || rj[0][1] != "Uczeń" {
			t.Errorf("Odrzuceni: %d rows for %d rejections, header %q", len(rj), len(sum.Rejections), rj[0])
		}
	})

	// Packaged on 09-15, codes are due 14 days later, on 09-29.
	t.Run("codes due near 13 days later", func(t *testing.T) {
		stdout := mlegitStatus(t, out, "2026-09-28")
		if n := strings.Count(stdout, "codes_due"); n != sum.Accepted || strings.Contains(stdout, "OVERDUE") {
			t.Errorf("%d codes_due lines for %d packaged, or overdue:\n%s", n, sum.Accepted, stdout)
		}
		terms := readStatusXLSX(t, out)["Terminy"]
		if len(terms) != sum.Accepted+1 {
			t.Fatalf("Terminy: %d rows, want %d", len(terms), sum.Accepted+1)
		}
		want := []string{"kody z portalu", "29.09.2026", "1", "nie"}
		if got := terms[1][4:]; !slices.Equal(got, want) || terms[1][3] != "wysłana do portalu" || terms[1][1] == "" {
			t.Errorf("Terminy row %q, want … %q", terms[1], want)
		}
	})
	t.Run("codes overdue 15 days later", func(t *testing.T) {
		stdout := mlegitStatus(t, out, "2026-09-30")
		if n := strings.Count(stdout, "OVERDUE"); n != sum.Accepted {
			t.Errorf("%d overdue, want %d:\n%s", n, sum.Accepted, stdout)
		}
		book := readStatusXLSX(t, out)
		terms := book["Terminy"]
		if got := terms[len(terms)-1][6:]; !slices.Equal(got, []string{"-1", "tak"}) {
			t.Errorf("Terminy row %q, want -1 days, tak", terms[len(terms)-1])
		}
		// The package itself is late too: waiting 15 days, unconfirmed.
		if !strings.Contains(stdout, "LATE (over 14 days)") {
			t.Errorf("no late package in the table:\n%s", stdout)
		}
		if pk := book["Paczki"]; len(pk) < 2 || pk[1][0] != "mlegitymacja-sp7-demo-20260915.zip" || pk[1][2] != "15" || pk[1][4] != "tak" {
			t.Errorf("Paczki %q", pk)
		}
	})
	t.Run("status reads while a run holds the lock", func(t *testing.T) {
		lock, err := state.Lock(filepath.Join(out, "state"), "sp7-demo")
		if err != nil {
			t.Fatal(err)
		}
		defer lock.Release()
		mlegitStatus(t, out, "2026-09-16")
		if code, _, _ := mlegit(t, "invalidate", "--out", out, "--pesel", "18230410005", "--reason", "lost-device"); code != exitLocked {
			t.Errorf("invalidate under a held lock: exit %d, want %d", code, exitLocked)
		}
	})
	t.Run("no store for the school", func(t *testing.T) {
		code, _, stderr := mlegit(t, "status", "--out", out, "--school", "inna")
		if code != exitUsage || !strings.Contains(stderr, "no state store") {
			t.Errorf("exit %d, want %d: %s", code, exitUsage, stderr)
		}
		if _, err := os.Stat(filepath.Join(out, "state", "inna.sqlite")); err == nil {
			t.Error("status created a store for an unknown school")
		}
	})
}

func TestInvalidate(t *testing.T) {
	roster, photos, out := school(t)
	nightly(t, roster, photos, out, "2026-09-15")
	const lost, parent = "18230410005", "17271712844" // Kamiński Paweł, Kowalczyk Zuzanna: packaged

	for _, c := range []struct {
		name, pesel, reason string
		want                int
		stderr              string
	}{
		{"lost device", lost, "lost-device", exitOK, ""},
		{"parent's request", parent, "parent-request", exitOK, ""},
		{"again", parent, "transfer", exitOK, ""},
		{"unknown student", "05210100016", "transfer", exitUsage, "no such student"},
		{"bad checksum", "18230410006", "transfer", exitUsage, "checksum"},
		{"not 11 digits", "1823041000", "transfer", exitUsage, "not 11 digits"},
		{"unknown reason", lost, "stolen", exitUsage, "--reason"},
		{"other without text", lost, "other:", exitUsage, "needs a text"},
		{"PESEL in the reason", lost, "other:see " + parent, exitUsage, "keep PESELs out"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, stderr := mlegit(t, "invalidate", "--out", out, "--as-of", "2026-09-16",
				"--pesel", c.pesel, "--reason", c.reason)
			if code != c.want || !strings.Contains(stderr, c.stderr) {
				t.Errorf("exit %d, want %d; stderr %q should contain %q", code, c.want, stderr, c.stderr)
			}
			if m := fullPESEL.FindString(stdout + stderr); m != "" {
				t.Errorf("full PESEL %s printed:\n%s%s", m, stdout, stderr)
			}
			if c.want == exitOK && !strings.Contains(stdout, "PESEL "+c.pesel[:4]+"*****"+c.pesel[9:]) {
				t.Errorf("no confirmation with the masked PESEL: %q", stdout)
			}
		})
	}
	if st, h := storeState(t, out, lost); st != state.Invalidated || lifecycle.ReasonOf(h[len(h)-1].Reason) != lifecycle.LostDevice {
		t.Fatalf("lost device: %s, last reason %q", st, h[len(h)-1].Reason)
	}

	nightly(t, roster, photos, out, "2026-09-17")
	if s := readSummary(t, out); s.Sent != 1 {
		t.Errorf("sent %d tonight, want the lost device's student only", s.Sent)
	}
	if _, err := os.Stat(filepath.Join(out, "package", "mlegitymacja-sp7-demo-20260917.zip")); err != nil {
		t.Errorf("no new package: %v", err)
	}
	st, h := storeState(t, out, lost)
	last := h[len(h)-1]
	if st != state.Packaged || last.To != state.Packaged || last.At.Format(time.DateOnly) != "2026-09-17" {
		t.Errorf("lost device after the next run: %s, last move %+v; want packaged again on 2026-09-17", st, last)
	}
	st, h = storeState(t, out, parent)
	if st != state.Invalidated || h[len(h)-1].Reason != "parent request" {
		t.Errorf("parent's request after the next run: %s, last reason %q; want still invalidated", st, h[len(h)-1].Reason)
	}
	// A changed row does not undo a parent's request either.
	editRoster(t, roster, "Kowalczyk;Zuzanna;;17.07.2017;17271712844;2a;", "Kowalczyk;Zuzanna;;17.07.2017;17271712844;2b;")
	nightly(t, roster, photos, out, "2026-09-18")
	if st, _ := storeState(t, out, parent); st != state.Invalidated {
		t.Errorf("parent's request after a roster change: %s, want still invalidated", st)
	}
}
