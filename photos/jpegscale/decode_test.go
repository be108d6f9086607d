package jpegscale

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"testing"
)

// planeOf returns the Y, Cb or Cr samples of m (any of *image.YCbCr,
// *image.Gray) as a dense w x h grid in plane coordinates.
type plane struct {
	w, h int
	pix  []uint8
}

func (p plane) at(x, y int) int { return int(p.pix[y*p.w+x]) }

// planes extracts the visible samples of each component of m.
func planes(tb testing.TB, m image.Image) []plane {
	tb.Helper()
	switch m := m.(type) {
	case *image.Gray:
		b := m.Bounds()
		p := plane{b.Dx(), b.Dy(), make([]uint8, b.Dx()*b.Dy())}
		for y := 0; y < p.h; y++ {
			copy(p.pix[y*p.w:], m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):][:p.w])
		}
		return []plane{p}
	case *image.YCbCr:
		b := m.Bounds()
		sx, sy := chromaFactors(m.SubsampleRatio)
		cw, ch := (b.Dx()+sx-1)/sx, (b.Dy()+sy-1)/sy
		out := []plane{
			{b.Dx(), b.Dy(), make([]uint8, b.Dx()*b.Dy())},
			{cw, ch, make([]uint8, cw*ch)},
			{cw, ch, make([]uint8, cw*ch)},
		}
		for y := 0; y < b.Dy(); y++ {
			copy(out[0].pix[y*b.Dx():], m.Y[m.YOffset(b.Min.X, b.Min.Y+y):][:b.Dx()])
		}
		for y := 0; y < ch; y++ {
			o := m.COffset(b.Min.X, b.Min.Y+y*sy)
			copy(out[1].pix[y*cw:], m.Cb[o:][:cw])
			copy(out[2].pix[y*cw:], m.Cr[o:][:cw])
		}
		return out
	}
	tb.Fatalf("unexpected image type %T", m)
	return nil
}

// chromaFactors returns how many luma samples share a chroma sample.
func chromaFactors(r image.YCbCrSubsampleRatio) (int, int) {
	switch r {
	case image.YCbCrSubsampleRatio422:
		return 2, 1
	case image.YCbCrSubsampleRatio420:
		return 2, 2
	case image.YCbCrSubsampleRatio440:
		return 1, 2
	case image.YCbCrSubsampleRatio411:
		return 4, 1
	case image.YCbCrSubsampleRatio410:
		return 4, 2
	}
	return 1, 1
}

// boxDown averages d x d boxes of p, clipped at its edges. Only the first
// p.w/d x p.h/d outputs are whole boxes.
func boxDown(p plane, d int) plane {
	out := plane{(p.w + d - 1) / d, (p.h + d - 1) / d, nil}
	out.pix = make([]uint8, out.w*out.h)
	for y := 0; y < out.h; y++ {
		for x := 0; x < out.w; x++ {
			sum, n := 0, 0
			for yy := y * d; yy < min(y*d+d, p.h); yy++ {
				for xx := x * d; xx < min(x*d+d, p.w); xx++ {
					sum += p.at(xx, yy)
					n++
				}
			}
			out.pix[y*out.w+x] = uint8((sum + n/2) / n)
		}
	}
	return out
}

// diffStats returns the mean and maximum absolute difference of two
// planes of the same size over their top-left fullW x fullH samples.
func diffStats(tb testing.TB, got, want plane, fullW, fullH int) (mean float64, maxDiff int) {
	tb.Helper()
	if got.w != want.w || got.h != want.h {
		tb.Fatalf("plane is %dx%d, want %dx%d", got.w, got.h, want.w, want.h)
	}
	sum := 0
	for y := 0; y < fullH; y++ {
		for x := 0; x < fullW; x++ {
			d := got.at(x, y) - want.at(x, y)
			if d < 0 {
				d = -d
			}
			sum += d
			maxDiff = max(maxDiff, d)
		}
	}
	return float64(sum) / float64(max(fullW*fullH, 1)), maxDiff
}

