package photos

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/mlegit/mlegit/pesel"
	"github.com/mlegit/mlegit/reject"
	"github.com/mlegit/mlegit/report"
	"github.com/mlegit/mlegit/safefile"
	"github.com/mlegit/mlegit/texts"
)

// RejectsFile is the name of the Polish report NormalizeDir writes into
// its output folder: the rejected photos, then the written ones to check.
const RejectsFile = "odrzucone_zdjecia.csv"

// Rejected is one photo NormalizeDir turned away.
type Rejected struct {
	File   string      // base name in the input folder
	Code   reject.Code // why
	Detail string      // technical reason (English)
	// Szczegoly is the reason in Polish, with its values.
	Szczegoly string
}

// Warned is one photo NormalizeDir wrote that the secretariat should look
// at (too dark, blurred, no face found, a dark background).
type Warned struct {
	File   string // base name in the input folder
	Code   string // catalogue warning code, e.g. WarnPhotoDark
	Detail string // technical reason (English)
	// Szczegoly is the reason in Polish, with its values.
	Szczegoly string
}

// Report is the outcome of NormalizeDir.
type Report struct {
	Total    int        // image files found in the input folder
	Written  int        // photos written, those with warnings included
	Rejected []Rejected // sorted by file name
	// Warnings are the written photos to check, sorted by file name; a
	// photo may have several.
	Warnings   []Warned
	ReportPath string // path of odrzucone_zdjecia.csv
}

// NormalizeDir normalises every image file of inDir (not its subfolders)
// into cfg.Dir/<input base name>.jpg under cfg.Profile with cfg.Workers
// workers, and writes the rejections to cfg.Dir/odrzucone_zdjecia.csv
// (UTF-8 with BOM, ';', columns Plik;Kod błędu;Powód;Szczegóły) followed,
// as in odrzuceni.csv, by a "Do sprawdzenia" section listing the written
// photos that have warnings. Files whose names differ only by
// extension or by case ("Nowak Ewa 2b.jpg", "NOWAK EWA 2B.png") would
// overwrite each other — by case on Windows and macOS, whose file names
// ignore it, so on every system alike — and are rejected as ambiguous. The
// error is for folders that cannot be read or written.
func NormalizeDir(ctx context.Context, inDir string, cfg Config) (Report, error) {
	var rep Report
	outDir := cfg.Dir
	if same, err := sameDir(inDir, outDir); err != nil {
		return rep, err
	} else if same {
		return rep, fmt.Errorf("output folder %s is the input folder: the photos would be overwritten", outDir)
	}
	l, err := ListDir(inDir)
	if err != nil {
		return rep, fmt.Errorf("listing photos: %w", err)
	}
	byStem := map[string][]string{}
	var stems []string
	// Unreadable files stay candidates: reading them rejects them as
	// PHOTO_UNREADABLE in the report, naming the file.
	for _, name := range slices.Concat(l.Files, l.Unreadable) {
		if !IsImageName(name) {
			continue
		}
		rep.Total++
		stem := safefile.FoldCase(strings.TrimSuffix(name, filepath.Ext(name)))
		if byStem[stem] == nil {
			stems = append(stems, stem)
		}
		byStem[stem] = append(byStem[stem], name)
	}
	var jobs []Job
	for _, stem := range stems {
		files := byStem[stem]
		name := strings.TrimSuffix(files[0], filepath.Ext(files[0]))
		if len(files) > 1 {
			for _, f := range files {
				rep.Rejected = append(rep.Rejected, Rejected{File: f, Code: reject.PhotoAmbiguous,
					Detail: "several files would be written as " + maskPESELs(name) + ".jpg",
					Szczegoly: reject.PhotoAmbiguous.Detail("same_name", texts.Args{
						"files": quoteFiles(files), "output": texts.Quoted(maskPESELs(name) + ".jpg")})})
			}
			continue
		}
		jobs = append(jobs, Job{Source: filepath.Join(inDir, files[0]), Name: name})
	}
	if err := safefile.MkdirAll(outDir); err != nil {
		return rep, err
	}

	g, ctx := errgroup.WithContext(ctx)
	in := make(chan Job)
	out := make(chan Result)
	g.Go(func() error { return Feed(ctx, jobs, in) })
	Process(ctx, g, cfg, in, out)
	for r := range out {
		file := filepath.Base(r.Source)
		if r.Code != "" {
			rep.Rejected = append(rep.Rejected, Rejected{File: file, Code: r.Code, Detail: r.Detail, Szczegoly: r.Szczegoly})
			continue
		}
		rep.Written++
		for _, w := range r.Info.Warnings {
			rep.Warnings = append(rep.Warnings, Warned{File: file, Code: w.Code, Detail: w.Err.Error(), Szczegoly: w.Polish(file)})
		}
	}
	if err := g.Wait(); err != nil {
		return rep, fmt.Errorf("normalising photos: %w", err)
	}
	slices.SortFunc(rep.Rejected, func(a, b Rejected) int { return strings.Compare(a.File, b.File) })
	// Stable: a photo's warnings keep the checks' order.
	slices.SortStableFunc(rep.Warnings, func(a, b Warned) int { return strings.Compare(a.File, b.File) })
	rep.ReportPath = filepath.Join(outDir, RejectsFile)
	if err := safefile.Write(rep.ReportPath, func(w io.Writer) error { return writeReport(w, rep) }); err != nil {
		return rep, err
	}
	return rep, nil
}

// writeReport writes the Polish report of a photo folder in the layout of
// odrzuceni.csv: the rejections, then the "Do sprawdzenia" section. Each
// row: the file, the code, the Polish title and action, the Polish detail.
// File names are often the student's PESEL: masked like in every
// secretariat file.
func writeReport(w io.Writer, rep Report) error {
	rejected := make([][]string, len(rep.Rejected))
	for i, r := range rep.Rejected {
		rejected[i] = []string{pesel.MaskIn(r.File), string(r.Code), r.Code.Message(), pesel.MaskIn(r.Szczegoly)}
	}
	check := make([][]string, len(rep.Warnings))
	for i, r := range rep.Warnings {
		e, _ := texts.Lookup(r.Code)
		check[i] = []string{pesel.MaskIn(r.File), r.Code, e.Message(), pesel.MaskIn(r.Szczegoly)}
	}
	if err := report.WriteSectionsCSV(w, []string{texts.ColFile, texts.ColCode, texts.ColReason, texts.ColDetail},
		rejected, check, nil); err != nil {
		return fmt.Errorf("writing %s: %w", RejectsFile, err)
	}
	return nil
}

// sameDir reports whether a and b are the same folder (b may not exist).
func sameDir(a, b string) (bool, error) {
	ai, err := os.Stat(a)
	if err != nil {
		return false, fmt.Errorf("photos folder: %w", err)
	}
	bi, err := os.Stat(b)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("output folder: %w", err)
	}
	return os.SameFile(ai, bi), nil
}
