package status

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/mlegit/mlegit/pesel"
	"github.com/mlegit/mlegit/reject"
	"github.com/mlegit/mlegit/report"
	"github.com/mlegit/mlegit/state"
)

var fullPESEL = regexp.MustCompile(`\b\d{11}\b`)

// validPESEL builds a PESEL with a correct control digit from ten digits.
func validPESEL(t *testing.T, ten string) string {
	t.Helper()
	p, err := pesel.Parse(ten + string(rune('0'+pesel.Checksum(ten))))
	if err != nil {
		t.Fatal(err)
	}
	return string(p)
}

// fixture is a store of five students in classes 10a, 2a and 1b, packaged
// on 2026-09-15 except one still new and one invalidated, and a summary
// with one rejection whose PESEL was (wrongly) left unmasked.
func fixture(t *testing.T) (*state.Store, string, []string) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	st, err := state.Open(dir, "sp1")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	at := time.Date(2026, 9, 15, 22, 0, 0, 0, time.UTC)
	var ps []string
	var items []state.Item
	for i, c := range []struct{ surname, first, class string }{
		{"Łęcka", "Żaneta", "10a"}, {"Nowak", "Jan", "2a"}, {"Wiśniewska", "Łucja", "2a"},
		{"Zając", "Ola", "1b"}, {"Kot", "Ewa", "1b"},
	} {
		p := validPESEL(t, "1121031"+string(rune('0'+i))+"45")
		ps = append(ps, p)
		items = append(items, state.Item{PESEL: p, Surname: c.surname, FirstName: c.first, Class: c.class,
			CardValid: time.Date(2027, 8, 31, 0, 0, 0, 0, time.UTC), RowHash: "r" + p})
	}
	if err := st.Upsert(ctx, items, at); err != nil {
		t.Fatal(err)
	}
	sent := ps[:4]
	if err := st.TransitionAll(ctx, sent, state.Validated, at, "test"); err != nil {
		t.Fatal(err)
	}
	if err := st.RecordPackage(ctx, "mlegitymacja-sp1-20260915.zip", "abc", sent, at); err != nil {
		t.Fatal(err)
	}
	if err := st.Transition(ctx, ps[3], state.Invalidated, at, "parent request"); err != nil {
		t.Fatal(err)
	}
	sum := &report.Summary{School: "sp1", AsOf: "2026-09-15", Rejections: []reject.Rejection{
		{File: "u.csv", Row: 7, PESEL: ps[4], Name: "Kot Ewa", Class: "1b", Code: reject.CardMissing,
			Message: reject.CardMissing.Message()},
	}}
	out := t.TempDir()
	if err := report.Write(out, sum); err != nil {
		t.Fatal(err)
	}
	return st, filepath.Join(out, report.SummaryFile), ps
}

func TestBuild(t *testing.T) {
	st, summary, ps := fixture(t)
	r, err := Build(context.Background(), st, time.Date(2026, 9, 28, 0, 0, 0, 0, time.UTC), state.Deadlines{}, summary)
	if err != nil {
		t.Fatal(err)
	}
	var classes []string
	for _, c := range r.Classes {
		classes = append(classes, c.Class)
	}
	if want := []string{"1b", "2a", "10a"}; !slices.Equal(classes, want) {
		t.Errorf("classes %v, want %v", classes, want)
	}
	if r.School != "sp1" || r.Total.Total != 5 || r.Total.ByState[state.Packaged] != 3 ||
		r.Total.ByState[state.Invalidated] != 1 || r.Total.ByState[state.New] != 1 {
		t.Errorf("school %q totals %+v", r.School, r.Total)
	}
	if c := r.Classes[0]; c.Total != 2 || c.ByState[state.New] != 1 || c.ByState[state.Invalidated] != 1 {
		t.Errorf("1b: %+v", c)
	}
	// Packaged 2026-09-15, codes due 14 days later: 1 day left on 09-28.
	if len(r.Deadlines) != 3 {
		t.Fatalf("deadlines %+v, want the 3 packaged students' codes", r.Deadlines)
	}
	for _, d := range r.Deadlines {
		if d.Kind != state.CodesDue || d.DaysLeft != 1 || d.Overdue || d.Name == "" || strings.Contains(d.PESEL, ps[0][4:9]) {
			t.Errorf("deadline %+v", d)
		}
	}
	if len(r.Rejections) != 1 || r.Rejections[0].PESEL != pesel.Masked(ps[4]) || r.RejectionsAsOf != "2026-09-15" {
		t.Errorf("rejections %+v from %q", r.Rejections, r.RejectionsAsOf)
	}
	if len(r.Packages) != 1 || r.Packages[0].AgeDays != 13 || r.Packages[0].Students != 4 || r.Packages[0].Late {
		t.Errorf("waiting packages %+v, want the package of 4, 13 days old, not late", r.Packages)
	}
}

