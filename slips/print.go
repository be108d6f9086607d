package slips

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/sync/errgroup"

	"github.com/mlegit/mlegit/codes"
	"github.com/mlegit/mlegit/pesel"
	"github.com/mlegit/mlegit/safefile"
)

// Names of the print sheet inside OUT/slips: PrintFile holds every slip;
// a run limited by Options.Class or Options.PESEL writes SelectedFile, so
// reprinting one student never replaces the full sheet.
const (
	PrintFile    = "wszystkie.pdf"
	SelectedFile = "wybrane.pdf"
)

// Options choose what is printed and how. A nil *Options means the defaults.
type Options struct {
	// SlipsPerPage on the print sheet: 4 (A4 portrait, each slip A6) or 2
	// (A4 landscape, each slip A5 — the A6 slip enlarged by √2). 0 means 4.
	SlipsPerPage int
	// Class, when set, prints only that class.
	Class string
	// PESEL, when set, prints only these students.
	PESEL []string

	plain bool // tests: leave content streams uncompressed
}

func (o *Options) perPage() (int, error) {
	if o == nil || o.SlipsPerPage == 0 {
		return 4, nil
	}
	if o.SlipsPerPage != 2 && o.SlipsPerPage != 4 {
		return 0, fmt.Errorf("slips per page: %d, want 2 or 4", o.SlipsPerPage)
	}
	return o.SlipsPerPage, nil
}

func (o *Options) compress() bool { return o == nil || !o.plain }

// selected reports whether e passes the Class and PESEL filters.
func (o *Options) selected(e codes.Entry) bool {
	if o == nil {
		return true
	}
	if o.Class != "" && !strings.EqualFold(o.Class, e.Class) {
		return false
	}
	return len(o.PESEL) == 0 || slices.Contains(o.PESEL, e.PESEL)
}

// WriteSlip writes one student's slip as a PDF of a single A6 page.
func WriteSlip(w io.Writer, school string, e codes.Entry, opts *Options) error {
	s, err := newSlip(school, e)
	if err != nil {
		return err
	}
	return s.writePDF(w, opts.compress())
}

func (s slip) writePDF(w io.Writer, compress bool) error {
	pdf := newPDF("P", fpdf.SizeType{Wd: slipW, Ht: slipH}, compress, s.entry.Generated)
	pdf.SetTitle("mLegitymacja — kod aktywacyjny: "+FullName(s.entry), true)
	pdf.AddPage()
	s.draw(pdf, 0, 0)
	if err := Output(pdf, w); err != nil {
		return fmt.Errorf("rendering slip PDF for %s: %w", pesel.Masked(s.entry.PESEL), err)
	}
	return nil
}

// newSlips validates the entries and encodes their QR codes (the costly
// part of a slip) on GOMAXPROCS goroutines, keeping the order. An entry
// whose slip cannot be made is left out and said in skipped (masked PESEL
// and why, never the codes): one bad code never stops the others.
func newSlips(school string, entries []codes.Entry) (list []slip, good []codes.Entry, skipped []string) {
	all := make([]slip, len(entries))
	errs := make([]error, len(entries))
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, e := range entries {
		g.Go(func() error {
			all[i], errs[i] = newSlip(school, e)
			return nil
		})
	}
	g.Wait()
	for i, e := range entries {
		if errs[i] != nil {
			skipped = append(skipped, errs[i].Error())
			continue
		}
		list, good = append(list, all[i]), append(good, e)
	}
	return list, good, skipped
}

// sheet is the geometry of the print sheet for a number of slips per page.
type sheet struct {
	orientation string
	cols, rows  int
	scale       float64 // slip coordinates → page
}

func newSheet(perPage int) sheet {
	if perPage == 2 {
		return sheet{"L", 2, 1, math.Min(297.0/2/slipW, 210/slipH)}
	}
	return sheet{"P", 2, 2, 1}
}

// WritePrint writes the print sheet: the selected entries sorted by Sort,
// laid out on A4 with cut lines and crop marks, each class starting on a new
// page. entries is not modified.
func WritePrint(w io.Writer, school string, entries []codes.Entry, opts *Options) error {
	perPage, err := opts.perPage()
	if err != nil {
		return err
	}
	list, _, skipped := newSlips(school, sorted(entries, opts))
	if len(list) == 0 && len(skipped) > 0 {
		return fmt.Errorf("print sheet: %s", strings.Join(skipped, "; "))
	}
	return writePrint(w, list, perPage, opts.compress())
}

