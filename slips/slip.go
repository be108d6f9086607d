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
// letters print. The "tag" in front marks them for Output, which names
// each embedded subset as one.
const (
	FontSans = "taggosans" // regular and bold
	FontMono = "taggomono" // bold only

	sans = FontSans
	mono = FontMono
)

// EmbedFonts registers FontSans (regular, bold) and FontMono (bold) in pdf;
// fpdf embeds them on output as subsets of the glyphs used. Write the
// document with Output, which tags the subsets.
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
	// heading names what the parent does with the slip: the paper card is
	// not what gets activated.
	heading = "Jak dodać mLegitymację do aplikacji mObywatel"
	// pickupText is the neutral pickup line on the secretariat's strip.
	pickupText  = "Potwierdzam odbiór kodów mLegitymacji."
	pickupSign  = "Data ……………  Czytelny podpis rodzica / opiekuna prawnego ………………………"
	manualLabel = "Kod QR do wpisania ręcznie:"
	zpeText     = "Uczeń z kontem w ZPE może zamiast tego dodać legitymację w aplikacji mObywatel Junior, logując się danymi z ZPE — wtedy ten odcinek nie jest potrzebny."
	afterText   = "Gdy kody wygasną albo aktywacja się nie uda (np. po zmianie telefonu), przyjdź do sekretariatu szkoły po nowe kody."
	secretText  = "Kody są poufne — nie pokazuj ich nikomu poza uczniem i rodzicem."
)

// steps are the classic way of adding the card, the one this slip's QR
// and activation code belong to, as the ministry's instruction gives it.
var steps = [...]string{
	"Otwórz aplikację mObywatel i dotknij „+” w prawym dolnym rogu.",
	"Wybierz „Legitymacja szkolna”.",
	"Przeczytaj regulamin i dotknij „Akceptuję”.",
	"Zgódź się na przetwarzanie danych i na dostęp do aparatu: dotknij „Dalej”.",
	"Zeskanuj kod QR z tego odcinka. Gdy skanowanie się nie uda, wpisz ręcznie kod wydrukowany pod kodem QR.",
	"Wpisz kod aktywacyjny i dotknij „Aktywuj”.",
}

// rulesText says how the codes may be used: once, on one phone, until
// their date.
func rulesText(e codes.Entry) string {
	days := ""
	if !e.Generated.IsZero() && !e.ValidUntil.IsZero() {
		n := int(math.Round(civilDay(e.ValidUntil).Sub(civilDay(e.Generated)).Hours() / 24))
		days = fmt.Sprintf(" przez %d dni od wygenerowania (%s)", n, FormatDate(e.Generated))
	}
	return "Kody działają jeden raz, na jednym telefonie," + days + " — do " + FormatDate(e.ValidUntil) + "."
}

// civilDay is t's calendar date in its own location, as UTC midnight.
func civilDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
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

