package roster

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"testing"
)

// FuzzReadCSV checks that any bytes read without a panic, that row numbers
// strictly increase past the header, and that every record names its
// file and holds trimmed cells. Seeds live in testdata/fuzz/FuzzReadCSV.
func FuzzReadCSV(f *testing.F) {
	f.Add([]byte("Nazwisko;Imię;PESEL;Nr legitymacji\nNowak;Ewa;10250167890;7/2024\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = readCSV(context.Background(), data, "f.csv", newMatcher(nil), checkedEmit(t, "f.csv", 1)) // the header is row 1 at the earliest
	})
}

// checkedEmit is an emit function for fuzz targets that fails t for a
// record not naming file, one whose row does not come after the last
// (after, at first) or passes maxRows, or one with an untrimmed cell.
func checkedEmit(t *testing.T, file string, after int) func(Record) error {
	return func(r Record) error {
		if r.File != file {
			t.Errorf("record without its file: %+v", r)
		}
		if r.Row <= after || r.Row > maxRows {
			t.Errorf("row %d after row %d", r.Row, after)
		}
		after = r.Row
		for _, c := range []string{r.Surname, r.FirstName, r.PESEL, r.CardNumber} {
			if c != trimCell(c) {
				t.Errorf("untrimmed cell %q", c)
			}
		}
		return nil
	}
}

// FuzzReadXLSX: a workbook whose sheet, shared strings and styles are any
// text (the parts a damaged or hostile export would get wrong; the rest of
// the package is szkola.xlsx's) reads without a panic, rows increase, and
// cells are trimmed.
func FuzzReadXLSX(f *testing.F) {
	base := readFixture(f, "szkola.xlsx")
	parts := [3]string{"xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/styles.xml"}
	var own [3]string
	for i, p := range parts {
		own[i] = string(xlsxPart(f, base, p))
	}
	f.Add(own[0], own[1], own[2])
	const ns = `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`
	f.Add(ns+`<row r="1"><c r="A1" t="inlineStr"><is><t>Nazwisko</t></is></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>9</v></c></row>`+
		`<row r="2"><c r="A2" t="str"><f>A1</f><v>x</v></c><c r="XFD2" s="1"><v>4.5E4</v></c></row></sheetData></worksheet>`, own[1], own[2])
	f.Fuzz(func(t *testing.T, sheet, shared, styles string) {
		data := xlsxWith(t, base, map[string]string{parts[0]: sheet, parts[1]: shared, parts[2]: styles})
		_, _ = readXLSX(context.Background(), data, "f.xlsx", newMatcher(nil), checkedEmit(t, "f.xlsx", 0))
	})
}

// xlsxPart returns one part of a workbook package.
func xlsxPart(tb testing.TB, archive []byte, name string) []byte {
	tb.Helper()
	zr, err := zip.NewReader(bytes.NewReader(archive), int64(len(archive)))
	if err != nil {
		tb.Fatal(err)
	}
	r, err := zr.Open(name)
	if err != nil {
		tb.Fatal(err)
	}
	defer r.Close()
	data, err := io.ReadAll(r)
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// xlsxWith is archive with the given parts' contents replaced.
func xlsxWith(tb testing.TB, archive []byte, parts map[string]string) []byte {
	tb.Helper()
	zr, err := zip.NewReader(bytes.NewReader(archive), int64(len(archive)))
	if err != nil {
		tb.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		body, ok := parts[f.Name]
		if !ok {
			if err := zw.Copy(f); err != nil {
				tb.Fatal(err)
			}
			continue
		}
		w, err := zw.Create(f.Name)
		if err != nil {
			tb.Fatal(err)
		}
		io.WriteString(w, body)
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return out.Bytes()
}
