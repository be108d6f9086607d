package roster

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"testing"
)

const odsHead = `<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2"><office:body><office:spreadsheet>`

const odsTail = `</office:spreadsheet></office:body></office:document-content>`

// odsFile zips content.xml into an ODS package.
func odsFile(t testing.TB, content string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	m, _ := zw.CreateHeader(&zip.FileHeader{Name: "mimetype", Method: zip.Store})
	io.WriteString(m, "application/vnd.oasis.opendocument.spreadsheet")
	w, _ := zw.Create("content.xml")
	io.WriteString(w, content)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func odsText(s string) string {
	return `<table:table-cell office:value-type="string"><text:p>` + s + `</text:p></table:table-cell>`
}

func TestReadODSLayout(t *testing.T) {
	header := `<table:table-row>` + odsText("Nazwisko") + odsText("Imię") + odsText("PESEL") + odsText("Nr legitymacji") +
		odsText("Data urodzenia") + odsText("Klasa/oddział") + `<table:table-cell table:number-columns-repeated="16378"/></table:table-row>`
	content := odsHead +
		`<table:table table:name="Notatki"><table:table-row>` + odsText("nic tu nie ma") + `</table:table-row></table:table>` +
		`<table:table table:name="Uczniowie">` +
		`<table:table-row>` + odsText("Lista uczniów") + `</table:table-row>` + // row 1
		`<table:table-row table:number-rows-repeated="3"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>` + // rows 2-4
		header + // row 5
		`<table:table-row>` + odsText("Nowak<text:s text:c=\"2\"/>Kowalska") + // row 6: spaces, comment, numeric PESEL, date cell
		`<table:table-cell office:value-type="string"><office:annotation><text:p>komentarz</text:p></office:annotation><text:p>Ewa</text:p></table:table-cell>` +
		`<table:table-cell office:value-type="float" office:value="2270803624"><text:p>2270803624</text:p></table:table-cell>` +
		odsText("1/2024") +
		`<table:table-cell office:value-type="date" office:date-value="2002-07-08T00:00:00"><text:p>08.07.2002</text:p></table:table-cell>` +
		odsText("3a") + `</table:table-row>` +
		`<table:table-row table:number-rows-repeated="2">` + odsText("Zięba") + odsText("Jan") + odsText("11210110089") + // rows 7-8
		`<table:table-cell table:formula="of:=A1" office:value-type="string"><text:p>Lista</text:p></table:table-cell>` +
		`<table:covered-table-cell/>` + `<table:table-cell table:number-columns-repeated="2" office:value-type="string"><text:p>4b</text:p></table:table-cell></table:table-row>` +
		`<table:table-row>` + odsText("Jan<text:line-break/>Paweł") + odsText("X") + `</table:table-row>` + // row 9
		`<table:table-row table:number-rows-repeated="1048000"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>` +
		`</table:table>` + odsTail
	p := writeTemp(t, "lista.ods", odsFile(t, content))
	got, info := readWithInfo(t, p)
	want := []Record{
		{File: "lista.ods", Row: 6, Surname: "Nowak  Kowalska", FirstName: "Ewa", PESEL: "02270803624", CardNumber: "1/2024", BirthDate: "2002-07-08", Class: "3a", Notes: []string{NotePESELPadded}},
		{File: "lista.ods", Row: 7, Surname: "Zięba", FirstName: "Jan", PESEL: "11210110089", CardNumber: "=A1", Class: "4b"},
		{File: "lista.ods", Row: 8, Surname: "Zięba", FirstName: "Jan", PESEL: "11210110089", CardNumber: "=A1", Class: "4b"},
		{File: "lista.ods", Row: 9, Surname: "Jan\nPaweł", FirstName: "X"},
	}
	equalRecords(t, got, want)
	if len(info.Warnings) != 0 {
		t.Errorf("warnings %q", info.Warnings)
	}
}

func TestReadODSMissingColumnsAndBroken(t *testing.T) {
	content := odsHead + `<table:table><table:table-row>` + odsText("Nazwisko") + odsText("Imię") + `</table:table-row></table:table>` + odsTail
	_, err := readAll(t, writeTemp(t, "m.ods", odsFile(t, content)), nil)
	var missing *MissingColumnsError
	if !errors.As(err, &missing) || len(missing.Missing) != 2 {
		t.Errorf("err = %v, want PESEL and card number missing", err)
	}
	_, err = readAll(t, writeTemp(t, "b.ods", odsFile(t, odsHead+"<table:table><table:table-row>")), nil)
	if err == nil {
		t.Error("a cut content.xml read without error")
	}
}

// A content.xml that declares more than the limit is refused before a
// byte is inflated.
func TestReadODSDeclaredTooLarge(t *testing.T) {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, _ := zw.Create("content.xml")
	chunk := bytes.Repeat([]byte(" "), 1<<20)
	for i := 0; i <= maxInflated>>20; i++ {
		w.Write(chunk)
	}
	zw.Close()
	if b.Len() > 1<<20 {
		t.Fatalf("bomb of %d bytes, want a small one", b.Len())
	}
	_, err := readAll(t, writeTemp(t, "bomb.ods", b.Bytes()), nil)
	if !errors.Is(err, ErrTooLarge) {
		t.Errorf("err = %v, want ErrTooLarge", err)
	}
}

// countingReader counts the bytes handed out.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// endless yields a header row, then the same data row for ever: content
// that inflates without end, whatever the archive declared.
type endless struct {
	pre, row string
	off      int
}

func (e *endless) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if e.pre != "" {
			c := copy(p[n:], e.pre)
			e.pre = e.pre[c:]
			n += c
			continue
		}
		c := copy(p[n:], e.row[e.off:])
		e.off = (e.off + c) % len(e.row)
		n += c
	}
	return n, nil
}

