package jpegenc

import (
	"bytes"
	"image"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"testing"
)

// testImage draws smooth colour gradients with edges and noise as 4:4:4.
func testImage(w, h int) *image.YCbCr {
	m := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio444)
	r := rand.New(rand.NewPCG(1, 2))
	for y := range h {
		for x := range w {
			fx, fy := float64(x)/float64(w), float64(y)/float64(h)
			yy := 60 + 150*fx + 10*math.Sin(float64(x+y)/7) + r.NormFloat64()*2
			cb, cr := 100+60*fy, 160-50*fx
			if (x/24+y/24)%2 == 0 {
				cb, cr = 200, 60
			}
			m.Y[y*m.YStride+x] = c8(yy)
			m.Cb[y*m.CStride+x], m.Cr[y*m.CStride+x] = c8(cb), c8(cr)
		}
	}
	return m
}

func c8(v float64) uint8 { return uint8(math.Max(0, math.Min(255, v+0.5))) }

// planePSNR compares the Y, Cb, Cr planes of two images sample by sample
// (chroma at full resolution via YCbCrAt).
func planePSNR(a, b *image.YCbCr) [3]float64 {
	var se [3]float64
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			ca, cb := a.YCbCrAt(x, y), b.YCbCrAt(x, y)
			for k, d := range [3]float64{float64(ca.Y) - float64(cb.Y), float64(ca.Cb) - float64(cb.Cb), float64(ca.Cr) - float64(cb.Cr)} {
				se[k] += d * d
			}
		}
	}
	var p [3]float64
	for k := range p {
		p[k] = 10 * math.Log10(255*255/(se[k]/float64(r.Dx()*r.Dy())+1e-9))
	}
	return p
}

func encode(t *testing.T, m *image.YCbCr, o *Options) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Encode(&b, m, o); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// sofSampling returns the luma sampling byte of the SOF0 segment.
func sofSampling(t *testing.T, data []byte) byte {
	t.Helper()
	i := bytes.Index(data, []byte{0xFF, 0xC0})
	if i < 0 {
		t.Fatal("no SOF0: not baseline")
	}
	return data[i+11]
}

func TestEncodeRoundTrip(t *testing.T) {
	tests := []struct {
		name    string
		w, h    int
		q       int
		sub     bool
		minPSNR [3]float64
	}{
		{"444 q95", 240, 304, 95, false, [3]float64{42, 55, 55}},
		{"444 odd size", 37, 23, 95, false, [3]float64{42, 55, 55}},
		{"420 q90", 240, 304, 90, true, [3]float64{40, 42, 42}},
		{"420 odd size", 37, 23, 90, true, [3]float64{40, 40, 40}},
		{"444 q100", 64, 64, 100, false, [3]float64{55, 55, 55}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := testImage(tt.w, tt.h)
			data := encode(t, src, &Options{Quality: tt.q, Subsample420: tt.sub})
			wantSampling := byte(0x11)
			if tt.sub {
				wantSampling = 0x22
			}
			if s := sofSampling(t, data); s != wantSampling {
				t.Errorf("luma sampling %#x, want %#x", s, wantSampling)
			}
			img, err := jpeg.Decode(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			got, ok := img.(*image.YCbCr)
			if !ok || got.Bounds() != src.Bounds() {
				t.Fatalf("decoded %T %v", img, img.Bounds())
			}
			ps := planePSNR(got, src)
			t.Logf("%d bytes, PSNR Y %.1f Cb %.1f Cr %.1f", len(data), ps[0], ps[1], ps[2])
			for k := range ps {
				if ps[k] < tt.minPSNR[k] {
					t.Errorf("plane %d PSNR %.1f dB, want >= %.0f", k, ps[k], tt.minPSNR[k])
				}
			}
		})
	}
}

// TestEncodeMatchesStdlib420: for 4:2:0 input, the output is as close to
// the source as image/jpeg's at the same quality (the same tables), so the
// transform and quantisation are right.
func TestEncodeMatchesStdlib420(t *testing.T) {
	src444 := testImage(160, 200)
	src := image.NewYCbCr(src444.Bounds(), image.YCbCrSubsampleRatio420)
	copy(src.Y, src444.Y)
	for y := range 100 {
		for x := range 80 {
			src.Cb[y*src.CStride+x] = src444.Cb[2*y*src444.CStride+2*x]
			src.Cr[y*src.CStride+x] = src444.Cr[2*y*src444.CStride+2*x]
		}
	}
	ours := encode(t, src, &Options{Quality: 85})
	var std bytes.Buffer
	if err := jpeg.Encode(&std, src, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	a, _ := jpeg.Decode(bytes.NewReader(ours))
	b, _ := jpeg.Decode(bytes.NewReader(std.Bytes()))
	pa, pb := planePSNR(a.(*image.YCbCr), src), planePSNR(b.(*image.YCbCr), src)
	t.Logf("ours %d bytes %v, image/jpeg %d bytes %v", len(ours), pa, std.Len(), pb)
	for k := range pa {
		if pa[k] < pb[k]-0.3 {
			t.Errorf("plane %d: %.2f dB, image/jpeg %.2f dB", k, pa[k], pb[k])
		}
	}
	if r := float64(len(ours)) / float64(std.Len()); r > 1.05 || r < 0.95 {
		t.Errorf("size %d vs image/jpeg %d", len(ours), std.Len())
	}
}

func TestEncodeSizeFallsWithQuality(t *testing.T) {
	src := testImage(120, 150)
	prev := 0
	for _, q := range []int{100, 90, 75, 50, 10, 1} {
		n := len(encode(t, src, &Options{Quality: q}))
		if prev != 0 && n > prev {
			t.Errorf("quality %d gives %d bytes, more than %d at a higher quality", q, n, prev)
		}
		prev = n
	}
}

func TestEncodeRejects(t *testing.T) {
	var b bytes.Buffer
	if err := Encode(&b, testImage(8, 8), &Options{Quality: 0}); err == nil {
		t.Error("quality 0 accepted")
	}
	if err := Encode(&b, image.NewYCbCr(image.Rect(0, 0, 8, 8), image.YCbCrSubsampleRatio422), nil); err == nil {
		t.Error("4:2:2 accepted")
	}
	if err := Encode(&b, image.NewYCbCr(image.Rect(0, 0, 0, 8), image.YCbCrSubsampleRatio444), nil); err == nil {
		t.Error("empty image accepted")
	}
}

// TestEncodeFineChroma: chroma quantised with the luminance table comes
// out closer to the source, at the cost of some bytes.
func TestEncodeFineChroma(t *testing.T) {
	src := testImage(240, 304)
	std := encode(t, src, &Options{Quality: 90})
	fine := encode(t, src, &Options{Quality: 90, FineChroma: true})
	a, _ := jpeg.Decode(bytes.NewReader(std))
	b, _ := jpeg.Decode(bytes.NewReader(fine))
	ps, pf := planePSNR(a.(*image.YCbCr), src), planePSNR(b.(*image.YCbCr), src)
	t.Logf("standard %d bytes %v, fine %d bytes %v", len(std), ps, len(fine), pf)
	for k := 1; k < 3; k++ {
		if pf[k] < ps[k]+0.5 {
			t.Errorf("chroma plane %d: %.2f dB fine, %.2f dB standard", k, pf[k], ps[k])
		}
	}
	if len(fine) <= len(std) {
		t.Errorf("fine chroma %d bytes, standard %d: finer steps cost bytes", len(fine), len(std))
	}
}
