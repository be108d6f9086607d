// Command gen writes the bundled synthetic school into samples/: the same
// roster as UTF-8 CSV, Windows-1250 CSV and XLSX, and a folder of photos
// named the ways parents name them, with a few hostile files. Every person
// is invented. Run it from the repository root: go run ./samples/gen
package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"log"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"

	"github.com/mlegit/mlegit/pesel"
)

type kid struct {
	surname, first, second, class string
	born                          [3]int // y, m, d
	card, issued, valid           string
	pesel                         string // overrides the computed one
	birthText                     string // overrides the roster's date of birth
	photo                         string // photo file name ("" = none)
}

func main() {
	kids := school()
	must(os.MkdirAll("samples/roster", 0o755))
	must(os.MkdirAll("samples/photos", 0o755))
	header := []string{"Nazwisko", "Imię", "Drugie imię", "Data urodzenia", "PESEL", "Oddział",
		"Numer legitymacji", "Data wydania legitymacji", "Data ważności legitymacji"}
	var rows [][]string
	for i, k := range kids {
		rows = append(rows, []string{k.surname, k.first, k.second, k.birth(), k.id(i), k.class, k.card, k.issued, k.valid})
	}
	csvText := toCSV(header, rows)
	must(os.WriteFile("samples/roster/uczniowie-utf8.csv", []byte(csvText), 0o644))
	cp, err := charmap.Windows1250.NewEncoder().String(strings.ReplaceAll(csvText, "\n", "\r\n"))
	must(err)
	must(os.WriteFile("samples/roster/uczniowie-cp1250.csv", []byte(cp), 0o644))
	writeXLSX("samples/roster/uczniowie.xlsx", header, rows)
	for i, k := range kids {
		if k.photo == "" {
			continue
		}
		kind, name, ok := strings.Cut(k.photo, "|")
		if !ok {
			kind, name = "", k.photo
		}
		name = strings.ReplaceAll(name, "{PESEL}", k.id(i))
		writePhoto(filepath.Join("samples/photos", name), kind, i)
	}
	// Two files for one student (PHOTO_AMBIGUOUS) and one for nobody.
	writePhoto("samples/photos/Jan Mazur 3c.jpg", "", 40)
	writePhoto("samples/photos/Nieznany Uczeń 9z.jpg", "", 41)
	must(os.WriteFile("samples/photos/Thumbs.db", []byte("not a photo"), 0o644))
}

