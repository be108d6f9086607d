package main

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/viper"
	"github.com/xuri/excelize/v2"

	"github.com/mlegit/mlegit/config"
	"github.com/mlegit/mlegit/pesel"
	"github.com/mlegit/mlegit/report"
	"github.com/mlegit/mlegit/texts"
)

// polishDocs is every document of OUT the secretariat or a parent reads,
// with how to read its text.
var polishDocs = []string{
	"odrzuceni.csv", "odrzuceni.xlsx", "status.xlsx",
	"codes/odrzucone_kody.csv", "codes/odrzucone_aktywacje.csv",
	"register/rejestr.xlsx", "register/rejestr.pdf", "slips/wszystkie.pdf",
}

// A school with every kind of bad row, photo, codes row and activation
// row goes through the whole flow; every Polish document it writes (CSV,
// every sheet of every workbook, the text of every PDF) holds no English
// words, no ISO date and no raw library message, and names the school by
// its full name, never by its identifier.
func TestEveryPolishDocumentIsPolish(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil && os.Getenv("CI") == "" {
		t.Skip("pdftotext not installed (apt-get install poppler-utils)")
	}
	roster, photos, out := school(t)
	// The sample school holds one of most bad rows (short, bad-checksum,
	// duplicate PESELs, formula name, no card, expired card, unmatched and
	// ambiguous photos); add the rest.
	f, _ := os.OpenFile(roster, os.O_APPEND|os.O_WRONLY, 0o600)
	f.WriteString(strings.Join([]string{
		"Zając;Ewa;;32.13.2012;12320129686;7a;31/2018;01.09.2018;31.08.2027",                        // impossible date (and a duplicate PESEL)
		"Wilk;Adam;;wrzesień;12263030391;7a;32/2018;01.09.2018;31.08.2027",                          // no date at all
		";Bogdan;;01.01.2012;12210112341;7a;33/2018;01.09.2018;31.08.2027",                          // no surname
		"Kot;J4n;;01.01.2012;12210112358;7a;34/2018;01.09.2018;31.08.2027",                          // digit in a name
		"Baran;Iga;;05.03.2012;12230512345;7a;35/2018;01.09.2018;31.08.2027",                        // PESEL date ≠ birth date, bad checksum
		`Lew;"Ol"a;;01.01.2012;12210112365;7a;36/2018;01.09.2018;31.08.2027`,                        // bare quote: unreadable row
		"Sowa;Ola;;01.01.2012;" + validPESEL(t, "1221010123") + ";7a;37/2018;01.09.2018;31.08.2027", // no photo
	}, "\n") + "\n")
	f.Close()
	small := jpegOf(t, 160, 200)
	for name, data := range map[string][]byte{
		"Zając Ewa 7a.jpg":       jpegOf(t, 600, 750),
		"Wilk Adam 7a.jpg":       small,                                     // too small
		"Kot J4n 7a.jpg":         small,                                     // (row rejected anyway)
		"12263030391.jpg":        jpegOf(t, 600, 750)[:700],                 // truncated: unreadable
		"Dudek Pola 7a.jpg":      {},                                        // empty
		"Stępień Marcel 7a.jpg":  append([]byte("BM"), make([]byte, 64)...), // BMP: format
		"wakacje.jpg":            jpegOf(t, 600, 750),                       // matches nobody
		"Majewski Kacper 6a.jpg": hugeJPEG(t),                               // too many pixels
	} {
		os.WriteFile(filepath.Join(photos, name), data, 0o600)
	}
	os.MkdirAll(filepath.Join(photos, "klasa 8a"), 0o700)

	const asOf = "2026-09-15"
	if code, _, stderr := mlegit(t, "run", "--roster", roster, "--photos", photos, "--out", out, "--as-of", asOf); code != exitRejected {
		t.Fatalf("run: exit %d\n%s", code, stderr)
	}
	pkgs, _ := filepath.Glob(filepath.Join(out, "package", "*.zip"))
	if len(pkgs) != 1 {
		t.Fatalf("packages %v", pkgs)
	}
	kody := filepath.Join(t.TempDir(), "kody.csv")
	if code, _, stderr := mlegit(t, "portal-sim", "--package", pkgs[0], "--out", kody, "--as-of", asOf); code != exitOK {
		t.Fatalf("portal-sim: exit %d\n%s", code, stderr)
	}
	data, _ := os.ReadFile(kody)
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) < 7 {
		t.Fatalf("codes file of %d lines", len(lines))
	}
	row := func(i int) []string { return strings.Split(lines[i], ";") }
	set := func(i int, col int, v string) {
		r := row(i)
		r[col] = v
		lines[i] = strings.Join(r, ";")
	}
	set(2, 1, "")                                                                   // empty kod_qr
	set(3, 3, "15.09.2026")                                                         // a date not as the portal writes it
	set(4, 4, "2026-09-01")                                                         // valid before generated
	set(5, 4, row(5)[3])                                                            // valid only until the moment generated: expired on the import's day
	lines = append(lines, lines[1], "12345678901;QRX;ABCD;2026-09-15;2026-10-15;1") // a duplicate, a bad PESEL
	os.WriteFile(kody, []byte(strings.Join(lines, "\n")+"\n"), 0o600)
	if code, _, stderr := mlegit(t, "codes", "import", "--file", kody, "--out", out, "--as-of", "2026-09-16"); code != exitRejected {
		t.Fatalf("codes import: exit %d\n%s", code, stderr)
	}
	for _, args := range [][]string{
		{"slips", "--out", out, "--as-of", "2026-09-16"},
		{"register", "--out", out, "--as-of", "2026-09-16"},
		{"status", "--out", out, "--as-of", "2026-09-28"},
	} {
		if code, _, stderr := mlegit(t, args...); code != exitOK {
			t.Fatalf("%s: exit %d\n%s", args[0], code, stderr)
		}
	}
	acts := filepath.Join(t.TempDir(), "aktywacje.csv")
	os.WriteFile(acts, []byte("pesel;aktywowano\n11210110088;2026-09-20\n18230410005;wczoraj\n"+
		"02270803624;2026-09-20\n18252110714;2026-09-21\n18252110714;2026-09-22\n"), 0o600)
	if code, _, stderr := mlegit(t, "codes", "activations", "--file", acts, "--out", out); code != exitRejected {
		t.Fatalf("activations: exit %d\n%s", code, stderr)
	}

	// What the school is called, and what it must not be called.
	const name, id = "Szkoła Podstawowa nr 7 im. Marii Skłodowskiej-Curie (dane fikcyjne)", "sp7-demo"
	pkgName := regexp.MustCompile(`mlegitymacja-` + id + `-\d{8}(-\d+)?\.zip`)
	seen := map[string]bool{}
	for _, doc := range polishDocs {
		text := docText(t, filepath.Join(out, doc))
		if strings.Contains(strings.Join(strings.Fields(text), " "), name) {
			seen[doc] = true
		}
		text = pkgName.ReplaceAllString(text, "")
		text = strings.ReplaceAll(text, "http://example.invalid", "") // a student's name (the formula row)
		if strings.Contains(text, id) {
			t.Errorf("%s names the school by its identifier %q", doc, id)
		}
		// The codes themselves (QR payload and activation code, in groups of
		// four capitals and digits) are not words.
		text = codeGroups.ReplaceAllString(text, "")
		if bad := texts.Lint(texts.StripCodes(text)); len(bad) > 0 {
			t.Errorf("%s is not all Polish: %q", doc, bad)
		}
	}
	for _, doc := range []string{"status.xlsx", "register/rejestr.xlsx", "register/rejestr.pdf", "slips/wszystkie.pdf"} {
		if !seen[doc] {
			t.Errorf("%s does not name the school %q", doc, name)
		}
	}

	// Every kind was really there: the check above read them all.
	all := docText(t, filepath.Join(out, "odrzuceni.csv")) + docText(t, filepath.Join(out, "codes/odrzucone_kody.csv")) +
		docText(t, filepath.Join(out, "codes/odrzucone_aktywacje.csv"))
	for _, code := range []string{
		"PESEL_LENGTH", "PESEL_CHECKSUM", "PESEL_BIRTHDATE_MISMATCH", "CARD_MISSING", "CARD_EXPIRED", "NAME_MISSING",
		"NAME_INVALID", "DATE_INVALID", "DUPLICATE_PESEL", "ROW_UNREADABLE", "PHOTO_MISSING", "PHOTO_AMBIGUOUS",
		"PHOTO_TOO_SMALL", "PHOTO_UNREADABLE", "PHOTO_FORMAT", "PHOTO_TOO_LARGE",
		"CODES_PESEL_UNKNOWN", "CODES_DUPLICATE", "CODES_DATE_INVALID", "CODES_EXPIRED", "CODES_FIELD_MISSING",
		"ACTIVATION_PESEL_INVALID", "ACTIVATION_DATE_INVALID", "ACTIVATION_DUPLICATE", "ACTIVATION_STUDENT_UNKNOWN",
		report.WarnPhotoUnmatched, report.WarnPhotoSubfolder,
	} {
		if !strings.Contains(all, code) {
			t.Errorf("no %s in the secretariat's files: the school did not exercise it", code)
		}
	}
	// The details say what exactly, in Polish, with the values.
	for _, want := range []string{"160×200 px, a potrzeba co najmniej 480×600 px", "„32.13.2012” — takiego dnia nie ma w kalendarzu",
		"„wrzesień” — to nie jest data", "Nazwij plik np. „", "Do sprawdzenia", "„wakacje.jpg”", "„klasa 8a”"} {
		if !strings.Contains(all, want) {
			t.Errorf("odrzuceni.csv lacks %q", want)
		}
	}
}

