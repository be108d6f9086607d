package roster

import (
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// maxHeaderRows is how many rows from the top of a file or sheet are
// searched for the header row (title lines may sit above it).
const maxHeaderRows = 20

// requiredFields must all be present in a header row.
var requiredFields = []Field{FieldSurname, FieldFirstName, FieldPESEL, FieldCardNumber}

// fieldOrder lists every Field in the order columns are reported.
var fieldOrder = []Field{
	FieldSurname, FieldFirstName, FieldSecondName, FieldBirthDate, FieldPESEL,
	FieldClass, FieldCardNumber, FieldCardIssued, FieldCardValid, FieldDisability,
}

// polishNames are the column names shown to the secretariat.
var polishNames = map[Field]string{
	FieldSurname:    "Nazwisko",
	FieldFirstName:  "Imię",
	FieldSecondName: "Drugie imię",
	FieldBirthDate:  "Data urodzenia",
	FieldPESEL:      "PESEL",
	FieldClass:      "Oddział",
	FieldCardNumber: "Numer legitymacji",
	FieldCardIssued: "Data wydania legitymacji",
	FieldCardValid:  "Data ważności legitymacji",
	FieldDisability: "Niepełnosprawność",
}

// synonyms are the built-in header names per field, as school systems and
// secretariats write them. They are folded before use.
var synonyms = map[Field][]string{
	FieldSurname:    {"Nazwisko"},
	FieldFirstName:  {"Imię", "Imię pierwsze", "Pierwsze imię", "imie1"},
	FieldSecondName: {"Drugie imię", "Imię drugie", "imie2", "Drugie imiona"},
	FieldBirthDate:  {"Data urodzenia", "data_ur", "Data ur."},
	FieldPESEL:      {"PESEL", "Numer PESEL", "Nr PESEL"},
	FieldClass:      {"Oddział", "Klasa", "Dane oddziału", "Nazwa oddziału", "Symbol oddziału"},
	FieldCardNumber: {"Numer legitymacji", "nr_leg", "Nr legitymacji", "Numer legitymacji szkolnej", "Nr legitymacji szkolnej"},
	FieldCardIssued: {"Data wydania legitymacji", "data_wydania", "Data wydania"},
	FieldCardValid:  {"Data ważności legitymacji", "data_waznosci", "Ważna do", "Data ważności"},
	FieldDisability: {"Niepełnosprawność", "Czy niepełnosprawność", "Czy niepełnosprawny"},
}

// ColumnName returns the Polish column name of f, as used in messages and
// reports ("Nazwisko", "Numer legitymacji"); an unknown Field is returned
// as its own text.
func ColumnName(f Field) string {
	if n, ok := polishNames[f]; ok {
		return n
	}
	return string(f)
}

// fold reduces a header name to its comparable key: lower case, diacritics
// removed (ł→l too, which NFD does not decompose), and only letters and
// digits kept, so "Data_ważności", "data ważności" and "DATA WAZNOSCI" meet.
func fold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case r == 'ł':
			b.WriteRune('l')
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// matcher maps folded header names to fields.
type matcher map[string]Field

// classWords are the words a class header is made of when it names the
// class in more than one way: "Klasa/oddział", "Oddział (klasa)",
// "Klasa - oddział", "Nazwa klasy".
var classWords = map[string]bool{"klasa": true, "klasy": true, "oddzial": true, "oddzialu": true}

// classFillers may stand beside a class word in such a header.
var classFillers = map[string]bool{"nazwa": true, "dane": true, "symbol": true, "i": true, "lub": true}

// newMatcher builds the name table: built-in synonyms, then the configured
// names from opt, which win over a built-in name they repeat.
func newMatcher(opt *Options) matcher {
	m := matcher{}
	for f, names := range synonyms {
		for _, n := range names {
			m[fold(n)] = f
		}
	}
	if opt != nil {
		for f, names := range opt.Columns {
			for _, n := range names {
				if k := fold(n); k != "" {
					m[k] = f
				}
			}
		}
	}
	return m
}

// field returns the field a header cell names: by its folded name, or, for
// the class, by its words ("Klasa/oddział" is the class, whichever
// separators and brackets join the words).
func (m matcher) field(cell string) (Field, bool) {
	if f, ok := m[fold(cell)]; ok {
		return f, true
	}
	words := strings.FieldsFunc(cell, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	class := false
	for _, w := range words {
		switch w = fold(w); {
		case classWords[w]:
			class = true
		case !classFillers[w]:
			return "", false
		}
	}
	return FieldClass, class
}

// columns gives the cell index of each recognised field.
type columns map[Field]int

// ambiguity is a field that two header cells both name.
type ambiguity struct {
	field      Field
	first, dup int       // cell indexes
	names      [2]string // the header cells as written
}

// match maps a header row; cells naming no field are ignored. A field
// named by a second cell keeps its first column and is reported in dups.
func (m matcher) match(cells []string) (c columns, dups []ambiguity) {
	c = columns{}
	for i, cell := range cells {
		f, ok := m.field(cell)
		if !ok {
			continue
		}
		if j, dup := c[f]; dup {
			dups = append(dups, ambiguity{field: f, first: j, dup: i, names: [2]string{cells[j], cell}})
			continue
		}
		c[f] = i
	}
	return c, dups
}

// missing lists the required fields c lacks, in report order.
func (c columns) missing() []Field {
	var out []Field
	for _, f := range requiredFields {
		if _, ok := c[f]; !ok {
			out = append(out, f)
		}
	}
	return out
}

// fieldAt returns the field read from cell index i, if any.
func (c columns) fieldAt(i int) (Field, bool) {
	for f, j := range c {
		if i == j {
			return f, true
		}
	}
	return "", false
}

// record builds the Record of one data row. ok is false when every
// recognised cell is empty: such a row is blank for our purposes, even if
// an unrecognised column (say "Lp.") holds something.
func (c columns) record(file string, row int, cells []string) (r Record, ok bool) {
	get := func(f Field) string {
		i, found := c[f]
		if !found || i >= len(cells) {
			return ""
		}
		if cells[i] != "" {
			ok = true
		}
		return cells[i]
	}
	r = Record{
		File:       file,
		Row:        row,
		Surname:    get(FieldSurname),
		FirstName:  get(FieldFirstName),
		SecondName: get(FieldSecondName),
		BirthDate:  get(FieldBirthDate),
		PESEL:      get(FieldPESEL),
		Class:      get(FieldClass),
		CardNumber: get(FieldCardNumber),
		CardIssued: get(FieldCardIssued),
		CardValid:  get(FieldCardValid),
		Disability: get(FieldDisability),
	}
	return r, ok
}

// unreadable builds the Record of a row that could not be parsed: reason
// set, and whatever cells could be made out (NUL bytes dropped) to name
// the student.
func (c columns) unreadable(file string, row int, cells []string, reason string) Record {
	clean := make([]string, len(cells))
	for i, v := range cells {
		clean[i] = trimCell(strings.ReplaceAll(v, "\x00", ""))
	}
	r, _ := c.record(file, row, clean)
	r.Unreadable = reason
	return r
}

// headerScan looks for the header among the first rows offered to it and
// remembers the best partial match, to name what is missing.
type headerScan struct {
	m    matcher
	rows int
	best columns
	cols columns     // the header row's, once found
	dups []ambiguity // of the header row, once found
}

// offer examines one row (cells already trimmed). It returns the columns
// and true when the row maps every required field; the header's
// ambiguities are then kept for ambiguousError.
func (h *headerScan) offer(cells []string) (columns, bool) {
	h.rows++
	c, dups := h.m.match(cells)
	if h.best == nil || len(c.missing()) < len(h.best.missing()) {
		h.best = c
	}
	found := len(c.missing()) == 0
	if found {
		h.cols, h.dups = c, dups
	}
	return c, found
}

// done reports whether the search window is used up.
func (h *headerScan) done() bool { return h.rows >= maxHeaderRows }

// missingError describes the best candidate row's gaps.
func (h *headerScan) missingError(file string) *MissingColumnsError {
	return &MissingColumnsError{File: file, Missing: h.best.missing()}
}

// ambiguousError is nil, or describes the header's first field named by
// two columns.
func (h *headerScan) ambiguousError(file string) error {
	if len(h.dups) == 0 {
		return nil
	}
	d := h.dups[0]
	return &AmbiguousColumnsError{File: file, Field: d.field,
		Columns: [2]string{columnLetter(d.first), columnLetter(d.dup)}, Names: d.names}
}

// AmbiguousColumnsError reports a header row in which two columns name
// the same field (two PESEL columns, "Klasa" beside "Oddział"): guessing
// which one holds the truth could send wrong data, so the whole file
// fails (FILE_COLUMNS_AMBIGUOUS).
type AmbiguousColumnsError struct {
	File    string
	Field   Field
	Columns [2]string // spreadsheet column letters, "C" and "F"
	Names   [2]string // the two header cells as written
}

func (e *AmbiguousColumnsError) Error() string {
	return fmt.Sprintf("two columns for %s: %s (%q) and %s (%q)", e.Field, e.Columns[0], e.Names[0], e.Columns[1], e.Names[1])
}

// PolishMessage names both columns for the secretariat.
func (e *AmbiguousColumnsError) PolishMessage() string {
	return fmt.Sprintf("Dwie kolumny pasują do pola „%s”: %s („%s”) i %s („%s”) — zostaw jedną albo zmień nagłówek drugiej; nikogo z tego pliku nie przyjęto.",
		ColumnName(e.Field), e.Columns[0], e.Names[0], e.Columns[1], e.Names[1])
}

// columnLetter names cell index i as a spreadsheet column: 0 → "A",
// 26 → "AA".
func columnLetter(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}

// NoClassWarning is the warning of a roster without a class column: slips
// are then not sorted by class and photos named after a class cannot be
// matched.
const NoClassWarning = "W pliku nie znaleziono kolumny z oddziałem (klasą) — uczniowie zostaną przyjęci bez oddziału, wydruki nie będą podzielone na klasy, a zdjęć nazwanych z oddziałem nie da się dopasować. Dodaj kolumnę „Oddział”."

// warnings lists what the found header lacks that is not required.
func (c columns) warnings() []string {
	if _, ok := c[FieldClass]; !ok {
		return []string{NoClassWarning}
	}
	return nil
}

// trimCell removes surrounding white space, including non-breaking and
// zero-width spaces and stray byte-order marks.
func trimCell(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff'
	})
}

// trimCells trims every cell in place and returns the slice.
func trimCells(cells []string) []string {
	for i, c := range cells {
		cells[i] = trimCell(c)
	}
	return cells
}
