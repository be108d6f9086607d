package roster

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// OpenDocument namespaces of the elements and attributes read.
const (
	nsTable  = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
	nsOffice = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
	nsText   = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
)

// Limits that keep a hostile workbook (ODS or XLSX) from taking the
// machine: a school's roster is a few megabytes of XML.
const (
	// maxInflated bounds the inflated size of a sheet's XML, checked on
	// the size the archive declares before inflating and again on the
	// bytes actually inflated.
	maxInflated = 32 << 20
	// maxColumns bounds the cells kept per row (a row may declare 16,384
	// repeated empty cells; those are never expanded).
	maxColumns = 1024
	// maxRows bounds the rows of one sheet, as a spreadsheet does.
	maxRows = 1 << 20
	// maxCellText bounds the text kept of one cell.
	maxCellText = 4 << 10
)

// MaxUnpacked is the most a workbook's parts may unpack to, in bytes.
const MaxUnpacked = maxInflated

// ErrTooLarge marks a workbook whose content inflates beyond the limit (a
// zip bomb, or no roster of one school).
var ErrTooLarge = fmt.Errorf("workbook content larger than %d MiB when unpacked", maxInflated>>20)

// openZip opens a workbook archive (XLSX, ODS) after checking the sizes its
// parts declare against maxInflated, so a zip bomb is refused before a
// byte is inflated. A part that inflates beyond what it declared fails
// while inflating (archive/zip checks every read against the declared
// size), so the declared sizes bound the work.
func openZip(data []byte) (*zip.Reader, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("opening workbook archive: %w", err)
	}
	var total uint64
	for _, f := range zr.File {
		if total += f.UncompressedSize64; f.UncompressedSize64 > maxInflated || total > maxInflated {
			return nil, ErrTooLarge
		}
	}
	return zr, nil
}

// checkParts inflates every part of a workbook archive to its end and
// throws the bytes away, so that a part inflating beyond the size it
// declares (a zip bomb that lies about its size) or a damaged part fails
// here, with ErrTooLarge or a format error. excelize reads parts into
// memory ignoring such read errors: it would keep what came before them
// and read the workbook as if it ended there (a bomb's sheet then looks
// like a sheet without a header, a cut sheet loses its last students).
func checkParts(zr *zip.Reader) error {
	for _, f := range zr.File {
		rc, err := openPart(f)
		if err != nil {
			return err
		}
		_, err = io.Copy(io.Discard, rc)
		rc.Close()
		if errors.Is(err, ErrTooLarge) {
			return err
		}
		if err != nil {
			return fmt.Errorf("reading %s: %w", f.Name, err)
		}
	}
	return nil
}

// openPart opens one part of a workbook archive for reading. archive/zip
// stops a part at the size it declares with zip.ErrFormat; openPart's
// reader then tells a zip bomb (ErrTooLarge) from a merely wrong size
// (see overrun).
func openPart(f *zip.File) (io.ReadCloser, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", f.Name, err)
	}
	return &partReader{ReadCloser: rc, f: f}, nil
}

// partReader is a part's reader that explains an overrun, once: later
// reads return the same error without measuring again.
type partReader struct {
	io.ReadCloser
	f       *zip.File
	overrun error
}

func (p *partReader) Read(b []byte) (int, error) {
	if p.overrun != nil {
		return 0, p.overrun
	}
	n, err := p.ReadCloser.Read(b)
	if errors.Is(err, zip.ErrFormat) {
		p.overrun = overrun(p.f, err)
		return n, p.overrun
	}
	return n, err
}

// overrun measures a part that inflated past the size it declares by
// inflating it again, up to maxInflated: beyond that it is ErrTooLarge,
// the refusal an honest bomb gets from openZip; a part smaller than that
// is a damaged archive (err, zip.ErrFormat, with the sizes).
func overrun(f *zip.File, err error) error {
	raw, rerr := f.OpenRaw()
	if rerr != nil {
		return err
	}
	var r io.Reader
	switch f.Method {
	case zip.Store:
		r = raw
	case zip.Deflate:
		fr := flate.NewReader(raw)
		defer fr.Close()
		r = fr
	default:
		return err
	}
	n, _ := io.Copy(io.Discard, io.LimitReader(r, maxInflated+1))
	if n > maxInflated {
		return fmt.Errorf("%s declares %d bytes but unpacks to more than %d: %w", f.Name, f.UncompressedSize64, maxInflated, ErrTooLarge)
	}
	return fmt.Errorf("declares %d bytes, unpacks to %d: %w", f.UncompressedSize64, n, err)
}

