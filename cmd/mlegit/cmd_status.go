package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/mlegit/mlegit/config"
	"github.com/mlegit/mlegit/report"
	"github.com/mlegit/mlegit/safefile"
	"github.com/mlegit/mlegit/state"
	"github.com/mlegit/mlegit/status"
)

const statusLong = `Show where one school stands, from its state store and the last run's
summary.json, judged on --as-of:

  - students per class and lifecycle state, with totals;
  - deadlines near (codes_due_days, activation_days, card validity,
    photo_retention_days; listed 3 days ahead) or overdue;
  - the rejections of the last run that are still open;
  - the upload packages waiting to be uploaded, with their age (late past
    codes_due_days; mlegit package uploaded NAME confirms one).

The table goes to the terminal; OUT/status.xlsx gets the same for the
secretariat, in Polish (sheets Podsumowanie, Terminy, Odrzuceni, Paczki). PESELs
are always masked. status only reads the store: it works while a nightly
run holds the school's lock.

With --json it prints, for scripts and monitoring, instead of the table
(status.xlsx is then not written):

  {"school": ID, "as_of": "YYYY-MM-DD",
   "states": {"new": N, "validated": N, ...every state...},
   "students": [{"pesel": masked, "class": C, "state": S, "issue": I}, ...],
   "deadlines": [{"pesel": masked, "class": C, "state": S, "kind": K,
                  "due": "YYYY-MM-DD", "days_left": D, "overdue": B}, ...]}

Without --school the school is the one whose state is in --out; with
several there, status names them (exit 2).

Exit codes: 0 shown, 2 usage/config error (e.g. no state store for the
school yet), 1 fatal.`

func newStatusCommand(g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "status [--school ID] [--out DIR] [--as-of YYYY-MM-DD]",
		Short:   "Show counts per state and class, deadlines and open rejections",
		Long:    statusLong,
		Args:    cobra.NoArgs,
		Example: "  mlegit status --out wynik\n  mlegit status --out wynik --as-of 2026-09-28",
		RunE: func(cmd *cobra.Command, args []string) error {
			return runStatus(cmd.Context(), g, cmd)
		},
	}
	f := cmd.Flags()
	f.String("out", "out", "output folder (reads summary.json, writes status.xlsx)")
	f.String("as-of", "", "date deadlines are judged on, YYYY-MM-DD (default today)")
	f.String("school", "szkola", "school identifier (default: the one school whose state is in --out)")
	f.String("state-dir", "", "folder of the per-school state stores (default OUT/state)")
	f.Bool("json", false, "print JSON for scripts and monitoring instead of the table (no status.xlsx)")
	return cmd
}

func runStatus(ctx context.Context, g *globalOptions, cmd *cobra.Command) error {
	cfg, asOf, err := storeConfig(g, cmd)
	if err != nil {
		return err
	}
	// No lock: status only reads, and WAL lets it read beside a run.
	store, err := state.Open(stateDir(cfg, cfg.Out), cfg.School)
	if err != nil {
		return err
	}
	defer store.Close()
	r, err := status.Build(ctx, store, asOf, deadlines(cfg), filepath.Join(cfg.Out, report.SummaryFile))
	if err != nil {
		return err
	}
	r.SchoolName = cfg.SchoolName
	if asJSON, _ := cmd.Flags().GetBool("json"); asJSON {
		recs, err := store.Students(ctx)
		if err != nil {
			return err
		}
		return status.WriteJSON(g.stdout, r, recs)
	}
	if err := status.WriteTable(g.stdout, r); err != nil {
		return err
	}
	path := filepath.Join(cfg.Out, status.FileName)
	if err := safefile.Write(path, func(w io.Writer) error { return status.WriteXLSX(w, r) }); err != nil {
		return err
	}
	fmt.Fprintf(g.stdout, "\nFor the secretariat: %s\n", path)
	return nil
}

// storeConfig loads the configuration of a command that works on a
// school's existing state store, and its --as-of date. A school with no
// store yet is a usage error, so that a mistyped --school or --out does
// not create an empty store. The school is resolved by resolveSchool.
func storeConfig(g *globalOptions, cmd *cobra.Command) (*config.Config, time.Time, error) {
	cfg, v, err := g.loadConfig(cmd.Flags())
	if err != nil {
		return nil, time.Time{}, err
	}
	if err := resolveSchool(cfg, v, cmd.Flags()); err != nil {
		return nil, time.Time{}, err
	}
	cfg.SchoolName = schoolName(cfg, v)
	asOf, err := parseAsOf(cfg.AsOf)
	if err != nil {
		return nil, time.Time{}, err
	}
	dir := stateDir(cfg, cfg.Out)
	_, err = os.Stat(filepath.Join(dir, cfg.School+".sqlite"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, time.Time{}, usageErrorf("school %q has no state store in %s: run mlegit run first, or check --school, --out and --state-dir",
			cfg.School, dir)
	}
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("finding the state store: %w", err)
	}
	return cfg, asOf, nil
}
