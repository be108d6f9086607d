package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/mlegit/mlegit/lifecycle"
	"github.com/mlegit/mlegit/pesel"
	"github.com/mlegit/mlegit/state"
)

const invalidateLong = `Invalidate a student's mLegitymacja in the school's state store, for a
reason the procedure names. The reason is kept in the student's history:

  lost-device      lost, broken or malfunctioning phone: the next nightly run
                   issues a new card by itself while the student is on the
                   roster and accepted
  parent-request   the parents asked for it: the card stays invalidated until
                   the school runs mlegit reissue
  name-change      the name changed: the nightly run reissues once the roster
                   shows the new name
  correction       a printed field is wrong: the nightly run reissues once
                   the roster is corrected
  card-expired     the paper/plastic card lost validity: reissued once the
                   roster shows a new validity date
  transfer         the student moved to another school: reissued only if the
                   student comes back on the roster
  other:TEXT       any other reason, in your words (no PESEL in it): the card
                   stays invalidated until mlegit reissue

A student already invalidated is left as it is (its recorded reason is
kept). Without --school the school is the one whose state is in --out. The
run lock is taken: while a nightly run works on the school, invalidate exits
with code 4.

Exit codes: 0 invalidated (or already), 2 usage error (bad PESEL, unknown
student, unknown reason, several schools in --out), 4 locked, 1 fatal.`

// invalidateOptions are the flags of mlegit invalidate that are not
// configuration keys.
type invalidateOptions struct {
	PESEL  string
	Reason string
}

func (o *invalidateOptions) AddFlags(f *pflag.FlagSet) {
	f.StringVar(&o.PESEL, "pesel", "", "the student's PESEL")
	f.StringVar(&o.Reason, "reason", "", "lost-device, parent-request, name-change, correction, card-expired, transfer or other:TEXT")
	addStoreFlags(f, "date recorded in the history, YYYY-MM-DD (default today)")
}

// addStoreFlags adds the flags of a command working on one school's state
// store.
func addStoreFlags(f *pflag.FlagSet, asOf string) {
	f.String("out", "out", "output folder")
	f.String("as-of", "", asOf)
	f.String("school", "szkola", "school identifier (default: the one school whose state is in --out)")
	f.String("state-dir", "", "folder of the per-school state stores (default OUT/state)")
}

func newInvalidateCommand(g *globalOptions) *cobra.Command {
	var opts invalidateOptions
	cmd := &cobra.Command{
		Use:     "invalidate --pesel P --reason REASON [--school ID] [--out DIR] [--as-of YYYY-MM-DD]",
		Short:   "Invalidate a student's card (lost device, parents' request, ...)",
		Long:    invalidateLong,
		Args:    cobra.NoArgs,
		Example: "  mlegit invalidate --out wynik --pesel 11020312345 --reason lost-device\n  mlegit invalidate --out wynik --pesel 11020312345 --reason \"other:duplikat konta\"",
		RunE: func(cmd *cobra.Command, args []string) error {
			return runInvalidate(cmd.Context(), opts, g, cmd)
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

func runInvalidate(ctx context.Context, opts invalidateOptions, g *globalOptions, cmd *cobra.Command) error {
	if opts.PESEL == "" || opts.Reason == "" {
		return usageErrorf("--pesel and --reason are required")
	}
	p, err := parsePESELFlag(opts.PESEL)
	if err != nil {
		return err
	}
	reason, detail, err := lifecycle.ParseFlag(opts.Reason, false)
	if err != nil {
		return usageErrorf("%w", err)
	}
	return withStudent(ctx, g, cmd, p, func(st *state.Store, asOf time.Time) error {
		out, err := lifecycle.Invalidate(ctx, st, string(p), reason, detail, runTime(asOf))
		if err != nil {
			return err
		}
		if !out.Changed {
			fmt.Fprintf(g.stdout, "PESEL %s: already invalidated, reason %q; nothing changed.\n", p.Masked(), out.Detail)
			return nil
		}
		g.log.Info("invalidated", "pesel", p.Masked(), "from", out.From.String(), "reason", out.Detail)
		next := "the card stays invalidated until mlegit reissue"
		if reason.AutoReissue() {
			next = "the nightly run issues a new card once the roster shows the student accepted"
		}
		fmt.Fprintf(g.stdout, "PESEL %s (%s, %s): invalidated on %s, was %s, reason %q; %s.\n",
			p.Masked(), out.Class, out.Name, asOf.Format(time.DateOnly), out.From, out.Detail, next)
		return nil
	})
}

// withStudent opens the school's state store under the lock and runs fn
// for student p; a student the store does not hold is a usage error.
func withStudent(ctx context.Context, g *globalOptions, cmd *cobra.Command, p pesel.PESEL, fn func(*state.Store, time.Time) error) error {
	cfg, asOf, err := storeConfig(g, cmd)
	if err != nil {
		return err
	}
	store, closeState, err := openState(cfg, cfg.Out, cfg.School)
	if err != nil {
		return err
	}
	defer closeState()
	err = fn(store, asOf)
	switch {
	case errors.Is(err, state.ErrNotFound):
		return usageErrorf("PESEL %s: no such student in the state store of school %s", p.Masked(), cfg.School)
	case errors.Is(err, lifecycle.ErrRefused):
		return &exitError{code: exitUsage, err: err}
	}
	return err
}
