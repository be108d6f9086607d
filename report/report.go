// Package report writes what a run found, for machines and for people:
// summary.json (counts and every rejection, PESELs masked) and, for the
// secretariat, odrzuceni.csv (UTF-8 with BOM, ';', opens in Excel with
// Polish letters) and odrzuceni.xlsx, both with Polish column names and
// every cell neutralised against formula injection.
package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strconv"

	"github.com/xuri/excelize/v2"

	"github.com/mlegit/mlegit/formula"
	"github.com/mlegit/mlegit/pesel"
	"github.com/mlegit/mlegit/reject"
	"github.com/mlegit/mlegit/safefile"
)

// File names written into the output folder.
const (
	SummaryFile    = "summary.json"
	RejectionsCSV  = "odrzuceni.csv"
	RejectionsXLSX = "odrzuceni.xlsx"
)

// Warning is something the secretariat should know that did not reject a
// student, e.g. a repaired PESEL or a roster file that could not be read.
type Warning struct {
	File    string `json:"file"`
	Row     int    `json:"row,omitempty"`
	Message string `json:"message"`
}

// FileStatus tells how one roster file was read.
type FileStatus struct {
	File      string `json:"file"`
	Rows      int    `json:"rows"`
	Error     string `json:"error,omitempty"`     // English, for the log reader
	Komunikat string `json:"komunikat,omitempty"` // Polish, for the secretariat
	// MissingColumns: the file lacks required columns (else unreadable).
	MissingColumns bool `json:"missing_columns,omitempty"`
	// Code is the file's FILE_* reason when it could not be used.
	Code reject.Code `json:"code,omitempty"`
	// Warnings (Polish) tell what a file that was read lacks, e.g. a
	// class column; each also appears in the summary's warnings.
	Warnings []string `json:"-"`
}

// Summary is the content of summary.json. Counts are of students (roster
// rows); a student with three problems counts once in Rejected and has three
// entries in Rejections.
type Summary struct {
	School          string             `json:"school"`
	AsOf            string             `json:"as_of"`
	Profile         string             `json:"profile"`
	Students        int                `json:"students"`
	Accepted        int                `json:"accepted"`
	Rejected        int                `json:"rejected"`
	Rejections      []reject.Rejection `json:"rejections"`
	Warnings        []Warning          `json:"warnings"`
	UnmatchedPhotos []string           `json:"unmatched_photos"`
	Files           []FileStatus       `json:"files"`
	// Package names tonight's upload package (absent when none was
	// written on the as-of date and still waits).
	Package string `json:"package,omitempty"`
	// Sent counts the students in tonight's package.
	Sent int `json:"sent"`
	// New, Changed and Unchanged classify the accepted students against
	// the state store (absent when the run has no store).
	New       *int           `json:"new,omitempty"`
	Changed   *int           `json:"changed,omitempty"`
	Unchanged *int           `json:"unchanged,omitempty"`
	Extra     map[string]any `json:"extra,omitempty"`
	// WaitingPackages lists, oldest first, every upload package the state
	// store holds as not yet confirmed (by a codes import or by mlegit
	// package uploaded), tonight's included; empty without a store.
	WaitingPackages []WaitingPackage `json:"waiting_packages"`
}

// WaitingPackage is an upload package that waits to be uploaded.
type WaitingPackage struct {
	Name     string `json:"name"`
	Created  string `json:"created"` // RFC 3339
	Students int    `json:"students"`
	AgeDays  int    `json:"age_days"` // whole days from created to the as-of date
}

// Sort puts rejections in file, row, code order and warnings in file, row
// order, so reports are stable from run to run.
func (s *Summary) Sort() {
	sort.SliceStable(s.Rejections, func(i, j int) bool {
		a, b := s.Rejections[i], s.Rejections[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Row != b.Row {
			return a.Row < b.Row
		}
		return a.Code < b.Code
	})
	sort.SliceStable(s.Warnings, func(i, j int) bool {
		a, b := s.Warnings[i], s.Warnings[j]
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Row < b.Row
	})
	sort.Strings(s.UnmatchedPhotos)
}

// Write writes summary.json, odrzuceni.csv and odrzuceni.xlsx into dir,
// each atomically. Any PESEL inside free text (a photo named by its PESEL
// in a detail or in unmatched_photos) is masked on the way out.
func Write(dir string, s *Summary) error {
	s.Sort()
	s.mask()
	if s.Rejections == nil {
		s.Rejections = []reject.Rejection{}
	}
	if s.Warnings == nil {
		s.Warnings = []Warning{}
	}
	if s.UnmatchedPhotos == nil {
		s.UnmatchedPhotos = []string{}
	}
	if s.Files == nil {
		s.Files = []FileStatus{}
	}
	if s.WaitingPackages == nil {
		s.WaitingPackages = []WaitingPackage{}
	}
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding summary: %w", err)
	}
	if err := safefile.WriteFile(filepath.Join(dir, SummaryFile), append(data, '\n')); err != nil {
		return err
	}
	return writeRejections(dir, s.Rejections)
}

