package status

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	"github.com/mlegit/mlegit/state"
)

// WriteTable prints r for the terminal: the counts per class and state
// (only the states some student is in, headed by the English and the
// Polish name), the near and overdue deadlines, and the open rejections.
// PESELs are masked; names are shown.
func WriteTable(w io.Writer, r *Report) error {
	ew := &errWriter{w: w}
	ew.printf("School %s, status as of %s\n\n", r.School, r.AsOf.Format(time.DateOnly))
	writeCounts(ew, r)
	writeDeadlines(ew, r)
	writePackages(ew, r)
	writeRejections(ew, r)
	if ew.err != nil {
		return fmt.Errorf("printing status: %w", ew.err)
	}
	return nil
}

func writeCounts(ew *errWriter, r *Report) {
	if r.Total.Total == 0 {
		ew.printf("Students: none in the state store yet.\n")
		return
	}
	var cols []state.State
	for _, s := range r.States {
		if r.Total.ByState[s] > 0 {
			cols = append(cols, s)
		}
	}
	ew.printf("Students per class and state: %d\n", r.Total.Total)
	tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', tabwriter.AlignRight)
	en, pl := []string{"Class"}, []string{"Oddział"}
	for _, s := range cols {
		en, pl = append(en, s.String()), append(pl, s.Polish())
	}
	row(tw, append(en, "total", "")...)
	row(tw, append(pl, "razem", "")...)
	line := func(name string, c ClassCounts) {
		cells := []string{name}
		for _, s := range cols {
			cells = append(cells, strconv.Itoa(c.ByState[s]))
		}
		row(tw, append(cells, strconv.Itoa(c.Total), "")...)
	}
	for _, c := range r.Classes {
		line(classLabel(c.Class), c)
	}
	line("Total", r.Total)
	tw.Flush()
	ew.printf("\n")
}

func writeDeadlines(ew *errWriter, r *Report) {
	if len(r.Deadlines) == 0 {
		ew.printf("Deadlines near or overdue: none.\n\n")
		return
	}
	overdue := 0
	for _, d := range r.Deadlines {
		if d.Overdue {
			overdue++
		}
	}
	ew.printf("Deadlines near or overdue: %d (%d overdue)\n", len(r.Deadlines), overdue)
	tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
	row(tw, "PESEL", "Name", "Class", "State", "Deadline", "Due", "Days left", "Status")
	for _, d := range r.Deadlines {
		flag := "near"
		if d.Overdue {
			flag = "OVERDUE"
		}
		row(tw, d.PESEL, d.Name, classLabel(d.Class), d.State.String(), string(d.Kind),
			d.Due.Format(time.DateOnly), strconv.Itoa(d.DaysLeft), flag)
	}
	tw.Flush()
	ew.printf("\n")
}

func writePackages(ew *errWriter, r *Report) {
	if len(r.Packages) == 0 {
		ew.printf("Upload packages waiting: none.\n\n")
		return
	}
	ew.printf("Upload packages waiting to be uploaded: %d (after uploading: mlegit package uploaded NAME)\n", len(r.Packages))
	tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
	row(tw, "Package", "Created", "Days", "Students", "Status")
	for _, p := range r.Packages {
		flag := "waiting"
		if p.Late {
			flag = fmt.Sprintf("LATE (over %d days)", r.CodesDueDays)
		}
		row(tw, p.Name, p.Created.Format(time.DateOnly), strconv.Itoa(p.AgeDays), strconv.Itoa(p.Students), flag)
	}
	tw.Flush()
	ew.printf("\n")
}

func writeRejections(ew *errWriter, r *Report) {
	switch {
	case !r.SummaryFound:
		ew.printf("Open rejections: unknown, no run has written summary.json yet.\n")
		return
	case len(r.Rejections) == 0:
		ew.printf("Open rejections (run of %s): none.\n", r.RejectionsAsOf)
		return
	}
	ew.printf("Open rejections (run of %s): %d\n", r.RejectionsAsOf, len(r.Rejections))
	tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
	row(tw, "PESEL", "Name", "Class", "Code", "Where")
	for _, rj := range r.Rejections {
		where := rj.File
		if rj.Row > 0 {
			where += ":" + strconv.Itoa(rj.Row)
		}
		row(tw, rj.PESEL, rj.Name, classLabel(rj.Class), string(rj.Code), where)
	}
	tw.Flush()
}

// row writes one tab-separated line. Control characters inside a cell
// (roster text may hold any) would break the table or drive the terminal:
// tabs and line breaks become spaces, the others '?'. A right-aligned table ends
// its rows with an empty cell, so that the last column aligns too.
func row(w io.Writer, cells ...string) {
	for i, c := range cells {
		cells[i] = strings.Map(func(r rune) rune {
			switch {
			case r == '\t' || r == '\n' || r == '\r':
				return ' '
			case unicode.IsControl(r):
				return '?'
			}
			return r
		}, c)
	}
	fmt.Fprint(w, strings.Join(cells, "\t")+"\n")
}

// classLabel shows a missing class as "-".
func classLabel(c string) string {
	if c == "" {
		return "-"
	}
	return c
}

// errWriter keeps the first write error, so the table code need not
// check each line.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

func (e *errWriter) printf(format string, a ...any) { fmt.Fprintf(e, format, a...) }
