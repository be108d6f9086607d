package main

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/mlegit/mlegit/config"
	"github.com/mlegit/mlegit/pipeline"
	"github.com/mlegit/mlegit/roster"
)

const runLong = `Run the nightly job for one school: read the roster file(s), validate every
student (PESEL, names, card), match and normalise the photos, build the upload
package, and write the reports into --out:

  summary.json     counts and every rejection (PESELs masked)
  odrzuceni.csv    rejections for the secretariat (Excel, Polish)
  odrzuceni.xlsx   the same as a workbook

One bad row or file never stops the batch.

Exit codes: 0 all accepted, 3 some rejected (the batch completed),
2 usage/config error, 1 fatal (nothing usable written), 4 locked.`

func newRunCommand(g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "run --roster FILE [--roster FILE...] [--photos DIR] --out DIR",
		Short:   "Validate a school's roster and photos and build the upload package",
		Long:    runLong,
		Args:    cobra.NoArgs,
		Example: "  mlegit run --roster uczniowie.csv --photos zdjecia --out wynik --as-of 2026-09-15",
		RunE: func(cmd *cobra.Command, args []string) error {
			return runRun(cmd.Context(), g, cmd)
		},
	}
	f := cmd.Flags()
	f.StringSlice("roster", nil, "roster file, CSV or XLSX (repeatable)")
	f.String("photos", "", "folder of the students' photos")
	f.String("out", "out", "output folder")
	f.String("as-of", "", "date the rules are judged on, YYYY-MM-DD (default today)")
	f.String("school", "szkola", "school identifier (used in file names)")
	f.String("profile", "mobywatel", "photo profile (see mlegit profiles)")
	f.Int("workers", 0, "photo workers (default: number of CPUs)")
	return cmd
}

func runRun(ctx context.Context, g *globalOptions, cmd *cobra.Command) error {
	cfg, v, err := g.loadConfig(cmd)
	if err != nil {
		return err
	}
	asOf, err := parseAsOf(cfg.AsOf)
	if err != nil {
		return err
	}
	if len(cfg.Rosters) == 0 {
		return usageErrorf("no roster: give --roster FILE or 'roster:' in the config")
	}
	prof, err := lookupProfile(v, cfg.Profile)
	if err != nil {
		return err
	}
	pc := pipeline.Config{
		School:     cfg.School,
		SchoolName: cfg.SchoolName,
		AsOf:       asOf,
		Rosters:    cfg.Rosters,
		OutDir:     cfg.Out,
		Profile:    cfg.Profile,
		Roster:     rosterOptions(cfg),
		Log:        g.log,
	}
	if g.stderrIsTerminal() {
		bar := newProgressBar(g.stderr)
		defer bar.finish()
		pc.Progress = bar
	}
	if cfg.Photos != "" {
		photoDir := filepath.Join(cfg.Out, "photos")
		pc.Photos = &pipeline.Photos{
			SourceDir: cfg.Photos,
			Config:    photoConfig(cfg, photoDir, prof),
			Progress:  pc.Progress,
		}
		pc.Pack = &pipeline.Package{OutDir: cfg.Out, School: cfg.School, AsOf: asOf, PhotoDir: photoDir}
	}
	res, err := pipeline.Run(ctx, pc)
	if err != nil {
		return err
	}
	s := res.Summary
	fmt.Fprintf(g.stdout, "%s: %d students, %d accepted, %d rejected; reports in %s\n",
		s.School, s.Students, s.Accepted, s.Rejected, cfg.Out)
	if res.RostersRead == 0 {
		return fmt.Errorf("no roster file could be read (see %s/summary.json)", cfg.Out)
	}
	if s.Rejected > 0 {
		return errRejected
	}
	return nil
}

// rosterOptions turns the config's column overrides into reader options.
func rosterOptions(cfg *config.Config) *roster.Options {
	if len(cfg.Columns) == 0 {
		return nil
	}
	o := &roster.Options{Columns: map[roster.Field][]string{}}
	for k, names := range cfg.Columns {
		o.Columns[roster.Field(k)] = names
	}
	return o
}
