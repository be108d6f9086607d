package photos

import (
	"image"
	"image/color"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/disintegration/imaging"
)

// colourful draws a phone-like portrait with strong colour: a sky-to-wall
// hue gradient, a skin-toned face, a red jumper with blue stripes, green
// stripes at the side, and sensor noise. Edges are soft over six pixels
// as a phone's lens and demosaicing leave them; red and blue edges are
// where coarse chroma upsampling shows.
func colourful(w, h int, seed uint64) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	r := rand.New(rand.NewPCG(seed, 3))
	cx, cy := float64(w)*0.5, float64(h)*0.38
	rx, ry := float64(w)*0.2, float64(h)*0.17
	// soft maps a signed distance in pixels to an edge to 0..1.
	soft := func(d float64) float64 { return math.Max(0, math.Min(1, d/6+0.5)) }
	mix := func(a, b [3]float64, t float64) [3]float64 {
		return [3]float64{a[0] + (b[0]-a[0])*t, a[1] + (b[1]-a[1])*t, a[2] + (b[2]-a[2])*t}
	}
	stripeW, bandH := float64(w)/40, float64(h)/30
	for y := range h {
		fy := float64(y)
		for x := range w {
			fx := float64(x)
			c := [3]float64{90 + 120*fy/float64(h), 140 + 60*fx/float64(w), 220 - 110*fy/float64(h)}
			// Green stripes at the left: distance to the nearest band edge.
			band := math.Mod(fy, 2*bandH)
			in := math.Min(band, bandH-band) // > 0 inside an even band
			c = mix(c, [3]float64{80, 150, 90}, soft(in)*soft(0.12*float64(w)-fx))
			// Red jumper with blue stripes.
			jumper := math.Min(fy-(cy+ry*1.1), 0.35*float64(w)-math.Abs(fx-cx))
			stripe := math.Mod(fx, 2*stripeW)
			jc := mix([3]float64{175, 65, 70}, [3]float64{70, 90, 165}, soft(math.Min(stripe, stripeW-stripe))*soft(fy-0.8*float64(h)))
			c = mix(c, jc, soft(jumper))
			// Face: distance to the ellipse, roughly in pixels.
			dx, dy := (fx-cx)/rx, (fy-cy)/ry
			d := dx*dx + dy*dy
			face := [3]float64{225 - 40*d, 175 - 45*d, 145 - 40*d}
			c = mix(c, face, soft((1-math.Sqrt(d))*math.Min(rx, ry)))
			n := r.NormFloat64() * 3
			i := img.PixOffset(x, y)
			for k := range 3 {
				img.Pix[i+k] = uint8(math.Max(0, math.Min(255, c[k]+n+0.5)))
			}
			img.Pix[i+3] = 255
		}
	}
	return img
}

// smoothRGB converts a decoded YCbCr image to RGB the way libjpeg's
// "fancy" upsampling does, interpolating chroma linearly between sample
// centres, in floating point: the full-resolution reference.
func smoothRGB(m *image.YCbCr) *image.NRGBA {
	b := m.Bounds()
	fx, fy := chromaFactors(m.SubsampleRatio)
	cw, ch := (b.Dx()+fx-1)/fx, (b.Dy()+fy-1)/fy
	sample := func(p []byte, x, y float64) float64 {
		x, y = math.Max(0, math.Min(float64(cw-1), x)), math.Max(0, math.Min(float64(ch-1), y))
		x0, y0 := int(x), int(y)
		x1, y1 := min(x0+1, cw-1), min(y0+1, ch-1)
		ax, ay := x-float64(x0), y-float64(y0)
		at := func(x, y int) float64 { return float64(p[y*m.CStride+x]) }
		return (1-ay)*((1-ax)*at(x0, y0)+ax*at(x1, y0)) + ay*((1-ax)*at(x0, y1)+ax*at(x1, y1))
	}
	out := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	c8 := func(v float64) uint8 { return uint8(math.Max(0, math.Min(255, v+0.5))) }
	for y := range b.Dy() {
		for x := range b.Dx() {
			px, py := (float64(x)+0.5)/float64(fx)-0.5, (float64(y)+0.5)/float64(fy)-0.5
			yy := float64(m.Y[y*m.YStride+x])
			cb, cr := sample(m.Cb, px, py)-128, sample(m.Cr, px, py)-128
			i := out.PixOffset(x, y)
			out.Pix[i], out.Pix[i+1], out.Pix[i+2], out.Pix[i+3] =
				c8(yy+1.402*cr), c8(yy-0.344136*cb-0.714136*cr), c8(yy+1.772*cb), 255
		}
	}
	return out
}

