// Package report writes what a run found, for machines and for people:
// summary.json (counts and every rejection, PESELs masked) and, for the
// secretariat, odrzuceni.csv (UTF-8 with BOM, ';', opens in Excel with
// Polish letters) and odrzuceni.xlsx, both with Polish column names,
// naming the school and the as-of date, and every cell neutralised
// against formula injection.
package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/mlegit/mlegit/formula"
	"github.com/mlegit/mlegit/pesel"
	"github.com/mlegit/mlegit/reject"
	"github.com/mlegit/mlegit/safefile"
	"github.com/mlegit/mlegit/texts"
)

// File names written into the output folder.
const (
	SummaryFile    = "summary.json"
	RejectionsCSV  = "odrzuceni.csv"
	RejectionsXLSX = "odrzuceni.xlsx"
)

// Warning is something the secretariat should know that did not reject a
// student, e.g. a repaired PESEL or a roster file that could not be read.
// Message is English (scripts, log); Code names the catalogue entry whose
// Polish title and action the secretariat's reports show (sheet "Do
// sprawdzenia"), with Szczegoly the Polish detail. A warning without a
// Code stays in summary.json only.
type Warning struct {
	File      string `json:"file"`
	Row       int    `json:"row,omitempty"`
	PESEL     string `json:"pesel,omitempty"` // masked
	Code      string `json:"code,omitempty"`
	Message   string `json:"message"`
	Szczegoly string `json:"szczegoly,omitempty"`
}

// Warning codes (entries of the texts catalogue).
const (
	WarnPESELRepaired     = "PESEL_REPAIRED"
	WarnPhotoUnmatched    = "PHOTO_UNMATCHED"
	WarnMailUnassigned    = "PHOTO_MAIL_UNASSIGNED"
	WarnPhotoSubfolder    = "PHOTO_SUBFOLDER"
	WarnPhotoOffline      = "PHOTO_OFFLINE"
	WarnRosterIncomplete  = "ROSTER_INCOMPLETE"
	WarnRosterNoClass     = "ROSTER_NO_CLASS"
	WarnDeadlineNear      = "DEADLINE_NEAR"
	WarnCodesOverdue      = "CODES_OVERDUE"
	WarnPackageUnreadable = "PACKAGE_UNREADABLE"
	WarnPackageLost       = "PACKAGE_LOST"
	WarnPackageNotSent    = "PACKAGE_NOT_SENT"
)

// NewWarning builds a warning of a catalogue code: the English message
// for scripts and the Polish detail of the code's variant filled with a.
func NewWarning(code, english, variant string, a texts.Args) Warning {
	e, _ := texts.Lookup(code)
	return Warning{Code: code, Message: english, Szczegoly: e.Detail(variant, a)}
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
	School string `json:"school"`
	// SchoolName is the school's full name (config school_name) the
	// secretariat's reports show; School when empty.
	SchoolName      string             `json:"school_name,omitempty"`
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
	// Held is set when the mass-invalidation guard held the night.
	Held *Held `json:"held,omitempty"`
	// HeldFiles are reports of this run that another program (Excel) held
	// open, so their new version was written beside them.
	HeldFiles []HeldFile `json:"held_files,omitempty"`
	// ExitCode is the exit code `mlegit run` gave this school's night (0,
	// 3 or 6, see the README); absent when the run did not finish.
	ExitCode *int `json:"exit_code,omitempty"`
}

// Held tells about a night the mass-invalidation guard held: it would
// have invalidated Invalidations cards, more than Limit (max_invalidations),
// so nothing was changed and no package was written. The students are
// also listed in the rejections (code INVALIDATION_HELD).
type Held struct {
	Invalidations int           `json:"invalidations"`
	Limit         int           `json:"limit"`
	Students      []HeldStudent `json:"students"`
}

