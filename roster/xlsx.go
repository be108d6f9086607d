package roster

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// minNumericPESEL is the shortest number taken as a PESEL that lost its
// leading zeros: students born 2000–2009 have PESELs starting 0, and those
// born in 2000 start 00, so a spreadsheet keeps 10 or 9 digits. A shorter
// number is not a PESEL with zeros lost, and is left as it is (the validator
// then rejects it as PESEL_LENGTH rather than guessing digits).
const minNumericPESEL = 9

// NotePESELPadded is the Record note for a PESEL repaired from a number
// (the pipeline turns it into the PESEL_REPAIRED warning).
const NotePESELPadded = "PESEL stored as a number; leading zero restored"

// dateFields hold dates; a number in them is a spreadsheet date serial.
var dateFields = map[Field]bool{FieldBirthDate: true, FieldCardIssued: true, FieldCardValid: true}

// raw asks excelize for stored values, not values formatted for display.
var raw = excelize.Options{RawCellValue: true}

// sheetInMemory is the largest sheet XML unzipped into memory; larger
// sheets go through a temporary file (tests lower it).
var sheetInMemory int64 = excelize.StreamChunkSize

// readXLSX reads the first sheet, in workbook order, that holds a header
// row among its first 20 rows, streaming its rows.
//
// Cells are read raw, never evaluated: a formula cell yields its formula
// text with a leading "=" (not the cached result), a number in a date
// column with a date format yields RRRR-MM-DD, and other numbers yield
// their plain decimal text, a PESEL padded to 11 digits (see typedCell).
func readXLSX(ctx context.Context, data []byte, name string, m matcher, emit func(Record) error) (cols columns, err error) {
	zr, err := openZip(data)
	if err != nil {
		return nil, err
	}
	if err := checkParts(zr); err != nil {
		return nil, err
	}
	r := bytes.NewReader(data)
	open := raw
	open.UnzipXMLSizeLimit = sheetInMemory
	open.UnzipSizeLimit = maxInflated
	f, err := excelize.OpenReader(r, open)
	if err != nil {
		return nil, fmt.Errorf("opening workbook: %w", err)
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("closing workbook: %w", cerr)
		}
	}()
	props, err := f.GetWorkbookProps()
	if err != nil {
		return nil, fmt.Errorf("reading workbook properties: %w", err)
	}
	b := &book{f: f, date1904: props.Date1904 != nil && *props.Date1904}
	scan := &headerScan{m: m}
	for _, sheet := range f.GetSheetList() {
		found, err := b.readSheet(ctx, sheet, name, scan, emit)
		if err != nil {
			return scan.cols, err
		}
		if found {
			return scan.cols, nil
		}
	}
	return nil, scan.missingError(name)
}

// book is an open workbook being read.
type book struct {
	f        *excelize.File
	date1904 bool
}

// readSheet streams one sheet. found is false, with nothing emitted, when
// the sheet has no header among its first 20 non-blank rows.
func (b *book) readSheet(ctx context.Context, sheet, name string, scan *headerScan, emit func(Record) error) (found bool, err error) {
	rows, err := b.f.Rows(sheet)
	if err != nil {
		return false, fmt.Errorf("sheet %q: %w", sheet, err)
	}
	defer func() {
		if cerr := rows.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("sheet %q: %w", sheet, cerr)
		}
	}()
	scan.rows = 0
	var cols columns
	for row := 1; rows.Next(); row++ { // Next visits every row number, gaps too
		cells, err := rows.Columns(raw)
		if err != nil && !found {
			return found, fmt.Errorf("sheet %q row %d: %w", sheet, row, err)
		}
		if err != nil { // that row's rejection; the rows after it are read
			if err := send(ctx, emit, cols.unreadable(name, row, nil, ReasonCells)); err != nil {
				return true, err
			}
			continue
		}
		cells = trimCells(cells)
		if blank(cells) {
			continue
		}
		if !found {
			cols, found = scan.offer(cells)
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
			if i >= len(cells) {
				continue
			}
			var note string
			if cells[i], note, err = b.typedCell(sheet, row, i, f, cells[i]); err != nil {
				return true, fmt.Errorf("sheet %q row %d: %w", sheet, row, err)
			}
			if note != "" {
				notes = append(notes, note)
			}
		}
		rec, ok := cols.record(name, row, cells)
		if !ok {
			continue
		}
		rec.Notes = notes
		if err := send(ctx, emit, rec); err != nil {
			return true, err
		}
	}
	return found, rows.Error()
}

