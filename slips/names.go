package slips

import (
	"sort"
	"strings"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/unicode/norm"

	"github.com/mlegit/mlegit/codes"
	"github.com/mlegit/mlegit/pesel"
)

// Sort orders entries for printing: by class ("2a" < "10a": digits compare
// as numbers), then surname, first name, second name (Polish collation:
// "Lucyna" < "Łukasz", "Sowa" < "Ślusarz"), then PESEL so the order is total.
func Sort(entries []codes.Entry) {
	classes := collate.New(language.Polish, collate.Numeric, collate.IgnoreCase)
	names := collate.New(language.Polish)
	sort.SliceStable(entries, func(i, j int) bool {
		a, b := &entries[i], &entries[j]
		if c := classes.CompareString(a.Class, b.Class); c != 0 {
			return c < 0
		}
		for _, p := range [...][2]string{
			{a.Surname, b.Surname}, {a.FirstName, b.FirstName}, {a.SecondName, b.SecondName},
		} {
			if c := names.CompareString(p[0], p[1]); c != 0 {
				return c < 0
			}
		}
		return a.PESEL < b.PESEL
	})
}

// FileName is the name of a student's slip PDF: "Surname_FirstName_PESEL.pdf"
// with the PESEL masked as "1121xxxxx89" ('x' rather than '*', which Windows
// forbids). Polish letters are kept (NFC); the characters / \ : * ? " < > |,
// spaces and control characters become '_'.
func FileName(e codes.Entry) string {
	masked := strings.ReplaceAll(pesel.Masked(e.PESEL), "*", "x")
	return SafeName(e.Surname+"_"+e.FirstName+"_"+masked) + ".pdf"
}

// SafeName makes s usable as a file or folder name on Windows, macOS and
// Linux: characters forbidden anywhere (/ \ : * ? " < > |), spaces and
// control characters become '_', runs of '_' collapse, and leading or
// trailing dots and '_' are dropped. An empty result is "_".
func SafeName(s string) string {
	var b strings.Builder
	under := false
	for _, r := range norm.NFC.String(s) {
		if r < 0x20 || r == 0x7f || r == ' ' || strings.ContainsRune(`/\:*?"<>|`, r) ||
			r == '\u00a0' {
			r = '_'
		}
		if r == '_' {
			if under {
				continue
			}
			under = true
		} else {
			under = false
		}
		b.WriteRune(r)
	}
	out := strings.Trim(b.String(), "._")
	if out == "" {
		return "_"
	}
	return out
}