// Content that keeps inflating is cut at the limit (1 MiB here, the same
// reader readODS puts behind content.xml with maxInflated): the source is
// asked for no more than the limit, the error is ErrTooLarge, and what
// was read before it went out row by row (streaming, not gathered).
func TestReadODSInflatesBeyondLimit(t *testing.T) {
	const limit = 1 << 20
	header := `<table:table><table:table-row>` + odsText("Nazwisko") + odsText("Imię") + odsText("PESEL") + odsText("Nr legitymacji") + `</table:table-row>`
	src := &countingReader{r: &endless{pre: odsHead + header, row: `<table:table-row>` + odsText("Nowak") + odsText("Ewa") + `</table:table-row>`}}
	n := 0
	_, err := readODSContent(context.Background(), &limitedReader{r: src, n: limit}, "x.ods", newMatcher(nil), func(Record) error { n++; return nil })
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
	if src.n > limit {
		t.Errorf("read %d bytes, limit %d", src.n, limit)
	}
	if n == 0 {
		t.Error("no row went out before the limit: rows are not streamed")
	}
}

// FuzzReadODS: any content.xml reads without a panic, rows increase, and
// cells are trimmed.
func FuzzReadODS(f *testing.F) {
	f.Add(odsHead + `<table:table><table:table-row>` + odsText("Nazwisko") + odsText("Imię") + odsText("PESEL") + odsText("Nr legitymacji") +
		`</table:table-row><table:table-row table:number-rows-repeated="3">` + odsText("Nowak") +
		`<table:table-cell office:value-type="float" office:value="2270803624" table:number-columns-repeated="3"/></table:table-row></table:table>` + odsTail)
	f.Add(odsHead + `<table:table><table:table-row><table:table-cell table:formula="of:=1" office:value-type="date" office:date-value="x"/></table:table-row></table:table>` + odsTail)
	f.Fuzz(func(t *testing.T, content string) {
		data := odsFile(t, content)
		_, _ = readODS(context.Background(), data, "f.ods", newMatcher(nil), checkedEmit(t, "f.ods", 0))
	})
}
