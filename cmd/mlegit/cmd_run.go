package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/viper"

	"github.com/mlegit/mlegit/config"
	"github.com/mlegit/mlegit/district"
	"github.com/mlegit/mlegit/lifecycle"
	"github.com/mlegit/mlegit/pipeline"
	"github.com/mlegit/mlegit/report"
	"github.com/mlegit/mlegit/roster"
	"github.com/mlegit/mlegit/state"
)

const runLong = `Run the nightly job for one school: read the roster file(s), validate every
student (PESEL, names, card), match and normalise the photos, build the upload
package, and write the reports into --out:

  summary.json     counts and every rejection (PESELs masked)
  odrzuceni.csv    rejections for the secretariat (Excel, Polish)
  odrzuceni.xlsx   the same as a workbook
  photos/, package/, sio/   when --photos is given

One bad row or file never stops the batch.

With --all, run every school listed under 'schools:' in the config, at most
--parallel at once, each into its own folder (its 'out', or --out/<id>), and
write --out/district-summary.json. --shard i/n runs only the i-th of n
deterministic slices of the list (see docs/scaling.md).

Lifecycle: without --photos the run only validates (no state change, no
package). An issued card is withdrawn only when the student left a complete
roster (transfer), the card's validity date passed, or a printed field
(name, birth date, card number or dates) changed, which also reissues it
the same night. A night that would invalidate more cards than
--max-invalidations (max_invalidations: N or P% of the cards in flight,
default 10%, never below 5) is held: nothing changes, no package is written,
the reports list the held invalidations (INVALIDATION_HELD) and the run
exits with code 6. Check that the roster export is complete; if the
invalidations are real, run again with e.g. --max-invalidations 100%.

One school per --out: a folder holding another school's state or summary is
refused (exit 2).

Exit codes: 0 all accepted, 3 some rejected (the batch completed),
2 usage/config error, 1 fatal (nothing usable written), 4 locked,
5 (--all) at least one school failed; the others completed,
6 the night was held by the mass-invalidation guard (nothing changed); with
--all: no school failed and at least one school's night was held (named in
district-summary.json held_schools).`

// runOptions are the flags of run that are not configuration keys.
type runOptions struct {
	all      bool
	shard    string
	parallel int
}

