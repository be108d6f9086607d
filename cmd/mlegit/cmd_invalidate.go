package main

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/mlegit/mlegit/pesel"
	"github.com/mlegit/mlegit/pipeline"
	"github.com/mlegit/mlegit/state"
)

const invalidateLong = `Invalidate a student's mLegitymacja in the school's state store, e.g. on a
parent's request or when the phone was lost or broken. The reason is kept in
the student's history:

  lost-device      lost or broken device: the next nightly run issues a new
                   card by itself while the student is on the roster and valid
  parent-request   a parent asked for it
  transfer         the student moves to another school
  name-change      the name changes (the nightly run reissues once the
                   roster shows the new name)
  other:TEXT       any other reason, in your words (no PESEL in it)

Except after lost-device, the card stays invalidated until the student's
roster row or photo changes: the nightly run reissues a changed student, as
it does for every invalidated one. A student already invalidated is left as
it is (its recorded reason is kept). The run lock is taken: while a
nightly run works on the school, invalidate exits with code 4.

Exit codes: 0 invalidated (or already), 2 usage error (bad PESEL, unknown
student, unknown reason), 4 locked, 1 fatal.`

// invalidateOptions are the flags of mlegit invalidate that are not
// configuration keys.
type invalidateOptions struct {
	PESEL  string
	Reason string
}

func (o *invalidateOptions) AddFlags(f *pflag.FlagSet) {
	f.StringVar(&o.PESEL, "pesel", "", "the student's PESEL")
	f.StringVar(&o.Reason, "reason", "", "lost-device, parent-request, transfer, name-change or other:TEXT")
	f.String("out", "out", "output folder")
	f.String("as-of", "", "date recorded in the history, YYYY-MM-DD (default today)")
	f.String("school", "szkola", "school identifier")
	f.String("state-dir", "", "folder of the per-school state stores (default OUT/state)")
}

func newInvalidateCommand(g *globalOptions) *cobra.Command {
	var opts invalidateOptions
	cmd := &cobra.Command{
		Use:     "invalidate --pesel P --reason REASON [--school ID] [--out DIR] [--as-of YYYY-MM-DD]",
		Short:   "Invalidate a student's card (lost device, parent's request, ...)",
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
	p, err := pesel.Parse(opts.PESEL)
	if err != nil {
		return usageErrorf("--pesel %s: %w", pesel.Masked(opts.PESEL), err)
	}
	reason, err := invalidationReason(opts.Reason)
	if err != nil {
		return err
	}
	cfg, asOf, err := storeConfig(g, cmd)
	if err != nil {
		return err
	}
	store, closeState, err := openState(cfg, cfg.Out, cfg.School)
	if err != nil {
		return err
	}
	defer closeState()
	rec, err := store.Get(ctx, string(p))
	if errors.Is(err, state.ErrNotFound) {
		return usageErrorf("PESEL %s: no such student in the state store of school %s", p.Masked(), cfg.School)
	}
	if err != nil {
		return err
	}
	if rec.State == state.Invalidated {
		return alreadyInvalidated(ctx, g, store, rec)
	}
	if err := store.Transition(ctx, string(p), state.Invalidated, runTime(asOf), reason); err != nil {
		return fmt.Errorf("invalidating %s: %w", p.Masked(), err)
	}
	g.log.Info("invalidated", "pesel", p.Masked(), "from", rec.State.String(), "reason", reason)
	next := "no automatic reissue"
	if reason == pipeline.ReasonLostDevice {
		next = "the next nightly run issues a new card"
	}
	fmt.Fprintf(g.stdout, "PESEL %s (%s, %s): invalidated on %s, was %s, reason %q; %s.\n",
		p.Masked(), rec.Class, rec.Surname+" "+rec.FirstName, asOf.Format(time.DateOnly), rec.State, reason, next)
	return nil
}

// alreadyInvalidated tells that rec needs no change, with the reason on
// record.
func alreadyInvalidated(ctx context.Context, g *globalOptions, store *state.Store, rec state.Record) error {
	h, err := store.History(ctx, rec.PESEL)
	if err != nil {
		return err
	}
	reason := ""
	if len(h) > 0 {
		reason = h[len(h)-1].Reason
	}
	fmt.Fprintf(g.stdout, "PESEL %s: already invalidated since %s, reason %q; nothing changed.\n",
		pesel.Masked(rec.PESEL), rec.Since.Format(time.DateOnly), reason)
	return nil
}

// invalidationReasons map --reason to the reason recorded in the history.
// Only ReasonLostDevice makes the nightly run reissue by itself.
var invalidationReasons = map[string]string{
	"lost-device":    pipeline.ReasonLostDevice,
	"parent-request": "parent request",
	"transfer":       "transfer",
	"name-change":    "name change",
}

// digitRun finds what may be a PESEL in a free-text reason.
var digitRun = regexp.MustCompile(`\d{11}`)

// invalidationReason returns the history reason for --reason.
func invalidationReason(arg string) (string, error) {
	if r, ok := invalidationReasons[arg]; ok {
		return r, nil
	}
	text, ok := strings.CutPrefix(arg, "other:")
	if !ok {
		return "", usageErrorf("--reason %q: want lost-device, parent-request, transfer, name-change or other:TEXT", arg)
	}
	text = strings.Join(strings.Fields(text), " ")
	switch {
	case text == "":
		return "", usageErrorf("--reason other: needs a text, e.g. other:duplikat konta")
	case digitRun.MatchString(text):
		return "", usageErrorf("--reason: keep PESELs out of the reason text")
	}
	return "other: " + text, nil
}