// assertMatchesStdlib decodes data with image/jpeg and with Decode at
// denom, and checks every plane against the box-downscaled reference.
func assertMatchesStdlib(t *testing.T, data []byte, denom int, maxMean float64, maxAbs int) {
	t.Helper()
	ref, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("image/jpeg: %v", err)
	}
	got, err := Decode(bytes.NewReader(data), denom)
	if err != nil {
		t.Fatalf("Decode(denom %d): %v", denom, err)
	}
	rb := ref.Bounds()
	wantBounds := image.Rect(0, 0, (rb.Dx()+denom-1)/denom, (rb.Dy()+denom-1)/denom)
	if got.Bounds() != wantBounds {
		t.Fatalf("bounds %v, want %v", got.Bounds(), wantBounds)
	}
	if r, ok := ref.(*image.YCbCr); ok {
		g, ok := got.(*image.YCbCr)
		if !ok {
			t.Fatalf("got %T, want *image.YCbCr", got)
		}
		if g.SubsampleRatio != r.SubsampleRatio {
			t.Fatalf("subsample ratio %v, want %v", g.SubsampleRatio, r.SubsampleRatio)
		}
	}
	rp, gp := planes(t, ref), planes(t, got)
	if len(rp) != len(gp) {
		t.Fatalf("%d planes, want %d", len(gp), len(rp))
	}
	for i := range rp {
		// Boxes cut by the right or bottom edge are left out: Decode
		// averages in the padding the encoder coded past the edge, which
		// image/jpeg crops away, so there the two legitimately differ.
		fw, fh := rp[i].w/denom, rp[i].h/denom
		mean, mx := diffStats(t, gp[i], boxDown(rp[i], denom), fw, fh)
		if fw*fh < 64 {
			mean = 0 // one off-by-one sample in a tiny plane says nothing
		}
		if mean > maxMean || mx > maxAbs {
			t.Errorf("plane %d: mean abs diff %.3f (limit %.2f), max %d (limit %d)", i, mean, maxMean, mx, maxAbs)
		}
	}
}

func TestDecodeStdlibEncoded(t *testing.T) {
	for _, tc := range []struct {
		w, h    int
		quality int
		gray    bool
	}{
		{64, 48, 90, false},
		{1, 1, 90, false},
		{7, 9, 75, false},
		{17, 33, 95, true},
		{203, 101, 90, false},
		{203, 101, 90, true},
		{1001, 999, 90, false},
	} {
		img := image.Image(photoLike(tc.w, tc.h, 7))
		if tc.gray {
			g := image.NewGray(img.Bounds())
			for y := 0; y < tc.h; y++ {
				for x := 0; x < tc.w; x++ {
					g.Set(x, y, img.At(x, y))
				}
			}
			img = g
		}
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: tc.quality}); err != nil {
			t.Fatal(err)
		}
		for _, denom := range []int{1, 2, 4, 8} {
			t.Run(fmt.Sprintf("%dx%d_gray=%v_denom%d", tc.w, tc.h, tc.gray, denom), func(t *testing.T) {
				limMean, limMax := reduceLimits(denom)
				assertMatchesStdlib(t, buf.Bytes(), denom, limMean, limMax)
			})
		}
	}
}

// reduceLimits returns the error bounds Decode must meet against
// image/jpeg. At denom 1 both run 8x8 integer IDCTs that round differently,
// so samples may differ by one (two allowed) and rarely do. Scaled, the
// reduced IDCT is the exact box average of the unrounded IDCT, so what
// separates it from a box average of image/jpeg's output is rounding: up to
// ±0.5 in each reference sample (which averages out), the reference IDCT's
// own ±1, and ±0.5 in the output; clamping of overshoot inside a box adds a
// little more near saturated edges. Measured means stay below 0.2.
func reduceLimits(denom int) (mean float64, maxAbs int) {
	if denom == 1 {
		return 0.25, 2
	}
	return 0.5, 2
}

