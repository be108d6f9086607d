package roster

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// schoolHeader and schoolRows are one small school, as a secretariat
// would type it; schoolRecords is what reading it must give.
var schoolHeader = []string{"Lp.", "Nazwisko", "Imię", "Drugie imię", "Data urodzenia", "PESEL",
	"Oddział", "Numer legitymacji", "Data wydania legitymacji", "Data ważności legitymacji", "Niepełnosprawność"}

var schoolRows = [][]string{
	{"1", "Żółć", "Łukasz", "Jan", "2010-05-01", "10250112345", "8a", "123/2024", "2024-09-01", "2025-09-30", "nie"},
	{"2", "Jaźń", "Gęślą", "", "03.02.2011", "11220398765", "7b", "124/2024", "01.09.2024", "30.09.2025", "tak"},
	{"3", "Śliwa-Źrebięcka", "Ąda", "Ćma", "2012-12-31", "12323112345", "6c", "125/2024", "", "", ""},
}

func schoolRecords(file string) []Record {
	var out []Record
	for i, r := range schoolRows {
		out = append(out, Record{File: file, Row: i + 2, Surname: r[1], FirstName: r[2], SecondName: r[3],
			BirthDate: r[4], PESEL: r[5], Class: r[6], CardNumber: r[7], CardIssued: r[8], CardValid: r[9], Disability: r[10]})
	}
	return out
}

// csvBytes writes rows as CSV text with the given delimiter and line ends.
func csvBytes(t *testing.T, rows [][]string, delim rune, crlf bool) []byte {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Comma, w.UseCRLF = delim, crlf
	if err := w.WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// writeTemp stores data as dir/name and returns the path.
func writeTemp(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// readAll reads path with ReadFile and collects the records.
func readAll(t *testing.T, path string, opt *Options) ([]Record, error) {
	t.Helper()
	var got []Record
	_, err := ReadFile(context.Background(), path, opt, func(r Record) error {
		got = append(got, r)
		return nil
	})
	return got, err
}

// mustRead is readAll that fails the test on an error.
func mustRead(t *testing.T, path string, opt *Options) []Record {
	t.Helper()
	got, err := readAll(t, path, opt)
	if err != nil {
		t.Fatalf("ReadFile: %v", err)
	}
	return got
}

func equalRecords(t *testing.T, got, want []Record) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d records, want %d:\n got %+v\nwant %+v", len(got), len(want), got, want)
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("record %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
}
