package roster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"unicode/utf8"

	"github.com/shakinm/xlsReader/cfb"
	"github.com/shakinm/xlsReader/xls"
	"github.com/shakinm/xlsReader/xls/structure"
)

// maxXLSStream bounds the workbook stream of an .xls file: a school's
// roster is well under a megabyte.
const maxXLSStream = 16 << 20

// ErrXLSBroken marks an .xls file the reader could not make sense of
// (damaged, password-protected, or not BIFF8).
var ErrXLSBroken = errors.New("damaged or unsupported .xls workbook")

// readXLS reads an old binary Excel workbook (.xls, BIFF8, as Excel 97–2003
// and school systems' exports write it): the first sheet, in workbook
// order, with a header row among its first 20 non-blank rows. Numbers get
// the same repair as in XLSX (numeric PESEL, date serials in date
// columns); formula cells read as empty (the reader does not keep them),
// so nothing is ever evaluated.
//
// The BIFF8 parser (github.com/shakinm/xlsReader) trusts the file's
// structure, so it runs fenced: the compound file is read through a reader
// that fails once it has read more than a few times the file's size (a
// cyclic sector chain ends there instead of looping), the workbook stream
// must fit the file and maxXLSStream, and a panic becomes an error.
func readXLS(ctx context.Context, data []byte, name string, m matcher, emit func(Record) error) (columns, error) {
	wb, layout, err := openXLS(data)
	if err != nil {
		return nil, err
	}
	scan := &headerScan{m: m}
	for i := 0; i < wb.GetNumberSheets(); i++ {
		grid, err := xlsGrid(&wb, i, layout.sheets[i])
		if err != nil {
			return nil, err
		}
		grid.date1904 = layout.date1904
		found, err := grid.read(ctx, name, scan, emit)
		if err != nil {
			return scan.cols, err
		}
		if found {
			return scan.cols, nil
		}
	}
	return nil, scan.missingError(name)
}

// openXLS parses the workbook within the limits described at readXLS. It
// also returns what our own walk of the records finds (see layouts).
func openXLS(data []byte) (wb xls.Workbook, layout bookLayout, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w (%v)", ErrXLSBroken, r)
		}
	}()
	c, err := cfb.OpenReader(newBudgetReader(data))
	if err != nil {
		return wb, layout, fmt.Errorf("%w: %v", ErrXLSBroken, err)
	}
	var book, root *cfb.Directory
	for _, d := range c.GetDirs() {
		switch d.Name() {
		case "Workbook", "Book":
			book = d
			if s := d.GetStreamSize(); s > maxXLSStream || int64(s) > int64(len(data)) {
				return wb, layout, fmt.Errorf("%w: workbook stream of %d bytes in a file of %d", ErrXLSBroken, s, len(data))
			}
		case "Root Entry":
			root = d
		case "EncryptedPackage":
			return wb, layout, fmt.Errorf("%w: encrypted (password-protected) workbook", ErrXLSBroken)
		}
	}
	if book == nil || root == nil {
		return wb, layout, fmt.Errorf("%w: no workbook stream", ErrXLSBroken)
	}
	stream, err := c.OpenObject(book, root)
	if err != nil {
		return wb, layout, fmt.Errorf("%w: %v", ErrXLSBroken, err)
	}
	raw, err := io.ReadAll(io.LimitReader(stream, maxXLSStream))
	if err != nil {
		return wb, layout, fmt.Errorf("%w: %v", ErrXLSBroken, err)
	}
	layout = layouts(raw)
	wb, err = xls.OpenReader(newBudgetReader(data))
	if err != nil {
		return wb, layout, fmt.Errorf("%w: %v", ErrXLSBroken, err)
	}
	for len(layout.sheets) < wb.GetNumberSheets() {
		layout.sheets = append(layout.sheets, sheetLayout{})
	}
	return wb, layout, nil
}

// bookLayout is what the walk of a workbook stream finds that the parser
// does not give: the date system, and each sheet's layout.
type bookLayout struct {
	// date1904 is set by the DATEMODE record of the workbook globals:
	// date serials count days from 1904-01-01 (Excel for Mac's date
	// system), not from 1899-12-30.
	date1904 bool
	sheets   []sheetLayout
}

