package mail

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"path/filepath"

	"github.com/xuri/excelize/v2"

	"github.com/mlegit/mlegit/formula"
	"github.com/mlegit/mlegit/safefile"
	"github.com/mlegit/mlegit/state"
)

// Files of the unassigned-photos list in the output folder.
const (
	UnassignedCSV  = "nieprzypisane.csv"
	UnassignedXLSX = "nieprzypisane.xlsx"
)

// unassignedHeader are the Polish columns of nieprzypisane.csv/.xlsx.
var unassignedHeader = []string{"Data otrzymania", "Nadawca", "Temat", "Załącznik", "Powód", "Plik do przypisania"}

// WriteUnassigned writes OUT/nieprzypisane.csv (UTF-8 with BOM, ';', CRLF,
// opens in Excel) and nieprzypisane.xlsx: every photo from e-mail still
// waiting to be assigned, oldest first, with the date received
// (DD.MM.RRRR), sender, subject, attachment name, the reason in Polish and
// the kept copy to give to mlegit photos assign. Cells are neutralised
// against formula injection. It returns the number of rows.
func WriteUnassigned(ctx context.Context, st *state.Store, outDir string) (int, error) {
	ms, err := st.MailPhotos(ctx, state.MailUnassigned)
	if err != nil {
		return 0, err
	}
	absOut, err := filepath.Abs(outDir)
	if err != nil {
		return 0, fmt.Errorf("output folder: %w", err)
	}
	rows := make([][]string, 0, len(ms))
	for _, m := range ms {
		file := m.File
		if rel, err := filepath.Rel(absOut, file); err == nil && file != "" {
			file = rel
		}
		rows = append(rows, []string{m.Received.Local().Format("02.01.2006"), m.Sender, m.Subject,
			m.Name, Why(m.Why).Polish(), file})
	}
	if err := safefile.MkdirAll(outDir); err != nil {
		return 0, err
	}
	if err := safefile.Write(filepath.Join(outDir, UnassignedCSV), func(w io.Writer) error {
		return writeCSV(w, rows)
	}); err != nil {
		return 0, err
	}
	if err := safefile.Write(filepath.Join(outDir, UnassignedXLSX), func(w io.Writer) error {
		return writeXLSX(w, rows)
	}); err != nil {
		return 0, err
	}
	return len(rows), nil
}

func writeCSV(w io.Writer, rows [][]string) error {
	var buf bytes.Buffer
	buf.WriteString("\uFEFF")
	cw := csv.NewWriter(&buf)
	cw.Comma = ';'
	cw.UseCRLF = true
	for _, r := range append([][]string{unassignedHeader}, rows...) {
		c := make([]string, len(r))
		for i, v := range r {
			c[i] = formula.Neutralize(v)
		}
		cw.Write(c)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("encoding %s: %w", UnassignedCSV, err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

func writeXLSX(w io.Writer, rows [][]string) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Nieprzypisane"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return fmt.Errorf("naming sheet: %w", err)
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return fmt.Errorf("opening sheet writer: %w", err)
	}
	for i, width := range []float64{14, 30, 40, 30, 70, 50} {
		sw.SetColWidth(i+1, i+1, width)
	}
	for n, r := range append([][]string{unassignedHeader}, rows...) {
		row := make([]any, len(r))
		for i, v := range r {
			row[i] = excelize.Cell{Value: formula.Neutralize(v)} // text, never a formula
		}
		cell, _ := excelize.CoordinatesToCellName(1, n+1)
		if err := sw.SetRow(cell, row); err != nil {
			return fmt.Errorf("writing row %d: %w", n+1, err)
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