func TestDecodeSamplingRestartsSizes(t *testing.T) {
	sampling := []struct {
		name string
		h, v [3]int
	}{
		{"444", [3]int{1, 1, 1}, [3]int{1, 1, 1}},
		{"422", [3]int{2, 1, 1}, [3]int{1, 1, 1}},
		{"420", [3]int{2, 1, 1}, [3]int{2, 1, 1}},
		{"440", [3]int{1, 1, 1}, [3]int{2, 1, 1}},
		{"411", [3]int{4, 1, 1}, [3]int{1, 1, 1}},
		{"410", [3]int{4, 1, 1}, [3]int{2, 1, 1}},
		{"444_2x1", [3]int{2, 2, 2}, [3]int{1, 1, 1}},
	}
	variants := []struct {
		name string
		o    encOptions
	}{
		{"plain", encOptions{step: 8}},
		{"restart1", encOptions{step: 8, restart: 1}},
		{"restart7", encOptions{step: 8, restart: 7}},
		{"separate_scans", encOptions{step: 8, separate: true}},
		{"near_lossless_q16", encOptions{step: 1, quant16: true}},
		{"coarse", encOptions{step: 40}},
	}
	sizes := [][2]int{{1, 1}, {7, 9}, {17, 33}, {45, 38}}
	for _, s := range sampling {
		for _, v := range variants {
			for _, sz := range sizes {
				o := v.o
				o.h, o.v = s.h, s.v
				data := encodeTest(t, photoLike(sz[0], sz[1], uint64(sz[0])), o)
				for _, denom := range []int{1, 2, 4, 8} {
					t.Run(fmt.Sprintf("%s/%s/%dx%d/denom%d", s.name, v.name, sz[0], sz[1], denom), func(t *testing.T) {
						mean, mx := reduceLimits(denom)
						assertMatchesStdlib(t, data, denom, mean, mx)
					})
				}
			}
		}
	}
}

// TestDecodeLargeOddSize covers many MCU rows and restart intervals that
// do not divide the MCU count, at a size that is no multiple of any MCU.
func TestDecodeLargeOddSize(t *testing.T) {
	img := photoLike(1001, 999, 9)
	for _, tc := range []struct {
		name string
		o    encOptions
	}{
		{"422_restart13", encOptions{step: 8, h: [3]int{2, 1, 1}, restart: 13}},
		{"gray_restart100", encOptions{step: 8, gray: true, restart: 100}},
	} {
		data := encodeTest(t, img, tc.o)
		for _, denom := range []int{1, 2, 4, 8} {
			t.Run(fmt.Sprintf("%s/denom%d", tc.name, denom), func(t *testing.T) {
				mean, mx := reduceLimits(denom)
				assertMatchesStdlib(t, data, denom, mean, mx)
			})
		}
	}
}

func TestDecodeGray(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    encOptions
		w, h int
	}{
		{"1x1", encOptions{gray: true, step: 8}, 1, 1},
		{"17x33_restart2", encOptions{gray: true, step: 8, restart: 2}, 17, 33},
		{"odd_factors_ignored", encOptions{gray: true, step: 4, h: [3]int{2}, v: [3]int{2}}, 45, 38},
		{"near_lossless", encOptions{gray: true, step: 1}, 33, 20},
	} {
		data := encodeTest(t, photoLike(tc.w, tc.h, 3), tc.o)
		for _, denom := range []int{1, 2, 4, 8} {
			t.Run(fmt.Sprintf("%s/denom%d", tc.name, denom), func(t *testing.T) {
				mean, mx := reduceLimits(denom)
				assertMatchesStdlib(t, data, denom, mean, mx)
			})
		}
	}
}

// TestDecodeRestartsInSeparateScans checks restart intervals in
// non-interleaved scans of subsampled components, where an MCU is a single
// block (A.2.2). image/jpeg counts such restarts per luma MCU instead and
// cannot serve as the reference, but the same coefficients coded with and
// without restart markers must decode to identical pixels.
func TestDecodeRestartsInSeparateScans(t *testing.T) {
	for _, tc := range []struct {
		name string
		h, v [3]int
	}{
		{"420", [3]int{2, 1, 1}, [3]int{2, 1, 1}},
		{"422", [3]int{2, 1, 1}, [3]int{1, 1, 1}},
		{"410", [3]int{4, 1, 1}, [3]int{2, 1, 1}},
	} {
		img := photoLike(45, 38, 11)
		plain := encodeTest(t, img, encOptions{step: 8, separate: true, h: tc.h, v: tc.v})
		restarts := encodeTest(t, img, encOptions{step: 8, separate: true, h: tc.h, v: tc.v, restart: 3})
		for _, denom := range []int{1, 2, 4, 8} {
			t.Run(fmt.Sprintf("%s/denom%d", tc.name, denom), func(t *testing.T) {
				assertSameDecode(t, restarts, plain, denom)
			})
		}
	}
}

