package codes

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/mlegit/mlegit/export"
	"github.com/mlegit/mlegit/pesel"
	"github.com/mlegit/mlegit/reject"
	"github.com/mlegit/mlegit/texts"
)

// rawRow is one data row of a codes file, cells trimmed.
type rawRow struct {
	line                             int
	pesel, qr, code, gen, valid, sim string
}

// Issue is what the school's state store says of one student's current
// card issue, for Import.
type Issue struct {
	// Sent is true when the current issue went to the portal and its
	// codes may be imported: packaged, codes_received, slip_printed,
	// picked_up, activated or expired. It is false for a student whose
	// card was withdrawn (invalidated) or is being issued again (new,
	// validated): codes for the student answer an earlier issue.
	Sent bool
	// Packaged is when the current issue was packaged; a code generated
	// on an earlier day answers an earlier issue. Zero: not checked.
	Packaged time.Time
}

// Answers reports whether a code generated at gen (wall clock) may belong
// to the issue: the issue was sent, and gen is not on a calendar day
// before the one it was packaged on.
func (i Issue) Answers(gen time.Time) bool {
	return i.Sent && !civilDate(gen).Before(civilDate(i.Packaged))
}

// Import reads the codes file at path and joins each row with the student
// data of the upload packages pkgs (the zips the codes may answer), given
// oldest first: a PESEL in several packages takes its data from the last
// one holding it. Rows that cannot be used become rejections, one per row:
// an invalid PESEL, a PESEL twice in the file (every such row), a PESEL in
// no package, a missing QR or activation code, a bad date, or a code valid
// until before asOf.
//
// issues, when not empty, is the school's state store by PESEL: a PESEL it
// lacks is CODES_NOT_IN_PACKAGE too, and a row for a student whose issue is
// not Sent, or generated on a day before the issue was Packaged, is
// CODES_STALE. An empty issues (a package built elsewhere) checks the
// packages alone.
//
// lifetimeDays (DefaultLifetimeDays if not positive) gives the validity of
// rows without wazny_do. The store's Package is the last package's base
// name and its School the school the packages name; packages of two
// schools are an error, as is a file or package that cannot be read at
// all. Import writes nothing; see Update.
func Import(path string, pkgs []string, asOf time.Time, lifetimeDays int, issues map[string]Issue) (*Store, []reject.Rejection, error) {
	if len(pkgs) == 0 {
		return nil, nil, errors.New("importing codes: no upload package to join them with")
	}
	if lifetimeDays <= 0 {
		lifetimeDays = DefaultLifetimeDays
	}
	store := &Store{Package: filepath.Base(pkgs[len(pkgs)-1]), Imported: time.Now().UTC().Truncate(time.Second)}
	students := map[string]export.ManifestRow{}
	for _, pkg := range pkgs {
		school, _, _ := export.ParsePackageName(filepath.Base(pkg))
		if school != "" && store.School != "" && school != store.School {
			return nil, nil, fmt.Errorf("importing codes: packages of two schools (%s, %s)", store.School, school)
		}
		if school != "" {
			store.School = school
		}
		manifest, err := export.ReadManifest(pkg)
		if err != nil {
			return nil, nil, err
		}
		for _, m := range manifest {
			students[m.PESEL] = m
		}
	}
	rows, err := readRows(path)
	if err != nil {
		return nil, nil, err
	}
	seen := map[string]int{}
	for _, r := range rows {
		seen[r.pesel]++
	}

	imp := importer{file: filepath.Base(path), asOf: civilDate(asOf),
		lifetime: lifetimeDays, issues: issues, pkg: store.Package, rows: map[string][]int{}}
	for _, r := range rows {
		if seen[r.pesel] > 1 {
			imp.rows[r.pesel] = append(imp.rows[r.pesel], r.line)
		}
	}
	var rejected []reject.Rejection
	for _, r := range rows {
		e, rej := imp.entry(r, students, seen[r.pesel] > 1)
		if rej != nil {
			rejected = append(rejected, *rej)
			continue
		}
		store.Entries = append(store.Entries, e)
	}
	slices.SortFunc(store.Entries, func(a, b Entry) int { return strings.Compare(a.PESEL, b.PESEL) })
	return store, rejected, nil
}

type importer struct {
	file     string
	asOf     time.Time
	lifetime int
	issues   map[string]Issue // empty: no state store to check against
	pkg      string           // the last package's name
	rows     map[string][]int // lines of each PESEL found on several rows
}

// peselProblem chooses the Polish detail variant (of CODES_PESEL_UNKNOWN or
// ACTIVATION_PESEL_INVALID) for a PESEL that pesel.Parse refused.
func peselProblem(raw string, err error) (string, texts.Args) {
	switch {
	case errors.Is(err, pesel.ErrLength) && len(raw) == 11:
		return "nondigit", nil
	case errors.Is(err, pesel.ErrLength):
		return "length", texts.Args{"n": len([]rune(raw))}
	case errors.Is(err, pesel.ErrDate):
		return "date", nil
	}
	return "", nil
}

