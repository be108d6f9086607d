package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/mlegit/mlegit/config"
	"github.com/mlegit/mlegit/pesel"
	"github.com/mlegit/mlegit/register"
	"github.com/mlegit/mlegit/state"
)

const pickupLong = `Record that a student's slip was handed over: who collected it and when
(--date, default today). The pickup goes into OUT/register/odbiory.json
(0600), from which mlegit register prints the register. A slip is picked up
once: recording it again is refused. The student must have codes in the
codes store (OUT/codes/codes.json, or --codes FILE).

Exit codes: 0 recorded, 2 usage error (bad PESEL, no codes, already picked
up), 1 fatal.`

// pickupOptions are the flags of mlegit pickup.
type pickupOptions struct {
	Codes string
	PESEL string
	By    string
	Date  string
}

func (o *pickupOptions) AddFlags(f *pflag.FlagSet) {
	f.StringVar(&o.Codes, "codes", "", "codes store (default OUT/codes/codes.json)")
	f.StringVar(&o.PESEL, "pesel", "", "the student's PESEL")
	f.StringVar(&o.By, "by", "", `who collected the slip, e.g. "Anna Nowak (matka)"`)
	f.StringVar(&o.Date, "date", "", "pickup date, YYYY-MM-DD (default today)")
	f.String("out", "out", "output folder")
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
			return runPickup(cmd.Context(), opts, g, cmd.Flags())
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

func runPickup(ctx context.Context, opts pickupOptions, g *globalOptions, flags *pflag.FlagSet) error {
	if opts.PESEL == "" || opts.By == "" {
		return usageErrorf("--pesel and --by are required")
	}
	date, err := parseAsOf(opts.Date)
	if err != nil {
		return usageErrorf("--date %q: want YYYY-MM-DD", opts.Date)
	}
	cfg, store, err := loadCodesStore(g, flags, opts.Codes)
	if err != nil {
		return err
	}
	pk := register.Pickup{PESEL: opts.PESEL, By: opts.By, At: date}
	switch err := register.RecordPickup(cfg.Out, store, pk); {
	case errors.Is(err, register.ErrPickedUp), errors.Is(err, register.ErrNoCodes),
		errors.Is(err, pesel.ErrLength), errors.Is(err, pesel.ErrChecksum), errors.Is(err, pesel.ErrDate):
		return &exitError{code: exitUsage, err: err}
	case err != nil:
		return err
	}
	if err := recordPickupState(ctx, cfg, store.School, pk); err != nil {
		return err
	}
	for _, e := range store.Entries {
		if e.PESEL == pk.PESEL && !e.ValidUntil.IsZero() && e.ValidUntil.Before(date) {
			fmt.Fprintf(g.stdout, "warning: this slip's code expired on %s; it cannot be activated any more (the next nightly run reissues the card)\n",
				e.ValidUntil.Format(time.DateOnly))
		}
	}
	fmt.Fprintf(g.stdout, "pickup recorded: PESEL %s, %s, %s\n",
		pesel.Masked(opts.PESEL), date.Format("02.01.2006"), register.PickupsPath(cfg.Out))
	return nil
}

// recordPickupState moves the student to picked_up in the school's state
// store (through slip_printed, if the slip's printing was not recorded).
// A student the store does not hold as awaiting pickup is left alone.
func recordPickupState(ctx context.Context, cfg *config.Config, school string, pk register.Pickup) error {
	st, closeState, err := openState(cfg, cfg.Out, school)
	if err != nil {
		return err
	}
	defer closeState()
	waiting, err := holding(ctx, st, state.CodesReceived, state.SlipPrinted)
	if err != nil || !waiting[pk.PESEL] {
		return err
	}
	at := runTime(pk.At)
	if err := st.Transition(ctx, pk.PESEL, state.SlipPrinted, at, "slip handed over"); err != nil {
		return err
	}
	return st.ImportPickups(ctx, []state.Pickup{{PESEL: pk.PESEL, By: pk.By, At: pk.At}})
}
