// Command benchrun normalises a folder of photos like `mlegit photos`, for
// scripts/bench-photos.sh when the mlegit binary has no photos command.
//
//	go run ./photos/internal/benchrun -in DIR -out DIR [-profile NAME] [-workers N] [-crop centre]
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"

	"github.com/mlegit/mlegit/photos"
)

func main() {
	in := flag.String("in", "", "input folder")
	out := flag.String("out", "", "output folder")
	profile := flag.String("profile", photos.DefaultProfile, "profile name")
	workers := flag.Int("workers", 0, "workers (0: number of CPUs)")
	crop := flag.String("crop", "", "crop strategy: person or centre (default: the profile's)")
	flag.Parse()
	p, ok := photos.DefaultProfiles()[*profile]
	if *crop != "" {
		p.Crop = *crop
	}
	if *in == "" || *out == "" || !ok {
		fmt.Fprintln(os.Stderr, "benchrun: need -in, -out and a known -profile")
		os.Exit(2)
	}
	rep, err := photos.NormalizeDir(context.Background(), *in, photos.Config{Dir: *out, Profile: p, Workers: *workers})
	if err != nil {
		slog.Error("benchrun failed", "err", err)
		os.Exit(1)
	}
	fmt.Printf("%d photos, %d written, %d rejected\n", rep.Total, rep.Written, len(rep.Rejected))
}