func writePrint(w io.Writer, list []slip, perPage int, compress bool) error {
	if len(list) == 0 {
		return fmt.Errorf("print sheet: no slips selected")
	}
	sh := newSheet(perPage)
	var latest time.Time
	for _, s := range list {
		if s.entry.Generated.After(latest) {
			latest = s.entry.Generated
		}
	}
	pdf := newPDF(sh.orientation, fpdf.SizeType{Wd: 210, Ht: 297}, compress, latest)
	pdf.SetTitle("mLegitymacja — odcinki z kodami aktywacyjnymi", true)
	slot := perPage // forces a first page
	class := ""
	for _, s := range list {
		if slot == perPage || s.entry.Class != class {
			pdf.AddPage()
			sh.cutMarks(pdf)
			slot = 0
			class = s.entry.Class
		}
		x := float64(slot%sh.cols) * slipW * sh.scale
		y := float64(slot/sh.cols) * slipH * sh.scale
		if sh.scale != 1 {
			pdf.TransformBegin()
			pdf.TransformScale(sh.scale*100, sh.scale*100, x, y)
		}
		s.draw(pdf, x, y)
		if sh.scale != 1 {
			pdf.TransformEnd()
		}
		slot++
	}
	if err := Output(pdf, w); err != nil {
		return fmt.Errorf("rendering print sheet: %w", err)
	}
	return nil
}

// cutMarks draws light dashed lines where the sheet is cut and short solid
// crop marks where those lines meet the paper's edge (outside most
// printers' unprintable border).
func (sh sheet) cutMarks(pdf *fpdf.Fpdf) {
	pw, ph := pdf.GetPageSize()
	cw, chh := slipW*sh.scale, slipH*sh.scale
	const edge, mark = 3.0, 6.0
	pdf.SetLineWidth(0.2)
	pdf.SetDrawColor(150, 150, 150)
	pdf.SetDashPattern([]float64{2, 1.5}, 0)
	for c := 1; c < sh.cols; c++ {
		pdf.Line(float64(c)*cw, 0, float64(c)*cw, ph)
	}
	for r := 1; r < sh.rows; r++ {
		pdf.Line(0, float64(r)*chh, pw, float64(r)*chh)
	}
	pdf.SetDashPattern(nil, 0)
	pdf.SetDrawColor(0, 0, 0)
	pdf.SetLineWidth(0.25)
	for c := 1; c < sh.cols; c++ {
		x := float64(c) * cw
		pdf.Line(x, edge, x, edge+mark)
		pdf.Line(x, ph-edge, x, ph-edge-mark)
	}
	for r := 1; r < sh.rows; r++ {
		y := float64(r) * chh
		pdf.Line(edge, y, edge+mark, y)
		pdf.Line(pw-edge, y, pw-edge-mark, y)
	}
}

func sorted(entries []codes.Entry, opts *Options) []codes.Entry {
	var out []codes.Entry
	for _, e := range entries {
		if opts.selected(e) {
			out = append(out, e)
		}
	}
	Sort(out)
	return out
}

// Written lists what WriteAll wrote.
type Written struct {
	Slips  []string // OUT/slips/<class>/<FileName>, in print order
	PESELs []string // the students printed, in the same order
	Print  string   // OUT/slips/wszystkie.pdf, or wybrane.pdf for a selection
	// Skipped says, per entry whose slip could not be made, whose (masked
	// PESEL) and why; the others were written.
	Skipped []string
	// Held are files another program (a PDF viewer) held open: their new
	// version was written beside them ("wszystkie (nowy).pdf").
	Held []*safefile.HeldError
}

