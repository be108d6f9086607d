package roster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
)

// Options tune reading. A nil *Options means the defaults.
type Options struct {
	// Columns adds header names per field (from config.yaml) on top of the
	// built-in synonyms, matched the same case- and diacritic-insensitive
	// way. A configured name wins over a built-in one it repeats.
	Columns map[Field][]string
}

// MissingColumnsError reports a roster whose header lacks required
// columns (no row among the first 20 of any sheet names them all). The
// whole file fails; other files can go on.
type MissingColumnsError struct {
	File    string  // base name of the roster file
	Missing []Field // required fields not found, in report order
}

func (e *MissingColumnsError) Error() string {
	names := make([]string, len(e.Missing))
	for i, f := range e.Missing {
		names[i] = string(f)
	}
	return "missing required columns: " + strings.Join(names, ", ")
}

// PolishMessage says what is missing in words for the secretariat, e.g.
// "W pliku brakuje kolumn: Nazwisko, PESEL".
func (e *MissingColumnsError) PolishMessage() string {
	names := make([]string, len(e.Missing))
	for i, f := range e.Missing {
		names[i] = ColumnName(f)
	}
	return "W pliku brakuje kolumn: " + strings.Join(names, ", ")
}

// ErrUnsupported marks a file that is no roster format we read (binary
// data, a text file named .xlsx or .ods).
var ErrUnsupported = errors.New("unsupported file format: save the roster as XLSX, ODS, XLS or CSV")

// ErrNotRegular marks a roster path that is no regular file: a folder, a
// named pipe (FIFO), a device or a socket. It is refused before it is
// opened, since opening a FIFO would wait for a writer for ever.
var ErrNotRegular = errors.New("not a regular file")

// maxBytes bounds a roster file read into memory; a whole school is a few
// hundred kilobytes.
const maxBytes = 64 << 20

// ReadFile reads one roster, CSV, XLSX, ODS or XLS (decided by content,
// then by extension), calling emit for each student row in order. It stops early
// when ctx is done or emit returns an error; emit's error is returned as is.
//
// A CSV file is parsed whole before the first emit; a row that cannot be
// parsed is emitted with Record.Unreadable set and the rows after it are
// read. An XLSX sheet is streamed. A path that is no regular file fails at
// once with ErrNotRegular.
// A file without the required columns fails with *MissingColumnsError.
func ReadFile(ctx context.Context, path string, opt *Options, emit func(Record) error) (Info, error) {
	var info Info
	cols, err := readFile(ctx, path, opt, emit)
	if cols != nil {
		info.Warnings = cols.warnings()
	}
	return info, err
}

// Info is what reading a roster found beyond its rows.
type Info struct {
	// Warnings are for the secretariat, in Polish: what the header lacks
	// that is not required (no class column).
	Warnings []string
}

func readFile(ctx context.Context, path string, opt *Options, emit func(Record) error) (columns, error) {
	name := filepath.Base(path)
	if fi, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("reading roster: %w", err)
	} else if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("reading %s: %w (%s)", name, ErrNotRegular, fi.Mode().Type())
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading roster: %w", err)
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() { // swapped since the check
		return nil, fmt.Errorf("reading %s: %w", name, ErrNotRegular)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	if len(data) > maxBytes {
		return nil, fmt.Errorf("reading %s: larger than %d MiB", name, maxBytes>>20)
	}
	cols, err := parse(ctx, data, kind(data, path), name, newMatcher(opt), emit)
	var stop emitError
	if errors.As(err, &stop) {
		return cols, stop.err
	}
	if err != nil {
		return cols, fmt.Errorf("reading %s: %w", name, err)
	}
	return cols, nil
}

// readers parses a roster's data by its kind.
var readers = map[fileKind]func(ctx context.Context, data []byte, name string, m matcher, emit func(Record) error) (columns, error){
	kindXLSX: readXLSX,
	kindODS:  readODS,
	kindXLS:  readXLS,
	kindCSV:  readCSV,
}

// ErrReaderPanic marks a roster file on which a reader (a library's or
// ours) panicked: the file is refused as damaged, and the school's other
// work goes on.
var ErrReaderPanic = errors.New("the file stopped the reader (damaged or hostile)")

// parse reads data with the reader for its kind. A panic while reading the
// file becomes ErrReaderPanic for this file alone; a panic in emit (the
// caller's code, not the file's fault) is passed on as it is.
func parse(ctx context.Context, data []byte, k fileKind, name string, m matcher, emit func(Record) error) (cols columns, err error) {
	read, ok := readers[k]
	if !ok {
		return nil, ErrUnsupported
	}
	inEmit := false
	defer func() {
		if r := recover(); r != nil {
			if inEmit {
				panic(r)
			}
			slog.Error("roster reader panicked", "file", name, "panic", r, "stack", string(debug.Stack()))
			cols, err = nil, fmt.Errorf("%w: %v", ErrReaderPanic, r)
		}
	}()
	return read(ctx, data, name, m, func(r Record) error {
		inEmit = true
		err := emit(r)
		inEmit = false // not reached when emit panics
		return err
	})
}

// emitError carries an error returned by the caller's emit unchanged.
type emitError struct{ err error }

func (e emitError) Error() string { return e.err.Error() }
func (e emitError) Unwrap() error { return e.err }

// send checks ctx, then hands r to emit.
func send(ctx context.Context, emit func(Record) error, r Record) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := emit(r); err != nil {
		return emitError{err}
	}
	return nil
}

type fileKind int

const (
	kindCSV fileKind = iota
	kindXLSX
	kindODS
	kindXLS
	kindUnsupported
)

// kind sniffs the content: a ZIP container is XLSX, an OLE2 container
// (.xls, encrypted .xlsx) is unsupported, and so is a ZIP whose extension
// says .ods; anything else is read as CSV text.
func kind(data []byte, path string) fileKind {
	ext := strings.ToLower(filepath.Ext(path))
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		if ext == ".ods" || bytes.Contains(data[:min(len(data), 128)], []byte("application/vnd.oasis.opendocument.spreadsheet")) {
			return kindODS
		}
		return kindXLSX
	case bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}):
		return kindXLS
	case ext == ".xlsx" || ext == ".xls" || ext == ".ods":
		return kindUnsupported
	}
	return kindCSV
}
