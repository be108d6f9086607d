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

	"github.com/mlegit/mlegit/export"
	"github.com/mlegit/mlegit/pesel"
	"github.com/mlegit/mlegit/reject"
)

// rawRow is one data row of a codes file, cells trimmed.
type rawRow struct {
	line                             int
	pesel, qr, code, gen, valid, sim string
}

// Import reads the codes file at path and joins each row with the student
// data of the upload package pkg (the zip the codes answer). Rows that
// cannot be used become rejections, one per row: an invalid PESEL, a PESEL
// twice in the file (every such row), a PESEL not in the package, a missing
// QR or activation code, a bad date, or a code valid until before asOf.
// lifetimeDays (DefaultLifetimeDays if not positive) gives the validity of
// rows without wazny_do. The error is for a file or package that cannot be
// read at all. Import writes nothing; see Update.
func Import(path, pkg string, asOf time.Time, lifetimeDays int) (*Store, []reject.Rejection, error) {
	if lifetimeDays <= 0 {
		lifetimeDays = DefaultLifetimeDays
	}
	manifest, err := export.ReadManifest(pkg)
	if err != nil {
		return nil, nil, err
	}
	students := make(map[string]export.ManifestRow, len(manifest))
	for _, m := range manifest {
		students[m.PESEL] = m
	}
	rows, err := readRows(path)
	if err != nil {
		return nil, nil, err
	}
	seen := map[string]int{}
	for _, r := range rows {
		seen[r.pesel]++
	}

	store := &Store{Package: filepath.Base(pkg), Imported: time.Now().UTC().Truncate(time.Second)}
	store.School, _, _ = export.ParsePackageName(store.Package)
	imp := importer{file: filepath.Base(path), asOf: time.Date(asOf.Year(), asOf.Month(), asOf.Day(), 0, 0, 0, 0, time.UTC), lifetime: lifetimeDays}
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
}

// entry turns one row into an Entry, or says why it cannot.
func (imp importer) entry(r rawRow, students map[string]export.ManifestRow, duplicate bool) (Entry, *reject.Rejection) {
	m, inPackage := students[r.pesel]
	fail := func(code reject.Code, detail string) (Entry, *reject.Rejection) {
		return Entry{}, &reject.Rejection{
			File: imp.file, Row: r.line, PESEL: pesel.Masked(r.pesel),
			Name: strings.TrimSpace(m.Surname + " " + m.FirstName), Class: m.Class,
			Code: code, Message: code.Message(), Detail: detail,
		}
	}
	if _, err := pesel.Parse(r.pesel); err != nil {
		return fail(reject.CodesPESELUnknown, err.Error())
	}
	if duplicate {
		return fail(reject.CodesDuplicate, "")
	}
	if !inPackage {
		return fail(reject.CodesNotInPackage, "")
	}
	if r.qr == "" {
		return fail(reject.CodesFieldMissing, colQR+" is empty")
	}
	if r.code == "" {
		return fail(reject.CodesFieldMissing, colCode+" is empty")
	}
	gen, err := parseTime(r.gen)
	if err != nil {
		return fail(reject.CodesDateInvalid, colGenerated+": "+err.Error())
	}
	valid := gen.AddDate(0, 0, imp.lifetime)
	if r.valid != "" {
		if valid, err = parseTime(r.valid); err != nil {
			return fail(reject.CodesDateInvalid, colValidUntil+": "+err.Error())
		}
	}
	if valid.Before(gen) {
		return fail(reject.CodesDateInvalid, colValidUntil+" is before "+colGenerated)
	}
	if valid.Before(imp.asOf) {
		return fail(reject.CodesExpired, "valid until "+formatTime(valid))
	}
	return Entry{
		PESEL: r.pesel, Surname: m.Surname, FirstName: m.FirstName, SecondName: m.SecondName,
		Class: m.Class, CardNumber: m.CardNumber,
		QR: r.qr, ActivationCode: r.code, Generated: gen, ValidUntil: valid,
		Simulated: simulated(r.sim),
	}, nil
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