// HeldStudent is one held invalidation.
type HeldStudent struct {
	PESEL  string `json:"pesel"` // masked
	Class  string `json:"class"`
	Reason string `json:"reason"` // English, as the history would record it
	Powod  string `json:"powod"`  // Polish
}

// WaitingPackage is an upload package that waits to be uploaded.
type WaitingPackage struct {
	Name     string `json:"name"`
	Created  string `json:"created"` // RFC 3339
	Students int    `json:"students"`
	AgeDays  int    `json:"age_days"` // whole days from created to the as-of date
}

// HeldFile is a report that could not be replaced because another program
// holds it open: its new version is in WrittenTo, and Komunikat tells the
// secretariat in Polish which file to close.
type HeldFile struct {
	File      string `json:"file"`
	WrittenTo string `json:"written_to"`
	Komunikat string `json:"komunikat"`
}

// HeldOpen turns err into a HeldFile if it is a *safefile.HeldError.
func HeldOpen(err error) (HeldFile, bool) {
	var he *safefile.HeldError
	if !errors.As(err, &he) {
		return HeldFile{}, false
	}
	return HeldFile{File: filepath.Base(he.Path), WrittenTo: filepath.Base(he.Beside), Komunikat: he.Polish()}, true
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
// in a detail or in unmatched_photos) is masked on the way out. A report
// held open by another program is written beside it and listed in
// s.HeldFiles (the summary says so) rather than failing the run.
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
	held, err := writeRejections(dir, s)
	if err != nil {
		return err
	}
	s.HeldFiles = held
	return WriteSummary(dir, s)
}

// WriteSummary writes only summary.json (atomically), as Write does; run
// calls it again once the night's exit code is known.
func WriteSummary(dir string, s *Summary) error {
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding summary: %w", err)
	}
	err = safefile.WriteFile(filepath.Join(dir, SummaryFile), append(data, '\n'))
	if h, ok := HeldOpen(err); ok {
		s.HeldFiles = append(s.HeldFiles, h)
		return nil
	}
	return err
}

// WriteRejections writes only odrzuceni.csv and odrzuceni.xlsx of s (its
// school, as-of date, rejections and what to check), for a run that could
// use no roster file at all: the secretariat still reads why, while
// summary.json keeps the last complete run. Free text is masked as in
// Write; held reports are returned as in Summary.HeldFiles.
func WriteRejections(dir string, s *Summary) ([]HeldFile, error) {
	s.Sort()
	s.mask()
	return writeRejections(dir, s)
}

// writeRejections writes the secretariat's reports of s: the rejections
// and what to check ("Do sprawdzenia"). Reports another program holds open
// are written beside it and returned.
func writeRejections(dir string, s *Summary) ([]HeldFile, error) {
	rejected, check, ab := rejectionLines(s.Rejections), toCheck(s), s.about()
	var held []HeldFile
	for _, f := range []struct {
		name  string
		write func(io.Writer, []line, []line, about) error
	}{{RejectionsCSV, writeCSV}, {RejectionsXLSX, writeXLSX}} {
		err := safefile.Write(filepath.Join(dir, f.name), func(w io.Writer) error { return f.write(w, rejected, check, ab) })
		if h, ok := HeldOpen(err); ok {
			held = append(held, h)
		} else if err != nil {
			return held, err
		}
	}
	return held, nil
}

// about names whose reports these are: the school's full name (its
// identifier when the config gives none) and the as-of date, DD.MM.RRRR.
// Either may be empty.
type about struct{ school, asOf string }

func (s *Summary) about() about {
	a := about{school: s.SchoolName}
	if a.school == "" {
		a.school = s.School
	}
	if t, err := time.Parse(time.DateOnly, s.AsOf); err == nil {
		a.asOf = texts.Date(t)
	}
	return a
}

