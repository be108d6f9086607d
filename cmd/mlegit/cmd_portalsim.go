package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/mlegit/mlegit/codes"
	"github.com/mlegit/mlegit/portal"
)

const portalSimLong = `Stand in for the national portal, which has no public bulk API: check the
upload package as the portal would (see mlegit verify) and write a codes file
with a random QR payload and activation code for every student, generated on
--as-of and valid for code_lifetime_days. Every row is marked symulacja=1, so
slips printed from these codes carry a "SYMULACJA" watermark. The codes file
is written 0600; codes are never printed or logged.

Exit codes: 0 codes written, 3 the package was refused (problems printed),
2 usage/config error, 1 fatal.`

// portalSimOptions are the flags of mlegit portal-sim.
type portalSimOptions struct {
	Package string
	Out     string
}

func (o *portalSimOptions) AddFlags(f *pflag.FlagSet) {
	f.StringVar(&o.Package, "package", "", "upload package to submit (.zip)")
	f.StringVar(&o.Out, "out", "", "codes file to write (.csv)")
	f.String("as-of", "", "date the codes are generated on, YYYY-MM-DD (default today)")
	f.String("profile", "mobywatel", "photo profile the photos must meet (see mlegit profiles)")
	f.Int("code-lifetime-days", codes.DefaultLifetimeDays, "days a code stays valid")
}

func newPortalSimCommand(g *globalOptions) *cobra.Command {
	var opts portalSimOptions
	cmd := &cobra.Command{
		Use:     "portal-sim --package ZIP --out CODES.csv",
		Short:   "Simulate the portal: verify a package and issue test codes",
		Long:    portalSimLong,
		Args:    cobra.NoArgs,
		Example: "  mlegit portal-sim --package wynik/package/mlegitymacja-sp7-20260915.zip --out kody.csv",
		RunE: func(cmd *cobra.Command, args []string) error {
			return runPortalSim(cmd.Context(), opts, g, cmd.Flags())
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

func runPortalSim(ctx context.Context, opts portalSimOptions, g *globalOptions, flags *pflag.FlagSet) error {
	if opts.Package == "" || opts.Out == "" {
		return usageErrorf("--package and --out are required")
	}
	cfg, limits, err := g.packageLimits(flags)
	if err != nil {
		return err
	}
	asOf, err := parseAsOf(cfg.AsOf)
	if err != nil {
		return err
	}
	var p portal.Portal = &portal.Simulator{AsOf: asOf, LifetimeDays: cfg.CodeLifetimeDays, Limits: limits}
	rows, err := p.Submit(ctx, opts.Package)
	var rejected *portal.RejectedError
	if errors.As(err, &rejected) {
		for _, pr := range rejected.Problems {
			fmt.Fprintln(g.stdout, pr)
		}
		fmt.Fprintf(g.stdout, "the simulated portal refused the package: %d problems\n", len(rejected.Problems))
		return &exitError{code: exitRejected, err: err}
	}
	if err != nil {
		return err
	}
	if err := codes.WriteFile(opts.Out, rows); err != nil {
		return err
	}
	g.log.Info("simulated codes written", "students", len(rows))
	fmt.Fprintf(g.stdout, "simulated codes (not valid) written to %s for %d students\n", opts.Out, len(rows))
	return nil
}
