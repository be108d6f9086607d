package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mlegit/mlegit/codes"
	"github.com/mlegit/mlegit/pesel"
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
	masked := func(p string) string { return strings.ReplaceAll(pesel.Masked(p), "*", "x") }
	steps := []struct {
		name  string
		args  []string
		want  int
		files []string
	}{
		{"slips", []string{"slips", "--out", out, "--slips-per-page", "2"}, exitOK, []string{
			"slips/wszystkie.pdf", "slips/1b/Łęcka-Źdźbło_Żaneta_" + masked(ps[0]) + ".pdf", "slips/2a/Nowak_Jan_" + masked(ps[1]) + ".pdf"}},
		{"slips of a class", []string{"slips", "--out", out, "--class", "2a"}, exitOK, nil},
		{"slips, bad --pesel", []string{"slips", "--out", out, "--pesel", "123"}, exitUsage, nil},
		{"slips, 3 per page", []string{"slips", "--out", out, "--slips-per-page", "3"}, exitUsage, nil},
		{"slips without codes", []string{"slips", "--out", t.TempDir()}, exitUsage, nil},
		{"pickup", []string{"pickup", "--out", out, "--pesel", ps[0], "--by", "Anna Łęcka (matka)", "--date", "2026-09-16"}, exitOK,
			[]string{"register/odbiory.json"}},
		{"pickup again", []string{"pickup", "--out", out, "--pesel", ps[0], "--by", "Anna"}, exitUsage, nil},
		{"pickup, no --by", []string{"pickup", "--out", out, "--pesel", ps[1]}, exitUsage, nil},
		{"register", []string{"register", "--out", out, "--as-of", "2026-09-20"}, exitOK,
			[]string{"register/rejestr.xlsx", "register/rejestr.pdf"}},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			code, stdout, stderr := mlegit(t, s.args...)
			if code != s.want {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, s.want, stdout, stderr)
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
