package photos

import (
	"bytes"
	"image"
	"math/rand/v2"
	"testing"
)

// TestAxisFilterWeights: every output's weights sum to one exactly, and a
// same-size resample with aligned pixels copies the source.
func TestAxisFilterWeights(t *testing.T) {
	for _, tc := range []struct {
		n, srcN      int
		start, scale float64
	}{
		{480, 750, 0, 750.0 / 480}, {600, 1000, 31.25, 937.5 / 600}, {7, 3, 0, 3.0 / 7}, {5, 5, 0, 1}, {1, 1, 0, 1},
	} {
		f := newAxisFilter(tc.n, tc.srcN, tc.start, tc.scale)
		for j := range tc.n {
			sum := int32(0)
			for _, w := range f.weights[j*f.taps : (j+1)*f.taps] {
				sum += w
			}
			if sum != 1<<weightBits || f.starts[j] < 0 || f.starts[j]+f.taps > tc.srcN {
				t.Errorf("%+v output %d: weights sum to %d, window %d+%d", tc, j, sum, f.starts[j], f.taps)
			}
		}
	}
	src := []byte{10, 200, 30, 250, 0, 77, 128, 5, 9}
	if got := resizePlane(src, 3, 3, 3, 0, 0, 1, 1, 3, 3); string(got) != string(src) {
		t.Errorf("identity resample gave %v, want %v", got, src)
	}
}

// TestResizeYCbCrOrientation: a resized plane lands upright; a grey source
// gets neutral chroma.
func TestResizeYCbCrOrientation(t *testing.T) {
	g := image.NewGray(image.Rect(0, 0, 40, 20))
	for y := range 20 {
		for x := range 20 { // left half white
			g.Pix[y*g.Stride+x] = 255
		}
	}
	out, ok := resizeYCbCr(g, g.Bounds(), 20, 10, 6) // stored turned: upright 10x20
	if !ok || out.Bounds().Dx() != 10 || out.Bounds().Dy() != 20 {
		t.Fatalf("got %v %v", ok, out.Bounds())
	}
	// Orientation 6: stored left edge becomes the upright top.
	if top, bottom := out.YCbCrAt(5, 2).Y, out.YCbCrAt(5, 17).Y; top < 240 || bottom > 15 {
		t.Errorf("top %d bottom %d, want white above black", top, bottom)
	}
	if c := out.YCbCrAt(5, 5); c.Cb != 128 || c.Cr != 128 {
		t.Errorf("chroma %d,%d, want 128", c.Cb, c.Cr)
	}
}

// resizePlaneOneByOne is the plain form of resizePlane, one value per
// multiply-add: the packed passes must give exactly its result.
func resizePlaneOneByOne(src []byte, stride, w, h int, x0, y0, sx, sy float64, dw, dh int) []byte {
	hf := newAxisFilter(dw, w, x0, sx)
	vf := newAxisFilter(dh, h, y0, sy)
	mid := make([]int32, h*dw)
	const hShift = weightBits - midBits
	for y := range h {
		for i := range dw {
			var acc int32
			for k := range hf.taps {
				acc += hf.weights[i*hf.taps+k] * int32(src[y*stride+hf.starts[i]+k])
			}
			mid[y*dw+i] = (acc + 1<<(hShift-1)) >> hShift
		}
	}
	dst := make([]byte, dw*dh)
	const vShift = weightBits + midBits
	for j := range dh {
		for i := range dw {
			var acc int32
			for k := range vf.taps {
				acc += vf.weights[j*vf.taps+k] * mid[(vf.starts[j]+k)*dw+i]
			}
			dst[j*dw+i] = clampByte((acc + 1<<(vShift-1)) >> vShift)
		}
	}
	return dst
}

func TestResizePlanePackedMatchesOneByOne(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	cases := []struct {
		w, h, dw, dh int
		x0, y0       float64
	}{
		{750, 937, 480, 600, 0, 0},    // the usual reduced 12 MP photo
		{375, 468, 480, 600, 0.25, 0}, // chroma, upsampled
		{101, 77, 33, 51, 3.5, 1.25},  // odd sizes and offsets
		{9, 9, 5, 3, 0, 0},            // fewer pixels than taps
		{640, 480, 1, 1, 0, 0},        // one pixel
		{64, 64, 63, 64, 0.5, 0},      // nearly 1:1, odd width: 8 taps
		{1000, 800, 451, 360, 0, 0.5}, // 16 taps across, odd width
	}
	for _, c := range cases {
		stride := c.w + 3
		src := make([]byte, stride*c.h)
		for i := range src {
			// Extremes next to each other make the most overshoot.
			switch r.IntN(3) {
			case 0:
				src[i] = 0
			case 1:
				src[i] = 255
			default:
				src[i] = byte(r.IntN(256))
			}
		}
		sx := (float64(c.w) - c.x0) / float64(c.dw)
		sy := (float64(c.h) - c.y0) / float64(c.dh)
		got := resizePlane(src, stride, c.w, c.h, c.x0, c.y0, sx, sy, c.dw, c.dh)
		want := resizePlaneOneByOne(src, stride, c.w, c.h, c.x0, c.y0, sx, sy, c.dw, c.dh)
		if !bytes.Equal(got, want) {
			n := 0
			for i := range got {
				if got[i] != want[i] {
					n++
				}
			}
			t.Errorf("%dx%d -> %dx%d: %d of %d pixels differ from the one-by-one filter", c.w, c.h, c.dw, c.dh, n, len(got))
		}
	}
}

func BenchmarkResizePlane(b *testing.B) {
	src := make([]byte, 750*937)
	for i := range src {
		src[i] = byte(i * 7)
	}
	for b.Loop() {
		resizePlane(src, 750, 750, 937, 0, 0, 750.0/480, 937.0/600, 480, 600)
	}
}
