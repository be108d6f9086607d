package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mlegit/mlegit/codes"
	"github.com/mlegit/mlegit/pesel"
	"github.com/mlegit/mlegit/slips"
	"github.com/mlegit/mlegit/state"
)

// TestSlipsPickupRegister prints slips from a codes store, records a
// pickup and writes the register, in-process.
func TestSlipsPickupRegister(t *testing.T) {
	out := t.TempDir()
	var ps []string
	for _, serial := range []string{"1234", "0011"} {
		base := "110203" + serial
		p, err := pesel.Parse(base + string(rune('0'+pesel.Checksum(base))))
		if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, string(p))
	}
	gen := time.Date(2026, 9, 15, 0, 0, 0, 0, time.UTC)
	store := &codes.Store{School: "sp7", SchoolName: "Szkoła Podstawowa nr 7", Entries: []codes.Entry{
		{PESEL: ps[0], Surname: "Łęcka-Źdźbło", FirstName: "Żaneta", Class: "1b", QR: "QR-A", ActivationCode: "ABCDEFGHJKLM",
			Generated: gen, ValidUntil: gen.AddDate(0, 0, 14), Simulated: true},
		{PESEL: ps[1], Surname: "Nowak", FirstName: "Jan", Class: "2a", QR: "QR-B", ActivationCode: "MLKJHGFEDCBA",
			Generated: gen, ValidUntil: gen.AddDate(0, 0, 14), Simulated: true},
	}}
	if err := store.Save(codes.StorePath(out)); err != nil {
		t.Fatal(err)
	}
	seedCodesReceived(t, out, store)
	masked := func(p string) string { return strings.ReplaceAll(pesel.Masked(p), "*", "x") }
	steps := []struct {
		name  string
		args  []string
		want  int
		files []string
	}{
		{"slips", []string{"slips", "--out", out, "--slips-per-page", "2", "--as-of", "2026-09-15"}, exitOK, []string{
			"slips/wszystkie.pdf", "slips/1b/Łęcka-Źdźbło_Żaneta_" + masked(ps[0]) + ".pdf", "slips/2a/Nowak_Jan_" + masked(ps[1]) + ".pdf"}},
		{"slips of a class", []string{"slips", "--out", out, "--class", "2a"}, exitOK, nil},
		{"slips, bad --pesel", []string{"slips", "--out", out, "--pesel", "123"}, exitUsage, nil},
		{"slips, 3 per page", []string{"slips", "--out", out, "--slips-per-page", "3"}, exitUsage, nil},
		{"slips without codes", []string{"slips", "--out", t.TempDir()}, exitUsage, nil},
		{"pickup", []string{"pickup", "--out", out, "--pesel", ps[0], "--by", "Anna Łęcka (matka)", "--date", "2026-09-16"}, exitOK,
			[]string{"state/sp7.sqlite"}},
		{"pickup again", []string{"pickup", "--out", out, "--pesel", ps[0], "--by", "Anna"}, exitUsage, nil},
		{"pickup, no --by", []string{"pickup", "--out", out, "--pesel", ps[1]}, exitUsage, nil},
		{"pickup after the code expired", []string{"pickup", "--out", out, "--pesel", ps[1], "--by", "Jan Nowak (ojciec)", "--date", "2026-10-01"}, exitOK, nil},
		{"register", []string{"register", "--out", out, "--as-of", "2026-09-20"}, exitOK,
			[]string{"register/rejestr.xlsx", "register/rejestr.pdf"}},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			code, stdout, stderr := mlegit(t, s.args...)
			if code != s.want {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, s.want, stdout, stderr)
			}
			if expired := strings.Contains(s.name, "expired"); expired != strings.Contains(stdout, "code expired on 2026-09-29") {
				t.Errorf("expiry warning shown: %v, want %v\n%s", !expired, expired, stdout)
			}
			if m := fullPESEL.FindString(stdout + stderr); m != "" {
				t.Errorf("full PESEL %s printed", pesel.Masked(m))
			}
			for _, secret := range []string{"ABCDEFGHJKLM", "MLKJHGFEDCBA", "ABCD EFGH"} {
				if strings.Contains(stdout+stderr, secret) {
					t.Errorf("activation code printed")
				}
			}
			for _, f := range s.files {
				fi, err := os.Stat(filepath.Join(out, filepath.FromSlash(f)))
				if err != nil {
					t.Errorf("missing %s: %v", f, err)
				} else if fi.Mode().Perm() != 0o600 {
					t.Errorf("%s: mode %v, want 0600", f, fi.Mode().Perm())
				}
			}
		})
	}
}