// channelPSNR returns the PSNR in dB of each of R, G and B between two
// same-size images.
func channelPSNR(a, b image.Image) [3]float64 {
	r, o := a.Bounds(), b.Bounds().Min
	var se [3]float64
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			ca := color.NRGBAModel.Convert(a.At(x, y)).(color.NRGBA)
			cb := color.NRGBAModel.Convert(b.At(x-r.Min.X+o.X, y-r.Min.Y+o.Y)).(color.NRGBA)
			for k, d := range [3]float64{float64(ca.R) - float64(cb.R), float64(ca.G) - float64(cb.G), float64(ca.B) - float64(cb.B)} {
				se[k] += d * d
			}
		}
	}
	var p [3]float64
	n := float64(r.Dx() * r.Dy())
	for k := range p {
		p[k] = math.Inf(1)
		if se[k] > 0 {
			p[k] = 10 * math.Log10(255*255/(se[k]/n))
		}
	}
	return p
}

// TestChromaQuality: 4:2:0 quality-92 photos normalised through the
// reduced-scale decoder must match a Lanczos resize of the full decode
// (smooth chroma, floating point) within 43 dB PSNR in every channel, and
// the channels may not be more than 1.5 dB apart: red and blue lagging
// green is the signature of coarse chroma (upsampled pixel by pixel,
// subsampled again by the encoder, or quantised coarsely). The encoded
// reference is logged to show what the encoder alone costs.
func TestChromaQuality(t *testing.T) {
	p := DefaultProfiles()["mobywatel"]
	tests := []struct {
		name string
		src  image.Image
		cw   int // centre crop width x height of the full image
		ch   int
	}{
		{"12 MP portrait, 4:3 cropped to 4:5", photoLike(3000, 4000, 2), 3000, 3750},
		{"saturated colour edges", colourful(2000, 2500, 1), 2000, 2500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := encJPEG(t, tt.src, 92)
			full, ok := decodeJPEG(t, data).(*image.YCbCr)
			if !ok {
				t.Fatal("image/jpeg did not return YCbCr")
			}
			ref := imaging.Resize(imaging.CropCenter(smoothRGB(full), tt.cw, tt.ch), p.Width, p.Height, imaging.Lanczos)
			out, info, err := Normalize(data, p, &Options{Cropper: CenterCrop{}}) // the reference is centre-cropped
			if err != nil {
				t.Fatal(err)
			}
			if info.Denom < 2 {
				t.Fatalf("denom %d: the reduced-scale path was not taken", info.Denom)
			}
			refOut, _, err := encodeFitting(ref, p)
			if err != nil {
				t.Fatal(err)
			}
			ps, pr := channelPSNR(decodeJPEG(t, out), ref), channelPSNR(decodeJPEG(t, refOut), ref)
			t.Logf("denom %d, quality %d: PSNR R %.2f G %.2f B %.2f dB (reference encoded: %.2f %.2f %.2f)",
				info.Denom, info.Quality, ps[0], ps[1], ps[2], pr[0], pr[1], pr[2])
			for k, name := range []string{"R", "G", "B"} {
				if ps[k] < 43 {
					t.Errorf("%s: PSNR %.2f dB, want >= 43", name, ps[k])
				}
			}
			if lo, hi := min(ps[0], ps[1], ps[2]), max(ps[0], ps[1], ps[2]); hi-lo > 1.5 {
				t.Errorf("channels %.2f dB apart, want <= 1.5", hi-lo)
			}
		})
	}
}