// entry turns one row into an Entry, or says why it cannot.
func (imp importer) entry(r rawRow, students map[string]export.ManifestRow, duplicate bool) (Entry, *reject.Rejection) {
	m, inPackage := students[r.pesel]
	fail := func(code reject.Code, detail, variant string, a texts.Args) (Entry, *reject.Rejection) {
		return Entry{}, &reject.Rejection{
			File: imp.file, Row: r.line, PESEL: pesel.Masked(r.pesel),
			Name: strings.TrimSpace(m.Surname + " " + m.FirstName), Class: m.Class,
			Code: code, Message: code.Message(), Detail: detail, Szczegoly: code.Detail(variant, a),
		}
	}
	if _, err := pesel.Parse(r.pesel); err != nil {
		variant, a := peselProblem(r.pesel, err)
		return fail(reject.CodesPESELUnknown, err.Error(), variant, a)
	}
	if duplicate {
		return fail(reject.CodesDuplicate, "the PESEL is on several rows", "", texts.Args{"rows": imp.rows[r.pesel]})
	}
	issue, known := imp.issues[r.pesel]
	if !inPackage || (len(imp.issues) > 0 && !known) {
		return fail(reject.CodesNotInPackage, "not in the packages", "", texts.Args{"package": imp.pkg})
	}
	if r.qr == "" {
		return fail(reject.CodesFieldMissing, colQR+" is empty", "", texts.Args{"column": texts.Quoted(colQR)})
	}
	if r.code == "" {
		return fail(reject.CodesFieldMissing, colCode+" is empty", "", texts.Args{"column": texts.Quoted(colCode)})
	}
	for _, f := range []struct {
		column, v string
		max       int
	}{{colQR, r.qr, MaxQRPayload}, {colCode, r.code, MaxActivationCode}} {
		if len(f.v) > f.max {
			return fail(reject.CodesFieldInvalid, fmt.Sprintf("%s: %d bytes, at most %d", f.column, len(f.v), f.max), "",
				texts.Args{"column": texts.Quoted(f.column), "n": len(f.v), "max": f.max})
		}
		if strings.IndexFunc(f.v, unicode.IsControl) >= 0 {
			return fail(reject.CodesFieldInvalid, f.column+": control characters", "text", texts.Args{"column": texts.Quoted(f.column)})
		}
	}
	gen, err := parseTime(r.gen)
	if err != nil {
		return fail(reject.CodesDateInvalid, colGenerated+": "+err.Error(), "", texts.Args{"column": texts.Quoted(colGenerated)})
	}
	valid := gen.AddDate(0, 0, imp.lifetime)
	if r.valid != "" {
		if valid, err = parseTime(r.valid); err != nil {
			return fail(reject.CodesDateInvalid, colValidUntil+": "+err.Error(), "", texts.Args{"column": texts.Quoted(colValidUntil)})
		}
	}
	if valid.Before(gen) {
		return fail(reject.CodesDateInvalid, colValidUntil+" is before "+colGenerated, "order",
			texts.Args{"valid_until": valid, "generated": gen})
	}
	if known && !issue.Answers(gen) {
		if issue.Sent {
			return fail(reject.CodesStale, colGenerated+" is before the current issue was packaged on "+issue.Packaged.Format(time.DateOnly),
				"before", texts.Args{"generated": gen, "packaged": issue.Packaged})
		}
		return fail(reject.CodesStale, "the card was withdrawn or is being issued again", "", nil)
	}
	if valid.Before(imp.asOf) {
		return fail(reject.CodesExpired, "valid until "+formatTime(valid), "", texts.Args{"valid_until": valid})
	}
	return Entry{
		PESEL: r.pesel, Surname: m.Surname, FirstName: m.FirstName, SecondName: m.SecondName,
		Class: m.Class, CardNumber: m.CardNumber,
		QR: r.qr, ActivationCode: r.code, Generated: gen, ValidUntil: valid,
		Simulated: simulated(r.sim),
	}, nil
}

// civilDate returns midnight UTC of t's calendar date in t's own location.
func civilDate(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// simulated reads the symulacja cell; unknown values count as simulated so
// that slips printed from them are marked.
func simulated(s string) bool {
	switch strings.ToLower(s) {
	case "", "0", "nie", "false":
		return false
	}
	return true
}

// readRows reads a codes file's data rows.
func readRows(path string) ([]rawRow, error) {
	tab, err := readTable(path, Header[:5])
	if err != nil {
		return nil, err
	}
	rows := make([]rawRow, len(tab))
	for i, t := range tab {
		rows[i] = rawRow{line: t.line, pesel: t.cell(colPESEL), qr: t.cell(colQR), code: t.cell(colCode),
			gen: t.cell(colGenerated), valid: t.cell(colValidUntil), sim: t.cell(colSimulated)}
	}
	return rows, nil
}

// tableRow is one data row of a ';'-separated file with a header.
type tableRow struct {
	line  int               // line number in the file (header = 1)
	cells map[string]string // by lower-cased header name, trimmed
}

func (r tableRow) cell(name string) string { return r.cells[name] }

// readTable reads a ';'-separated file with a header row holding at least
// the required column names (any order, any case, an optional UTF-8 BOM).
func readTable(path string, required []string) ([]tableRow, error) {
	name := filepath.Base(path)
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", name, err)
	}
	defer f.Close()
	br := bufio.NewReader(f)
	if bom, _ := br.Peek(3); string(bom) == "\uFEFF" {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.Comma = ';'
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: reading the header: %w", name, err)
	}
	for i, h := range header {
		header[i] = strings.ToLower(strings.TrimSpace(h))
	}
	for _, col := range required {
		if !slices.Contains(header, col) {
			return nil, fmt.Errorf("%s: no column %q in the header", name, col)
		}
	}
	var rows []tableRow
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		row := tableRow{line: line, cells: make(map[string]string, len(header))}
		for i, h := range header {
			if i < len(rec) {
				row.cells[h] = strings.TrimSpace(rec[i])
			}
		}
		rows = append(rows, row)
	}
}