// rows are the label–value rows that name the school and the date, as
// status.xlsx lists them: "Szkoła", "Stan na dzień".
func (a about) rows() [][]string {
	var out [][]string
	if a.school != "" {
		out = append(out, []string{texts.ColSchool, a.school})
	}
	if a.asOf != "" {
		out = append(out, []string{texts.ColAsOf, a.asOf})
	}
	return out
}

// title is the first line of a sheet of the workbook: the sheet's name
// and the school, as register.xlsx has its title.
func (a about) title(sheet string) string {
	if a.school == "" {
		return sheet
	}
	return sheet + " — " + a.school
}

// mask hides PESELs in the summary's free-text fields; the PESEL field
// itself is masked where rejections are made.
func (s *Summary) mask() {
	for i := range s.Rejections {
		r := &s.Rejections[i]
		r.File, r.Detail, r.Szczegoly = pesel.MaskIn(r.File), pesel.MaskIn(r.Detail), pesel.MaskIn(r.Szczegoly)
		// A PESEL typed into a name or class column shows there too.
		r.Name, r.Class, r.PESEL = pesel.MaskIn(r.Name), pesel.MaskIn(r.Class), pesel.MaskIn(r.PESEL)
	}
	for i := range s.Warnings {
		w := &s.Warnings[i]
		w.File, w.Message, w.Szczegoly = pesel.MaskIn(w.File), pesel.MaskIn(w.Message), pesel.MaskIn(w.Szczegoly)
	}
	for i, f := range s.UnmatchedPhotos {
		s.UnmatchedPhotos[i] = pesel.MaskIn(f)
	}
	for i := range s.Files {
		f := &s.Files[i]
		f.File, f.Error, f.Komunikat = pesel.MaskIn(f.File), pesel.MaskIn(f.Error), pesel.MaskIn(f.Komunikat)
	}
}

// header is the Polish column row of the secretariat's reports.
var header = []string{texts.ColFile, texts.ColRow, texts.ColPESEL, texts.ColStudent, texts.ColClass,
	texts.ColCode, texts.ColReason, texts.ColAction, texts.ColDetail}

// line is one row of the secretariat's reports: a rejection or a warning.
type line struct {
	file   string
	row    int // 0: the whole file, no row number
	pesel  string
	name   string
	class  string
	code   string
	reason string
	action string
	detail string
}

func (l line) cells() []string {
	row := ""
	if l.row > 0 {
		row = strconv.Itoa(l.row)
	}
	return []string{l.file, row, l.pesel, l.name, l.class, l.code, l.reason, l.action, l.detail}
}

// rejectionLine shows a rejection: the code's Polish title and action from
// the catalogue (the stored Message for a code it does not know).
func rejectionLine(r reject.Rejection) line {
	l := line{file: r.File, row: r.Row, pesel: r.PESEL, name: r.Name, class: r.Class, code: string(r.Code),
		reason: r.Message, detail: r.Szczegoly}
	if e, ok := texts.Lookup(string(r.Code)); ok {
		l.reason, l.action = e.Title, e.Action
	}
	return l
}

// toCheck lists what the secretariat should look at that rejected nobody:
// the warnings that have a catalogue code and every photo that matched no
// student.
func toCheck(s *Summary) []line {
	var out []line
	for _, w := range s.Warnings {
		e, ok := texts.Lookup(w.Code)
		if !ok {
			continue
		}
		file := w.File
		if file == "state" { // the state store, not a file the secretariat knows
			file = ""
		}
		out = append(out, line{file: file, row: w.Row, pesel: w.PESEL, code: w.Code,
			reason: e.Title, action: e.Action, detail: w.Szczegoly})
	}
	e, _ := texts.Lookup(WarnPhotoUnmatched)
	for _, f := range s.UnmatchedPhotos {
		out = append(out, line{file: f, code: WarnPhotoUnmatched, reason: e.Title, action: e.Action,
			detail: e.Detail("", texts.Args{"file": texts.Quoted(f)})})
	}
	return out
}