// WriteAll writes every selected student's slip to
// OUT/slips/<SafeName(class)>/<FileName> and the print sheet to
// OUT/slips/wszystkie.pdf (wybrane.pdf for a selection), all through safefile (0600 files, 0700 folders).
// Two students whose file names collide get "_2", "_3"… suffixes. The slips
// are rendered by a pool of GOMAXPROCS workers; the first error stops them.
func WriteAll(ctx context.Context, outDir string, store *codes.Store, opts *Options) (Written, error) {
	perPage, err := opts.perPage()
	if err != nil {
		return Written{}, err
	}
	school := store.SchoolName
	if school == "" {
		school = store.School
	}
	list := sorted(store.Entries, opts)
	if len(list) == 0 {
		return Written{}, fmt.Errorf("writing slips: no entries selected")
	}
	slips, list, skipped := newSlips(school, list)
	for _, s := range skipped {
		slog.Warn("slip not made", "err", s)
	}
	if len(slips) == 0 {
		return Written{Skipped: skipped}, fmt.Errorf("writing slips: no slip could be made: %s", strings.Join(skipped, "; "))
	}
	dir := filepath.Join(outDir, "slips")
	res := Written{Slips: slipPaths(dir, list), Print: filepath.Join(dir, PrintFile), Skipped: skipped}
	for _, e := range list {
		res.PESELs = append(res.PESELs, e.PESEL)
	}
	if opts != nil && (opts.Class != "" || len(opts.PESEL) > 0) {
		res.Print = filepath.Join(dir, SelectedFile)
	}

	var mu sync.Mutex
	held := func(err error) error { // keeps a held file's error, passes the rest
		var he *safefile.HeldError
		if !errors.As(err, &he) {
			return err
		}
		mu.Lock()
		res.Held = append(res.Held, he)
		mu.Unlock()
		return nil
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, s := range slips {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				return err
			}
			return held(safefile.Write(res.Slips[i], func(w io.Writer) error {
				return s.writePDF(w, opts.compress())
			}))
		})
	}
	if err := g.Wait(); err != nil {
		return Written{}, fmt.Errorf("writing slips: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return Written{}, fmt.Errorf("writing slips: %w", err)
	}
	if err := held(safefile.Write(res.Print, func(w io.Writer) error {
		return writePrint(w, slips, perPage, opts.compress())
	})); err != nil {
		return Written{}, err
	}
	if res.Print == filepath.Join(dir, PrintFile) {
		// A full print run: slips of students no longer printed (card
		// withdrawn, code expired, moved class) must not stay behind with
		// their activation codes.
		keep := slices.Clone(res.Slips)
		for _, he := range res.Held {
			keep = append(keep, he.Beside)
		}
		if err := removeStale(dir, keep); err != nil {
			return Written{}, err
		}
	}
	slog.Info("slips written", "slips", len(res.Slips), "print", res.Print)
	return res, nil
}

// removeStale deletes the per-student slips under dir/<class>/ that are not
// in keep, and class folders left empty. Paths are compared as dir's file
// system does: where it ignores case, a slip written for class "2a" into
// the folder "2A" an earlier run made is the same file, not a stale one.
func removeStale(dir string, keep []string) error {
	names, err := safefile.NamesIn(dir)
	if err != nil {
		return err
	}
	kept := make(map[string]bool, len(keep))
	for _, p := range keep {
		kept[names.Key(p)] = true
	}
	classes, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("listing slips: %w", err)
	}
	for _, c := range classes {
		if !c.IsDir() {
			continue
		}
		cdir := filepath.Join(dir, c.Name())
		files, err := os.ReadDir(cdir)
		if err != nil {
			return fmt.Errorf("listing slips: %w", err)
		}
		left := len(files)
		for _, f := range files {
			p := filepath.Join(cdir, f.Name())
			if f.Type().IsRegular() && strings.HasSuffix(f.Name(), ".pdf") && !kept[names.Key(p)] {
				if err := os.Remove(p); err != nil {
					return fmt.Errorf("removing a stale slip: %w", err)
				}
				left--
			}
		}
		if left == 0 {
			os.Remove(cdir)
		}
	}
	return nil
}

// slipPaths names each entry's file, suffixing collisions within a class.
func slipPaths(dir string, list []codes.Entry) []string {
	paths := make([]string, len(list))
	seen := map[string]int{}
	for i, e := range list {
		p := filepath.Join(dir, SafeName(e.Class), FileName(e))
		key := strings.ToLower(p) // Windows and macOS fold case
		seen[key]++
		if n := seen[key]; n > 1 {
			p = strings.TrimSuffix(p, ".pdf") + fmt.Sprintf("_%d.pdf", n)
		}
		paths[i] = p
	}
	return paths
}
