package jpegscale

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"

	"github.com/mlegit/mlegit/photos/internal/heapalloc"
)

// TestDecodeProgressive: progressive files (made by libjpeg through
// ImageMagick, testdata/make-progressive.sh) decode at every scale to the
// box average of image/jpeg's full decode, like baseline files do.
func TestDecodeProgressive(t *testing.T) {
	for _, name := range []string{"prog420.jpg", "prog444.jpg", "prog422.jpg", "proggray.jpg", "prog420-640.jpg"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		for _, denom := range []int{1, 2, 4, 8} {
			t.Run(name+"/"+string(rune('0'+denom)), func(t *testing.T) {
				mean, maxAbs := reduceLimits(denom)
				assertMatchesStdlib(t, data, denom, mean, maxAbs)
			})
		}
	}
}

// TestProgressiveMemory: a progressive decode keeps only the coefficients
// its scale needs. Its allocations stay within the budget the decoder
// computes (planes + kept coefficients), far below image/jpeg's full decode,
// and a MaxBytes under that budget is refused before anything is allocated.
func TestProgressiveMemory(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "prog420-640.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	full := heapalloc.Of(func() {
		if _, err := jpeg.Decode(bytes.NewReader(data)); err != nil {
			t.Fatal(err)
		}
	})
	// 640x480 4:2:0: 4800 luma and 2x1200 chroma blocks; chroma decoded
	// at half the denom (FullChroma), so its planes match luma's.
	for _, tc := range []struct {
		denom    int
		budget   int64 // planes + coefficient store, as allocate computes it
		maxShare float64
	}{
		{8, 3*80*60 + 4800*(8+2*1) + 2*1200*(8+2*25), 0.2},
		{4, 160*120 + 2*160*120 + 4800*(8+2*25) + 2*1200*(8+2*49), 0.35},
		{2, 320*240 + 2*320*240 + 4800*(8+2*49) + 2*1200*(8+2*64), 0.6},
	} {
		var img image.Image
		got := heapalloc.Of(func() {
			img, err = DecodeBytes(data, tc.denom, &Options{FullChroma: true})
		})
		if err != nil {
			t.Fatal(err)
		}
		if m := img.(*image.YCbCr); m.SubsampleRatio != image.YCbCrSubsampleRatio444 {
			t.Fatalf("denom %d: ratio %v", tc.denom, m.SubsampleRatio)
		}
		t.Logf("denom %d: %d kB allocated, budget %d kB, image/jpeg %d kB", tc.denom, got>>10, tc.budget>>10, full>>10)
		if slack := int64(got) - tc.budget; slack > 64<<10 {
			t.Errorf("denom %d: allocated %d bytes, %d over the budget", tc.denom, got, slack)
		}
		if share := float64(got) / float64(full); share > tc.maxShare {
			t.Errorf("denom %d: allocated %.0f%% of a full decode, want <= %.0f%%", tc.denom, 100*share, 100*tc.maxShare)
		}
		_, err := DecodeBytes(data, tc.denom, &Options{FullChroma: true, MaxBytes: tc.budget - 1})
		var lim *LimitError
		if !errors.As(err, &lim) || lim.Need != tc.budget {
			t.Errorf("denom %d with MaxBytes %d: %v, want a LimitError needing %d", tc.denom, tc.budget-1, err, tc.budget)
		}
	}
}