func TestBuildOverdueWithoutSummary(t *testing.T) {
	st, _, _ := fixture(t)
	r, err := Build(context.Background(), st, time.Date(2026, 9, 30, 0, 0, 0, 0, time.UTC),
		state.Deadlines{CodesDueDays: 14}, filepath.Join(t.TempDir(), report.SummaryFile))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Deadlines) != 3 || !r.Deadlines[0].Overdue || r.Deadlines[0].DaysLeft != -1 {
		t.Errorf("deadlines %+v, want 3 overdue by a day", r.Deadlines)
	}
	if r.SummaryFound || len(r.Rejections) != 0 {
		t.Errorf("summary found %v, rejections %v", r.SummaryFound, r.Rejections)
	}
	var b bytes.Buffer
	if err := WriteTable(&b, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "OVERDUE") || !strings.Contains(b.String(), "no run has written summary.json") ||
		!strings.Contains(b.String(), "LATE (over 14 days)") {
		t.Errorf("table:\n%s", b.String())
	}
}

func TestWriteTable(t *testing.T) {
	st, summary, _ := fixture(t)
	r, err := Build(context.Background(), st, time.Date(2026, 9, 28, 0, 0, 0, 0, time.UTC), state.Deadlines{}, summary)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteTable(&b, r); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if m := fullPESEL.FindString(out); m != "" {
		t.Errorf("full PESEL %s printed:\n%s", m, out)
	}
	for _, want := range []string{"packaged", "wysłana do portalu", "unieważniona", "Łęcka Żaneta", "codes_due", "near",
		"CARD_MISSING", "u.csv:7", "Total", "mlegitymacja-sp1-20260915.zip"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "activated") {
		t.Errorf("a state no student is in got a column:\n%s", out)
	}
	// The totals line: 1 new, 3 packaged, 1 invalidated, 5 in all.
	if !regexp.MustCompile(`Total +1 +3 +1 +5`).MatchString(out) {
		t.Errorf("totals line wrong:\n%s", out)
	}
}

func TestWriteXLSX(t *testing.T) {
	st, summary, _ := fixture(t)
	r, err := Build(context.Background(), st, time.Date(2026, 9, 30, 0, 0, 0, 0, time.UTC), state.Deadlines{}, summary)
	if err != nil {
		t.Fatal(err)
	}
	r.Rejections[0].Name = "=HYPERLINK(\"http://example.invalid\")"
	var b bytes.Buffer
	if err := WriteXLSX(&b, r); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got, want := f.GetSheetList(), []string{SheetSummary, SheetDeadlines, SheetRejections, SheetPackages}; !slices.Equal(got, want) {
		t.Fatalf("sheets %v, want %v", got, want)
	}
	all := map[string][][]string{}
	for _, s := range f.GetSheetList() {
		rows, err := f.GetRows(s)
		if err != nil {
			t.Fatal(err)
		}
		all[s] = rows
		for _, row := range rows {
			for _, c := range row {
				if m := fullPESEL.FindString(c); m != "" {
					t.Errorf("%s: full PESEL %s", s, m)
				}
			}
		}
	}
	sum := all[SheetSummary]
	if !slices.Contains(sum[0], "unieważniona") || !slices.Contains(sum[0], "wysłana do portalu") || sum[0][len(sum[0])-1] != "Razem" {
		t.Errorf("summary header %q", sum[0])
	}
	if sum[1][0] != "1b" || sum[4][0] != "Razem" || sum[4][len(sum[4])-1] != "5" {
		t.Errorf("summary rows %q", sum[1:5])
	}
	dl := all[SheetDeadlines]
	if len(dl) != 4 || dl[1][4] != "kody z portalu" || dl[1][5] != "29.09.2026" || dl[1][6] != "-1" || dl[1][7] != "tak" {
		t.Errorf("deadlines %q", dl)
	}
	// Dates are date cells (a serial number shown DD.MM.RRRR), so the
	// secretariat can sort and filter by them; not text.
	for _, c := range []struct{ sheet, cell string }{{SheetDeadlines, "F2"}, {SheetSummary, "B7"}} {
		raw, err := f.GetCellValue(c.sheet, c.cell, excelize.Options{RawCellValue: true})
		if _, perr := strconv.ParseFloat(raw, 64); err != nil || perr != nil {
			t.Errorf("%s!%s = %q: not a date cell", c.sheet, c.cell, raw)
		}
	}
	if got := all[SheetSummary][6]; len(got) < 2 || got[1] != "30.09.2026" {
		t.Errorf("status date row %q", got)
	}
	if pk := all[SheetPackages]; len(pk) < 2 || pk[1][0] != "mlegitymacja-sp1-20260915.zip" || pk[1][1] != "15.09.2026" ||
		pk[1][2] != "15" || pk[1][3] != "4" || pk[1][4] != "tak" {
		t.Errorf("packages sheet %q", pk)
	}
	rj := all[SheetRejections]
	if rj[1][1] != "'=HYPERLINK(\"http://example.invalid\")" || rj[1][3] != "CARD_MISSING" {
		t.Errorf("rejections %q", rj)
	}
	// The rejections list says what to do and in detail (Szczegóły), and
	// its Wiersz is a number cell.
	if rj[0][6] != "Szczegóły" || rj[0][8] != "Wiersz" || rj[1][4] != reject.CardMissing.Title() || rj[1][5] != reject.CardMissing.Action() {
		t.Errorf("rejections header and texts %q", rj[:2])
	}
	if typ, _ := f.GetCellType(SheetRejections, "I2"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("Wiersz cell type %v, want a number", typ)
	}
	if formulas, _ := f.GetCellFormula(SheetRejections, "B2"); formulas != "" {
		t.Errorf("B2 holds a formula %q", formulas)
	}
}

