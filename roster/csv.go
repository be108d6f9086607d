package roster

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"github.com/mlegit/mlegit/charset"
	"io"
	"sort"
	"strings"
)

// delimiters are the cell separators school systems use, in the order
// preferred when the header line does not decide.
var delimiters = []rune{';', ',', '\t'}

// readCSV decodes data, finds the delimiter and the header, parses the
// whole file and only then emits its records. Line ends may be LF, CRLF or
// a bare CR (old Mac exports), even mixed. A row that cannot be parsed (a
// broken quote, a NUL byte) is emitted as an unreadable Record and the
// rows after it are read; a NUL byte in the first non-blank line means
// binary data, no roster.
func readCSV(ctx context.Context, data []byte, name string, m matcher, emit func(Record) error) (columns, error) {
	text, err := charset.Decode(data)
	if err != nil {
		return nil, err
	}
	text = strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n")
	if strings.ContainsRune(firstLine(text), 0) {
		return nil, ErrUnsupported // binary data, not text
	}
	recs, cols, err := parseCSV(text, name, m)
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		if err := send(ctx, emit, r); err != nil {
			return cols, err
		}
	}
	return cols, nil
}

// maxUnreadableRows bounds the rows of one file reported unreadable; a
// file with more is garbage, and failing it whole keeps re-parsing after
// each broken row from growing without bound.
const maxUnreadableRows = 1000

// ErrTooManyUnreadable fails a file with more than maxUnreadableRows rows
// that could not be parsed.
var ErrTooManyUnreadable = fmt.Errorf("more than %d rows cannot be parsed", maxUnreadableRows)

// parseCSV tries each delimiter, most frequent in the first line first,
// and keeps the first that yields a header row within the first 20 rows.
// If none does, the error names the columns missing from the best
// candidate row, unless no row named any required column and some
// delimiter met a parse error: then that error is more telling.
func parseCSV(text, name string, m matcher) ([]Record, columns, error) {
	var (
		best     *csvScan
		firstErr error
	)
	for _, d := range delimiterOrder(text) {
		recs, scan, err := parseWith(text, d, name, m)
		if err == nil || scan.header {
			return recs, scan.cols, err
		}
		var missing *MissingColumnsError
		switch {
		case errors.As(err, &missing):
			if best == nil || len(scan.best.missing()) < len(best.best.missing()) {
				best = scan
			}
		case firstErr == nil:
			firstErr = err
		}
	}
	if best != nil && len(best.best.missing()) < len(requiredFields) {
		return nil, nil, best.missingError(name)
	}
	if firstErr != nil {
		return nil, nil, firstErr
	}
	return nil, nil, (&headerScan{}).missingError(name)
}

// csvScan is a headerScan that also says whether it found the header.
type csvScan struct {
	headerScan
	header bool
}

// parseWith parses text with one delimiter. Without a header in the first
// 20 rows it stops and returns *MissingColumnsError. Quotes are parsed
// strictly. A row that breaks the quoting rules is skipped above the
// header (a title such as `Szkoła nr 1 "Pod Dębem"`); from the header on it
// becomes an unreadable Record carrying what its line shows, and reading
// starts again on the next line. Row numbers are lines of the whole file.
func parseWith(text string, delim rune, name string, m matcher) ([]Record, *csvScan, error) {
	r := newCSVReader(text, delim)
	base := 0 // lines skipped before the text r reads
	scan := &csvScan{headerScan: headerScan{m: m}}
	var (
		cols       columns
		out        []Record
		unreadable int
	)
	for {
		cells, err := r.Read()
		if err == io.EOF {
			break
		}
		var perr *csv.ParseError
		if errors.As(err, &perr) {
			start := perr.StartLine // within text
			if scan.header {
				if unreadable++; unreadable > maxUnreadableRows {
					return nil, scan, ErrTooManyUnreadable
				}
				rec := cols.unreadable(name, base+start, splitLoose(lineAt(text, start), delim), quoteReason(perr.Err))
				out = append(out, rec)
			}
			text = afterLines(text, start)
			base += start
			r = newCSVReader(text, delim)
			if !scan.header {
				if scan.rows++; scan.done() {
					break
				}
			}
			continue
		}
		if err != nil {
			return nil, scan, err
		}
		cells = trimCells(cells)
		line, _ := r.FieldPos(0)
		line += base
		if !scan.header {
			if blank(cells) {
				continue
			}
			cols, scan.header = scan.offer(cells)
			if err := scan.ambiguousError(name); err != nil {
				return nil, scan, err
			}
			if !scan.header && scan.done() {
				break
			}
			continue
		}
		if hasNUL(cells) {
			if unreadable++; unreadable > maxUnreadableRows {
				return nil, scan, ErrTooManyUnreadable
			}
			out = append(out, cols.unreadable(name, line, cells, ReasonNUL))
			continue
		}
		if rec, ok := cols.record(name, line, cells); ok {
			out = append(out, rec)
		}
	}
	if !scan.header {
		return nil, scan, scan.missingError(name)
	}
	return out, scan, nil
}

// quoteReason names a csv parse error for the secretariat.
func quoteReason(err error) string {
	if errors.Is(err, csv.ErrBareQuote) {
		return ReasonBareQuote
	}
	return ReasonQuote
}

// firstLine returns the first line of text holding more than white space.
func firstLine(text string) string {
	for text != "" {
		var line string
		line, text, _ = strings.Cut(text, "\n")
		if strings.TrimSpace(line) != "" {
			return line
		}
	}
	return ""
}

// lineAt returns line n (1-based) of text.
func lineAt(text string, n int) string {
	line, _, _ := strings.Cut(afterLines(text, n-1), "\n")
	return line
}

// splitLoose splits a line that strict CSV parsing refused on every
// delimiter, dropping quote characters, trimmed: a best guess at what the
// row holds, so the secretariat can tell whose row it was.
func splitLoose(line string, delim rune) []string {
	cells := strings.Split(strings.ReplaceAll(line, `"`, ""), string(delim))
	return trimCells(cells)
}

// hasNUL reports whether any cell holds a NUL byte.
func hasNUL(cells []string) bool {
	for _, c := range cells {
		if strings.ContainsRune(c, 0) {
			return true
		}
	}
	return false
}

func newCSVReader(text string, delim rune) *csv.Reader {
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = delim
	r.FieldsPerRecord = -1
	return r
}

// afterLines returns text without its first n lines.
func afterLines(text string, n int) string {
	for ; n > 0 && text != ""; n-- {
		_, text, _ = strings.Cut(text, "\n")
	}
	return text
}

// blank reports whether every cell is empty.
func blank(cells []string) bool {
	for _, c := range cells {
		if c != "" {
			return false
		}
	}
	return true
}

// delimiterOrder sorts the delimiters by how often each occurs outside
// quotes in the first non-empty line, most often first.
func delimiterOrder(text string) []rune {
	first, rest := "", text
	for first == "" && rest != "" {
		first, rest, _ = strings.Cut(rest, "\n")
		first = strings.TrimSpace(first)
	}
	order := append([]rune(nil), delimiters...)
	sort.SliceStable(order, func(i, j int) bool {
		return countOutsideQuotes(first, order[i]) > countOutsideQuotes(first, order[j])
	})
	return order
}

// countOutsideQuotes counts d in line, skipping double-quoted stretches.
func countOutsideQuotes(line string, d rune) int {
	n, quoted := 0, false
	for _, r := range line {
		switch {
		case r == '"':
			quoted = !quoted
		case r == d && !quoted:
			n++
		}
	}
	return n
}