// seedCodesReceived puts the students of store into a state store in
// OUT/state as if their codes had just been imported.
func seedCodesReceived(t *testing.T, out string, store *codes.Store) {
	t.Helper()
	st, err := state.Open(filepath.Join(out, "state"), store.School)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	at := time.Date(2026, 9, 14, 22, 0, 0, 0, time.UTC)
	var items []state.Item
	var moves []state.Move
	for _, e := range store.Entries {
		items = append(items, state.Item{PESEL: e.PESEL, Surname: e.Surname, FirstName: e.FirstName, Class: e.Class, RowHash: "x"})
		for _, to := range []state.State{state.Validated, state.Packaged} {
			moves = append(moves, state.Move{PESEL: e.PESEL, To: to, Reason: "test"})
		}
	}
	ctx := t.Context()
	if err := st.Upsert(ctx, items, at); err != nil {
		t.Fatal(err)
	}
	if err := st.Apply(ctx, at, moves...); err != nil {
		t.Fatal(err)
	}
	if err := st.RecordCodes(ctx, store.Entries, at); err != nil {
		t.Fatal(err)
	}
}

// TestSlipsLeaveOutWithdrawnCards prints the slips of a school after one
// student's card was withdrawn on a parent's request: that student's slip
// is not printed and is listed, masked, as left out; the others are.
func TestSlipsLeaveOutWithdrawnCards(t *testing.T) {
	const withdrawn = "17271712844" // Kowalczyk Zuzanna, 2a
	roster, photos, out := school(t)
	nightly(t, roster, photos, out, "2026-09-15")
	codesCSV := filepath.Join(t.TempDir(), "kody.csv")
	for _, args := range [][]string{
		{"portal-sim", "--package", filepath.Join(out, "package", "mlegitymacja-sp7-demo-20260915.zip"), "--out", codesCSV, "--as-of", "2026-09-16"},
		{"codes", "import", "--file", codesCSV, "--out", out, "--as-of", "2026-09-16"},
		{"invalidate", "--out", out, "--pesel", withdrawn, "--reason", "parent-request", "--as-of", "2026-09-17"},
	} {
		if code, _, e := mlegit(t, args...); code != exitOK {
			t.Fatalf("%s: exit %d\n%s", args[0], code, e)
		}
	}
	store, err := codes.Load(codes.StorePath(out))
	if err != nil {
		t.Fatal(err)
	}

	code, stdout, stderr := mlegit(t, "slips", "--out", out, "--as-of", "2026-09-17")
	if code != exitOK {
		t.Fatalf("slips: exit %d\n%s%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "1 left out") || !strings.Contains(stdout, "invalidated: 1 (1727*****44)") {
		t.Errorf("stdout does not list the withdrawn card:\n%s", stdout)
	}
	if m := fullPESEL.FindString(stdout + stderr); m != "" {
		t.Errorf("full PESEL %s printed", pesel.Masked(m))
	}
	for _, e := range store.Entries {
		path := filepath.Join(out, "slips", slips.SafeName(e.Class), slips.FileName(e))
		_, err := os.Stat(path)
		if e.PESEL == withdrawn && !os.IsNotExist(err) {
			t.Errorf("slip of the withdrawn card printed: %v", err)
		}
		if e.PESEL != withdrawn && err != nil {
			t.Errorf("slip of %s missing: %v", pesel.Masked(e.PESEL), err)
		}
	}
	if st, _ := storeState(t, out, withdrawn); st != state.Invalidated {
		t.Errorf("withdrawn student now %s", st)
	}

	// Printing only the withdrawn student prints nothing, and says so.
	code, stdout, _ = mlegit(t, "slips", "--out", out, "--pesel", withdrawn, "--as-of", "2026-09-17")
	if code != exitOK || !strings.Contains(stdout, "none to print") {
		t.Errorf("slips --pesel of the withdrawn card: exit %d\n%s", code, stdout)
	}
}

func TestSlipHold(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 9, d, 0, 0, 0, 0, time.UTC) }
	packaged := time.Date(2026, 9, 15, 22, 30, 0, 0, time.FixedZone("CEST", 2*3600))
	e := codes.Entry{PESEL: "17271712844", Generated: day(16), ValidUntil: day(30)}
	tests := []struct {
		name  string
		state state.State
		known bool
		entry codes.Entry
		asOf  time.Time
		want  string
	}{
		{"codes received", state.CodesReceived, true, e, day(17), ""},
		{"reprint", state.SlipPrinted, true, e, day(17), ""},
		{"picked up", state.PickedUp, true, e, day(17), ""},
		{"last valid day", state.CodesReceived, true, e, day(30), ""},
		{"generated the day it was packaged", state.CodesReceived, true, codes.Entry{Generated: day(15), ValidUntil: day(30)}, day(17), ""},
		{"withdrawn", state.Invalidated, true, e, day(17), "invalidated"},
		{"expired", state.Expired, true, e, day(17), "expired"},
		{"activated", state.Activated, true, e, day(17), "activated"},
		{"reissued, awaiting new codes", state.Packaged, true, e, day(17), "packaged"},
		{"unknown", 0, false, e, day(17), "not in the state store"},
		{"code of the earlier issue", state.CodesReceived, true, codes.Entry{Generated: day(14), ValidUntil: day(30)}, day(17), "code of an earlier, invalidated issue"},
		{"code past its validity", state.CodesReceived, true, e, day(31), "code no longer valid"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := state.Record{State: tc.state, PackagedAt: packaged}
			if got := slipHold(tc.entry, r, tc.known, tc.asOf); got != tc.want {
				t.Errorf("slipHold = %q, want %q", got, tc.want)
			}
		})
	}
}