func newRunCommand(g *globalOptions) *cobra.Command {
	var opts runOptions
	cmd := &cobra.Command{
		Use:     "run --roster FILE [--roster FILE...] [--photos DIR] --out DIR",
		Short:   "Validate a school's roster and photos and build the upload package",
		Long:    runLong,
		Args:    cobra.NoArgs,
		Example: "  mlegit run --roster uczniowie.csv --photos zdjecia --out wynik --as-of 2026-09-15\n  mlegit run --all --config powiat.yaml --out wyniki --shard 0/4",
		RunE: func(cmd *cobra.Command, args []string) error {
			return runRun(cmd.Context(), opts, g, cmd)
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
	f.String("state-dir", "", "folder of the per-school state stores (default OUT/state)")
	f.String("max-invalidations", "10%", "most cards one night may invalidate: N or P% of the cards in flight (never below 5)")
	f.BoolVar(&opts.all, "all", false, "run every school listed under 'schools:' in the config")
	f.StringVar(&opts.shard, "shard", "", "with --all: run only shard i of n (i/n, 0 ≤ i < n)")
	f.IntVar(&opts.parallel, "parallel", 2, "with --all: schools processed at once")
	return cmd
}

func runRun(ctx context.Context, opts runOptions, g *globalOptions, cmd *cobra.Command) error {
	cfg, v, err := g.loadConfig(cmd.Flags())
	if err != nil {
		return err
	}
	asOf, err := parseAsOf(cfg.AsOf)
	if err != nil {
		return err
	}
	limit, err := lifecycle.ParseLimit(cfg.MaxInvalidations)
	if err != nil {
		return usageErrorf("%v", err)
	}
	env := &schoolEnv{g: g, cfg: cfg, v: v, asOf: asOf, limit: limit}
	if opts.all {
		return runDistrict(ctx, opts, env)
	}
	if opts.shard != "" {
		return usageErrorf("--shard goes with --all")
	}
	s := district.School{ID: cfg.School, Name: cfg.SchoolName, Rosters: cfg.Rosters,
		Photos: cfg.Photos, Profile: cfg.Profile, Out: cfg.Out}
	if len(s.Rosters) == 0 {
		return usageErrorf("no roster: give --roster FILE or 'roster:' in the config")
	}
	res, err := env.runSchool(ctx, s, g.stderrIsTerminal())
	if err != nil {
		return err
	}
	sum := res.Summary
	if res.Held {
		fmt.Fprintf(g.stdout, "%s: night HELD: it would invalidate %d cards, more than the limit of %d (max_invalidations %s).\n"+
			"Nothing was changed and no package was written; the held invalidations are listed in %s.\n"+
			"Check that the roster export is complete. If these invalidations are real, run again with --max-invalidations %d (or 100%%).\n",
			sum.School, sum.Held.Invalidations, sum.Held.Limit, env.limit, filepath.Join(s.Out, "odrzuceni.csv"), sum.Held.Invalidations)
		return &exitError{code: exitHeld, err: errHeld}
	}
	sent := "no upload package (no --photos)"
	switch {
	case sum.Package != "":
		sent = fmt.Sprintf("%d sent in %s", sum.Sent, sum.Package)
	case s.Photos != "":
		sent = "nothing new to send"
	}
	fmt.Fprintf(g.stdout, "%s: %d students, %d accepted, %d rejected, %s; reports in %s\n",
		sum.School, sum.Students, sum.Accepted, sum.Rejected, sent, s.Out)
	printWaiting(g.stdout, sum.WaitingPackages)
	if res.FilesFailed > 0 {
		fmt.Fprintf(g.stdout, "%d roster file(s) could not be used: see odrzuceni.csv\n", res.FilesFailed)
	}
	printOpenFiles(g.stdout, sum.HeldFiles)
	if nightExit(res) == exitRejected {
		return errRejected
	}
	return nil
}

// schoolEnv is what every school of a run shares.
type schoolEnv struct {
	g     *globalOptions
	cfg   *config.Config
	v     *viper.Viper
	asOf  time.Time
	limit lifecycle.Limit // max_invalidations
}

// runSchool runs the pipeline for one school.
func (e *schoolEnv) runSchool(ctx context.Context, s district.School, progress bool) (*pipeline.Result, error) {
	profile := s.Profile
	if profile == "" {
		profile = e.cfg.Profile
	}
	prof, err := lookupProfile(e.v, profile)
	if err != nil {
		return nil, err
	}
	pc := pipeline.Config{
		School:     s.ID,
		SchoolName: s.Name,
		AsOf:       e.asOf,
		Rosters:    s.Rosters,
		OutDir:     s.Out,
		Profile:    profile,
		Roster:     rosterOptions(e.cfg),
		Log:        e.g.log.With("school", s.ID),
	}
	if progress {
		bar := newProgressBar(e.g.stderr)
		defer bar.finish()
		pc.Progress = bar
		pc.Log = e.g.quietForProgress().With("school", s.ID)
	}
	if err := checkOneSchool(e.cfg, s.Out, s.ID); err != nil {
		return nil, err
	}
	photoDir := filepath.Join(s.Out, "photos")
	store, closeState, err := openState(e.cfg, s.Out, s.ID)
	if err != nil {
		return nil, err
	}
	defer closeState()
	pc.Nightly = &pipeline.Nightly{Store: store, PhotoDir: photoDir, Deadlines: deadlines(e.cfg),
		Limit: e.limit, ReissueOnNewPhoto: e.cfg.ReissueOnNewPhoto}
	if s.Photos != "" {
		pc.Photos = &pipeline.Photos{
			SourceDir: s.Photos,
			Config:    photoConfig(e.cfg, photoDir, prof),
			Progress:  pc.Progress,
			Inspect:   pc.Nightly.Inspect,
		}
		pc.Pack = &pipeline.Package{OutDir: s.Out, School: s.ID, AsOf: e.asOf, PhotoDir: photoDir}
	}
	res, err := pipeline.Run(ctx, pc)
	if err != nil {
		return res, err
	}
	code := nightExit(res)
	res.Summary.ExitCode = &code
	if err := report.WriteSummary(s.Out, &res.Summary); err != nil {
		return res, fmt.Errorf("writing the exit code to summary.json: %w", err)
	}
	return res, nil
}

// deadlines are the lifecycle limits from the configuration.
func deadlines(cfg *config.Config) state.Deadlines {
	return state.Deadlines{CodesDueDays: cfg.CodesDueDays, ActivationDays: cfg.ActivationDays,
		PhotoRetentionDays: cfg.PhotoRetentionDays}
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

// errHeld ends a night the mass-invalidation guard held.
var errHeld = errors.New("night held by the mass-invalidation guard: nothing changed")

// errSchoolsFailed ends a district run in which some school failed.
var errSchoolsFailed = errors.New("at least one school failed")

// errSchoolsHeld ends a district run in which no school failed but the
// night of some was held by the mass-invalidation guard.
var errSchoolsHeld = errors.New("night held by the mass-invalidation guard, nothing changed there, a person decides; school(s)")
