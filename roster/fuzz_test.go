package roster

import (
	"context"
	"testing"
)

// FuzzReadCSV checks that any bytes read without a panic, that row numbers
// strictly increase past the header, and that every record names its
// file and holds trimmed cells. Seeds live in testdata/fuzz/FuzzReadCSV.
func FuzzReadCSV(f *testing.F) {
	f.Add([]byte("Nazwisko;Imię;PESEL;Nr legitymacji\nNowak;Ewa;10250167890;7/2024\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		last := 1 // the header is row 1 at the earliest
		_, _ = readCSV(context.Background(), data, "f.csv", newMatcher(nil), func(r Record) error {
			if r.File != "f.csv" {
				t.Errorf("record without its file: %+v", r)
			}
			if r.Row <= last {
				t.Errorf("row %d after row %d", r.Row, last)
			}
			last = r.Row
			for _, c := range []string{r.Surname, r.FirstName, r.PESEL, r.CardNumber} {
				if c != trimCell(c) {
					t.Errorf("untrimmed cell %q", c)
				}
			}
			return nil
		})
	})
}
