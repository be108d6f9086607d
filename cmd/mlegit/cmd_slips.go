package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/mlegit/mlegit/codes"
	"github.com/mlegit/mlegit/config"
	"github.com/mlegit/mlegit/lifecycle"
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

When the school's state store knows students, a slip is printed only for a
student in codes_received, slip_printed or picked_up whose code answers the
current issue and is still valid on --as-of: a withdrawn (invalidated),
expired, activated or reissued student's slip is left out, and what was left
out is listed with masked PESELs.

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
		if _, err := parsePESELFlag(p); err != nil {
			return err
		}
	}
	asOf, err := parseAsOf(cfg.AsOf)
	if err != nil {
		return err
	}
	held, left, err := holdBackSlips(ctx, cfg, store, asOf, opts)
	if err != nil {
		return err
	}
	printHeld(g.stdout, held)
	if len(held) > 0 && !left {
		fmt.Fprintln(g.stdout, "slips: none to print")
		return nil
	}
	written, err := slips.WriteAll(ctx, cfg.Out, store, &slips.Options{
		SlipsPerPage: cfg.SlipsPerPage, Class: opts.Class, PESEL: opts.PESEL,
	})
	if err != nil {
		return err
	}
	if err := markPrinted(ctx, cfg, store.School, written.PESELs, runTime(asOf)); err != nil {
		return err
	}
	fmt.Fprintf(g.stdout, "slips: %d in %s; print sheet: %s\n",
		len(written.Slips), filepath.Join(cfg.Out, "slips"), written.Print)
	reportOpenFiles(g.stdout, written.Held)
	if len(written.Skipped) > 0 {
		fmt.Fprintf(g.stdout, "slips: %d could not be made (see the log); run codes import again with a fresh codes file\n", len(written.Skipped))
		return errRejected
	}
	return nil
}

// holdBackSlips removes from store the entries selected by --class and
// --pesel whose slip must not be printed, judged on the school's state
// store, and returns the masked PESELs it removed by reason and whether a
// selected entry is left. A state store that knows nobody holds nothing
// back. The entries outside the selection are left to slips.WriteAll,
// which skips them.
func holdBackSlips(ctx context.Context, cfg *config.Config, store *codes.Store, asOf time.Time, opts slipsOptions) (held map[string][]string, left bool, err error) {
	st, closeState, err := openState(cfg, cfg.Out, store.School)
	if err != nil {
		return nil, false, err
	}
	defer closeState()
	list, err := st.Students(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("reading the state store for the slips: %w", err)
	}
	if len(list) == 0 {
		return nil, true, nil
	}
	recs := make(map[string]state.Record, len(list))
	for _, r := range list {
		recs[r.PESEL] = r
	}
	held = map[string][]string{}
	keep := make([]codes.Entry, 0, len(store.Entries))
	for _, e := range store.Entries {
		if (opts.Class == "" || strings.EqualFold(opts.Class, e.Class)) &&
			(len(opts.PESEL) == 0 || slices.Contains(opts.PESEL, e.PESEL)) {
			r, known := recs[e.PESEL]
			if why := slipHold(e, r, known, asOf); why != "" {
				held[why] = append(held[why], pesel.Masked(e.PESEL))
				continue
			}
			if known && r.Class != "" {
				// The class is not on the card: a slip shows the current
				// one (after the September rollover), not the packaged one.
				e.Class = r.Class
			}
			left = true
		}
		keep = append(keep, e)
	}
	store.Entries = keep
	return held, left, nil
}

// slipHold says why e's slip must not be printed, or "" when it may be:
// r is the student's record in the state store, known whether there is
// one, asOf the day judged on.
func slipHold(e codes.Entry, r state.Record, known bool, asOf time.Time) string {
	switch {
	case !known:
		return "not in the state store"
	case !lifecycle.Printable.Has(r.State):
		return r.State.String()
	case !(codes.Issue{Sent: true, Packaged: r.PackagedAt}).Answers(e.Generated):
		return "code of an earlier, invalidated issue"
	case e.ValidUntil.Before(asOf):
		return "code no longer valid"
	}
	return ""
}

// maxListed bounds the masked PESELs listed per reason a slip was held back.
const maxListed = 10

// printHeld lists the held-back slips by reason, with masked PESELs.
func printHeld(w io.Writer, held map[string][]string) {
	n := 0
	for _, ps := range held {
		n += len(ps)
	}
	if n == 0 {
		return
	}
	fmt.Fprintf(w, "slips: %d left out, their cards may not be handed out:\n", n)
	for _, why := range slices.Sorted(maps.Keys(held)) {
		ps := held[why]
		more := ""
		if len(ps) > maxListed {
			ps, more = ps[:maxListed], fmt.Sprintf(" and %d more", len(ps)-maxListed)
		}
		fmt.Fprintf(w, "  %s: %d (%s%s)\n", why, len(held[why]), strings.Join(ps, ", "), more)
	}
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
	cfg, v, err := g.loadConfig(flags)
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
		c := *cfg // the store's own school, when the packages named one
		if store.School != "" {
			c.School = store.School
		}
		store.SchoolName = schoolName(&c, v)
	}
	return cfg, store, nil
}
