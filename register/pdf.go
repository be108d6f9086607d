package register

import (
	"fmt"
	"io"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"github.com/mlegit/mlegit/slips"
)

// widths of the PDF columns in mm, summing to A4 landscape less margins.
var widths = []float64{8, 30, 28, 13, 22, 24, 25, 19, 19, 34, 27, 28}

const (
	pdfMargin = 10.0
	rowH      = 5.5
	font      = slips.FontSans
)

// WritePDF writes the register as an A4 landscape table for printing: a
// title with the as-of date, the column header repeated on every page, page
// numbers, and a count per status at the end.
func WritePDF(w io.Writer, school string, rows []Row, asOf time.Time) error {
	pdf := fpdf.New("L", "mm", "A4", "")
	pdf.SetMargins(pdfMargin, pdfMargin, pdfMargin)
	pdf.SetAutoPageBreak(true, pdfMargin+5)
	pdf.SetCreator("mlegit", true)
	pdf.SetTitle("Rejestr kodów mLegitymacji", true)
	slips.EmbedFonts(pdf)
	pdf.AliasNbPages("{nb}")
	pdf.SetHeaderFunc(func() {
		pdf.SetFont(font, "B", 12)
		pdf.CellFormat(0, 6, "Rejestr kodów mLegitymacji — "+school, "", 1, "L", false, 0, "")
		pdf.SetFont(font, "", 8)
		pdf.CellFormat(0, 5, "Stan na "+slips.FormatDate(asOf)+". Rejestr nie zawiera kodów aktywacyjnych.", "", 1, "L", false, 0, "")
		pdf.Ln(2)
		pdf.SetFont(font, "B", 7)
		pdf.SetFillColor(225, 225, 225)
		pdf.SetDrawColor(0, 0, 0)
		// Headers say what they hold ("Data wygenerowania kodu"), so they
		// wrap inside their cells.
		heads := make([][]string, len(columns))
		n := 1
		for i, h := range columns {
			heads[i] = pdf.SplitText(h, widths[i]-1.5)
			n = max(n, len(heads[i]))
		}
		const lineH = 2.9
		hh := float64(n)*lineH + 1.6
		x, y := pdf.GetX(), pdf.GetY()
		for i, lines := range heads {
			pdf.Rect(x, y, widths[i], hh, "FD")
			ly := y + (hh-float64(len(lines))*lineH)/2 + lineH*0.78
			for _, l := range lines {
				pdf.Text(x+(widths[i]-pdf.GetStringWidth(l))/2, ly, l)
				ly += lineH
			}
			x += widths[i]
		}
		pdf.SetXY(pdfMargin, y+hh)
	})
	pdf.SetFooterFunc(func() {
		pdf.SetY(-pdfMargin - 3)
		pdf.SetFont(font, "", 7)
		pdf.CellFormat(0, 4, fmt.Sprintf("strona %d z {nb}", pdf.PageNo()), "", 0, "R", false, 0, "")
	})
	pdf.AddPage()
	pdf.SetFont(font, "", 7.5)
	for i, r := range rows {
		fill := i%2 == 1
		pdf.SetFillColor(245, 245, 245)
		for c, text := range r.cells(i) {
			align := "L"
			if c == 0 || c == 3 || (c >= 6 && c <= 8) {
				align = "C"
			}
			style := ""
			if c == 10 {
				style = "B"
			}
			pdf.SetFont(font, style, 7.5)
			pdf.CellFormat(widths[c], rowH, clip(pdf, text, widths[c]-2), "1", 0, align, fill, 0, "")
		}
		pdf.Ln(-1)
	}
	pdf.Ln(4)
	pdf.SetFont(font, "B", 9)
	pdf.CellFormat(0, 6, fmt.Sprintf("Razem: %d", len(rows)), "", 1, "L", false, 0, "")
	pdf.SetFont(font, "", 9)
	counts := Count(rows)
	for _, s := range Statuses() {
		pdf.CellFormat(0, 5, fmt.Sprintf("%s: %d", s, counts[s]), "", 1, "L", false, 0, "")
	}
	if err := slips.Output(pdf, w); err != nil {
		return fmt.Errorf("rendering register PDF: %w", err)
	}
	return nil
}

// clip shortens text with "…" until it fits width at the current font.
func clip(pdf *fpdf.Fpdf, text string, width float64) string {
	if pdf.GetStringWidth(text) <= width {
		return text
	}
	r := []rune(text)
	for len(r) > 0 && pdf.GetStringWidth(string(r)+"…") > width {
		r = r[:len(r)-1]
	}
	return string(r) + "…"
}
