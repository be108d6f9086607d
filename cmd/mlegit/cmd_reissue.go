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

const reissueLong = `Issue a student's mLegitymacja again: after a parents' request (e.g. a new
phone), a name change, a new photo, or codes that expired unactivated. The
student moves back to 'new' in the school's state store (one more issue of
the card); a card still in use (packaged to activated) is invalidated first.
The next nightly run sends the student in its upload package, with the
parents' new photo if there is one, else with the normalised photo on file
(kept photo_retention_days after the codes were generated); when neither
is left, the reports say a new photo is needed.

--reason is kept in the history: parent-request, lost-device, name-change,
correction, card-expired, new-photo, codes-expired, or any text (no PESEL
in it). A student already waiting to be sent (new, validated) is left as it
is. Without --school the school is the one whose state is in --out. The run
lock is taken: while a nightly run works on the school, reissue exits with
code 4.

Exit codes: 0 reissued (or already waiting), 2 usage error (bad PESEL,
unknown student, several schools in --out), 4 locked, 1 fatal.`

// reissueOptions are the flags of mlegit reissue that are not
// configuration keys.
type reissueOptions struct {
	PESEL  string
	Reason string
}

func (o *reissueOptions) AddFlags(f *pflag.FlagSet) {
	f.StringVar(&o.PESEL, "pesel", "", "the student's PESEL")
	f.StringVar(&o.Reason, "reason", "parent-request", "why the card is issued again (see above)")
	addStoreFlags(f, "date recorded in the history, YYYY-MM-DD (default today)")
}

func newReissueCommand(g *globalOptions) *cobra.Command {
	var opts reissueOptions
	cmd := &cobra.Command{
		Use:     "reissue --pesel P [--reason TEXT] [--school ID] [--out DIR] [--as-of YYYY-MM-DD]",
		Short:   "Issue a student's card again; the next nightly run sends it",
		Long:    reissueLong,
		Args:    cobra.NoArgs,
		Example: "  mlegit reissue --out wynik --pesel 11020312345 --reason parent-request\n  mlegit reissue --out wynik --pesel 11020312345 --reason new-photo",
		RunE: func(cmd *cobra.Command, args []string) error {
			return runReissue(cmd.Context(), opts, g, cmd)
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

func runReissue(ctx context.Context, opts reissueOptions, g *globalOptions, cmd *cobra.Command) error {
	if opts.PESEL == "" {
		return usageErrorf("--pesel is required")
	}
	p, err := parsePESELFlag(opts.PESEL)
	if err != nil {
		return err
	}
	reason, detail, err := lifecycle.ParseFlag(opts.Reason, true)
	if err != nil {
		return usageErrorf("%w", err)
	}
	return withStudent(ctx, g, cmd, p, func(st *state.Store, asOf time.Time) error {
		out, err := lifecycle.Reissue(ctx, st, string(p), reason, detail, runTime(asOf))
		if err != nil {
			return err
		}
		if !out.Changed {
			fmt.Fprintf(g.stdout, "PESEL %s: already waiting to be sent (%s); nothing changed.\n", p.Masked(), out.From)
			return nil
		}
		g.log.Info("reissued", "pesel", p.Masked(), "from", out.From.String(), "issue", out.Issue, "reason", out.Detail)
		fmt.Fprintf(g.stdout, "PESEL %s (%s, %s): issue %d on %s, was %s, reason %q; the next nightly run sends it.\n",
			p.Masked(), out.Class, out.Name, out.Issue, asOf.Format(time.DateOnly), out.From, out.Detail)
		return nil
	})
}