// school is the invented roster: mostly good rows, and one of each
// problem the secretariat meets.
func school() []kid {
	v := "31.08.2027"
	return []kid{
		{surname: "Kamiński", first: "Paweł", class: "1b", born: [3]int{2018, 3, 4}, card: "1/2024", issued: "02.09.2024", valid: v, photo: "Paweł Kamiński 1b.JPG"},
		{surname: "Nowak", first: "Zofia", second: "Maria", class: "1b", born: [3]int{2018, 5, 21}, card: "2/2024", issued: "02.09.2024", valid: v, photo: "nowak_zofia_maria_1B.jpeg"},
		{surname: "Wiśniewska", first: "Łucja", class: "1b", born: [3]int{2018, 1, 30}, card: "3/2024", issued: "02.09.2024", valid: v, photo: "WIŚNIEWSKA Łucja kl. 1b.jpg"},
		{surname: "Wójcik", first: "Jakub", class: "1b", born: [3]int{2018, 11, 2}, card: "4/2024", issued: "02.09.2024", valid: v, photo: "Wojcik-Jakub-1b.jpg"},
		{surname: "Kowalczyk", first: "Zuzanna", class: "2a", born: [3]int{2017, 7, 17}, card: "5/2023", issued: "01.09.2023", valid: v, photo: "{PESEL}.jpg"},
		{surname: "Zieliński", first: "Szymon", class: "2a", born: [3]int{2017, 9, 9}, card: "6/2023", issued: "01.09.2023", valid: v, photo: "{PESEL}.jpg"},
		{surname: "Szymańska", first: "Hanna", class: "2a", born: [3]int{2017, 2, 14}, card: "7/2023", issued: "01.09.2023", valid: v, photo: "Hanna Szymańska 2a.jpg"},
		{surname: "Woźniak", first: "Antoni", class: "2a", born: [3]int{2017, 12, 24}, card: "8/2023", issued: "01.09.2023", valid: v, photo: "woźniak antoni 2a.jpg"},
		{surname: "Dąbrowska", first: "Julia", class: "3c", born: [3]int{2016, 4, 1}, card: "9/2022", issued: "01.09.2022", valid: v, photo: "{PESEL}.jpg"},
		{surname: "Kozłowski", first: "Franciszek", class: "3c", born: [3]int{2016, 6, 6}, card: "10/2022", issued: "01.09.2022", valid: v, photo: "Kozlowski_Franciszek_3c.jpg"},
		{surname: "Jankowska", first: "Maja", class: "3c", born: [3]int{2016, 8, 19}, card: "11/2022", issued: "01.09.2022", valid: v, photo: "{PESEL}.jpg"},
		{surname: "Mazur", first: "Jan", class: "3c", born: [3]int{2016, 10, 10}, card: "12/2022", issued: "01.09.2022", valid: v, photo: "mazur jan 3c.jpg"},
		{surname: "Krawczyk", first: "Aleksander", class: "4a", born: [3]int{2015, 1, 12}, card: "13/2021", issued: "01.09.2021", valid: v, photo: "bomb|{PESEL}.jpg"},
		{surname: "Piotrowska", first: "Oliwia", class: "4a", born: [3]int{2015, 3, 3}, card: "14/2021", issued: "01.09.2021", valid: v, photo: "truncated|{PESEL}.jpg"},
		{surname: "Grabowski", first: "Stanisław", class: "4a", born: [3]int{2015, 5, 5}, card: "15/2021", issued: "01.09.2021", valid: v, photo: "empty|{PESEL}.jpg"},
		{surname: "Pawłowska-Żak", first: "Gabriela", class: "4a", born: [3]int{2015, 7, 7}, card: "16/2021", issued: "01.09.2021", valid: v, photo: "small|{PESEL}.jpg"},
		{surname: "Michalski", first: "Wojciech", class: "5b", born: [3]int{2014, 2, 28}, card: "17/2020", issued: "01.09.2020", valid: v, photo: "gray|Michalski Wojciech 5b.jpg"},
		{surname: "Król", first: "Amelia", class: "5b", born: [3]int{2014, 9, 30}, card: "18/2020", issued: "01.09.2020", valid: v, photo: "png|Król Amelia 5b.jpg"},
		{surname: "Sikora", first: "Wiktoria", class: "8a", born: [3]int{2009, 2, 11}, card: "29/2017", issued: "01.09.2017", valid: v, photo: "{PESEL}.jpg"},    // leading zero in PESEL
		{surname: "Lis", first: "Oskar", class: "8a", born: [3]int{2009, 9, 9}, card: "30/2017", issued: "01.09.2017", valid: v, photo: "avif|Lis Oskar 8a.jpg"}, // PHOTO_FORMAT
		// Rejected rows, one of each kind.
		{surname: "Wieczorek", first: "Igor", class: "5b", born: [3]int{2014, 4, 4}, card: "19/2020", issued: "01.09.2020", valid: v, pesel: "14240400000"},       // PESEL_CHECKSUM
		{surname: "Jabłońska", first: "Nikola", class: "5b", born: [3]int{2014, 6, 16}, card: "20/2020", issued: "01.09.2020", valid: v, birthText: "16.07.2014"}, // PESEL_BIRTHDATE_MISMATCH
		{surname: "Wróbel", first: "Tymon", class: "6a", born: [3]int{2013, 3, 8}, card: "", issued: "", valid: ""},                                               // CARD_MISSING
		{surname: "Nowakowska", first: "Lena", class: "6a", born: [3]int{2013, 5, 12}, card: "22/2019", issued: "01.09.2019", valid: "31.08.2026"},                // CARD_EXPIRED
		{surname: "=HYPERLINK(\"http://example.invalid\")", first: "Ola", class: "6a", born: [3]int{2013, 8, 8}, card: "23/2019", issued: "01.09.2019", valid: v}, // NAME_INVALID
		{surname: "Majewski", first: "Kacper", class: "6a", born: [3]int{2013, 1, 1}, card: "24/2019", issued: "01.09.2019", valid: v, pesel: "DUP"},              // DUPLICATE_PESEL
		{surname: "Majewska", first: "Kornelia", class: "6a", born: [3]int{2013, 1, 1}, card: "25/2019", issued: "01.09.2019", valid: v, pesel: "DUP"},            // DUPLICATE_PESEL
		{surname: "Olszewski", first: "Bartosz", class: "6a", born: [3]int{2013, 10, 3}, card: "26/2019", issued: "01.09.2019", valid: v, pesel: "1310"},          // PESEL_LENGTH
		{surname: "Stępień", first: "Marcel", class: "7a", born: [3]int{2012, 12, 1}, card: "27/2018", issued: "01.09.2018", valid: v},                            // PHOTO_MISSING
		{surname: "Dudek", first: "Pola", class: "7a", born: [3]int{2012, 6, 30}, card: "28/2018", issued: "01.09.2018", valid: v, photo: "rotated|Dudek Pola 7a.jpg"},
	}
}