// typedCell turns the raw value v of cell (col index i, row) of field f
// into Record text:
//   - a formula: "=" and the formula text, never its result;
//   - a number in a date column with a date format: RRRR-MM-DD;
//   - a number in the PESEL column that is a whole number of 9 or 10
//     digits: the digits, left-padded with zeros to 11 (noted); shorter
//     numbers are kept as they are (see minNumericPESEL);
//     more digits are kept as they are, never cut or invented;
//   - any other whole number: its integer text (1000, not 1.0E+3);
//   - text: unchanged.
func (b *book) typedCell(sheet string, row, i int, f Field, v string) (string, string, error) {
	axis, err := excelize.CoordinatesToCellName(i+1, row)
	if err != nil {
		return v, "", err
	}
	formula, err := b.f.GetCellFormula(sheet, axis)
	if err != nil {
		return v, "", err
	}
	if formula != "" {
		return "=" + strings.TrimPrefix(formula, "="), "", nil
	}
	if v == "" {
		return v, "", nil
	}
	typ, err := b.f.GetCellType(sheet, axis)
	if err != nil {
		return v, "", err
	}
	if typ == excelize.CellTypeDate { // ISO 8601 date cell
		if len(v) >= 10 {
			if _, err := ParseDate(v[:10]); err == nil {
				return v[:10], "", nil
			}
		}
		return v, "", nil
	}
	if typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		return v, "", nil
	}
	n, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsInf(n, 0) || math.IsNaN(n) {
		return v, "", nil
	}
	if dateFields[f] {
		if d, ok := b.dateCell(sheet, axis, n); ok {
			return d, "", nil
		}
	}
	text, note := numberText(f, n)
	return text, note, nil
}

// numberText is the Record text of number n read from a cell of field f,
// in every spreadsheet format: a whole number as its integer text (1000,
// not 1.0E+3), a PESEL that lost its leading zeros padded to 11 digits
// (noted; see minNumericPESEL), other numbers in plain decimal.
func numberText(f Field, n float64) (text, note string) {
	if n != math.Trunc(n) || math.Abs(n) >= 1e15 {
		return strconv.FormatFloat(n, 'f', -1, 64), ""
	}
	s := strconv.FormatInt(int64(n), 10)
	if f == FieldPESEL && n >= 0 && len(s) >= minNumericPESEL && len(s) < 11 {
		return strings.Repeat("0", 11-len(s)) + s, NotePESELPadded
	}
	return s, ""
}

// dateCell converts serial n when the cell's number format is a date one.
func (b *book) dateCell(sheet, axis string, n float64) (string, bool) {
	id, err := b.f.GetCellStyle(sheet, axis)
	if err != nil {
		return "", false
	}
	st, err := b.f.GetStyle(id)
	if err != nil || !isDateFormat(st) {
		return "", false
	}
	return serialDate(n, b.date1904)
}

// serialDate turns a spreadsheet date serial into RRRR-MM-DD.
func serialDate(n float64, date1904 bool) (string, bool) {
	if n < 1 || n > 2958465 { // 9999-12-31
		return "", false
	}
	t, err := excelize.ExcelDateToTime(n, date1904)
	if err != nil {
		return "", false
	}
	return t.Format("2006-01-02"), true
}

// isDateFormat reports whether a number format shows a date: a built-in
// date format (ids 14–22, 27–36, 45–47, 50–58) or a custom one with a day
// or year code outside quotes and brackets ([$-415] and the like).
func isDateFormat(st *excelize.Style) bool {
	custom := ""
	if st.CustomNumFmt != nil {
		custom = *st.CustomNumFmt
	}
	return isDateNumFmt(st.NumFmt, custom)
}

// isDateNumFmt decides by a number format's id and its format code (""
// for a built-in one); see isDateFormat.
func isDateNumFmt(id int, code string) bool {
	switch {
	case id >= 14 && id <= 22, id >= 27 && id <= 36, id >= 45 && id <= 47, id >= 50 && id <= 58:
		return true
	case code == "":
		return false
	}
	quoted, bracketed := false, false
	for _, r := range strings.ToLower(code) {
		switch {
		case r == '"':
			quoted = !quoted
		case r == '[' && !quoted:
			bracketed = true
		case r == ']' && !quoted:
			bracketed = false
		case !quoted && !bracketed && (r == 'd' || r == 'y'):
			return true
		}
	}
	return false
}
