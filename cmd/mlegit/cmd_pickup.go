package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/mlegit/mlegit/lifecycle"
	"github.com/mlegit/mlegit/state"
)

const pickupLong = `Record that a student's slip was handed over: who collected it and when
(--date, default today). The pickup is written to the school's state store,
the only pickup ledger, under the school's lock, and belongs to the card's
current issue: after a reissue the new slip is picked up again, and mlegit
register shows each issue with its own pickup.

Only a printed slip of a valid issue can be picked up. Refused, with the
reason in Polish: an invalidated card, codes that expired unactivated, a
slip never printed (run mlegit slips), codes not yet received, a slip of
this issue already picked up (codes PICKUP_*, see the README). Without
--school the school is the one whose state is in --out.

Exit codes: 0 recorded, 2 usage error (bad PESEL, unknown student, pickup
refused), 4 a run holds the school's lock, 1 fatal.`

// pickupOptions are the flags of mlegit pickup.
type pickupOptions struct {
	PESEL string
	By    string
	Date  string
}

func (o *pickupOptions) AddFlags(f *pflag.FlagSet) {
	f.StringVar(&o.PESEL, "pesel", "", "the student's PESEL")
	f.StringVar(&o.By, "by", "", `who collected the slip, e.g. "Anna Nowak (matka)"`)
	f.StringVar(&o.Date, "date", "", "pickup date, YYYY-MM-DD (default today)")
	f.String("out", "out", "output folder")
	f.String("school", "szkola", "school identifier (default: the one school whose state is in --out)")
	f.String("state-dir", "", "folder of the per-school state stores (default OUT/state)")
}

func newPickupCommand(g *globalOptions) *cobra.Command {
	var opts pickupOptions
	cmd := &cobra.Command{
		Use:     `pickup --pesel P --by "name" [--date YYYY-MM-DD] --out DIR`,
		Short:   "Record that a student's slip was picked up",
		Long:    pickupLong,
		Args:    cobra.NoArgs,
		Example: `  mlegit pickup --out wynik --pesel 11020312345 --by "Anna Nowak (matka)" --date 2026-09-16`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runPickup(cmd.Context(), opts, g, cmd)
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

func runPickup(ctx context.Context, opts pickupOptions, g *globalOptions, cmd *cobra.Command) error {
	if opts.PESEL == "" || opts.By == "" {
		return usageErrorf("--pesel and --by are required")
	}
	p, err := parsePESELFlag(opts.PESEL)
	if err != nil {
		return err
	}
	date, err := parseAsOf(opts.Date)
	if err != nil {
		return usageErrorf("--date %q: want YYYY-MM-DD", opts.Date)
	}
	return withStudent(ctx, g, cmd, p, func(st *state.Store, _ time.Time) error {
		out, err := lifecycle.Pickup(ctx, st, string(p), opts.By, date)
		if err != nil {
			return err
		}
		rec, err := st.Get(ctx, string(p))
		if err != nil {
			return err
		}
		if !rec.CodesValidUntil.IsZero() && rec.CodesValidUntil.Before(date) {
			fmt.Fprintf(g.stdout, "warning: this slip's code expired on %s; it cannot be activated any more (mlegit reissue issues a new card)\n",
				rec.CodesValidUntil.Format(time.DateOnly))
		}
		g.log.Info("pickup recorded", "pesel", p.Masked(), "issue", out.Issue, "date", date.Format(time.DateOnly))
		fmt.Fprintf(g.stdout, "pickup recorded: PESEL %s (%s, %s), issue %d, %s\n",
			p.Masked(), out.Class, out.Name, out.Issue, date.Format("02.01.2006"))
		return nil
	})
}
