package slips

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/gomonobold"
	"golang.org/x/image/font/gofont/goregular"

	"github.com/mlegit/mlegit/codes"
	"github.com/mlegit/mlegit/pesel"
)

// Slip geometry in millimetres. A slip is A6 portrait; the print sheet scales
// it by 1 (4 per A4 portrait) or √2 (2 per A4 landscape, each slip A5).
const (
	slipW  = 105.0
	slipH  = 148.5
	margin = 7.0
	innerW = slipW - 2*margin
	// qrBoxMM is the QR symbol with its 4-module quiet zone: the symbol
	// itself is 33 mm (version 1) to 40 mm (version 10) wide, at least the
	// 30 mm that scans from paper, and the layout does not move with it.
	qrBoxMM = 46.0
	stubH   = 20.0 // the tear-off strip at the foot
	ptToMM  = 25.4 / 72
)

// Font families EmbedFonts registers: Go's own Unicode TTFs, so Polish
// letters print.
const (
	FontSans = "gosans" // regular and bold
	FontMono = "gomono" // bold only

	sans = FontSans
	mono = FontMono
)

// EmbedFonts registers FontSans (regular, bold) and FontMono (bold) in pdf;
// fpdf embeds them on output as subsets of the glyphs used.
//
// fpdf writes into the font bytes it is given while it subsets them
// (utf8FontFile.getMetrics appends into a sub-slice of the file), so every
// document gets its own copy: the gofont arrays are shared by the whole
// process and by concurrent renders.
func EmbedFonts(pdf *fpdf.Fpdf) {
	pdf.AddUTF8FontFromBytes(sans, "", bytes.Clone(goregular.TTF))
	pdf.AddUTF8FontFromBytes(sans, "B", bytes.Clone(gobold.TTF))
	pdf.AddUTF8FontFromBytes(mono, "B", bytes.Clone(gomonobold.TTF))
}

// Texts printed on every slip.
const (
	watermarkText = "WZÓR — NIEWAŻNY"
	pickupText    = "Odebrałem/am: data ……………… podpis ………………………"
)

var steps = [...]string{
	"Otwórz aplikację mObywatel → mObywatel Junior / Dokumenty.",
	"Wybierz „Dodaj dokument” → Legitymacja szkolna.",
	"Zeskanuj kod QR z tego odcinka.",
	"Wpisz kod aktywacyjny.",
}