func rejectionLines(rs []reject.Rejection) []line {
	out := make([]line, len(rs))
	for i, r := range rs {
		out[i] = rejectionLine(r)
	}
	return out
}

// WriteCSV writes rejections as UTF-8 with BOM, ';'-separated, CRLF line
// ends, with the Polish header and formula-like cells neutralised.
func WriteCSV(w io.Writer, rs []reject.Rejection) error {
	return writeCSV(w, rejectionLines(rs), nil, about{})
}

// writeCSV writes the rejections, then, when there is anything to check, a
// blank line, a "Do sprawdzenia" line and the lines to check, in the same
// columns; last, after a blank line, the school and the as-of date. The
// header stays the first line, for the scripts that read the file by it.
func writeCSV(w io.Writer, rejected, check []line, a about) error {
	cells := func(ls []line) [][]string {
		out := make([][]string, len(ls))
		for i, l := range ls {
			out[i] = l.cells()
		}
		return out
	}
	return WriteSectionsCSV(w, header, cells(rejected), cells(check), a.rows())
}

// WriteSectionsCSV writes a secretariat's CSV report as odrzuceni.csv lays
// it out: UTF-8 with BOM, ';', CRLF, every cell neutralised against
// formula injection; the header, the rejected rows, then, when check is
// not empty, a blank row, a "Do sprawdzenia" row and the rows to check,
// in the same columns. Other reports (odrzucone_zdjecia.csv) call it so
// the secretariat reads every one alike. When footer is not empty, a
// blank row and the footer rows (e.g. "Szkoła", its name) end the file;
// rows shorter than the header are padded, so every record has the
// header's number of fields.
func WriteSectionsCSV(w io.Writer, header []string, rejected, check, footer [][]string) error {
	var buf bytes.Buffer
	buf.WriteString("\uFEFF")
	cw := csv.NewWriter(&buf)
	cw.Comma = ';'
	cw.UseCRLF = true
	cw.Write(header)
	put := func(rows ...[]string) {
		for _, r := range rows {
			c := make([]string, max(len(r), len(header)))
			for i, v := range r {
				c[i] = formula.Neutralize(v)
			}
			cw.Write(c)
		}
	}
	put(rejected...)
	if len(check) > 0 {
		put(nil, []string{texts.SectionToCheck})
		put(check...)
	}
	if len(footer) > 0 {
		put(nil)
		put(footer...)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("encoding CSV report: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// WriteXLSX writes rejections as a one-sheet workbook ("Odrzuceni") with
// every text cell stored as text, so nothing is ever evaluated as a
// formula; "Wiersz" is a number cell.
func WriteXLSX(w io.Writer, rs []reject.Rejection) error {
	return writeXLSX(w, rejectionLines(rs), nil, about{})
}

// writeXLSX writes the sheet "Odrzuceni" and, when there is anything to
// check, the sheet "Do sprawdzenia" in the same columns. When a names the
// school, each sheet starts as register.xlsx does: a title with the
// school, the as-of date, a blank row, then the header.
func writeXLSX(w io.Writer, rejected, check []line, a about) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", texts.SheetRejected); err != nil {
		return fmt.Errorf("naming sheet: %w", err)
	}
	if err := writeSheet(f, texts.SheetRejected, rejected, a); err != nil {
		return err
	}
	if len(check) > 0 {
		if _, err := f.NewSheet(texts.SheetToCheck); err != nil {
			return fmt.Errorf("adding sheet: %w", err)
		}
		if err := writeSheet(f, texts.SheetToCheck, check, a); err != nil {
			return err
		}
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("writing workbook: %w", err)
	}
	return nil
}

// maxSheetRows caps the lines of one sheet of odrzuceni.xlsx: a workbook
// sheet holds 1,048,576 rows, and a secretariat reads none past the first
// thousands. Beyond it the sheet ends with a line sending the reader to
// odrzuceni.csv, which is always complete.
const maxSheetRows = 100_000

// columnWidths are the widths of the report's columns, in header order.
var columnWidths = []float64{18, 8, 14, 28, 10, 26, 50, 50, 60}

// writeSheet writes one sheet of the report: the title rows a gives,
// every column sized, the header row frozen and filtered, at most limit
// lines.
func writeSheet(f *excelize.File, sheet string, ls []line, a about) error {
	return writeSheetCapped(f, sheet, ls, maxSheetRows, a)
}

func writeSheetCapped(f *excelize.File, sheet string, ls []line, limit int, a about) error {
	var titles []string
	if a.school != "" {
		titles = append(titles, a.title(sheet))
		if a.asOf != "" {
			titles = append(titles, texts.ColAsOf+" "+a.asOf)
		}
	}
	head := 1 // the header's row
	if len(titles) > 0 {
		head = len(titles) + 2 // a blank row between the titles and the header
	}
	shown := min(len(ls), limit)
	last := head + shown // the last row written
	if shown < len(ls) {
		last++
	}
	// The filter is set on the sheet before streaming: the stream writer
	// writes what the sheet holds, and nothing set after it.
	start, _ := excelize.CoordinatesToCellName(1, head)
	end, _ := excelize.CoordinatesToCellName(len(header), max(last, head+1))
	if err := f.AutoFilter(sheet, start+":"+end, nil); err != nil {
		return fmt.Errorf("adding the filter: %w", err)
	}
	var titleStyle int
	if len(titles) > 0 {
		var err error
		if titleStyle, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}}); err != nil {
			return fmt.Errorf("adding the title style: %w", err)
		}
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return fmt.Errorf("opening sheet writer: %w", err)
	}
	// excelize puts each new <col> before the earlier ones; set from the
	// last column back, they come out ascending, one per column.
	for i := len(columnWidths) - 1; i >= 0; i-- {
		if err := sw.SetColWidth(i+1, i+1, columnWidths[i]); err != nil {
			return fmt.Errorf("sizing column %d: %w", i+1, err)
		}
	}
	first, _ := excelize.CoordinatesToCellName(1, head+1)
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: head, TopLeftCell: first, ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: first, ActiveCell: first, Pane: "bottomLeft"}}}); err != nil {
		return fmt.Errorf("freezing the header: %w", err)
	}
	write := func(n int, vals []string, row int) error {
		cells := make([]any, len(vals))
		for i, v := range vals {
			// Stored as a shared/inline string cell: text, never a formula.
			cells[i] = excelize.Cell{Value: formula.Neutralize(v)}
		}
		if row > 0 {
			cells[1] = excelize.Cell{Value: row}
		}
		cell, _ := excelize.CoordinatesToCellName(1, n)
		return sw.SetRow(cell, cells)
	}
	for i, t := range titles {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		style := 0
		if i == 0 {
			style = titleStyle
		}
		if err := sw.SetRow(cell, []any{excelize.Cell{StyleID: style, Value: formula.Neutralize(t)}}); err != nil {
			return fmt.Errorf("writing the title: %w", err)
		}
	}
	if err := write(head, header, 0); err != nil {
		return fmt.Errorf("writing header: %w", err)
	}
	for i, l := range ls[:shown] {
		if err := write(head+1+i, l.cells(), l.row); err != nil {
			return fmt.Errorf("writing row %d: %w", head+1+i, err)
		}
	}
	if shown < len(ls) {
		note := make([]string, len(header))
		note[0] = texts.Fill(sheetCappedNote, texts.Args{"shown": shown, "all": len(ls)})
		if err := write(last, note, 0); err != nil {
			return fmt.Errorf("writing row %d: %w", last, err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("flushing sheet: %w", err)
	}
	return nil
}

// sheetCappedNote ends a capped sheet.
const sheetCappedNote = "Pokazano pierwsze {shown} z {all} wierszy — pełna lista jest w pliku odrzuceni.csv."
