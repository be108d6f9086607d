package roster

import (
	"path/filepath"
	"strings"
	"testing"
)

// The same school saved by LibreOffice as XLSX, ODS, XLS and CSV reads as
// the same records: row numbers, numeric PESELs (leading zero restored,
// noted), date cells and Polish letters alike. The CSV holds what
// LibreOffice wrote: a PESEL stored as a number without its leading zero,
// which a text file cannot tell from a typo and so is not repaired.
// Fixtures: testdata/make-fixtures.sh.
func TestSameSchoolInEveryFormat(t *testing.T) {
	for _, school := range []string{"szkola"} { // tekst.*: see pipeline.TestSameSchoolSameSummaryInEveryFormat
		want := normNotes(mustRead(t, filepath.Join("testdata", school+".xlsx"), nil))
		if len(want) < 20 {
			t.Fatalf("%s.xlsx gave %d records", school, len(want))
		}
		for _, ext := range []string{".ods", ".xls", ".csv"} {
			t.Run(school+ext, func(t *testing.T) {
				got := mustRead(t, filepath.Join("testdata", school+ext), nil)
				for i := range got {
					got[i].File = school + ".xlsx"
				}
				exp := append([]Record(nil), want...)
				if ext == ".csv" {
					for i, r := range exp {
						if len(r.Notes) > 0 {
							exp[i].PESEL, exp[i].Notes = strings.TrimLeft(r.PESEL, "0"), nil
						}
					}
				}
				equalRecords(t, normNotes(got), exp)
			})
		}
	}
	// The numeric repair really happened in the binary formats.
	repaired := 0
	for _, r := range mustRead(t, filepath.Join("testdata", "szkola.xls"), nil) {
		if len(r.Notes) > 0 && len(r.PESEL) == 11 && r.PESEL[0] == '0' {
			repaired++
		}
	}
	if repaired == 0 {
		t.Error("no PESEL repaired in szkola.xls; the fixture should hold numeric PESELs born 2000-2009")
	}
}

// normNotes makes empty and nil note lists alike.
func normNotes(rs []Record) []Record {
	for i := range rs {
		if len(rs[i].Notes) == 0 {
			rs[i].Notes = nil
		}
	}
	return rs
}
