package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/mlegit/mlegit/config"
	"github.com/mlegit/mlegit/register"
	"github.com/mlegit/mlegit/state"
)

const registerLong = `Write the register of codes for the secretariat:

  OUT/register/rejestr.xlsx   one row per student, filterable
  OUT/register/rejestr.pdf    the same, A4 landscape, for printing

It joins the codes store (OUT/codes/codes.json, or --codes FILE) with the
pickups mlegit pickup recorded in the state store, one per issue of the card: name, class, masked PESEL, card number,
code generated, valid until, picked up when and by whom, and the status on
--as-of (default today): do odbioru, odebrana, wygasła (valid until
passed, not activated), aktywowana, unieważniona. Activation codes are never
written to the register.

Exit codes: 0 written, 2 usage/config error, 1 fatal.`

// registerOptions are the flags of mlegit register.
type registerOptions struct {
	Codes string
}

func (o *registerOptions) AddFlags(f *pflag.FlagSet) {
	f.StringVar(&o.Codes, "codes", "", "codes store (default OUT/codes/codes.json)")
	f.String("out", "out", "output folder")
	f.String("as-of", "", "date the statuses are judged on, YYYY-MM-DD (default today)")
	f.String("state-dir", "", "folder of the per-school state stores (default OUT/state)")
}

func newRegisterCommand(g *globalOptions) *cobra.Command {
	var opts registerOptions
	cmd := &cobra.Command{
		Use:     "register --out DIR [--codes FILE] [--as-of YYYY-MM-DD]",
		Short:   "Write the register of codes and pickups (XLSX and PDF)",
		Long:    registerLong,
		Args:    cobra.NoArgs,
		Example: "  mlegit register --out wynik --as-of 2026-10-01",
		RunE: func(cmd *cobra.Command, args []string) error {
			return runRegister(cmd.Context(), opts, g, cmd.Flags())
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

func runRegister(ctx context.Context, opts registerOptions, g *globalOptions, flags *pflag.FlagSet) error {
	cfg, store, err := loadCodesStore(g, flags, opts.Codes)
	if err != nil {
		return err
	}
	asOf, err := parseAsOf(cfg.AsOf)
	if err != nil {
		return err
	}
	src := register.Sources{Store: store}
	if err := stateSources(ctx, cfg, store.School, &src); err != nil {
		return err
	}
	w, err := register.Write(ctx, cfg.Out, src, asOf)
	if err != nil {
		return err
	}
	fmt.Fprintf(g.stdout, "register written: %s, %s\n", w.XLSX, w.PDF)
	reportOpenFiles(g.stdout, w.Held)
	return nil
}

// stateSources reads from the school's state store the pickups of every
// issue, each student's current issue, and when each activated or
// invalidated student entered that state.
func stateSources(ctx context.Context, cfg *config.Config, school string, src *register.Sources) error {
	st, closeState, err := openState(cfg, cfg.Out, school)
	if err != nil {
		return err
	}
	defer closeState()
	recs, err := st.Students(ctx)
	if err != nil {
		return err
	}
	src.Issues = make(map[string]int, len(recs))
	class := make(map[string]string, len(recs))
	for _, r := range recs {
		class[r.PESEL] = r.Class
	}
	for i, e := range src.Store.Entries {
		// The class is not on the card: the register shows the current one.
		if c := class[e.PESEL]; c != "" {
			src.Store.Entries[i].Class = c
		}
	}
	src.Activated, src.Invalidated = map[string]time.Time{}, map[string]time.Time{}
	for _, r := range recs {
		src.Issues[r.PESEL] = r.Issue
		switch r.State {
		case state.Activated:
			src.Activated[r.PESEL] = r.Since
		case state.Invalidated:
			src.Invalidated[r.PESEL] = r.Since
		}
	}
	src.Pickups, err = st.Pickups(ctx)
	return err
}
