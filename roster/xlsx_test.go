package roster

import (
	"bytes"
	"errors"
	"os"
	"reflect"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// xlsxBytes builds a workbook in memory; fill writes the cells.
func xlsxBytes(t *testing.T, fill func(f *excelize.File)) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	fill(f)
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// setRow writes values from column A of row on sheet.
func setRow(t *testing.T, f *excelize.File, sheet string, row int, values ...any) {
	t.Helper()
	cell, _ := excelize.CoordinatesToCellName(1, row)
	if err := f.SetSheetRow(sheet, cell, &values); err != nil {
		t.Fatal(err)
	}
}

func TestReadXLSXCells(t *testing.T) {
	data := xlsxBytes(t, func(f *excelize.File) {
		setRow(t, f, "Sheet1", 1, "Lista uczniów 2024/2025")
		setRow(t, f, "Sheet1", 3, "Nazwisko", "Imię", "PESEL", "Nr legitymacji", "Data urodzenia", "Data wydania")
		setRow(t, f, "Sheet1", 4, "Żółć", "Łukasz", 2270803628, 1000, time.Date(2002, 7, 8, 0, 0, 0, 0, time.UTC), "01.09.2024")
		setRow(t, f, "Sheet1", 5, "Jaźń", "Gęślą", 1.12101e10, "12/2024", "2011-02-03", time.Date(2024, 9, 2, 0, 0, 0, 0, time.UTC))
		setRow(t, f, "Sheet1", 6, "Nowak", "Ewa", "", 7.0, 2010, "")
		if err := f.SetCellFormula("Sheet1", "C6", `CONCATENATE("0227","0803628")`); err != nil {
			t.Fatal(err)
		}
		setRow(t, f, "Sheet1", 8, "Zięba", "Olga", "02270803628", 123456789012.0, "", "")
	})
	want := []Record{
		{Row: 4, Surname: "Żółć", FirstName: "Łukasz", PESEL: "02270803628", CardNumber: "1000", BirthDate: "2002-07-08",
			CardIssued: "01.09.2024", Notes: []string{NotePESELPadded}},
		{Row: 5, Surname: "Jaźń", FirstName: "Gęślą", PESEL: "11210100000", CardNumber: "12/2024", BirthDate: "2011-02-03", CardIssued: "2024-09-02"},
		{Row: 6, Surname: "Nowak", FirstName: "Ewa", PESEL: `=CONCATENATE("0227","0803628")`, CardNumber: "7", BirthDate: "2010"},
		{Row: 8, Surname: "Zięba", FirstName: "Olga", PESEL: "02270803628", CardNumber: "123456789012"},
	}
	for i := range want {
		want[i].File = "s.xlsx"
	}
	equalRecords(t, mustRead(t, writeTemp(t, "s.xlsx", data), nil), want)
}

func TestReadXLSXSheets(t *testing.T) {
	t.Run("second sheet", func(t *testing.T) {
		data := xlsxBytes(t, func(f *excelize.File) {
			setRow(t, f, "Sheet1", 1, "Instrukcja: wypełnij arkusz Uczniowie")
			setRow(t, f, "Sheet1", 2, "Nazwisko", "Imię") // not enough for a header
			if _, err := f.NewSheet("Uczniowie"); err != nil {
				t.Fatal(err)
			}
			setRow(t, f, "Uczniowie", 2, "nazwisko", "imie", "pesel", "nr_leg")
			setRow(t, f, "Uczniowie", 3, "Nowak", "Ewa", "10250167890", "7/2024")
		})
		want := []Record{{File: "w.xlsx", Row: 3, Surname: "Nowak", FirstName: "Ewa", PESEL: "10250167890", CardNumber: "7/2024"}}
		equalRecords(t, mustRead(t, writeTemp(t, "w.xlsx", data), nil), want)
	})
	t.Run("no header", func(t *testing.T) {
		data := xlsxBytes(t, func(f *excelize.File) {
			setRow(t, f, "Sheet1", 1, "Nazwisko", "Imię", "Klasa")
		})
		_, err := readAll(t, writeTemp(t, "n.xlsx", data), nil)
		var missing *MissingColumnsError
		if !errors.As(err, &missing) || !reflect.DeepEqual(missing.Missing, []Field{FieldPESEL, FieldCardNumber}) {
			t.Fatalf("err = %v, want missing pesel and card number", err)
		}
	})
}

// TestReadXLSXClosesRows forces sheets through temporary files and checks
// that reading leaves no file descriptor open.
func TestReadXLSXClosesRows(t *testing.T) {
	if _, err := os.ReadDir("/proc/self/fd"); err != nil {
		t.Skip("no /proc/self/fd")
	}
	old := sheetInMemory
	sheetInMemory = 1
	defer func() { sheetInMemory = old }()
	data := xlsxBytes(t, func(f *excelize.File) {
		setRow(t, f, "Sheet1", 1, "Nic tu nie ma")
		if _, err := f.NewSheet("Uczniowie"); err != nil {
			t.Fatal(err)
		}
		setRow(t, f, "Uczniowie", 1, "Nazwisko", "Imię", "PESEL", "Nr legitymacji")
		setRow(t, f, "Uczniowie", 2, "Nowak", "Ewa", "10250167890", "7/2024")
	})
	p := writeTemp(t, "c.xlsx", data)
	fds := func() int {
		ents, _ := os.ReadDir("/proc/self/fd")
		return len(ents)
	}
	before := fds()
	if got := mustRead(t, p, nil); len(got) != 1 {
		t.Fatalf("got %d records, want 1", len(got))
	}
	if after := fds(); after != before {
		t.Errorf("open descriptors: %d before, %d after reading", before, after)
	}
}

// TestSameSchoolAllFormats: one school as cp1250 CSV, UTF-8 CSV and XLSX
// reads to the same records.
func TestSameSchoolAllFormats(t *testing.T) {
	rows := append([][]string{schoolHeader}, schoolRows...)
	utf := csvBytes(t, rows, ';', true)
	cp := encodeWith(t, charmapEncoder(), utf)
	xl := xlsxBytes(t, func(f *excelize.File) {
		for i, r := range rows {
			vals := make([]any, len(r))
			for j, c := range r {
				vals[j] = c
			}
			setRow(t, f, "Sheet1", i+1, vals...)
		}
	})
	var results [][]Record
	for name, data := range map[string][]byte{"a.csv": utf, "b.csv": cp, "c.xlsx": xl} {
		got := mustRead(t, writeTemp(t, name, data), nil)
		for i := range got {
			got[i].File = ""
		}
		results = append(results, got)
	}
	for _, got := range results {
		equalRecords(t, got, schoolRecords(""))
	}
}
