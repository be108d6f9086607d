// Command mlegit enrols a school's students into mLegitymacja, the Polish
// digital school ID: it validates the roster, normalises photos, builds the
// upload package for the national portal and prints pickup slips.
//
// Exit codes (for cron):
//
//	0  every student accepted
//	1  fatal: nothing usable was written (unreadable rosters, output not writable)
//	2  usage or configuration error
//	3  the batch completed, but at least one student was rejected
//	4  another run holds the school's lock
//	5  run --all: at least one school failed; the others completed
//	6  run: the night was held by the mass-invalidation guard; nothing changed
//	   (run --all: no school failed, at least one school's night was held)
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/mlegit/mlegit/config"
	"github.com/mlegit/mlegit/pesel"
	"github.com/mlegit/mlegit/pipeline"
)

// Exit codes; see the package comment.
const (
	exitOK       = 0
	exitFatal    = 1
	exitUsage    = 2
	exitRejected = 3
	exitLocked   = 4
	exitPartial  = 5
	exitHeld     = 6
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes the command line and turns its error into an exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	g := &globalOptions{stdout: stdout, stderr: stderr}
	root := newRootCommand(g)
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	code := exitCode(err)
	if err != nil && code != exitRejected {
		fmt.Fprintln(stderr, "mlegit:", pesel.MaskIn(err.Error())) // no full PESEL on the terminal
	}
	return code
}

// exitError carries a chosen exit code.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// usageErrorf reports a mistake in the command line or configuration.
func usageErrorf(format string, a ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, a...)}
}

// parsePESELFlag reads the value of a --pesel flag; a bad one is a usage
// error that names it masked, never in full.
func parsePESELFlag(s string) (pesel.PESEL, error) {
	p, err := pesel.Parse(s)
	if err != nil {
		return "", usageErrorf("--pesel %s: %w", pesel.Masked(s), err)
	}
	return p, nil
}

// errRejected ends a run that completed with rejections.
var errRejected = &exitError{code: exitRejected, err: errors.New("some students were rejected")}

// nightExit is the exit code of one school's finished night (run writes it
// to summary.json as exit_code): held, some students rejected, or clean.
func nightExit(res *pipeline.Result) int {
	switch {
	case res.Held:
		return exitHeld
	case res.Summary.Rejected > 0 || res.FilesFailed > 0:
		return exitRejected
	}
	return exitOK
}

func exitCode(err error) int {
	if err == nil {
		return exitOK
	}
	var ee *exitError
	switch {
	case errors.As(err, &ee):
		return ee.code
	case errors.Is(err, config.ErrInvalid):
		return exitUsage
	}
	return exitFatal
}
