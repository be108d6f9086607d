// Command benchpsnr compares photo tools' outputs with reference images,
// channel by channel, for scripts/bench-photos.sh:
//
//	go run ./photos/internal/benchpsnr -ref DIR TOOL=DIR...
//
// For every reference image (any format image/png or image/jpeg reads) it
// finds the file of the same base name in each tool's folder (.jpg), and
// prints per tool the mean PSNR of R, G and B over all references, in dB.
package main

import (
	"flag"
	"fmt"
	"image"
	"image/color"
	_ "image/jpeg"
	_ "image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	refDir := flag.String("ref", "", "folder of reference images")
	flag.Parse()
	if *refDir == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: benchpsnr -ref DIR TOOL=DIR...")
		os.Exit(2)
	}
	refs, err := filepath.Glob(filepath.Join(*refDir, "*"))
	if err != nil || len(refs) == 0 {
		fmt.Fprintln(os.Stderr, "benchpsnr: no reference images")
		os.Exit(1)
	}
	for _, arg := range flag.Args() {
		name, dir, ok := strings.Cut(arg, "=")
		if !ok {
			fmt.Fprintf(os.Stderr, "benchpsnr: %q is not TOOL=DIR\n", arg)
			os.Exit(2)
		}
		var sum [3]float64
		n := 0
		for _, ref := range refs {
			stem := strings.TrimSuffix(filepath.Base(ref), filepath.Ext(ref))
			p, err := psnr(ref, filepath.Join(dir, stem+".jpg"))
			if err != nil {
				fmt.Fprintf(os.Stderr, "benchpsnr: %s: %v\n", name, err)
				continue
			}
			for k := range sum {
				sum[k] += p[k]
			}
			n++
		}
		if n == 0 {
			continue
		}
		fmt.Printf("%-22s %6.2f %6.2f %6.2f   (%d photos)\n", name, sum[0]/float64(n), sum[1]/float64(n), sum[2]/float64(n), n)
	}
}

func load(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	return img, err
}

// psnr returns the PSNR of each of R, G, B of the image at got against the
// one at ref, which must be the same size.
func psnr(ref, got string) ([3]float64, error) {
	a, err := load(ref)
	if err != nil {
		return [3]float64{}, err
	}
	b, err := load(got)
	if err != nil {
		return [3]float64{}, err
	}
	ra, rb := a.Bounds(), b.Bounds()
	if ra.Dx() != rb.Dx() || ra.Dy() != rb.Dy() {
		return [3]float64{}, fmt.Errorf("%s is %dx%d, the reference %dx%d", got, rb.Dx(), rb.Dy(), ra.Dx(), ra.Dy())
	}
	var se [3]float64
	for y := 0; y < ra.Dy(); y++ {
		for x := 0; x < ra.Dx(); x++ {
			ca := color.NRGBAModel.Convert(a.At(ra.Min.X+x, ra.Min.Y+y)).(color.NRGBA)
			cb := color.NRGBAModel.Convert(b.At(rb.Min.X+x, rb.Min.Y+y)).(color.NRGBA)
			for k, d := range [3]float64{float64(ca.R) - float64(cb.R), float64(ca.G) - float64(cb.G), float64(ca.B) - float64(cb.B)} {
				se[k] += d * d
			}
		}
	}
	var p [3]float64
	for k := range p {
		mse := se[k] / float64(ra.Dx()*ra.Dy())
		p[k] = math.Inf(1)
		if mse > 0 {
			p[k] = 10 * math.Log10(255*255/mse)
		}
	}
	return p, nil
}