var codeGroups = regexp.MustCompile(`\b[A-Z2-7]{1,4}\b`)

// docText returns the text of a document: a CSV as it is, every cell of
// every sheet of a workbook, the text of a PDF (pdftotext).
func docText(t *testing.T, path string) string {
	t.Helper()
	switch filepath.Ext(path) {
	case ".csv":
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	case ".xlsx":
		f, err := excelize.OpenFile(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		var b strings.Builder
		for _, sheet := range f.GetSheetList() {
			b.WriteString(sheet + "\n")
			rows, err := f.GetRows(sheet)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rows {
				b.WriteString(strings.Join(r, " | ") + "\n")
			}
		}
		return b.String()
	case ".pdf":
		out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
		if err != nil {
			t.Fatalf("pdftotext %s: %v", path, err)
		}
		return string(out)
	}
	t.Fatalf("no reader for %s", path)
	return ""
}

// jpegOf is a w×h JPEG.
func jpegOf(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 7)
	}
	img.Set(0, 0, color.White)
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// hugeJPEG is a small JPEG whose header claims 12000×9000 pixels.
func hugeJPEG(t *testing.T) []byte {
	t.Helper()
	data := jpegOf(t, 64, 64)
	i := bytes.Index(data, []byte{0xFF, 0xC0})
	if i < 0 {
		t.Fatal("no SOF0 in the JPEG")
	}
	binary.BigEndian.PutUint16(data[i+5:], 9000)
	binary.BigEndian.PutUint16(data[i+7:], 12000)
	return data
}

// validPESEL completes ten digits with their check digit.
func validPESEL(t *testing.T, ten string) string {
	t.Helper()
	p := ten + string(rune('0'+pesel.Checksum(ten)))
	if _, err := pesel.Parse(p); err != nil {
		t.Fatalf("PESEL %s: %v", p, err)
	}
	return p
}

// Each school of a district config is named by its own entry (name, or
// school_name as in a one-school config); a school not listed falls back
// to the top-level school_name.
func TestSchoolNameFromDistrictConfig(t *testing.T) {
	v := viper.New()
	v.SetConfigType("yaml")
	if err := v.ReadConfig(strings.NewReader(`
school_name: "Zespół Szkół"
schools:
  - id: sp1
    name: "Szkoła Podstawowa nr 1"
  - id: sp2
    school_name: "Szkoła Podstawowa nr 2"
`)); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]string{"sp1": "Szkoła Podstawowa nr 1", "sp2": "Szkoła Podstawowa nr 2", "sp9": "Zespół Szkół"} {
		if got := schoolName(&config.Config{School: id, SchoolName: "Zespół Szkół"}, v); got != want {
			t.Errorf("%s: %q, want %q", id, got, want)
		}
	}
}