// sheetLayout is what a worksheet substream holds, from its cell records:
// each used row's last column, and the cells that hold a formula.
type sheetLayout struct {
	lastCol  map[int]int
	formulas map[[2]int]bool
}

// layouts walks the BIFF8 records of a workbook stream and returns the
// date system of the workbook globals (the first top-level substream) and
// the layout of each top-level sheet substream after it, in order (charts
// nested in a sheet are skipped).
// The parser's own row and column lists would be expanded to the largest
// index found, which a damaged file can make 65,536 by 256 wide.
func layouts(stream []byte) bookLayout {
	const (
		recBOF, recEOF                 = 0x0809, 0x000A
		recDateMode                    = 0x0022
		recFormula                     = 0x0006
		recMulRK, recMulBlank          = 0x00BD, 0x00BE
		recLabelSST, recNumber, recRK  = 0x00FD, 0x0203, 0x027E
		recLabel, recBoolErr, recBlank = 0x0204, 0x0205, 0x0201
		recRString                     = 0x00D6
	)
	var book bookLayout
	depth, top := 0, -1
	for p := 0; p+4 <= len(stream); {
		typ := int(stream[p]) | int(stream[p+1])<<8
		n := int(stream[p+2]) | int(stream[p+3])<<8
		body := stream[p+4 : min(p+4+n, len(stream))]
		p += 4 + n
		u16 := func(i int) int { return int(body[i]) | int(body[i+1])<<8 }
		switch typ {
		case recBOF:
			if depth++; depth == 1 {
				if top++; top > 0 {
					book.sheets = append(book.sheets, sheetLayout{lastCol: map[int]int{}, formulas: map[[2]int]bool{}})
				}
			}
			continue
		case recEOF:
			depth = max(depth-1, 0)
			continue
		}
		if typ == recDateMode && depth == 1 && top == 0 && len(body) >= 2 {
			book.date1904 = u16(0) == 1
			continue
		}
		if depth != 1 || top < 1 || len(body) < 4 {
			continue
		}
		l := book.sheets[top-1]
		row, col := u16(0), u16(2)
		switch typ {
		case recMulRK, recMulBlank:
			if len(body) >= 6 {
				col = u16(len(body) - 2)
			}
		case recFormula:
			l.formulas[[2]int{row, col}] = true
		case recLabelSST, recNumber, recRK, recLabel, recBoolErr, recBlank, recRString:
		default:
			continue
		}
		if col < 256 && col > l.lastCol[row]-1 {
			l.lastCol[row] = col + 1
		}
	}
	return book
}

// budgetReader is a ReadSeeker over data that fails once it has read more
// than 8 times len(data) plus 1 MiB in all.
type budgetReader struct {
	*bytes.Reader
	left int64
}

func newBudgetReader(data []byte) *budgetReader {
	return &budgetReader{Reader: bytes.NewReader(data), left: 8*int64(len(data)) + 1<<20}
}

func (b *budgetReader) Read(p []byte) (int, error) {
	if b.left <= 0 {
		return 0, fmt.Errorf("%w: sector chains read the file over and over", ErrXLSBroken)
	}
	n, err := b.Reader.Read(p)
	b.left -= int64(len(p))
	return n, err
}

var _ io.ReadSeeker = (*budgetReader)(nil)

// xlsFormula stands for a formula cell, whose text the parser does not
// keep: it starts with "=" so that, as in XLSX, a formula is never taken
// for data.
const xlsFormula = "=(formuła)"

// grid is one sheet's cells, converted while the parser is fenced.
type grid struct {
	rows     []xlsRow // used rows only, in order
	date1904 bool     // date serials count from 1904 (see bookLayout)
}

// xlsRow is a used row and its number as a spreadsheet shows it.
type xlsRow struct {
	num   int
	cells []xlsCell
}