// id returns the row's PESEL: the override, or one computed from the
// date of birth with a serial derived from the row index.
func (k kid) id(i int) string {
	y, m, d := k.born[0], k.born[1], k.born[2]
	if y >= 2000 {
		m += 20
	}
	serial := fmt.Sprintf("%03d%d", 100+i*7, i%10)
	base := fmt.Sprintf("%02d%02d%02d%s", y%100, m, d, serial)
	switch k.pesel {
	case "":
		return base + fmt.Sprint(pesel.Checksum(base))
	case "DUP":
		b := fmt.Sprintf("%02d%02d%02d1234", y%100, m, d)
		return b + fmt.Sprint(pesel.Checksum(b))
	}
	return k.pesel
}

func (k kid) birth() string {
	if k.birthText != "" {
		return k.birthText
	}
	return fmt.Sprintf("%02d.%02d.%04d", k.born[2], k.born[1], k.born[0])
}

func toCSV(header []string, rows [][]string) string {
	var b strings.Builder
	line := func(cells []string) {
		for i, c := range cells {
			if i > 0 {
				b.WriteByte(';')
			}
			if strings.ContainsAny(c, ";\"\n") {
				c = `"` + strings.ReplaceAll(c, `"`, `""`) + `"`
			}
			b.WriteString(c)
		}
		b.WriteByte('\n')
	}
	line(header)
	for _, r := range rows {
		line(r)
	}
	return b.String()
}

// writeXLSX writes the roster below a title row, as UONET+ exports do,
// with dates as date cells and PESELs as numbers (losing leading zeros).
func writeXLSX(path string, header []string, rows [][]string) {
	f := excelize.NewFile()
	defer f.Close()
	s := "Uczniowie"
	must(f.SetSheetName("Sheet1", s))
	must(f.SetCellValue(s, "A1", "Lista uczniów — Szkoła Podstawowa nr 7 (dane fikcyjne)"))
	must(f.SetSheetRow(s, "A3", &header))
	dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	must(err)
	for i, r := range rows {
		vals := make([]any, len(r))
		for j, c := range r {
			vals[j] = c
		}
		row := i + 4
		// Birth date and card dates as real date cells.
		for _, j := range []int{3, 7, 8} {
			if t, ok := dmy(r[j]); ok {
				vals[j] = t
			}
		}
		// PESEL as a number when it is all digits (how Excel stores it).
		if n, ok := digits(r[4]); ok {
			vals[4] = n
		}
		cell, _ := excelize.CoordinatesToCellName(1, row)
		must(f.SetSheetRow(s, cell, &vals))
		for _, j := range []int{3, 7, 8} {
			c, _ := excelize.CoordinatesToCellName(j+1, row)
			must(f.SetCellStyle(s, c, c, dateStyle))
		}
	}
	must(f.SaveAs(path))
}

// dmy turns DD.MM.RRRR into a time for a date cell.
func dmy(s string) (time.Time, bool) {
	t, err := time.Parse("02.01.2006", s)
	return t, err == nil
}

