package main

import (
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"
	"golang.org/x/term"

	"github.com/mlegit/mlegit/config"
	"github.com/mlegit/mlegit/pesel"
)

// globalOptions are the flags every command shares.
type globalOptions struct {
	configFile string
	logLevel   string
	level      slog.Level // parsed logLevel
	stdout     io.Writer
	stderr     io.Writer
	log        *slog.Logger
}

func (g *globalOptions) addFlags(fs *pflag.FlagSet) {
	fs.StringVar(&g.configFile, "config", "", "configuration file (default: $MLEGIT_CONFIG, else config.yaml in the current folder, beside mlegit, or in the user's config folder/mlegit)")
	fs.StringVar(&g.logLevel, "log-level", "info", "log level: debug, info, warn, error")
}

const rootLong = `mlegit enrols a school's students into mLegitymacja, the digital school ID in
the mObywatel app: it reads the roster exported from UONET+ or SIO (CSV or
XLSX), validates every student, normalises the photos, builds the upload
package for the national portal and prints pickup slips.

Settings come from flags, then MLEGIT_* environment variables (MLEGIT_WORKERS,
MLEGIT_PROFILE, ...), then the --config file (default ./config.yaml), then
built-in defaults.

Exit codes:
  0  every student accepted
  1  fatal: nothing usable was written
  2  usage or configuration error
  3  the batch completed, but at least one student was rejected
  4  another run holds the school's lock
  5  run --all: at least one school failed or was held; the others completed
  6  run: the night was held by the mass-invalidation guard (max_invalidations);
     nothing changed, no package; check the roster export is complete`

func newRootCommand(g *globalOptions) *cobra.Command {
	root := &cobra.Command{
		Use:           "mlegit",
		Short:         "Enrol a school's students into mLegitymacja",
		Long:          rootLong,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageErrorf("unknown command %q; see mlegit --help", args[0])
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			return g.setupLog()
		},
	}
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return usageErrorf("%v", err)
	})
	g.addFlags(root.PersistentFlags())
	root.AddCommand(
		newRunCommand(g),
		newMergeCommand(g),
		newVerifyCommand(g),
		newCodesCommand(g),
		newPackageCommand(g),
		newPortalSimCommand(g),
		newSlipsCommand(g),
		newPickupCommand(g),
		newRegisterCommand(g),
		newPhotosCommand(g), newProfilesCommand(g),
		newStatusCommand(g), newInvalidateCommand(g), newReissueCommand(g),
		newServeCommand(g), newUsersCommand(g),
		newMailCommand(g),
	)
	return root
}

func (g *globalOptions) setupLog() error {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(g.logLevel)); err != nil {
		return usageErrorf("--log-level: %v", err)
	}
	g.level = lvl
	// Every log line passes the PESEL mask: errors carry paths such as
	// photos/<PESEL>.jpg from deep inside.
	g.log = slog.New(pesel.NewMaskingHandler(slog.NewTextHandler(g.stderr, &slog.HandlerOptions{Level: lvl})))
	slog.SetDefault(g.log)
	return nil
}

// quietForProgress returns the logger to use while a progress bar is on
// the terminal: info lines would break the bar, so only warnings and
// errors are shown (unless a stricter level was asked for).
func (g *globalOptions) quietForProgress() *slog.Logger {
	return slog.New(pesel.NewMaskingHandler(slog.NewTextHandler(g.stderr, &slog.HandlerOptions{Level: max(g.level, slog.LevelWarn)})))
}

// loadConfig reads the configuration with the command's flags on top.
func (g *globalOptions) loadConfig(flags *pflag.FlagSet) (*config.Config, *viper.Viper, error) {
	path, explicit := config.Locate(g.configFile)
	return config.Load(path, explicit, flags)
}

// parseAsOf reads --as-of (YYYY-MM-DD); empty means today.
func parseAsOf(s string) (time.Time, error) {
	if s == "" {
		y, m, d := time.Now().Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC), nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, usageErrorf("--as-of %q: want YYYY-MM-DD", s)
	}
	return t, nil
}

// stderrIsTerminal reports whether progress bars make sense.
func (g *globalOptions) stderrIsTerminal() bool {
	f, ok := g.stderr.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
