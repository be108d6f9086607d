package register

import (
	"fmt"
	"io"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/mlegit/mlegit/formula"
	"github.com/mlegit/mlegit/slips"
)

const (
	sheetName = "Rejestr"
	headerRow = 4 // rows 1–2: title and as-of date
)

// WriteXLSX writes the register as a workbook: a title, the as-of date,
// then one row per student under a frozen, filterable header. Dates are date
// cells shown as DD.MM.RRRR; every text cell is neutralised against formula
// injection.
func WriteXLSX(w io.Writer, school string, rows []Row, asOf time.Time) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := fillXLSX(f, school, rows, asOf); err != nil {
		return fmt.Errorf("building register workbook: %w", err)
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("writing register workbook: %w", err)
	}
	return nil
}

func fillXLSX(f *excelize.File, school string, rows []Row, asOf time.Time) error {
	if err := f.SetSheetName("Sheet1", sheetName); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	title, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	if err != nil {
		return err
	}
	dateFmt := "dd.mm.yyyy"
	date, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		return err
	}
	set := func(cell string, v any, style int) error {
		if s, ok := v.(string); ok {
			v = formula.Neutralize(s)
		}
		if err := f.SetCellValue(sheetName, cell, v); err != nil {
			return err
		}
		if style != 0 {
			return f.SetCellStyle(sheetName, cell, cell, style)
		}
		return nil
	}
	if err := set("A1", "Rejestr kodów mLegitymacji — "+school, title); err != nil {
		return err
	}
	if err := set("A2", "Stan na "+slips.FormatDate(asOf), 0); err != nil {
		return err
	}
	for c, h := range columns {
		cell, _ := excelize.CoordinatesToCellName(c+1, headerRow)
		if err := set(cell, h, bold); err != nil {
			return err
		}
	}
	dateCols := map[int]bool{6: true, 7: true, 8: true} // generated, valid until, picked up
	for i, r := range rows {
		y := headerRow + 1 + i
		for c, text := range r.cells(i) {
			cell, _ := excelize.CoordinatesToCellName(c+1, y)
			var v any = text
			style := 0
			if dateCols[c] {
				t := [...]time.Time{r.Generated, r.ValidUntil, r.PickedUpAt}[c-6]
				if t.IsZero() {
					continue
				}
				v, style = civil(t), date
			} else if c == 0 {
				v = i + 1
			}
			if err := set(cell, v, style); err != nil {
				return err
			}
		}
	}
	for c, width := range []float64{5, 20, 20, 7, 13, 16, 16, 11, 11, 24, 17, 24} {
		col, _ := excelize.ColumnNumberToName(c + 1)
		if err := f.SetColWidth(sheetName, col, col, width); err != nil {
			return err
		}
	}
	last, _ := excelize.CoordinatesToCellName(len(columns), headerRow+max(len(rows), 1))
	first, _ := excelize.CoordinatesToCellName(1, headerRow)
	if err := f.AutoFilter(sheetName, first+":"+last, nil); err != nil {
		return err
	}
	return f.SetPanes(sheetName, &excelize.Panes{
		Freeze: true, YSplit: headerRow, TopLeftCell: fmt.Sprintf("A%d", headerRow+1), ActivePane: "bottomLeft",
	})
}
