package report

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/mlegit/mlegit/reject"
	"github.com/mlegit/mlegit/texts"
)

func sample() *Summary {
	return &Summary{
		School: "sp7", AsOf: "2026-09-15", Profile: "mobywatel",
		Students: 3, Accepted: 1, Rejected: 2,
		Rejections: []reject.Rejection{
			{File: "b.csv", Row: 4, PESEL: "1121*****89", Name: "=HYPERLINK(\"x\") Ola", Class: "1b",
				Code: reject.NameInvalid, Message: reject.NameInvalid.Message()},
			{File: "a.csv", Row: 7, PESEL: "0227*****24", Name: "Łęcka Żaneta", Class: "2a",
				Code: reject.CardExpired, Message: reject.CardExpired.Message()},
		},
	}
}

func TestWriteSummaryJSON(t *testing.T) {
	dir := t.TempDir()
	if err := Write(dir, sample()); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, SummaryFile))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"school", "as_of", "profile", "students", "accepted", "rejected", "rejections", "warnings", "unmatched_photos"} {
		if _, ok := m[k]; !ok {
			t.Errorf("summary lacks %q", k)
		}
	}
	if n, ok := m["students"].(float64); !ok || n != 3 {
		t.Errorf("students = %v, want the integer 3", m["students"])
	}
	rs := m["rejections"].([]any)
	if first := rs[0].(map[string]any); first["file"] != "a.csv" {
		t.Errorf("rejections not sorted by file: first is %v", first["file"])
	}
	if w, ok := m["warnings"].([]any); !ok || len(w) != 0 {
		t.Errorf("warnings = %v, want an empty list (not null)", m["warnings"])
	}
}

func TestCSVForExcel(t *testing.T) {
	var b bytes.Buffer
	if err := WriteCSV(&b, sample().Rejections); err != nil {
		t.Fatal(err)
	}
	raw := b.String()
	if !strings.HasPrefix(raw, "\uFEFF") {
		t.Error("no UTF-8 BOM")
	}
	if !strings.Contains(raw, "\r\n") {
		t.Error("no CRLF line ends")
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(raw, "\uFEFF")))
	r.Comma = ';'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(recs[0], "|") != "Plik|Wiersz|PESEL|Uczeń|Oddział|Kod błędu|Powód|Co zrobić|Szczegóły" {
		t.Errorf("header %v", recs[0])
	}
	if got := recs[1][3]; got != `'=HYPERLINK("x") Ola` {
		t.Errorf("formula cell written as %q, want neutralised", got)
	}
	if got := recs[2][3]; got != "Łęcka Żaneta" {
		t.Errorf("Polish letters: %q", got)
	}
}

func TestXLSXReadsBackAsText(t *testing.T) {
	var b bytes.Buffer
	if err := WriteXLSX(&b, sample().Rejections); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Odrzuceni")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[0][6] != "Powód" {
		t.Fatalf("rows %v", rows)
	}
	cell, _ := excelize.CoordinatesToCellName(4, 2)
	if formula, _ := f.GetCellFormula("Odrzuceni", cell); formula != "" {
		t.Errorf("cell %s holds a formula %q", cell, formula)
	}
	if rows[1][3] != `'=HYPERLINK("x") Ola` {
		t.Errorf("cell text %q", rows[1][3])
	}
}

func TestWriteMasksPESELsInFreeText(t *testing.T) {
	dir := t.TempDir()
	s := sample()
	s.Rejections[0].Detail = "several files fit the student: 11210110089.jpg, 11210110089.png"
	s.UnmatchedPhotos = []string{"02270803624.jpg", "Nowak Jan 1b.jpg"}
	s.Warnings = []Warning{{File: "x.csv", Row: 3, Message: "photo 02270803624.jpg ignored",
		Szczegoly: "Podfolder „02270803624” pominięto."}}
	s.Rejections[1].Name = "11210110089 Jan" // a PESEL typed as a name
	s.Files = []FileStatus{{File: "02270803624.csv", Error: "reading 02270803624.csv: x"}}
	if err := Write(dir, s); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{SummaryFile, RejectionsCSV, RejectionsXLSX} {
		data, _ := os.ReadFile(filepath.Join(dir, f))
		if f == RejectionsXLSX {
			data = []byte(sheetXML(t, data))
		}
		if strings.Contains(string(data), "11210110089") || strings.Contains(string(data), "02270803624") {
			t.Errorf("%s holds a full PESEL:\n%s", f, data)
		}
	}
	data, _ := os.ReadFile(filepath.Join(dir, SummaryFile))
	if !strings.Contains(string(data), "0227*****24.jpg") || !strings.Contains(string(data), "Nowak Jan 1b.jpg") {
		t.Errorf("unmatched photos not kept recognisable:\n%s", data)
	}
}