// digits returns s as a number when it is all digits.
func digits(s string) (int64, bool) {
	if s == "" || strings.Trim(s, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

func must(err error) {
	if err != nil {
		log.Fatal(err)
	}
}

// portrait draws an invented face: light background, head, shoulders.
func portrait(w, h, seed int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	hue := float64(seed%7) / 7
	bg := color.RGBA{235, 238, 242, 255}
	shirt := color.RGBA{uint8(60 + 150*hue), 90, uint8(200 - 120*hue), 255}
	skin := color.RGBA{232, 190, 160, 255}
	hair := color.RGBA{uint8(40 + seed*13%120), uint8(30 + seed*7%60), 20, 255}
	cx, cy := float64(w)/2, float64(h)*0.42
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			fx, fy := float64(x), float64(y)
			c := bg
			dx, dy := (fx-cx)/(float64(w)*0.22), (fy-cy)/(float64(h)*0.2)
			if fy > float64(h)*0.72 && math.Abs(fx-cx) < float64(w)*0.45-(float64(h)-fy)*0.3 {
				c = shirt
			}
			if dx*dx+dy*dy < 1 {
				c = skin
				if fy < cy-float64(h)*0.08 {
					c = hair
				}
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

func writeJPEG(path string, img image.Image, app1 []byte) {
	var b bytes.Buffer
	must(jpeg.Encode(&b, img, &jpeg.Options{Quality: 80}))
	data := b.Bytes()
	if app1 != nil {
		data = append(append(append([]byte{}, data[:2]...), app1...), data[2:]...)
	}
	must(os.WriteFile(path, data, 0o644))
}

// exifOrientation builds an APP1 segment holding only the Orientation tag.
func exifOrientation(o uint16) []byte {
	var t bytes.Buffer
	t.WriteString("Exif\x00\x00")
	t.WriteString("MM\x00\x2a")
	binary.Write(&t, binary.BigEndian, uint32(8))
	binary.Write(&t, binary.BigEndian, uint16(1))
	binary.Write(&t, binary.BigEndian, []uint16{0x0112, 3})
	binary.Write(&t, binary.BigEndian, uint32(1))
	binary.Write(&t, binary.BigEndian, []uint16{o, 0})
	binary.Write(&t, binary.BigEndian, uint32(0))
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(t.Len()+2))
	return append(seg, t.Bytes()...)
}

// writePhoto writes one photo of the given kind: a plain portrait, or one
// of the hostile files parents send — a phone photo lying on its side
// (EXIF orientation 6), a PNG named .jpg, a grayscale scan, a truncated
// upload, a decompression bomb's header, an empty file, a thumbnail.
func writePhoto(path, kind string, seed int) {
	switch kind {
	case "":
		writeJPEG(path, portrait(600, 800, seed), nil)
	case "rotated":
		writeJPEG(path, rotate90(portrait(800, 600, seed)), exifOrientation(6))
	case "png":
		var b bytes.Buffer
		must(png.Encode(&b, portrait(480, 600, seed)))
		must(os.WriteFile(path, b.Bytes(), 0o644))
	case "gray":
		src := portrait(500, 640, seed)
		gray := image.NewGray(src.Bounds())
		for y := 0; y < 640; y++ {
			for x := 0; x < 500; x++ {
				gray.Set(x, y, src.At(x, y))
			}
		}
		writeJPEG(path, gray, nil)
	case "truncated":
		var b bytes.Buffer
		must(jpeg.Encode(&b, portrait(600, 800, seed), nil))
		must(os.WriteFile(path, b.Bytes()[:b.Len()/3], 0o644))
	case "bomb":
		// A small JPEG whose header claims 60000x60000 pixels: it must be
		// refused before decoding (a decompression bomb).
		var b bytes.Buffer
		must(jpeg.Encode(&b, portrait(64, 80, seed), nil))
		data := b.Bytes()
		sof := bytes.Index(data, []byte{0xFF, 0xC0})
		binary.BigEndian.PutUint16(data[sof+5:], 60000)
		binary.BigEndian.PutUint16(data[sof+7:], 60000)
		must(os.WriteFile(path, data, 0o644))
	case "avif":
		// An AVIF (AV1 in HEIF, which mlegit does not read) renamed .jpg:
		// an ISO-BMFF 'ftyp avif' header. HEIC itself is read.
		avif := append([]byte{0, 0, 0, 0x18}, []byte("ftypavif\x00\x00\x00\x00mif1avif")...)
		must(os.WriteFile(path, append(avif, make([]byte, 64)...), 0o644))
	case "empty":
		must(os.WriteFile(path, nil, 0o644))
	case "small":
		writeJPEG(path, portrait(160, 200, seed), nil)
	default:
		log.Fatalf("unknown photo kind %q", kind)
	}
}

func rotate90(src *image.RGBA) *image.RGBA {
	b := src.Bounds()
	dst := image.NewRGBA(image.Rect(0, 0, b.Dy(), b.Dx()))
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			// Stored rotated 90° counter-clockwise; orientation 6 turns it back.
			dst.Set(y, b.Dx()-1-x, src.At(x, y))
		}
	}
	return dst
}
