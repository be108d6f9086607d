package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/mlegit/mlegit/codes"
	"github.com/mlegit/mlegit/export"
	"github.com/mlegit/mlegit/failpoint"
	"github.com/mlegit/mlegit/lifecycle"
	"github.com/mlegit/mlegit/report"
	"github.com/mlegit/mlegit/safefile"
)

const codesImportLong = `Import the codes file the portal returned (pesel;kod_qr;kod_aktywacyjny;
wygenerowano;wazny_do[;symulacja]): each row is joined with the student's data
from the upload packages' manifests and stored in OUT/codes/codes.json (0600),
which the slips are printed from. Importing again is safe: entries are
replaced by PESEL, the most recently generated code wins.

Without --package, rows are joined against every package in OUT/package, so
codes for an older night's package may arrive after a newer one was written;
a student sent more than once takes the data of the newest package holding
them. When the school's state store knows students, a row is used only for a
student whose current issue was sent (packaged or later) and whose code was
generated on or after the day that issue was packaged: a code for an earlier,
since invalidated issue is CODES_STALE, and a student the store does not know
is CODES_NOT_IN_PACKAGE.

A row that cannot be used is reported with its row number and masked PESEL
(CODES_PESEL_UNKNOWN, CODES_NOT_IN_PACKAGE, CODES_DUPLICATE,
CODES_DATE_INVALID, CODES_EXPIRED, CODES_FIELD_MISSING, CODES_STALE) and is
not stored; the other rows are imported. The rejected rows are also written,
in Polish, to OUT/codes/odrzucone_kody.csv for the secretariat. Codes are
never printed or logged.

Exit codes: 0 every row imported, 3 some rows rejected (the rest imported),
2 usage/config error, 1 fatal (nothing imported).`

// codesImportOptions are the flags of mlegit codes import.
type codesImportOptions struct {
	File    string
	Package string
}

func (o *codesImportOptions) AddFlags(f *pflag.FlagSet) {
	f.StringVar(&o.File, "file", "", "codes file from the portal (.csv)")
	f.StringVar(&o.Package, "package", "", "upload package the codes answer (default: every package in OUT/package)")
	f.String("out", "out", "output folder")
	f.String("as-of", "", "date expiry is judged on, YYYY-MM-DD (default today)")
	f.Int("code-lifetime-days", codes.DefaultLifetimeDays, "validity of codes without wazny_do")
}

func newCodesCommand(g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "codes",
		Short: "Work with the codes the portal issues",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newCodesImportCommand(g), newCodesActivationsCommand(g))
	return cmd
}

func newCodesImportCommand(g *globalOptions) *cobra.Command {
	var opts codesImportOptions
	cmd := &cobra.Command{
		Use:     "import --file FILE --out DIR",
		Short:   "Import the portal's codes file into OUT/codes/codes.json",
		Long:    codesImportLong,
		Args:    cobra.NoArgs,
		Example: "  mlegit codes import --file kody.csv --out wynik --as-of 2026-09-20",
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCodesImport(cmd.Context(), opts, g, cmd.Flags())
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

func runCodesImport(ctx context.Context, opts codesImportOptions, g *globalOptions, flags *pflag.FlagSet) error {
	if opts.File == "" {
		return usageErrorf("--file is required")
	}
	cfg, v, err := g.loadConfig(flags)
	if err != nil {
		return err
	}
	cfg.SchoolName = schoolName(cfg, v)
	asOf, err := parseAsOf(cfg.AsOf)
	if err != nil {
		return err
	}
	pkgs := []string{opts.Package}
	if opts.Package == "" {
		if pkgs, err = packagesOldestFirst(cfg.Out); err != nil {
			return err
		}
	}
	school, _, _ := export.ParsePackageName(filepath.Base(pkgs[len(pkgs)-1]))
	if school == "" {
		return usageErrorf("--package %s: not named like an upload package (mlegitymacja-<school>-<YYYYMMDD>.zip)",
			filepath.Base(pkgs[len(pkgs)-1]))
	}
	st, closeState, err := openState(cfg, cfg.Out, school)
	if err != nil {
		return err
	}
	defer closeState()
	issues, err := lifecycle.CurrentIssues(ctx, st)
	if err != nil {
		return err
	}
	in, rejected, err := codes.Import(opts.File, pkgs, asOf, cfg.CodeLifetimeDays, issues)
	if err != nil {
		return err
	}
	if in.School == cfg.School {
		in.SchoolName = cfg.SchoolName
	}
	path := codes.StorePath(cfg.Out)
	store, err := codes.Update(path, in)
	if err != nil {
		return err
	}
	failpoint.Hit(PointCodesStored)
	skipped, err := lifecycle.RecordCodes(ctx, st, in.Entries, runTime(asOf))
	if err != nil {
		return err
	}
	failpoint.Hit(PointCodesRecorded)
	if skipped > 0 {
		g.log.Warn("codes for students not awaiting them were not recorded in the state store", "count", skipped)
	}
	rejPath := filepath.Join(filepath.Dir(path), codesRejectsFile)
	if err := safefile.Write(rejPath, func(w io.Writer) error { return report.WriteCSV(w, rejected) }); err != nil {
		return err
	}
	g.log.Info("codes imported", "accepted", len(in.Entries), "rejected", len(rejected), "stored", len(store.Entries))
	for _, r := range rejected {
		fmt.Fprintf(g.stdout, "%s:%d PESEL %s %s %s: %s — %s\n", r.File, r.Row, r.PESEL, r.Name, r.Class, r.Code, r.Message)
	}
	fmt.Fprintf(g.stdout, "codes imported: %d, rows rejected: %d; %s now holds %d\n",
		len(in.Entries), len(rejected), path, len(store.Entries))
	if len(rejected) > 0 {
		return &exitError{code: exitRejected, err: fmt.Errorf("%d codes rows rejected", len(rejected))}
	}
	return nil
}

// Crash points of codes import (docs/crash-points.md).
const (
	PointCodesStored   = "codes.stored"   // codes.json replaced, the store not yet told
	PointCodesRecorded = "codes.recorded" // students moved to codes_received, packages confirmed
)

// codesRejectsFile lists, for the secretariat, the rows of the last codes
// import that were not used (beside codes.json; no codes in it).
const codesRejectsFile = "odrzucone_kody.csv"

// packagesOldestFirst returns the upload packages in OUT/package in the
// order they were written: by the as-of date in their names, then by the
// same-day number ("-2", "-3"). Files not named like a package are left out.
func packagesOldestFirst(out string) ([]string, error) {
	dir := filepath.Join(out, export.PackageDir)
	found, err := filepath.Glob(filepath.Join(dir, "mlegitymacja-*.zip"))
	if err != nil {
		return nil, fmt.Errorf("listing upload packages: %w", err)
	}
	type pkg struct {
		path string
		day  time.Time
		seq  int
	}
	var pkgs []pkg
	for _, f := range found {
		if _, day, ok := export.ParsePackageName(filepath.Base(f)); ok {
			pkgs = append(pkgs, pkg{f, day, export.PackageSeq(filepath.Base(f))})
		}
	}
	if len(pkgs) == 0 {
		return nil, usageErrorf("no upload package in %s; name one with --package", dir)
	}
	slices.SortFunc(pkgs, func(a, b pkg) int {
		return cmp.Or(a.day.Compare(b.day), cmp.Compare(a.seq, b.seq))
	})
	paths := make([]string, len(pkgs))
	for i, p := range pkgs {
		paths[i] = p.path
	}
	return paths, nil
}