// The secretariat's workbook: "Wiersz" is a number, the catalogue's title,
// action and the Polish detail fill their columns, and a second sheet "Do
// sprawdzenia" lists the warnings and the photos that matched nobody, in
// Polish; the CSV has them as a section after the rejections.
func TestToCheckSheetAndSection(t *testing.T) {
	dir := t.TempDir()
	s := sample()
	s.Rejections[1].Szczegoly = "Data ważności w arkuszu: 31.08.2026; sprawdzono na dzień 15.09.2026."
	s.UnmatchedPhotos = []string{"02270803624.jpg", "Nowak Jan 1b.jpg"}
	s.Warnings = []Warning{
		{File: "x.xlsx", Row: 3, Code: WarnPESELRepaired, Message: "PESEL stored as a number; leading zero restored",
			Szczegoly: "Arkusz podał 10 cyfr; numer uzupełniono zerami do 11 cyfr."},
		{File: "state", Message: "English only, no code"},
	}
	if err := Write(dir, s); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(filepath.Join(dir, RejectionsXLSX))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// Rows 1–3: the title, the as-of date, a blank row; 4: the header.
	if typ, _ := f.GetCellType("Odrzuceni", "B5"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("Wiersz cell type %v, want a number", typ)
	}
	if v, _ := f.GetCellValue("Odrzuceni", "B5"); v != "7" {
		t.Errorf("Wiersz = %q", v)
	}
	rows, _ := f.GetRows("Odrzuceni")
	if got := rows[4]; got[6] != reject.CardExpired.Title() || got[7] != reject.CardExpired.Action() || !strings.Contains(got[8], "31.08.2026") {
		t.Errorf("rejection row %q", got)
	}
	check, err := f.GetRows("Do sprawdzenia")
	if err != nil {
		t.Fatal(err)
	}
	if len(check) != 7 || check[3][0] != "Plik" {
		t.Fatalf("Do sprawdzenia: %q, want title rows, header + repaired PESEL + 2 photos", check)
	}
	var all string
	for _, r := range check[4:] {
		all += strings.Join(r, "|") + "\n"
	}
	for _, want := range []string{"PESEL_REPAIRED", "uzupełniono zerami", "PHOTO_UNMATCHED", "„0227*****24.jpg”", "„Nowak Jan 1b.jpg”", "Zdjęcie nie pasuje do żadnego ucznia."} {
		if !strings.Contains(all, want) {
			t.Errorf("Do sprawdzenia lacks %q:\n%s", want, all)
		}
	}
	if strings.Contains(all, "English only") || strings.Contains(all, "02270803624") {
		t.Errorf("Do sprawdzenia holds English or a full PESEL:\n%s", all)
	}
	csvData, _ := os.ReadFile(filepath.Join(dir, RejectionsCSV))
	if !strings.Contains(string(csvData), "\r\nDo sprawdzenia;") || !strings.Contains(string(csvData), "PHOTO_UNMATCHED") {
		t.Errorf("CSV lacks the section:\n%s", csvData)
	}
}

// sheetXML returns the XML of the first worksheet of an XLSX.
func sheetXML(t *testing.T, data []byte) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name == "xl/worksheets/sheet1.xml" {
			rc, _ := f.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			return string(b)
		}
	}
	t.Fatal("no sheet1.xml")
	return ""
}

// odrzuceni.xlsx opens ready to use: every column sized, <col> elements
// in ascending order (Excel repairs the file otherwise), the header row
// frozen, and a filter on every column.
func TestXLSXLayout(t *testing.T) {
	var b bytes.Buffer
	if err := WriteXLSX(&b, sample().Rejections); err != nil {
		t.Fatal(err)
	}
	x := sheetXML(t, b.Bytes())
	cols := regexp.MustCompile(`<col min="(\d+)" max="(\d+)"[^>]*width="[\d.]+"`).FindAllStringSubmatch(x, -1)
	if len(cols) != len(header) {
		t.Fatalf("%d sized columns, want %d:\n%s", len(cols), len(header), x)
	}
	for i, c := range cols {
		if c[1] != strconv.Itoa(i+1) || c[2] != strconv.Itoa(i+1) {
			t.Errorf("<col> %d is min=%s max=%s: not ascending one per column", i, c[1], c[2])
		}
	}
	if pane := regexp.MustCompile(`<pane [^>]*>`).FindString(x); !strings.Contains(pane, `ySplit="1"`) || !strings.Contains(pane, `state="frozen"`) {
		t.Errorf("header row not frozen:\n%s", x)
	}
	if !regexp.MustCompile(`<autoFilter ref="\$?A\$?1:\$?I\$?3"`).MatchString(x) {
		t.Errorf("no filter over A1:I3:\n%s", x)
	}
}

