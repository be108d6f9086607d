package status

import (
	"fmt"
	"io"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/mlegit/mlegit/formula"
	"github.com/mlegit/mlegit/texts"
)

// Sheet names of status.xlsx.
const (
	SheetSummary    = "Podsumowanie"
	SheetDeadlines  = "Terminy"
	SheetRejections = "Odrzuceni"
	SheetPackages   = "Paczki"
)

// dateLayout is how the secretariat writes dates (DD.MM.RRRR).
const dateLayout = "02.01.2006"

// dateNumFmt shows a date cell as DD.MM.RRRR.
var dateNumFmt = "dd.mm.yyyy"

// WriteXLSX writes r as the secretariat's workbook, in Polish:
//
//   - Podsumowanie: students per class (rows) and state (columns, the
//     Polish state names), with totals, and the date of the status;
//   - Terminy: near and overdue deadlines (PESEL masked, Uczeń, Oddział,
//     Stan, Termin, Data, Pozostało dni, Po terminie tak/nie);
//   - Odrzuceni: the open rejections of the last run (Kod błędu, Powód, Co
//     zrobić, Szczegóły, Plik, Wiersz as a number);
//   - Paczki: the upload packages waiting to be uploaded (Paczka,
//     Utworzona, Czeka dni, Uczniów, Po terminie tak/nie).
//
// Counts and days are numbers; every text cell is stored as text and
// neutralised against formula injection.
func WriteXLSX(w io.Writer, r *Report) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", SheetSummary); err != nil {
		return fmt.Errorf("naming sheet: %w", err)
	}
	for _, s := range []struct {
		name   string
		widths []float64
		rows   [][]any
	}{
		{SheetSummary, summaryWidths(r), summaryRows(r)},
		{SheetDeadlines, []float64{14, 28, 10, 16, 22, 12, 14, 12}, deadlineRows(r)},
		{SheetRejections, []float64{14, 28, 10, 26, 50, 50, 60, 22, 8}, rejectionRows(r)},
		{SheetPackages, []float64{44, 12, 10, 10, 12}, packageRows(r)},
	} {
		if err := writeSheet(f, s.name, s.widths, s.rows); err != nil {
			return fmt.Errorf("sheet %s: %w", s.name, err)
		}
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("writing workbook: %w", err)
	}
	return nil
}

// writeSheet streams rows into the sheet name, creating it if needed.
// Strings become neutralised text cells; other values are kept as they
// are (numbers).
func writeSheet(f *excelize.File, name string, widths []float64, rows [][]any) error {
	if idx, _ := f.GetSheetIndex(name); idx < 0 {
		if _, err := f.NewSheet(name); err != nil {
			return err
		}
	}
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateNumFmt})
	if err != nil {
		return fmt.Errorf("date style: %w", err)
	}
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return fmt.Errorf("opening sheet writer: %w", err)
	}
	// excelize puts each new <col> before the earlier ones; set from the
	// last column back, they come out ascending.
	for i := len(widths) - 1; i >= 0; i-- {
		if err := sw.SetColWidth(i+1, i+1, widths[i]); err != nil {
			return err
		}
	}
	for i, vals := range rows {
		cells := make([]any, len(vals))
		for j, v := range vals {
			switch x := v.(type) {
			case string:
				cells[j] = excelize.Cell{Value: formula.Neutralize(x)}
			case time.Time: // a date cell shown DD.MM.RRRR, sortable and filterable
				cells[j] = excelize.Cell{StyleID: dateStyle, Value: x}
			default:
				cells[j] = excelize.Cell{Value: v}
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(cell, cells); err != nil {
			return fmt.Errorf("writing row %d: %w", i+1, err)
		}
	}
	return sw.Flush()
}

func summaryWidths(r *Report) []float64 {
	w := []float64{12}
	for range r.States {
		w = append(w, 15)
	}
	return append(w, 10)
}

func summaryRows(r *Report) [][]any {
	header := []any{texts.ColClass}
	for _, s := range r.States {
		header = append(header, s.Polish())
	}
	rows := [][]any{append(header, texts.ColTotal)}
	line := func(name string, c ClassCounts) []any {
		cells := []any{name}
		for _, s := range r.States {
			cells = append(cells, c.ByState[s])
		}
		return append(cells, c.Total)
	}
	for _, c := range r.Classes {
		rows = append(rows, line(classLabel(c.Class), c))
	}
	school := r.SchoolName
	if school == "" {
		school = r.School
	}
	rows = append(rows, line(texts.ColTotal, r.Total), nil,
		[]any{texts.ColAsOf, r.AsOf}, []any{texts.ColSchool, school})
	return rows
}

func deadlineRows(r *Report) [][]any {
	rows := [][]any{{texts.ColPESEL, texts.ColStudent, texts.ColClass, texts.ColState, texts.ColDeadline,
		texts.ColDue, texts.ColDaysLeft, texts.ColOverdue}}
	for _, d := range r.Deadlines {
		late := texts.No
		if d.Overdue {
			late = texts.Yes
		}
		rows = append(rows, []any{d.PESEL, d.Name, d.Class, d.State.Polish(), KindPolish(d.Kind),
			d.Due, d.DaysLeft, late})
	}
	return rows
}

// dateCell turns a YYYY-MM-DD date into a date cell's value; anything else
// is kept as text.
func dateCell(s string) any {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t
	}
	return s
}

func packageRows(r *Report) [][]any {
	rows := [][]any{{"Paczka", "Utworzona", "Czeka dni", "Uczniów", "Po terminie"}}
	for _, p := range r.Packages {
		late := "nie"
		if p.Late {
			late = "tak"
		}
		y, m, d := p.Created.Date()
		rows = append(rows, []any{p.Name, time.Date(y, m, d, 0, 0, 0, 0, time.UTC), p.AgeDays, p.Students, late})
	}
	if len(r.Packages) == 0 {
		rows = append(rows, nil, []any{"Żadna paczka nie czeka na wysłanie do portalu."})
	} else {
		rows = append(rows, nil, []any{fmt.Sprintf(
			"Paczki czekające dłużej niż %d dni: wyślij je na portal; po wysłaniu potwierdź: mlegit package uploaded NAZWA.", r.CodesDueDays)})
	}
	return rows
}

func rejectionRows(r *Report) [][]any {
	rows := [][]any{{texts.ColPESEL, texts.ColStudent, texts.ColClass, texts.ColCode, texts.ColReason,
		texts.ColAction, texts.ColDetail, texts.ColFile, texts.ColRow}}
	for _, rj := range r.Rejections {
		var line any = "" // row 0: the whole file
		if rj.Row > 0 {
			line = rj.Row // a number cell
		}
		reason, action := rj.Message, ""
		if e, ok := texts.Lookup(string(rj.Code)); ok {
			reason, action = e.Title, e.Action
		}
		rows = append(rows, []any{rj.PESEL, rj.Name, rj.Class, string(rj.Code), reason, action, rj.Szczegoly, rj.File, line})
	}
	if r.SummaryFound {
		rows = append(rows, nil, []any{"Z przebiegu z dnia", dateCell(r.RejectionsAsOf)})
	} else {
		rows = append(rows, nil, []any{"Brak pliku summary.json: żaden przebieg jeszcze się nie zakończył."})
	}
	return rows
}