// xlsCell is one cell: its text, and its number when it holds one.
type xlsCell struct {
	text   string
	num    float64
	isNum  bool
	isDate bool // a number formatted as a date
}

// xlsGrid copies sheet i into a grid, turning a panic of the parser on a
// damaged file into an error.
func xlsGrid(wb *xls.Workbook, i int, l sheetLayout) (g grid, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w (%v)", ErrXLSBroken, r)
		}
	}()
	sh, err := wb.GetSheet(i)
	if err != nil {
		return g, fmt.Errorf("%w: %v", ErrXLSBroken, err)
	}
	rows := make([]int, 0, len(l.lastCol))
	for r := range l.lastCol {
		rows = append(rows, r)
	}
	sort.Ints(rows)
	for _, r := range rows {
		row, err := sh.GetRow(r)
		if err != nil {
			return g, fmt.Errorf("%w: %v", ErrXLSBroken, err)
		}
		cells := make([]xlsCell, l.lastCol[r])
		for j := range cells {
			if l.formulas[[2]int{r, j}] {
				cells[j] = xlsCell{text: xlsFormula}
				continue
			}
			c, err := row.GetCol(j)
			if err != nil {
				return g, fmt.Errorf("%w: %v", ErrXLSBroken, err)
			}
			cells[j] = xlsCellOf(wb, c)
		}
		g.rows = append(g.rows, xlsRow{num: r + 1, cells: cells})
	}
	return g, nil
}

// xlsCellOf converts one parsed cell.
func xlsCellOf(wb *xls.Workbook, c structure.CellData) xlsCell {
	switch c.GetType() {
	case "*record.Number", "*record.Rk":
		x := xlsCell{num: c.GetFloat64(), isNum: true}
		x.text, _ = numberText("", x.num)
		xf := wb.GetXFbyIndex(c.GetXFIndex())
		id, code := xf.GetFormatIndex(), ""
		if id >= 164 {
			f := wb.GetFormatByIndex(id)
			code = f.String()
		}
		x.isDate = isDateNumFmt(id, code)
		return x
	case "*record.FakeBlank", "*record.Blank":
		return xlsCell{}
	}
	return xlsCell{text: latin1IfInvalid(c.GetString())}
}

// latin1IfInvalid repairs a BIFF8 "compressed" string, which holds the low
// bytes of UTF-16 code units (Latin-1: ó, é, ü) and which the parser
// returns as raw bytes: text that is no valid UTF-8 is read as Latin-1.
// Polish letters outside Latin-1 (ą, ę, ł, ś, ...) force the uncompressed
// UTF-16 form, which the parser decodes correctly.
func latin1IfInvalid(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	r := make([]rune, len(s))
	for i := 0; i < len(s); i++ {
		r[i] = rune(s[i])
	}
	return string(r)
}

// read looks for the header in the grid and sends its records; found is
// false when the sheet has none among its first 20 non-blank rows.
func (g grid) read(ctx context.Context, name string, scan *headerScan, emit func(Record) error) (found bool, err error) {
	scan.rows = 0
	var cols columns
	for _, gr := range g.rows {
		row := gr.cells
		texts := make([]string, len(row))
		for i, c := range row {
			texts[i] = c.text
		}
		texts = trimCells(texts)
		if blank(texts) {
			continue
		}
		if !found {
			cols, found = scan.offer(texts)
			if err := scan.ambiguousError(name); err != nil {
				return true, err
			}
			if !found && scan.done() {
				return false, nil
			}
			continue
		}
		var notes []string
		for f, i := range cols {
			if i >= len(row) || !row[i].isNum {
				continue
			}
			var note string
			if d, ok := serialDate(row[i].num, g.date1904); ok && dateFields[f] && row[i].isDate {
				texts[i] = d
				continue
			}
			if texts[i], note = numberText(f, row[i].num); note != "" {
				notes = append(notes, note)
			}
		}
		rec, ok := cols.record(name, gr.num, texts)
		if !ok {
			continue
		}
		rec.Notes = notes
		if err := send(ctx, emit, rec); err != nil {
			return true, err
		}
	}
	return found, nil
}
