package photos

import (
	"image"
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