func TestKindPolish(t *testing.T) {
	for k, want := range map[state.DeadlineKind]string{
		state.CodesDue: "kody z portalu", state.Activation: "aktywacja kodu",
		state.CardValidity: "ważność legitymacji", state.PhotoPurge: "usunięcie zdjęcia", "other": "other",
	} {
		if got := KindPolish(k); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
}

func TestCompareClasses(t *testing.T) {
	got := []string{"10a", "", "2b", "2A", "1c", "Ia"}
	slices.SortFunc(got, compareClasses)
	if want := []string{"", "Ia", "1c", "2A", "2b", "10a"}; !slices.Equal(got, want) {
		t.Errorf("%q, want %q", got, want)
	}
}

func TestWriteJSONListsWaitingPackages(t *testing.T) {
	st, summary, _ := fixture(t)
	r, err := Build(context.Background(), st, time.Date(2026, 9, 30, 0, 0, 0, 0, time.UTC), state.Deadlines{}, summary)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteJSON(&b, r, nil); err != nil {
		t.Fatal(err)
	}
	var got JSON
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.WaitingPackages) != 1 {
		t.Fatalf("waiting_packages %+v", got.WaitingPackages)
	}
	if p := got.WaitingPackages[0]; p.Name != "mlegitymacja-sp1-20260915.zip" || p.Students != 4 || p.AgeDays != 15 || !p.Late {
		t.Errorf("waiting package %+v, want 4 students, 15 days, late", p)
	}
}

// BuildOverview gives the numbers Build's report gives, on dates with
// nothing due, deadlines near, and deadlines overdue, with and without a
// summary: the district dashboard and the school's page agree.
func TestOverviewMatchesBuild(t *testing.T) {
	st, summary, _ := fixture(t)
	ctx := context.Background()
	for _, day := range []int{20, 26, 28, 29, 30} {
		for _, path := range []string{summary, filepath.Join(t.TempDir(), "brak.json")} {
			asOf := time.Date(2026, 9, day, 0, 0, 0, 0, time.UTC)
			r, err := Build(ctx, st, asOf, state.Deadlines{}, path)
			if err != nil {
				t.Fatal(err)
			}
			ov, err := BuildOverview(ctx, st, asOf, state.Deadlines{}, path)
			if err != nil {
				t.Fatal(err)
			}
			want := Overview{Total: r.Total, Rejections: len(r.Rejections), RejectionsAsOf: r.RejectionsAsOf}
			for _, d := range r.Deadlines {
				if d.Overdue {
					want.Overdue++
				} else {
					want.Near++
				}
			}
			if ov.Total.Total != want.Total.Total || !maps.Equal(ov.Total.ByState, want.Total.ByState) ||
				ov.Overdue != want.Overdue || ov.Near != want.Near || ov.Rejections != want.Rejections ||
				ov.RejectionsAsOf != want.RejectionsAsOf {
				t.Errorf("%s, %s: overview %+v, report gives %+v", asOf.Format(time.DateOnly), filepath.Base(path), *ov, want)
			}
			if day == 30 && (want.Overdue == 0 || len(r.Deadlines) == 0) {
				t.Errorf("%s: the fixture has nothing overdue; the comparison proves little", asOf.Format(time.DateOnly))
			}
		}
	}
}