// withFillBytesAndSegments returns data with two 0xFF fill bytes before
// every marker (B.1.1.2) and a COM and an APP1 segment after SOI.
func withFillBytesAndSegments(data []byte) []byte {
	out := []byte{0xFF, 0xD8}
	out = append(out, 0xFF, 0xFE, 0, 7, 'h', 'e', 'l', 'l', 'o')                     // COM
	out = append(out, 0xFF, 0xE1, 0, 10, 'E', 'x', 'i', 'f', 0, 0, 0xFF, 0xD9, 0, 0) // APP1 holding marker-like bytes
	for i := 2; i < len(data); i++ {
		if data[i] == 0xFF && i+1 < len(data) && data[i+1] != 0 {
			out = append(out, 0xFF, 0xFF)
		}
		out = append(out, data[i])
	}
	return out
}

func TestDecodeSkipsSegmentsAndFillBytes(t *testing.T) {
	plain := encodeTest(t, photoLike(40, 24, 8), encOptions{step: 8, h: [3]int{2, 1, 1}, v: [3]int{2, 1, 1}, restart: 2})
	padded := withFillBytesAndSegments(plain)
	for _, denom := range []int{1, 2, 4, 8} {
		t.Run(fmt.Sprintf("denom%d", denom), func(t *testing.T) {
			assertSameDecode(t, padded, plain, denom)
		})
	}
}

// assertSameDecode checks that two files decode to identical pixels.
func assertSameDecode(t *testing.T, got, want []byte, denom int) {
	t.Helper()
	wantImg, err := Decode(bytes.NewReader(want), denom)
	if err != nil {
		t.Fatalf("reference file: %v", err)
	}
	gotImg, err := Decode(bytes.NewReader(got), denom)
	if err != nil {
		t.Fatal(err)
	}
	wp, gp := planes(t, wantImg), planes(t, gotImg)
	for i := range wp {
		if _, mx := diffStats(t, gp[i], wp[i], wp[i].w, wp[i].h); mx != 0 {
			t.Errorf("plane %d differs by up to %d", i, mx)
		}
	}
}

// TestDecodeFullChroma: for a 4:2:0 image, the chroma planes come out at
// luma's size, the same samples a decode at half the denom gives; luma is
// Decode's. Other ratios and denom 1 decode as Decode does.
func TestDecodeFullChroma(t *testing.T) {
	data := encodeTest(t, photoLike(203, 157, 5), encOptions{h: [3]int{2, 1, 1}, v: [3]int{2, 1, 1}, step: 4})
	for _, denom := range []int{2, 4, 8} {
		got, err := DecodeBytes(data, denom, &Options{FullChroma: true})
		if err != nil {
			t.Fatal(err)
		}
		m, ok := got.(*image.YCbCr)
		if !ok || m.SubsampleRatio != image.YCbCrSubsampleRatio444 {
			t.Fatalf("denom %d: %T, want a 4:4:4 *image.YCbCr", denom, got)
		}
		plain, err := Decode(bytes.NewReader(data), denom)
		if err != nil {
			t.Fatal(err)
		}
		half, err := Decode(bytes.NewReader(data), denom/2)
		if err != nil {
			t.Fatal(err)
		}
		gp, pp, hp := planes(t, m), planes(t, plain), planes(t, half)
		if _, mx := diffStats(t, gp[0], pp[0], pp[0].w, pp[0].h); mx != 0 || gp[0].w != pp[0].w {
			t.Errorf("denom %d: luma differs from Decode's by up to %d", denom, mx)
		}
		for c := 1; c < 3; c++ {
			if gp[c].w != gp[0].w || gp[c].h != gp[0].h {
				t.Fatalf("denom %d: chroma %dx%d, luma %dx%d", denom, gp[c].w, gp[c].h, gp[0].w, gp[0].h)
			}
			// The half-denom chroma plane covers whole MCUs; compare the part
			// inside the image.
			for y := range gp[c].h {
				for x := range gp[c].w {
					if gp[c].at(x, y) != hp[c].at(x, y) {
						t.Fatalf("denom %d plane %d (%d,%d): %d, want %d", denom, c, x, y, gp[c].at(x, y), hp[c].at(x, y))
					}
				}
			}
		}
	}
	one, err := DecodeBytes(data, 1, &Options{FullChroma: true})
	if err != nil {
		t.Fatal(err)
	}
	if r := one.(*image.YCbCr).SubsampleRatio; r != image.YCbCrSubsampleRatio420 {
		t.Errorf("denom 1: ratio %v, want 4:2:0", r)
	}
}