// GroupPayload spaces a QR payload into groups of four for typing by hand,
// keeping every character and its case: "ABCDEFGHIJ" → "ABCD EFGH IJ".
func GroupPayload(payload string) string {
	var b strings.Builder
	for i, r := range []rune(payload) {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// draw paints the slip with its top-left corner at (x0, y0), in slip
// coordinates (the caller may scale them), and returns the y below the
// last line above the tear-off strip.
func (s slip) draw(pdf *fpdf.Fpdf, x0, y0 float64) float64 {
	e := s.entry
	if e.Simulated {
		drawWatermark(pdf, x0, y0)
	}
	x := x0 + margin
	y := y0 + margin - 1

	// Header: school, title, rule.
	pdf.SetTextColor(90, 90, 90)
	pdf.SetFont(sans, "", 7)
	for _, line := range firstLines(pdf.SplitText(s.school, innerW), 2) {
		y += 7 * ptToMM
		pdf.Text(x, y, line)
		y += 0.6
	}
	pdf.SetTextColor(0, 0, 0)
	pdf.SetFont(sans, "B", 11)
	y += 11*ptToMM + 0.3
	pdf.Text(x, y, "mLegitymacja szkolna")
	pdf.SetFont(sans, "B", 7.5)
	pdf.SetTextColor(170, 0, 0)
	label := "POUFNE"
	pdf.Text(x+innerW-pdf.GetStringWidth(label), y, label)
	pdf.SetTextColor(0, 0, 0)
	y += 1.6
	pdf.SetDrawColor(0, 0, 0)
	pdf.SetLineWidth(0.3)
	pdf.Line(x, y, x+innerW, y)

	// Student.
	y += 1.5
	size := fitSize(pdf, sans, "B", FullName(e), innerW, 13, 9)
	y += size * ptToMM
	pdf.Text(x, y, FullName(e))

	// QR on the left (its quiet zone reaching into the slip's margin);
	// on the right, top-aligned with the symbol: the student's facts, the
	// activation code and the codes' own validity.
	y += 0.5
	qrX := x0 + 2
	top := s.drawQR(pdf, qrX, y)
	fx := qrX + qrBoxMM + 1
	fw := x0 + slipW - margin - fx
	fy := top - 1.5
	caption := func(text string) {
		pdf.SetTextColor(90, 90, 90)
		pdf.SetFont(sans, "", 6.5)
		fy += 6.5 * ptToMM
		pdf.Text(fx, fy, text)
		pdf.SetTextColor(0, 0, 0)
	}
	for _, f := range [...]struct{ label, value string }{
		{"Oddział", orDash(e.Class)},
		{"PESEL", pesel.Masked(e.PESEL)},
		{"Nr legitymacji", orDash(e.CardNumber)},
	} {
		caption(f.label)
		fitSize(pdf, sans, "", f.value, fw, 9.5, 6)
		fy += 9.5*ptToMM + 0.2
		pdf.Text(fx, fy, f.value)
		fy += 1
	}
	caption("Kod aktywacyjny")
	fy += 0.8
	code := GroupCode(e.ActivationCode)
	boxH := 8.0
	pdf.SetFillColor(240, 240, 240)
	pdf.SetLineWidth(0.3)
	pdf.Rect(fx, fy, fw, boxH, "FD")
	size = fitSize(pdf, mono, "B", code, fw-3, 15, 7)
	pdf.Text(fx+(fw-pdf.GetStringWidth(code))/2, fy+boxH/2+size*ptToMM*0.36, code)
	fy += boxH
	caption("Kod ważny do")
	pdf.SetFont(sans, "B", 10)
	fy += 10*ptToMM + 0.2
	pdf.Text(fx, fy, FormatDate(e.ValidUntil))
	y += qrBoxMM

	// The QR payload as text, for typing by hand when scanning fails:
	// beside its label when it fits, else on lines of its own.
	pdf.SetFont(sans, "", 6.5)
	lw := pdf.GetStringWidth(manualLabel) + 1.5
	group := GroupPayload(e.QR)
	size = fitSize(pdf, mono, "B", group, innerW-lw, 8, 7)
	indent := lw
	if pdf.GetStringWidth(group) > innerW-lw {
		indent = 0
		size = fitSize(pdf, mono, "B", group, innerW, 8, 7)
	}
	payload := splitWords(pdf, group, innerW-indent)
	y += size*ptToMM + 0.3
	pdf.SetFont(sans, "", 6.5)
	pdf.SetTextColor(90, 90, 90)
	pdf.Text(x, y, manualLabel)
	pdf.SetTextColor(0, 0, 0)
	pdf.SetFont(mono, "B", size)
	if indent == 0 {
		y += size*ptToMM + 0.3
	}
	for i, line := range payload {
		if i > 0 {
			y += size*ptToMM + 0.3
		}
		pdf.Text(x+indent, y, line)
	}

	// Steps of the classic way, then the other way in one line.
	pdf.SetFont(sans, "B", 8)
	y += 2.2 + 8*ptToMM
	pdf.Text(x, y, heading)
	pdf.SetFont(sans, "", 7)
	for i, step := range steps {
		num := fmt.Sprintf("%d.", i+1)
		for j, line := range pdf.SplitText(step, innerW-3.5) {
			y += 7*ptToMM + 0.5
			if j == 0 {
				pdf.Text(x, y, num)
			}
			pdf.Text(x+3.5, y, line)
		}
	}
	y = s.paragraph(pdf, x, y+1, rulesText(e), "B", 7, 0)
	y = s.paragraph(pdf, x, y, afterText, "", 7, 0)
	y = s.paragraph(pdf, x, y+0.6, zpeText, "", 6.5, 90)
	y = s.paragraph(pdf, x, y, secretText, "", 6.5, 90)

	s.drawStub(pdf, x0, y0+slipH-stubH)
	return y
}

// paragraph writes text wrapped to the slip's width below y in the given
// style, size and grey level (0 black), and returns the y of its last
// line.
func (s slip) paragraph(pdf *fpdf.Fpdf, x, y float64, text, style string, size float64, grey int) float64 {
	pdf.SetFont(sans, style, size)
	pdf.SetTextColor(grey, grey, grey)
	for _, line := range pdf.SplitText(text, innerW) {
		y += size*ptToMM + 0.5
		pdf.Text(x, y, line)
	}
	pdf.SetTextColor(0, 0, 0)
	return y
}

// splitWords breaks text at spaces into lines no wider than width in the
// current font (fpdf's SplitText would break inside a group).
func splitWords(pdf *fpdf.Fpdf, text string, width float64) []string {
	var lines []string
	cur := ""
	for _, w := range strings.Fields(text) {
		next := w
		if cur != "" {
			next = cur + " " + w
		}
		if cur != "" && pdf.GetStringWidth(next) > width {
			lines = append(lines, cur)
			next = w
		}
		cur = next
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
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
	who := FullName(e) + ", oddział " + orDash(e.Class) + ", PESEL " + pesel.Masked(e.PESEL)
	fitSize(pdf, sans, "B", who, innerW, 8, 6)
	y += 5.5
	pdf.Text(x, y, who)
	pdf.SetFont(sans, "", 7.5)
	y += 4.5
	pdf.Text(x, y, pickupText)
	fitSize(pdf, sans, "", pickupSign, innerW, 7.5, 6)
	y += 6
	pdf.Text(x, y, pickupSign)
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
