package main

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/mlegit/mlegit/codes"
	"github.com/mlegit/mlegit/config"
	"github.com/mlegit/mlegit/export"
)

const codesImportLong = `Import the codes file the portal returned (pesel;kod_qr;kod_aktywacyjny;
wygenerowano;wazny_do[;symulacja]) for an upload package: each row is joined
with the student's data from the package's manifest and stored in
OUT/codes/codes.json (0600), which the slips are printed from. Importing again
is safe: entries are replaced by PESEL, the most recently generated code wins.

A row that cannot be used is reported with its row number and masked PESEL
(CODES_PESEL_UNKNOWN, CODES_NOT_IN_PACKAGE, CODES_DUPLICATE,
CODES_DATE_INVALID, CODES_EXPIRED, CODES_FIELD_MISSING); the other rows are
imported. Codes are never printed or logged.

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
	cmd.AddCommand(newCodesImportCommand(g))
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

func runCodesImport(_ context.Context, opts codesImportOptions, g *globalOptions, flags *pflag.FlagSet) error {
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
	g.log.Info("codes imported", "accepted", len(in.Entries), "rejected", len(rejected), "stored", len(store.Entries))
	for _, r := range rejected {
		fmt.Fprintf(g.stdout, "%s:%d PESEL %s %s %s: %s — %s\n", r.File, r.Row, r.PESEL, r.Name, r.Class, r.Code, r.Message)
	}
	fmt.Fprintf(g.stdout, "Zaimportowane kody: %d, odrzucone wiersze: %d; razem w %s: %d.\n",
		len(in.Entries), len(rejected), path, len(store.Entries))
	if len(rejected) > 0 {
		return &exitError{code: exitRejected, err: fmt.Errorf("%d codes rows rejected", len(rejected))}
	}
	return nil
}

// onlyPackage returns the single upload package in OUT/package.
func onlyPackage(out string) (string, error) {
	found, err := filepath.Glob(filepath.Join(out, export.PackageDir, "mlegitymacja-*.zip"))
	if err != nil {
		return "", err
	}
	if len(found) != 1 {
		return "", usageErrorf("%d packages in %s; name one with --package", len(found), filepath.Join(out, export.PackageDir))
	}
	return found[0], nil
}