// WriteRejections writes only odrzuceni.csv and odrzuceni.xlsx, for a run
// that could use no roster file at all: the secretariat still reads why,
// while summary.json keeps the last complete run. Free text is masked as
// in Write.
func WriteRejections(dir string, rs []reject.Rejection) error {
	s := Summary{Rejections: rs}
	s.Sort()
	s.mask()
	return writeRejections(dir, s.Rejections)
}

func writeRejections(dir string, rs []reject.Rejection) error {
	if err := safefile.Write(filepath.Join(dir, RejectionsCSV), func(w io.Writer) error {
		return WriteCSV(w, rs)
	}); err != nil {
		return err
	}
	return safefile.Write(filepath.Join(dir, RejectionsXLSX), func(w io.Writer) error {
		return WriteXLSX(w, rs)
	})
}

// mask hides PESELs in the summary's free-text fields; the PESEL field
// itself is masked where rejections are made.
func (s *Summary) mask() {
	for i := range s.Rejections {
		r := &s.Rejections[i]
		r.File, r.Detail, r.Szczegoly = pesel.MaskIn(r.File), pesel.MaskIn(r.Detail), pesel.MaskIn(r.Szczegoly)
	}
	for i := range s.Warnings {
		s.Warnings[i].Message = pesel.MaskIn(s.Warnings[i].Message)
	}
	for i, f := range s.UnmatchedPhotos {
		s.UnmatchedPhotos[i] = pesel.MaskIn(f)
	}
}

// header is the Polish column row of the secretariat's reports.
var header = []string{"Plik", "Wiersz", "PESEL", "Uczeń", "Oddział", "Kod", "Powód", "Szczegóły"}

func cells(r reject.Rejection) []string {
	row := ""
	if r.Row > 0 {
		row = strconv.Itoa(r.Row)
	}
	detail := r.Szczegoly // Polish; rejections not yet given one show Detail
	if detail == "" {
		detail = r.Detail
	}
	return []string{r.File, row, r.PESEL, r.Name, r.Class, string(r.Code), r.Message, detail}
}

// WriteCSV writes rejections as UTF-8 with BOM, ';'-separated, CRLF line
// ends, with the Polish header and formula-like cells neutralised.
func WriteCSV(w io.Writer, rs []reject.Rejection) error {
	var buf bytes.Buffer
	buf.WriteString("\uFEFF")
	cw := csv.NewWriter(&buf)
	cw.Comma = ';'
	cw.UseCRLF = true
	cw.Write(header)
	for _, r := range rs {
		c := cells(r)
		for i := range c {
			c[i] = formula.Neutralize(c[i])
		}
		cw.Write(c)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("encoding rejections CSV: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// WriteXLSX writes rejections as a one-sheet workbook ("Odrzuceni") with
// every cell stored as text, so nothing is ever evaluated as a formula.
func WriteXLSX(w io.Writer, rs []reject.Rejection) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Odrzuceni"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return fmt.Errorf("naming sheet: %w", err)
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return fmt.Errorf("opening sheet writer: %w", err)
	}
	sw.SetColWidth(1, 1, 18)
	sw.SetColWidth(4, 4, 28)
	sw.SetColWidth(6, 6, 26)
	sw.SetColWidth(7, 7, 80)
	sw.SetColWidth(8, 8, 50)
	write := func(n int, vals []string) error {
		row := make([]any, len(vals))
		for i, v := range vals {
			// Stored as a shared/inline string cell: text, never a formula.
			row[i] = excelize.Cell{Value: formula.Neutralize(v)}
		}
		cell, _ := excelize.CoordinatesToCellName(1, n)
		return sw.SetRow(cell, row)
	}
	if err := write(1, header); err != nil {
		return fmt.Errorf("writing header: %w", err)
	}
	for i, r := range rs {
		if err := write(i+2, cells(r)); err != nil {
			return fmt.Errorf("writing row %d: %w", i+2, err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("flushing sheet: %w", err)
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("writing workbook: %w", err)
	}
	return nil
}