// readODS reads an OpenDocument spreadsheet (.ods, LibreOffice's own
// format) by streaming content.xml: the first table with a header row
// among its first 20 non-blank rows is read, row by row. A number in a
// PESEL column is repaired as in XLSX, a date cell yields RRRR-MM-DD and a
// formula yields "=" and its text, never its result.
func readODS(ctx context.Context, data []byte, name string, m matcher, emit func(Record) error) (columns, error) {
	zr, err := openZip(data)
	if err != nil {
		return nil, err
	}
	var content *zip.File
	for _, f := range zr.File {
		if f.Name == "content.xml" {
			content = f
			break
		}
	}
	if content == nil {
		return nil, errors.New("opening spreadsheet: no content.xml")
	}
	if content.UncompressedSize64 > maxInflated {
		return nil, ErrTooLarge
	}
	rc, err := openPart(content)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return readODSContent(ctx, &limitedReader{r: rc, n: maxInflated}, name, m, emit)
}

// limitedReader fails with ErrTooLarge past n bytes (io.LimitReader would
// end quietly, and a cut XML would look merely malformed).
type limitedReader struct {
	r io.Reader
	n int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		return 0, ErrTooLarge
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	return n, err
}

// odsCell is one cell as stored.
type odsCell struct {
	typ, value, formula string
	text                string
}

func (c odsCell) empty() bool { return c.text == "" && c.value == "" && c.formula == "" }

// odsSheet is the reading state of one table.
type odsSheet struct {
	m      matcher
	scan   *headerScan
	found  bool
	gaveUp bool
	cols   columns
	row    int // the last row number given out
}

// readODSContent parses content.xml from r.
func readODSContent(ctx context.Context, r io.Reader, name string, m matcher, emit func(Record) error) (columns, error) {
	d := xml.NewDecoder(r)
	scan := &headerScan{m: m}
	var sh *odsSheet
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, odsError(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch {
			case t.Name.Space == nsTable && t.Name.Local == "table":
				scan.rows = 0
				sh = &odsSheet{m: m, scan: scan}
			case t.Name.Space == nsTable && t.Name.Local == "table-row" && sh != nil:
				cells, err := readODSRow(d)
				if err != nil {
					return sh.cols, odsError(err)
				}
				repeat := atoiDefault(attr(t, nsTable, "number-rows-repeated"), 1)
				if err := sh.rows(ctx, name, cells, repeat, emit); err != nil {
					return sh.cols, err
				}
				if sh.gaveUp {
					sh = nil // no header in this table: try the next one
				}
			case t.Name.Space == nsOffice && t.Name.Local == "annotation":
				if err := d.Skip(); err != nil {
					return nil, odsError(err)
				}
			}
		case xml.EndElement:
			if t.Name.Space == nsTable && t.Name.Local == "table" && sh != nil {
				if sh.found {
					return sh.cols, nil
				}
				sh = nil
			}
		}
	}
	return nil, scan.missingError(name)
}

// odsError keeps ErrTooLarge recognisable through the XML decoder.
func odsError(err error) error {
	if errors.Is(err, ErrTooLarge) {
		return err
	}
	return fmt.Errorf("reading content.xml: %w", err)
}

// rows handles a row element that stands for repeat rows: looking for
// the header, then sending records. A table whose first 20 non-blank rows
// hold no header is given up (gaveUp).
func (sh *odsSheet) rows(ctx context.Context, file string, cells []odsCell, repeat int, emit func(Record) error) error {
	if repeat < 1 {
		repeat = 1
	}
	if allEmpty(cells) || sh.row >= maxRows {
		sh.row += min(repeat, maxRows)
		return nil
	}
	for k := 0; k < repeat && sh.row < maxRows; k++ {
		sh.row++
		if !sh.found {
			texts := make([]string, len(cells))
			for i, c := range cells {
				texts[i] = c.text
			}
			texts = trimCells(texts)
			if blank(texts) {
				continue
			}
			sh.cols, sh.found = sh.scan.offer(texts)
			if err := sh.scan.ambiguousError(file); err != nil {
				return err
			}
			if !sh.found && sh.scan.done() {
				sh.gaveUp = true
				return nil
			}
			continue
		}
		vals := make([]string, len(cells))
		for i, c := range cells {
			vals[i] = c.text
		}
		var notes []string
		for f, i := range sh.cols {
			if i >= len(cells) {
				continue
			}
			v, note := odsValue(f, cells[i])
			vals[i] = v
			if note != "" {
				notes = append(notes, note)
			}
		}
		rec, ok := sh.cols.record(file, sh.row, trimCells(vals))
		if !ok {
			continue
		}
		rec.Notes = notes
		if err := send(ctx, emit, rec); err != nil {
			return err
		}
	}
	return nil
}

