package main

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/mlegit/mlegit/codes"
	"github.com/mlegit/mlegit/config"
	"github.com/mlegit/mlegit/pesel"
	"github.com/mlegit/mlegit/slips"
	"github.com/mlegit/mlegit/state"
)

const slipsLong = `Print the pickup slips from the codes store (OUT/codes/codes.json, or
--codes FILE): one PDF per student, an A6 page, in

  OUT/slips/<class>/<Surname>_<FirstName>_<PESEL>.pdf

with the PESEL masked as 1121xxxxx89, and the print sheet

  OUT/slips/wszystkie.pdf   (OUT/slips/wybrane.pdf with --class or --pesel)

with every selected slip on A4 between cut lines, --slips-per-page 4 (A6 slips on A4
portrait) or 2 (A5 slips on A4 landscape), sorted by class then surname, each
class on a new page. Each slip carries the QR code and the activation code;
codes from portal-sim print "WZÓR — NIEWAŻNY" across the slip. All files are
0600: the slips hold activation codes.

Exit codes: 0 slips written, 2 usage/config error, 1 fatal.`

// slipsOptions are the flags of mlegit slips.
type slipsOptions struct {
	Codes string
	Class string
	PESEL []string
}

func (o *slipsOptions) AddFlags(f *pflag.FlagSet) {
	f.StringVar(&o.Codes, "codes", "", "codes store (default OUT/codes/codes.json)")
	f.StringVar(&o.Class, "class", "", "print only this class")
	f.StringSliceVar(&o.PESEL, "pesel", nil, "print only these students (repeatable)")
	f.String("out", "out", "output folder")
	f.Int("slips-per-page", 4, "slips per A4 page of the print sheet: 2 or 4")
	f.String("as-of", "", "date recorded in the state store, YYYY-MM-DD (default today)")
	f.String("state-dir", "", "folder of the per-school state stores (default OUT/state)")
}

func newSlipsCommand(g *globalOptions) *cobra.Command {
	var opts slipsOptions
	cmd := &cobra.Command{
		Use:     "slips --out DIR [--codes FILE] [--class 2a] [--pesel P...]",
		Short:   "Print the per-student pickup slips and the A4 print sheet",
		Long:    slipsLong,
		Args:    cobra.NoArgs,
		Example: "  mlegit slips --out wynik --class 2a --slips-per-page 2",
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSlips(cmd.Context(), opts, g, cmd.Flags())
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

func runSlips(ctx context.Context, opts slipsOptions, g *globalOptions, flags *pflag.FlagSet) error {
	cfg, store, err := loadCodesStore(g, flags, opts.Codes)
	if err != nil {
		return err
	}
	for _, p := range opts.PESEL {
		if _, err := pesel.Parse(p); err != nil {
			return usageErrorf("--pesel %s: %v", pesel.Masked(p), err)
		}
	}
	written, err := slips.WriteAll(ctx, cfg.Out, store, &slips.Options{
		SlipsPerPage: cfg.SlipsPerPage, Class: opts.Class, PESEL: opts.PESEL,
	})
	if err != nil {
		return err
	}
	asOf, err := parseAsOf(cfg.AsOf)
	if err != nil {
		return err
	}
	if err := markPrinted(ctx, cfg, store.School, written.PESELs, runTime(asOf)); err != nil {
		return err
	}
	fmt.Fprintf(g.stdout, "slips: %d in %s; print sheet: %s\n",
		len(written.Slips), filepath.Join(cfg.Out, "slips"), written.Print)
	return nil
}

// markPrinted moves the printed students awaiting a slip (codes_received)
// to slip_printed in the school's state store; reprints change nothing.
func markPrinted(ctx context.Context, cfg *config.Config, school string, printed []string, at time.Time) error {
	st, closeState, err := openState(cfg, cfg.Out, school)
	if err != nil {
		return err
	}
	defer closeState()
	waiting, err := holding(ctx, st, state.CodesReceived)
	if err != nil {
		return err
	}
	var move []string
	for _, p := range printed {
		if waiting[p] {
			move = append(move, p)
		}
	}
	return st.TransitionAll(ctx, move, state.SlipPrinted, at, "slip printed")
}

// loadCodesStore loads the configuration and the codes store: file, or
// OUT/codes/codes.json when file is empty.
func loadCodesStore(g *globalOptions, flags *pflag.FlagSet, file string) (*config.Config, *codes.Store, error) {
	cfg, _, err := config.Load(g.configFile, flags.Changed("config"), flags)
	if err != nil {
		return nil, nil, err
	}
	if file == "" {
		file = codes.StorePath(cfg.Out)
	}
	store, err := codes.Load(file)
	if err != nil {
		return nil, nil, usageErrorf("%v (import the portal's codes first: mlegit codes import)", err)
	}
	if store.SchoolName == "" {
		store.SchoolName = cfg.SchoolName
	}
	return cfg, store, nil
}
