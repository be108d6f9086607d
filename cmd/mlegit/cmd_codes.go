package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/mlegit/mlegit/codes"
	"github.com/mlegit/mlegit/config"
	"github.com/mlegit/mlegit/export"
	"github.com/mlegit/mlegit/report"
	"github.com/mlegit/mlegit/safefile"
	"github.com/mlegit/mlegit/state"
)

const codesImportLong = `Import the codes file the portal returned (pesel;kod_qr;kod_aktywacyjny;
wygenerowano;wazny_do[;symulacja]) for an upload package: each row is joined
with the student's data from the package's manifest and stored in
OUT/codes/codes.json (0600), which the slips are printed from. Importing again
is safe: entries are replaced by PESEL, the most recently generated code wins.

A row that cannot be used is reported with its row number and masked PESEL
(CODES_PESEL_UNKNOWN, CODES_NOT_IN_PACKAGE, CODES_DUPLICATE,
CODES_DATE_INVALID, CODES_EXPIRED, CODES_FIELD_MISSING); the other rows are
imported; they are also written, in Polish, to OUT/codes/odrzucone_kody.csv
for the secretariat. Codes are never printed or logged.

--package defaults to the only package in OUT/package.

Exit codes: 0 every row imported, 3 some rows rejected (the rest imported),
2 usage/config error, 1 fatal (nothing imported).`

// codesImportOptions are the flags of mlegit codes import.
type codesImportOptions struct {
	File    string
	Package string
}

func (o *codesImportOptions) AddFlags(f *pflag.FlagSet) {
	f.StringVar(&o.File, "file", "", "codes file from the portal (.csv)")
	f.StringVar(&o.Package, "package", "", "upload package the codes answer (default: the only one in OUT/package)")
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
	cfg, _, err := config.Load(g.configFile, flags.Changed("config"), flags)
	if err != nil {
		return err
	}
	asOf, err := parseAsOf(cfg.AsOf)
	if err != nil {
		return err
	}
	pkg := opts.Package
	if pkg == "" {
		if pkg, err = onlyPackage(cfg.Out); err != nil {
			return err
		}
	}
	in, rejected, err := codes.Import(opts.File, pkg, asOf, cfg.CodeLifetimeDays)
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
	if err := recordCodes(ctx, cfg, in, runTime(asOf)); err != nil {
		return err
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

// onlyPackage returns the single upload package in OUT/package.
// onlyPackage returns the newest upload package in OUT/package (by the
// as-of date in its name): nightly runs leave one per night with news.
// codesRejectsFile lists, for the secretariat, the rows of the last codes
// import that were not used (beside codes.json; no codes in it).
const codesRejectsFile = "odrzucone_kody.csv"

func onlyPackage(out string) (string, error) {
	dir := filepath.Join(out, export.PackageDir)
	found, err := filepath.Glob(filepath.Join(dir, "mlegitymacja-*.zip"))
	if err != nil {
		return "", err
	}
	newest, newestDay := "", time.Time{}
	for _, f := range found {
		if _, day, ok := export.ParsePackageName(filepath.Base(f)); ok && !day.Before(newestDay) {
			newest, newestDay = f, day
		}
	}
	if newest == "" {
		return "", usageErrorf("no upload package in %s; name one with --package", dir)
	}
	return newest, nil
}

// recordCodes moves the students whose codes arrived to codes_received in
// the school's state store. Codes for students the store does not hold as
// sent (unknown, or invalidated since) are kept in the codes file but not
// recorded.
func recordCodes(ctx context.Context, cfg *config.Config, in *codes.Store, at time.Time) error {
	store, closeState, err := openState(cfg, cfg.Out, in.School)
	if err != nil {
		return err
	}
	defer closeState()
	sent, err := holding(ctx, store, state.Packaged, state.CodesReceived, state.SlipPrinted,
		state.PickedUp, state.Activated, state.Expired)
	if err != nil {
		return err
	}
	var known []codes.Entry
	for _, e := range in.Entries {
		if sent[e.PESEL] {
			known = append(known, e)
		}
	}
	if len(known) < len(in.Entries) {
		slog.Warn("codes for students not awaiting them were not recorded in the state store",
			"count", len(in.Entries)-len(known))
	}
	return store.RecordCodes(ctx, known, at)
}
