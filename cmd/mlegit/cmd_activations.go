package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/mlegit/mlegit/codes"
	"github.com/mlegit/mlegit/lifecycle"
	"github.com/mlegit/mlegit/pesel"
	"github.com/mlegit/mlegit/reject"
	"github.com/mlegit/mlegit/report"
	"github.com/mlegit/mlegit/safefile"
	"github.com/mlegit/mlegit/texts"
)

const activationsLong = `Record which students activated their mLegitymacja in the app, from the
portal's report: a ';'-separated file with a header holding pesel;aktywowano
(the date, RRRR-MM-DD). Each such student moves to 'activated' in the
school's state store, which ends its deadlines. A row that cannot be used is
reported with its row and masked PESEL (ACTIVATION_PESEL_INVALID,
ACTIVATION_DATE_INVALID, ACTIVATION_DUPLICATE, ACTIVATION_STUDENT_UNKNOWN for
a student the store does not know, ACTIVATION_UNEXPECTED for one not
awaiting activation)
and written to OUT/codes/odrzucone_aktywacje.csv; the other rows are
recorded. Importing the same file again changes nothing.

Exit codes: 0 every row recorded, 3 some rows rejected (the rest recorded),
2 usage/config error, 1 fatal, 4 a run holds the school's lock.`

type activationsOptions struct {
	File string
}

func (o *activationsOptions) AddFlags(f *pflag.FlagSet) {
	f.StringVar(&o.File, "file", "", "activations report from the portal (.csv)")
	f.String("out", "out", "output folder")
	f.String("school", "szkola", "school identifier (default: the one school whose state is in --out)")
	f.String("state-dir", "", "folder of the per-school state stores (default OUT/state)")
}

func newCodesActivationsCommand(g *globalOptions) *cobra.Command {
	var opts activationsOptions
	cmd := &cobra.Command{
		Use:     "activations --file FILE --out DIR",
		Short:   "Record the activations the portal reports",
		Long:    activationsLong,
		Args:    cobra.NoArgs,
		Example: "  mlegit codes activations --file aktywacje.csv --out wynik",
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCodesActivations(cmd.Context(), opts, g, cmd)
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

func runCodesActivations(ctx context.Context, opts activationsOptions, g *globalOptions, cmd *cobra.Command) error {
	if opts.File == "" {
		return usageErrorf("--file is required")
	}
	cfg, v, err := g.loadConfig(cmd.Flags())
	if err != nil {
		return err
	}
	if err := resolveSchool(cfg, v, cmd.Flags()); err != nil {
		return err
	}
	acts, rejected, err := codes.ReadActivations(opts.File)
	if err != nil {
		return usageErrorf("%v", err)
	}
	st, closeState, err := openState(cfg, cfg.Out, cfg.School)
	if err != nil {
		return err
	}
	defer closeState()
	recorded, refused, err := lifecycle.Activate(ctx, st, acts)
	if err != nil {
		return err
	}
	file := filepath.Base(opts.File)
	for _, r := range refused {
		var detail string
		var args texts.Args
		if r.Code == reject.ActivationUnexpected {
			detail, args = "state "+r.State.String(), texts.Args{"state": texts.State(r.State.String())}
		}
		rejected = append(rejected, activationRejection(file, r.Activation, r.Code, detail, args))
	}
	rejPath := filepath.Join(cfg.Out, "codes", "odrzucone_aktywacje.csv")
	if err := safefile.Write(rejPath, func(w io.Writer) error { return report.WriteCSV(w, rejected) }); err != nil {
		return err
	}
	for _, r := range rejected {
		fmt.Fprintf(g.stdout, "%s:%d PESEL %s: %s — %s\n", r.File, r.Row, r.PESEL, r.Code, r.Message)
	}
	fmt.Fprintf(g.stdout, "activations recorded: %d, rows rejected: %d\n", recorded, len(rejected))
	if len(rejected) > 0 {
		return &exitError{code: exitRejected, err: fmt.Errorf("%d activation rows rejected", len(rejected))}
	}
	return nil
}

func activationRejection(file string, a codes.Activation, code reject.Code, detail string, args texts.Args) reject.Rejection {
	if args == nil {
		args = texts.Args{}
	}
	args["activated"] = a.At
	return reject.Rejection{File: file, Row: a.Row, PESEL: pesel.Masked(a.PESEL), Code: code, Message: code.Message(),
		Detail: detail, Szczegoly: code.Detail("", args)}
}
