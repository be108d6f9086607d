package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/mlegit/mlegit/photos"
)

const photosLong = `Normalise a folder of photos for a photo profile, without a roster: every
JPG or PNG in --in (not its subfolders; the format is read from the bytes, not
the name) is checked, turned upright (EXIF orientation), converted to RGB,
cropped to the profile's aspect around the centre, resized and saved as a
JPEG within the profile's byte limit, without metadata, as
--out/<name>.jpg. Files that are not images are skipped.

Photos that cannot be used are listed in --out/odrzucone_zdjecia.csv
(Excel, Polish: Plik;Kod błędu;Powód;Szczegóły). Below them, under
"Do sprawdzenia" as in odrzuceni.csv, the same file lists the photos that
were written but should be looked at: too dark (PHOTO_DARK), out of focus
(PHOTO_BLURRED), no face found (PHOTO_NO_FACE), a background too dark for
the profile (PHOTO_BACKGROUND_CHECK).

Exit codes: 0 every photo written (some may be listed to check), 3 some
photos rejected, 2 usage/config error, 1 fatal (a folder cannot be read
or written).`

// photosOptions are the flags of mlegit photos that are not configuration
// keys (--out, --profile and --workers are).
type photosOptions struct {
	In string
}

func (o *photosOptions) AddFlags(f *pflag.FlagSet) {
	f.StringVar(&o.In, "in", "", "folder of photos to normalise")
	f.String("out", "out", "output folder")
	f.String("profile", photos.DefaultProfile, "photo profile (see mlegit profiles)")
	f.Int("workers", 0, "photo workers (default: number of CPUs)")
}

func newPhotosCommand(g *globalOptions) *cobra.Command {
	var opts photosOptions
	cmd := &cobra.Command{
		Use:     "photos --in DIR --out DIR [--profile NAME] [--workers N]",
		Short:   "Normalise a folder of photos for a photo profile",
		Long:    photosLong,
		Args:    cobra.NoArgs,
		Example: "  mlegit photos --in zdjecia --out gotowe --profile zpe",
		RunE: func(cmd *cobra.Command, args []string) error {
			return runPhotos(cmd.Context(), opts, g, cmd)
		},
	}
	opts.AddFlags(cmd.Flags())
	cmd.AddCommand(newPhotosAssignCommand(g))
	return cmd
}

func runPhotos(ctx context.Context, opts photosOptions, g *globalOptions, cmd *cobra.Command) error {
	if opts.In == "" {
		return usageErrorf("--in is required")
	}
	cfg, v, err := g.loadConfig(cmd.Flags())
	if err != nil {
		return err
	}
	p, err := lookupProfile(v, cfg.Profile)
	if err != nil {
		return err
	}
	rep, err := photos.NormalizeDir(ctx, opts.In, photoConfig(cfg, cfg.Out, p))
	if err != nil {
		return err
	}
	g.log.Info("photos normalised", "profile", cfg.Profile, "found", rep.Total,
		"written", rep.Written, "rejected", len(rep.Rejected), "warnings", len(rep.Warnings))
	fmt.Fprintf(g.stdout, "photos: %d, written: %d, rejected: %d, to check: %d (%d warnings); report: %s\n",
		rep.Total, rep.Written, len(rep.Rejected), photosToCheck(rep), len(rep.Warnings), rep.ReportPath)
	if len(rep.Rejected) > 0 {
		return &exitError{code: exitRejected, err: fmt.Errorf("%d photos rejected", len(rep.Rejected))}
	}
	return nil
}

// photosToCheck counts the written photos that have warnings (a photo may
// have several).
func photosToCheck(rep photos.Report) int {
	files := map[string]bool{}
	for _, w := range rep.Warnings {
		files[w.File] = true
	}
	return len(files)
}
