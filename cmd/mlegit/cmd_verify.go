package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/mlegit/mlegit/config"
	"github.com/mlegit/mlegit/export"
)

const verifyLong = `Re-check an upload package the way the portal would, without extracting
anything: only manifest.csv and photos/<PESEL>.jpg under safe names, every
manifest row well-formed with a valid, unique PESEL and its own photo, every
photo listed, its SHA-256 as in the manifest, and each photo a baseline RGB
JPEG within the photo profile's size and byte limits.

Problems are printed one per line (PESELs masked).

Exit codes: 0 the package is fine, 3 problems found, 2 usage/config error,
1 the file cannot be read as a zip.`

// verifyOptions are the flags of mlegit verify.
type verifyOptions struct {
	Package string
}

func (o *verifyOptions) AddFlags(f *pflag.FlagSet) {
	f.StringVar(&o.Package, "package", "", "upload package to check (.zip)")
	f.String("profile", "mobywatel", "photo profile the photos must meet (see mlegit profiles)")
}

func newVerifyCommand(g *globalOptions) *cobra.Command {
	var opts verifyOptions
	cmd := &cobra.Command{
		Use:     "verify --package ZIP",
		Short:   "Re-check an upload package as the portal would",
		Long:    verifyLong,
		Args:    cobra.NoArgs,
		Example: "  mlegit verify --package wynik/package/mlegitymacja-sp7-20260915.zip",
		RunE: func(cmd *cobra.Command, args []string) error {
			return runVerify(cmd.Context(), opts, g, cmd.Flags())
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

func runVerify(_ context.Context, opts verifyOptions, g *globalOptions, flags *pflag.FlagSet) error {
	if opts.Package == "" {
		return usageErrorf("--package is required")
	}
	_, limits, err := g.packageLimits(flags)
	if err != nil {
		return err
	}
	probs, err := export.VerifyPackage(opts.Package, limits)
	if err != nil {
		return err
	}
	for _, p := range probs {
		fmt.Fprintln(g.stdout, p)
	}
	g.log.Info("package verified", "problems", len(probs))
	if len(probs) > 0 {
		fmt.Fprintf(g.stdout, "package problems: %d\n", len(probs))
		return &exitError{code: exitRejected, err: fmt.Errorf("package has %d problems", len(probs))}
	}
	fmt.Fprintln(g.stdout, "package OK")
	return nil
}

// packageLimits loads the configuration and returns it with the photo
// limits of its profile.
func (g *globalOptions) packageLimits(flags *pflag.FlagSet) (*config.Config, export.PhotoLimits, error) {
	cfg, v, err := g.loadConfig(flags)
	if err != nil {
		return nil, export.PhotoLimits{}, err
	}
	p, err := lookupProfile(v, cfg.Profile)
	if err != nil {
		return nil, export.PhotoLimits{}, err
	}
	return cfg, export.PhotoLimits{MaxBytes: p.MaxBytes, MinW: p.MinWidth, MinH: p.MinHeight, MaxW: p.Width, MaxH: p.Height}, nil
}