// odsValue is the Record text of cell c in a column of field f.
func odsValue(f Field, c odsCell) (string, string) {
	switch {
	case c.formula != "":
		form := c.formula
		if p, rest, ok := strings.Cut(form, ":"); ok && !strings.ContainsAny(p, "=(") {
			form = rest // namespace prefix "of:"
		}
		return "=" + strings.TrimPrefix(form, "="), ""
	case c.typ == "date" && len(c.value) >= 10:
		if _, err := ParseDate(c.value[:10]); err == nil {
			return c.value[:10], ""
		}
	case c.typ == "float" || c.typ == "percentage" || c.typ == "currency":
		if n, err := strconv.ParseFloat(c.value, 64); err == nil && n == n && n-n == 0 {
			return numberText(f, n)
		}
	}
	return c.text, ""
}

// readODSRow reads the cells of a table-row whose start was just read,
// up to its end. Runs of empty cells are kept only when a non-empty cell
// follows them, so a row of 16,384 repeated empty cells costs nothing.
func readODSRow(d *xml.Decoder) ([]odsCell, error) {
	var (
		cells   []odsCell
		pending int // empty cells not yet appended
	)
	for {
		tok, err := d.Token()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			if t.Name.Space == nsTable && t.Name.Local == "table-row" {
				return cells, nil
			}
		case xml.StartElement:
			if t.Name.Space != nsTable || (t.Name.Local != "table-cell" && t.Name.Local != "covered-table-cell") {
				if err := d.Skip(); err != nil {
					return nil, err
				}
				continue
			}
			c := odsCell{
				typ:     attr(t, nsOffice, "value-type"),
				formula: attr(t, nsTable, "formula"),
			}
			switch c.typ {
			case "date":
				c.value = attr(t, nsOffice, "date-value")
			case "boolean":
				c.value = attr(t, nsOffice, "boolean-value")
			default:
				c.value = attr(t, nsOffice, "value")
			}
			if c.text, err = cellText(d); err != nil {
				return nil, err
			}
			repeat := atoiDefault(attr(t, nsTable, "number-columns-repeated"), 1)
			if c.empty() {
				pending += repeat
				continue
			}
			for ; pending > 0 && len(cells) < maxColumns; pending-- {
				cells = append(cells, odsCell{})
			}
			pending = 0
			for k := 0; k < repeat && len(cells) < maxColumns; k++ {
				cells = append(cells, c)
			}
		}
	}
}

// cellText gathers the text of a cell up to its end element: paragraphs
// joined by line breaks, <text:s/> as spaces, <text:tab/> as a tab;
// annotations (comments) are skipped.
func cellText(d *xml.Decoder) (string, error) {
	var b strings.Builder
	depth, paras := 0, 0
	add := func(s string) {
		if b.Len()+len(s) <= maxCellText {
			b.WriteString(s)
		}
	}
	for {
		tok, err := d.Token()
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch {
			case t.Name.Space == nsOffice && t.Name.Local == "annotation":
				if err := d.Skip(); err != nil {
					return "", err
				}
				continue
			case t.Name.Space == nsText && t.Name.Local == "p":
				if paras++; paras > 1 {
					add("\n")
				}
			case t.Name.Space == nsText && t.Name.Local == "s":
				add(strings.Repeat(" ", min(max(atoiDefault(attr(t, nsText, "c"), 1), 1), 64)))
			case t.Name.Space == nsText && t.Name.Local == "tab":
				add("\t")
			case t.Name.Space == nsText && t.Name.Local == "line-break":
				add("\n")
			}
			depth++
		case xml.EndElement:
			if depth == 0 {
				return b.String(), nil
			}
			depth--
		case xml.CharData:
			if depth > 0 {
				add(string(t))
			}
		}
	}
}

// attr returns the value of attribute space:local, or "".
func attr(se xml.StartElement, space, local string) string {
	for _, a := range se.Attr {
		if a.Name.Space == space && a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// atoiDefault parses a repeat count; anything unusable is def.
func atoiDefault(s string, def int) int {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return def
	}
	return n
}

func allEmpty(cells []odsCell) bool {
	for _, c := range cells {
		if !c.empty() {
			return false
		}
	}
	return true
}
