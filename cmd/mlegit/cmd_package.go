package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/mlegit/mlegit/export"
	"github.com/mlegit/mlegit/failpoint"
	"github.com/mlegit/mlegit/pipeline"
	"github.com/mlegit/mlegit/report"
	"github.com/mlegit/mlegit/state"
)

const packageUploadedLong = `Record that the upload package NAME (a file name from OUT/package, as
summary.json's "package" and "waiting_packages" give it) was uploaded to the
national portal, for a school that uploads by hand and gets the codes later.
The package stops being listed as waiting in summary.json, in the run's
terminal summary and in mlegit status. A codes import confirms the packages
it answers by itself; confirming a package twice keeps the first record.

Exit codes: 0 recorded, 2 usage/config error (e.g. a name the school's
state store does not hold), 4 another run holds the school's lock, 1 fatal.`

// PointPackageConfirmed is hit after mlegit package uploaded committed.
const PointPackageConfirmed = "package.confirmed"

func newPackageCommand(g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "package",
		Short: "Work with the upload packages recorded in the state store",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newPackageUploadedCommand(g))
	return cmd
}

func newPackageUploadedCommand(g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "uploaded NAME",
		Short:   "Record that an upload package was uploaded to the portal",
		Long:    packageUploadedLong,
		Args:    cobra.ExactArgs(1),
		Example: "  mlegit package uploaded mlegitymacja-sp7-20260915.zip --out wynik",
		RunE: func(cmd *cobra.Command, args []string) error {
			return runPackageUploaded(cmd.Context(), g, cmd, args[0])
		},
	}
	f := cmd.Flags()
	f.String("out", "out", "output folder")
	f.String("as-of", "", "date recorded as the upload day, YYYY-MM-DD (default today)")
	f.String("state-dir", "", "folder of the per-school state stores (default OUT/state)")
	return cmd
}

func runPackageUploaded(ctx context.Context, g *globalOptions, cmd *cobra.Command, name string) error {
	name = filepath.Base(name)
	school, _, ok := export.ParsePackageName(name)
	if !ok {
		return usageErrorf("%s: not named like an upload package (mlegitymacja-<school>-<YYYYMMDD>.zip)", name)
	}
	cfg, _, err := g.loadConfig(cmd.Flags())
	if err != nil {
		return err
	}
	asOf, err := parseAsOf(cfg.AsOf)
	if err != nil {
		return err
	}
	st, closeState, err := openState(cfg, cfg.Out, school)
	if err != nil {
		return err
	}
	defer closeState()
	err = st.ConfirmPackage(ctx, name, runTime(asOf), state.ConfirmedByUploaded)
	if errors.Is(err, state.ErrNoPackage) {
		return usageErrorf("school %s has no upload package %s in its state store", school, name)
	}
	if err != nil {
		return err
	}
	failpoint.Hit(PointPackageConfirmed)
	g.log.Info("package confirmed as uploaded", "package", name)
	fmt.Fprintf(g.stdout, "%s: recorded as uploaded\n", name)
	waiting, err := st.WaitingPackages(ctx)
	if err != nil {
		return err
	}
	printWaiting(g.stdout, pipeline.Waiting(waiting, asOf))
	return nil
}

// printWaiting lists the packages that wait to be uploaded, for the
// terminal.
func printWaiting(w io.Writer, ps []report.WaitingPackage) {
	if len(ps) == 0 {
		return
	}
	fmt.Fprintf(w, "%d upload package(s) wait to be uploaded (after uploading: mlegit package uploaded NAME):\n", len(ps))
	for _, p := range ps {
		created := p.Created
		if len(created) >= 10 {
			created = created[:10]
		}
		fmt.Fprintf(w, "  %s  created %s, %d days ago, %d students\n", p.Name, created, p.AgeDays, p.Students)
	}
}
