// Command benchgen writes photo-like JPEG portraits (12 MP unless told
// otherwise) for the photo benchmark (scripts/bench-photos.sh): every
// third one is stored landscape (4000x3000) with an EXIF Orientation tag (6 or 8) the way phones save
// pictures taken upright; the rest are stored upright (3000x4000), some
// with orientation 1 spelt out.
//
//	go run ./photos/internal/benchgen -n 40 -out DIR [-width 3000 -height 4000 -prefix uczen]
package main

import (
	"bytes"
	"encoding/binary"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"log/slog"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
)

func main() {
	n := flag.Int("n", 40, "number of photos")
	out := flag.String("out", "", "output folder (required)")
	quality := flag.Int("quality", 92, "JPEG quality, like a phone camera")
	width := flag.Int("width", 3000, "upright width in pixels")
	height := flag.Int("height", 4000, "upright height in pixels")
	prefix := flag.String("prefix", "uczen", "file name prefix")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "benchgen: -out is required")
		os.Exit(2)
	}
	if err := run(*n, *out, *quality, *width, *height, *prefix); err != nil {
		slog.Error("benchgen failed", "err", err)
		os.Exit(1)
	}
}

func run(n int, dir string, quality, w, h int, prefix string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	var wg sync.WaitGroup
	errs := make(chan error, n)
	sem := make(chan struct{}, 2)
	for i := range n {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			errs <- write(dir, i, quality, w, h, prefix)
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func write(dir string, i, quality, w, h int, prefix string) error {
	orient := 0 // no EXIF
	switch i % 6 {
	case 1:
		orient = 6
	case 4:
		orient = 8
	case 2:
		orient = 1
	}
	img := portrait(w, h, uint64(i))
	var stored image.Image = img
	if orient == 6 || orient == 8 {
		stored = storeRotated(img, orient)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, stored, &jpeg.Options{Quality: quality}); err != nil {
		return err
	}
	data := buf.Bytes()
	if orient != 0 {
		data = withOrientation(data, orient)
	}
	return os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s_%03d.jpg", prefix, i)), data, 0o600)
}

// portrait draws a head and shoulders on a lit background with sensor-like
// noise, so the file has the entropy of a real photo (about 3–5 MB).
func portrait(w, h int, seed uint64) *image.YCbCr {
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	r := rand.New(rand.NewPCG(seed, 12))
	cx, cy := float64(w)*(0.45+0.1*r.Float64()), float64(h)*0.4
	rx, ry := float64(w)*0.22, float64(h)*0.2
	for y := 0; y < h; y++ {
		fy := float64(y)
		for x := 0; x < w; x++ {
			fx := float64(x)
			l := 180 + 30*math.Sin(fx/370)*math.Cos(fy/510)
			cb, cr := 128.0, 128.0
			if d := (fx-cx)*(fx-cx)/(rx*rx) + (fy-cy)*(fy-cy)/(ry*ry); d < 1 {
				l, cb, cr = 170-50*d+12*math.Sin(fx/9)*math.Sin(fy/11), 110, 150
			} else if fy > cy+ry*0.9 && math.Abs(fx-cx) < float64(w)*0.4 {
				l, cb, cr = 60+10*math.Sin(fx/23+fy/31), 140, 120 // clothes
			}
			l += r.NormFloat64() * 4
			img.Y[y*img.YStride+x] = clamp(l)
			if x%2 == 0 && y%2 == 0 {
				ci := (y/2)*img.CStride + x/2
				img.Cb[ci], img.Cr[ci] = clamp(cb+r.NormFloat64()*2), clamp(cr+r.NormFloat64()*2)
			}
		}
	}
	return img
}

func clamp(v float64) uint8 { return uint8(math.Max(0, math.Min(255, v+0.5))) }

// storeRotated returns the stored landscape image that orientation o
// (6: turn clockwise, 8: turn counter-clockwise) shows as src.
func storeRotated(src *image.YCbCr, o int) *image.RGBA {
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	dst := image.NewRGBA(image.Rect(0, 0, h, w))
	for y := 0; y < w; y++ { // stored rows
		for x := 0; x < h; x++ {
			var ux, uy int
			if o == 6 { // stored (x, y) is upright (w-1-y, x)
				ux, uy = w-1-y, x
			} else { // 8: stored (x, y) is upright (y, h-1-x)
				ux, uy = y, h-1-x
			}
			c := src.YCbCrAt(ux, uy)
			rr, gg, bb := color.YCbCrToRGB(c.Y, c.Cb, c.Cr)
			i := dst.PixOffset(x, y)
			dst.Pix[i], dst.Pix[i+1], dst.Pix[i+2], dst.Pix[i+3] = rr, gg, bb, 255
		}
	}
	return dst
}

// withOrientation splices an APP1 Exif segment with orientation o after SOI.
func withOrientation(jpg []byte, o int) []byte {
	tiff := []byte("MM\x00*\x00\x00\x00\x08\x00\x01")
	tiff = binary.BigEndian.AppendUint16(tiff, 0x0112)
	tiff = binary.BigEndian.AppendUint16(tiff, 3)
	tiff = binary.BigEndian.AppendUint32(tiff, 1)
	tiff = binary.BigEndian.AppendUint16(tiff, uint16(o))
	tiff = append(tiff, 0, 0, 0, 0, 0, 0)
	body := append([]byte("Exif\x00\x00"), tiff...)
	seg := binary.BigEndian.AppendUint16([]byte{0xFF, 0xE1}, uint16(len(body)+2))
	out := append([]byte{}, jpg[:2]...)
	out = append(out, seg...)
	out = append(out, body...)
	return append(out, jpg[2:]...)
}