// A sheet longer than the cap ends with a line pointing to the CSV, and
// is written, never failing on size; below the title rows too.
func TestXLSXSheetCapped(t *testing.T) {
	var ls []line
	for i := 0; i < 12; i++ {
		ls = append(ls, line{file: "a.csv", row: i + 2, code: "PESEL_LENGTH"})
	}
	for _, c := range []struct {
		about about
		above int // rows above the header
	}{{about{}, 0}, {about{school: "SP 7", asOf: "15.09.2026"}, 3}} {
		f := excelize.NewFile()
		defer f.Close()
		if err := writeSheetCapped(f, "Sheet1", ls, 10, c.about); err != nil {
			t.Fatal(err)
		}
		rows, err := f.GetRows("Sheet1")
		if err != nil {
			t.Fatal(err)
		}
		n := c.above + 12
		if len(rows) != n || rows[c.above][0] != "Plik" || !strings.Contains(rows[n-1][0], "10 z 12") || !strings.Contains(rows[n-1][0], "odrzuceni.csv") {
			t.Errorf("%+v: %d rows, last %q; want %d title rows, header, 10 lines and the note", c.about, len(rows), rows[len(rows)-1], c.above)
		}
	}
}

// odrzuceni.csv and .xlsx name the school by its full name (its
// identifier without one) and the as-of date. The CSV keeps its header as
// the first line and every record its nine fields, for scripts: the
// school and date end the file, as label–value rows. The workbook's
// sheets start with a title naming the school, as register.xlsx does,
// with the header frozen and filtered below it.
func TestReportsNameTheSchool(t *testing.T) {
	const name = "Szkoła Podstawowa nr 7 im. Marii Konopnickiej w Krakowie"
	for _, c := range []struct{ schoolName, want string }{{name, name}, {"", "sp7"}} {
		dir := t.TempDir()
		s := sample()
		s.SchoolName = c.schoolName
		s.UnmatchedPhotos = []string{"Nowak Jan 1b.jpg"}
		if err := Write(dir, s); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(filepath.Join(dir, RejectionsCSV))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(data, []byte("\uFEFFPlik;Wiersz;PESEL;")) {
			t.Errorf("CSV does not start with its header:\n%s", data)
		}
		r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\uFEFF"))))
		r.Comma = ';'
		recs, err := r.ReadAll() // fails on a record of another length
		if err != nil {
			t.Fatalf("CSV: %v\n%s", err, data)
		}
		n := len(recs)
		if n < 4 || strings.Join(recs[n-3], "") != "" || recs[n-2][0] != "Szkoła" || recs[n-2][1] != c.want ||
			recs[n-1][0] != "Stan na dzień" || recs[n-1][1] != "15.09.2026" {
			t.Errorf("CSV does not end with the school %q and the date:\n%s", c.want, data)
		}
		if recs[1][5] != string(reject.CardExpired) || recs[2][5] != string(reject.NameInvalid) {
			t.Errorf("rejections moved: %q", recs[1:3])
		}

		f, err := excelize.OpenFile(filepath.Join(dir, RejectionsXLSX))
		if err != nil {
			t.Fatal(err)
		}
		for _, sheet := range []string{"Odrzuceni", "Do sprawdzenia"} {
			rows, _ := f.GetRows(sheet)
			if len(rows) < 5 || rows[0][0] != sheet+" — "+c.want || rows[1][0] != "Stan na dzień 15.09.2026" ||
				len(rows[2]) != 0 || rows[3][0] != "Plik" || rows[4][0] == "" {
				t.Errorf("sheet %s does not start with its title, the date, then the header: %q", sheet, rows)
			}
			if bad := texts.Lint(rows[0][0] + " " + rows[1][0]); len(bad) > 0 {
				t.Errorf("sheet %s title not Polish: %q", sheet, bad)
			}
		}
		f.Close()
		x := sheetXML(t, mustRead(t, filepath.Join(dir, RejectionsXLSX)))
		if pane := regexp.MustCompile(`<pane [^>]*>`).FindString(x); !strings.Contains(pane, `ySplit="4"`) || !strings.Contains(pane, `topLeftCell="A5"`) {
			t.Errorf("header row 4 not frozen: %s", pane)
		}
		if !regexp.MustCompile(`<autoFilter ref="\$?A\$?4:\$?I\$?6"`).MatchString(x) {
			t.Errorf("no filter over A4:I6:\n%s", x)
		}
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
