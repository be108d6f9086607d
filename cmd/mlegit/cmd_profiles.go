package main

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

const profilesLong = `List the photo profiles — the built-in ones and those under 'profiles:' in
the config file — with their limits: aspect, smallest accepted photo, output
size, byte limit and JPEG quality range. The default profile is marked '*'.

A config profile takes these keys (sizes in px): aspect_w, aspect_h (both 0:
keep the photo's shape), min_width, min_height, width, height, max_bytes,
min_quality, max_quality (default 75..95), description.

Exit codes: 0 listed, 2 usage/config error (e.g. an invalid profile).`

// profilesOptions are the flags of mlegit profiles.
type profilesOptions struct {
	JSON bool
}

func (o *profilesOptions) AddFlags(f *pflag.FlagSet) {
	f.BoolVar(&o.JSON, "json", false, "print the profiles as JSON")
}

func newProfilesCommand(g *globalOptions) *cobra.Command {
	var opts profilesOptions
	cmd := &cobra.Command{
		Use:   "profiles [--json]",
		Short: "List the photo profiles and their limits",
		Long:  profilesLong,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runProfiles(cmd.Context(), opts, g, cmd)
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

func runProfiles(_ context.Context, opts profilesOptions, g *globalOptions, cmd *cobra.Command) error {
	cfg, v, err := g.loadConfig(cmd.Flags())
	if err != nil {
		return err
	}
	all, err := allProfiles(v)
	if err != nil {
		return err
	}
	if opts.JSON {
		enc := json.NewEncoder(g.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(all)
	}
	names := make([]string, 0, len(all))
	for n := range all {
		names = append(names, n)
	}
	slices.Sort(names)
	tw := tabwriter.NewWriter(g.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "profil\tproporcje\tmin. zdjęcie\twynik\tmaks. plik\tjakość JPEG\topis")
	for _, n := range names {
		p := all[n]
		mark := " "
		if n == cfg.Profile {
			mark = "*"
		}
		aspect := "bez zmian"
		if p.HasAspect() {
			aspect = fmt.Sprintf("%d:%d", p.AspectW, p.AspectH)
		}
		fmt.Fprintf(tw, "%s%s\t%s\t%dx%d\t%dx%d\t%s\t%d–%d\t%s\n", mark, n, aspect,
			p.MinWidth, p.MinHeight, p.Width, p.Height, formatBytes(p.MaxBytes),
			p.MinQuality, p.MaxQuality, p.Description)
	}
	return tw.Flush()
}

// formatBytes writes a byte limit the way the instructions do, in decimal
// units with a decimal comma (1 MB, 60 kB, 2,5 MB).
func formatBytes(n int64) string {
	switch {
	case n >= 1_000_000:
		return commaDecimal(fmt.Sprintf("%.4g MB", float64(n)/1e6))
	case n >= 1000:
		return commaDecimal(fmt.Sprintf("%.4g kB", float64(n)/1e3))
	}
	return fmt.Sprintf("%d B", n)
}

// commaDecimal uses the Polish decimal comma.
func commaDecimal(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c == '.' {
			b[i] = ','
		}
	}
	return string(b)
}