// newPDF starts a document in millimetres with the three fonts the slips
// use, each parsed once per document and embedded as a subset on output.
// The document is dated created (the codes' generation time), not the
// clock. (The bytes still differ between runs: fpdf subsets fonts in map
// order.)
func newPDF(orientation string, size fpdf.SizeType, compress bool, created time.Time) *fpdf.Fpdf {
	pdf := fpdf.NewCustom(&fpdf.InitType{OrientationStr: orientation, UnitStr: "mm", Size: size})
	pdf.SetCompression(compress)
	if created.IsZero() {
		created = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	pdf.SetCreationDate(created)
	pdf.SetModificationDate(created)
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetMargins(0, 0, 0)
	pdf.SetCreator("mlegit", true)
	EmbedFonts(pdf)
	return pdf
}

// slip is one student's slip, validated and ready to draw.
type slip struct {
	school string
	entry  codes.Entry
	qr     qrMatrix
}

func newSlip(school string, e codes.Entry) (slip, error) {
	who := pesel.Masked(e.PESEL)
	if strings.TrimSpace(e.ActivationCode) == "" {
		return slip{}, fmt.Errorf("slip for %s: empty activation code", who)
	}
	q, err := encodeQR(e.QR)
	if err != nil {
		return slip{}, fmt.Errorf("slip for %s: %w", who, err)
	}
	return slip{school: school, entry: e, qr: q}, nil
}

// FullName is the student's names in reading order: first, second, surname.
func FullName(e codes.Entry) string {
	return strings.Join(strings.Fields(e.FirstName+" "+e.SecondName+" "+e.Surname), " ")
}

// GroupCode spaces an activation code into groups of four for reading aloud:
// "abcdefghjk" → "ABCD EFGH JK". Spaces and hyphens in the input are
// dropped first, so an already grouped code is regrouped the same way.
func GroupCode(code string) string {
	var b strings.Builder
	n := 0
	for _, r := range code {
		if unicode.IsSpace(r) || r == '-' {
			continue
		}
		if n > 0 && n%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(unicode.ToUpper(r))
		n++
	}
	return b.String()
}

// FormatDate prints a date as DD.MM.RRRR in the time's own location (the
// codes importer decides the zone), or "—" for the zero time.
func FormatDate(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.Format("02.01.2006")
}

// draw paints the slip with its top-left corner at (x0, y0), in slip
// coordinates (the caller may scale them).
func (s slip) draw(pdf *fpdf.Fpdf, x0, y0 float64) {
	e := s.entry
	if e.Simulated {
		drawWatermark(pdf, x0, y0)
	}
	x := x0 + margin
	y := y0 + margin

	// Header: school, title, rule.
	pdf.SetTextColor(90, 90, 90)
	pdf.SetFont(sans, "", 7.5)
	for _, line := range firstLines(pdf.SplitText(s.school, innerW), 2) {
		y += 7.5 * ptToMM
		pdf.Text(x, y, line)
		y += 0.8
	}
	pdf.SetTextColor(0, 0, 0)
	pdf.SetFont(sans, "B", 12)
	y += 12*ptToMM + 0.5
	pdf.Text(x, y, "mLegitymacja szkolna")
	pdf.SetFont(sans, "B", 7.5)
	pdf.SetTextColor(170, 0, 0)
	label := "POUFNE"
	pdf.Text(x+innerW-pdf.GetStringWidth(label), y, label)
	pdf.SetTextColor(0, 0, 0)
	y += 2
	pdf.SetDrawColor(0, 0, 0)
	pdf.SetLineWidth(0.3)
	pdf.Line(x, y, x+innerW, y)

	// Student.
	y += 2.5
	size := fitSize(pdf, sans, "B", FullName(e), innerW, 14, 9)
	y += size * ptToMM
	pdf.Text(x, y, FullName(e))

	// QR on the left (its quiet zone reaching into the slip's margin),
	// facts on the right, top-aligned with the symbol.
	y += 1.5
	qrX := x0 + 2
	top := s.drawQR(pdf, qrX, y)
	fx := qrX + qrBoxMM + 1
	fy := top - 1.5
	for _, f := range [...]struct {
		label, value string
		bold         bool
	}{
		{"Klasa", e.Class, true},
		{"PESEL", pesel.Masked(e.PESEL), false},
		{"Nr legitymacji", orDash(e.CardNumber), false},
		{"Wygenerowano", FormatDate(e.Generated), false},
		{"Ważny do", FormatDate(e.ValidUntil), true},
	} {
		pdf.SetTextColor(90, 90, 90)
		pdf.SetFont(sans, "", 6.5)
		fy += 6.5 * ptToMM
		pdf.Text(fx, fy, f.label)
		pdf.SetTextColor(0, 0, 0)
		style := ""
		if f.bold {
			style = "B"
		}
		pdf.SetFont(sans, style, 10)
		fy += 10*ptToMM + 0.2
		pdf.Text(fx, fy, f.value)
		fy += 1.4
	}
	y += qrBoxMM

	// Activation code, boxed, in large monospace.
	pdf.SetFont(sans, "B", 8)
	y += 8 * ptToMM
	pdf.Text(x, y, "Kod aktywacyjny")
	y += 1.5
	code := GroupCode(e.ActivationCode)
	boxH := 11.0
	pdf.SetFillColor(240, 240, 240)
	pdf.SetLineWidth(0.3)
	pdf.Rect(x, y, innerW, boxH, "FD")
	size = fitSize(pdf, mono, "B", code, innerW-6, 20, 9)
	w := pdf.GetStringWidth(code)
	pdf.Text(x+(innerW-w)/2, y+boxH/2+size*ptToMM*0.36, code)
	y += boxH

	// Steps.
	pdf.SetFont(sans, "B", 8)
	y += 3.2 + 8*ptToMM
	pdf.Text(x, y, "Jak aktywować legitymację")
	pdf.SetFont(sans, "", 7.5)
	for i, step := range steps {
		num := fmt.Sprintf("%d.", i+1)
		for j, line := range pdf.SplitText(step, innerW-4) {
			y += 7.5*ptToMM + 0.9
			if j == 0 {
				pdf.Text(x, y, num)
			}
			pdf.Text(x+4, y, line)
		}
	}
	pdf.SetFont(sans, "B", 8)
	y += 8*ptToMM + 2
	pdf.Text(x, y, "Kod należy aktywować do "+FormatDate(e.ValidUntil)+".")
	pdf.SetFont(sans, "", 6.5)
	pdf.SetTextColor(90, 90, 90)
	y += 6.5*ptToMM + 1
	pdf.Text(x, y, "Kod jest poufny — nie udostępniaj go nikomu poza uczniem i opiekunem.")
	pdf.SetTextColor(0, 0, 0)

	s.drawStub(pdf, x0, y0+slipH-stubH)
}

// drawStub paints the tear-off strip at the foot of the slip, with its top
// edge at y: the secretariat cuts it off and keeps it as the pickup record.
func (s slip) drawStub(pdf *fpdf.Fpdf, x0, y float64) {
	x := x0 + margin
	pdf.SetLineWidth(0.2)
	pdf.SetDrawColor(120, 120, 120)
	pdf.SetDashPattern([]float64{1.2, 1}, 0)
	pdf.Line(x0+2, y, x0+slipW-2, y)
	pdf.SetDashPattern(nil, 0)
	pdf.SetFont(sans, "", 6)
	note := "odetnij — część dla sekretariatu"
	w := pdf.GetStringWidth(note) + 3
	pdf.SetFillColor(255, 255, 255)
	pdf.Rect(x0+(slipW-w)/2, y-1.5, w, 3, "F")
	pdf.SetTextColor(90, 90, 90)
	pdf.Text(x0+(slipW-w)/2+1.5, y+6*ptToMM*0.35, note)
	pdf.SetTextColor(0, 0, 0)

	e := s.entry
	who := FullName(e) + ", kl. " + e.Class + ", PESEL " + pesel.Masked(e.PESEL)
	fitSize(pdf, sans, "B", who, innerW, 8, 6)
	y += 6.5
	pdf.Text(x, y, who)
	pdf.SetFont(sans, "", 8)
	y += 7
	pdf.Text(x, y, pickupText)
}

// drawQR paints the symbol and its quiet zone as a white qrBoxMM square
// with its top-left corner at (bx, by), and returns the y of the symbol's
// top edge. All dark rectangles are one path, filled once, so viewers show
// no seams between rows.
func (s slip) drawQR(pdf *fpdf.Fpdf, bx, by float64) float64 {
	mod := qrBoxMM / float64(s.qr.size+2*qrQuiet)
	pdf.SetFillColor(255, 255, 255)
	pdf.Rect(bx, by, qrBoxMM, qrBoxMM, "F")
	x, y := bx+qrQuiet*mod, by+qrQuiet*mod
	k := pdf.GetConversionRatio()
	_, pageH := pdf.GetPageSize()
	b := make([]byte, 0, 32*len(s.qr.rects)+16)
	b = append(b, "q 0 g\n"...)
	for _, r := range s.qr.rects {
		for _, v := range [4]float64{
			(x + float64(r.x)*mod) * k, (pageH - y - float64(r.y)*mod) * k,
			float64(r.w) * mod * k, -float64(r.h) * mod * k,
		} {
			b = strconv.AppendFloat(b, v, 'f', 2, 64)
			b = append(b, ' ')
		}
		b = append(b, "re\n"...)
	}
	b = append(b, "f Q\n"...)
	pdf.RawWriteStr(string(b))
	return y
}

// drawWatermark lays "WZÓR — NIEWAŻNY" diagonally across the slip, light and
// translucent, under everything else.
func drawWatermark(pdf *fpdf.Fpdf, x0, y0 float64) {
	cx, cy := x0+slipW/2, y0+slipH/2
	pdf.TransformBegin()
	pdf.TransformRotate(math.Atan2(slipH, slipW)*180/math.Pi, cx, cy)
	pdf.SetAlpha(0.22, "Normal")
	pdf.SetTextColor(200, 0, 0)
	pdf.SetFont(sans, "B", 34)
	w := pdf.GetStringWidth(watermarkText)
	pdf.Text(cx-w/2, cy+34*ptToMM*0.35, watermarkText)
	pdf.SetAlpha(1, "Normal")
	pdf.TransformEnd()
	pdf.SetTextColor(0, 0, 0)
}

// fitSize returns the largest font size from max down to min (in half
// points) at which text fits width, and leaves that font set.
func fitSize(pdf *fpdf.Fpdf, family, style, text string, width, max, min float64) float64 {
	size := max
	pdf.SetFont(family, style, size)
	for size > min && pdf.GetStringWidth(text) > width {
		size -= 0.5
		pdf.SetFontSize(size)
	}
	return size
}

func firstLines(lines []string, n int) []string {
	if len(lines) > n {
		lines = lines[:n]
		lines[n-1] += "…"
	}
	return lines
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}
