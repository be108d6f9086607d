package photos

import (
	"fmt"
	"image"
	"image/color"
	"testing"
)

// naiveShrink averages k x k blocks of r through the generic color API.
func naiveShrink(img image.Image, r image.Rectangle, k int) *image.RGBA {
	ow, oh := (r.Dx()+k-1)/k, (r.Dy()+k-1)/k
	out := image.NewRGBA(image.Rect(0, 0, ow, oh))
	for oy := 0; oy < oh; oy++ {
		for ox := 0; ox < ow; ox++ {
			var s [3]float64
			n := 0.0
			for y := r.Min.Y + oy*k; y < min(r.Min.Y+oy*k+k, r.Max.Y); y++ {
				for x := r.Min.X + ox*k; x < min(r.Min.X+ox*k+k, r.Max.X); x++ {
					c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
					s[0], s[1], s[2] = s[0]+float64(c.R), s[1]+float64(c.G), s[2]+float64(c.B)
					n++
				}
			}
			out.SetRGBA(ox, oy, color.RGBA{uint8(s[0]/n + 0.5), uint8(s[1]/n + 0.5), uint8(s[2]/n + 0.5), 255})
		}
	}
	return out
}

func TestBoxShrink(t *testing.T) {
	src := photoLike(203, 157, 11)
	ycc := func(ratio image.YCbCrSubsampleRatio) *image.YCbCr {
		img := image.NewYCbCr(src.Bounds(), ratio)
		for y := 0; y < 157; y++ {
			for x := 0; x < 203; x++ {
				c := src.RGBAAt(x, y)
				yy, cb, cr := color.RGBToYCbCr(c.R, c.G, c.B)
				img.Y[img.YOffset(x, y)] = yy
				img.Cb[img.COffset(x, y)], img.Cr[img.COffset(x, y)] = cb, cr
			}
		}
		return img
	}
	gray := image.NewGray(src.Bounds())
	for i := range gray.Pix {
		gray.Pix[i] = src.Pix[4*i]
	}
	r := image.Rect(8, 4, 203, 150) // on every chroma grid, odd size
	for _, tc := range []struct {
		name string
		img  image.Image
		tol  float64 // chroma subsampling blurs the naive reference
	}{
		{"gray", gray, 0.6},
		{"444", ycc(image.YCbCrSubsampleRatio444), 1},
		{"420", ycc(image.YCbCrSubsampleRatio420), 3},
		{"422", ycc(image.YCbCrSubsampleRatio422), 3},
		{"411", ycc(image.YCbCrSubsampleRatio411), 3},
	} {
		for _, k := range []int{2, 4, 8} {
			t.Run(fmt.Sprintf("%s/%d", tc.name, k), func(t *testing.T) {
				got, ok := boxShrink(tc.img, r, k)
				if !ok {
					t.Fatal("type not handled")
				}
				want := naiveShrink(tc.img, r, k)
				if got.Bounds() != want.Bounds() {
					t.Fatalf("bounds %v, want %v", got.Bounds(), want.Bounds())
				}
				if mad, _ := diffStats(got, want); mad > tc.tol {
					t.Errorf("mean abs diff %.2f from a plain block average", mad)
				}
			})
		}
	}
	if _, ok := boxShrink(image.NewCMYK(image.Rect(0, 0, 8, 8)), image.Rect(0, 0, 8, 8), 2); ok {
		t.Error("CMYK claimed handled")
	}
}

func TestChromaAligned(t *testing.T) {
	r := image.Rect(7, 5, 100, 100)
	for ratio, want := range map[image.YCbCrSubsampleRatio]image.Point{
		image.YCbCrSubsampleRatio444: {7, 5}, image.YCbCrSubsampleRatio420: {6, 4},
		image.YCbCrSubsampleRatio422: {6, 5}, image.YCbCrSubsampleRatio411: {4, 5},
		image.YCbCrSubsampleRatio410: {4, 4}, image.YCbCrSubsampleRatio440: {7, 4},
	} {
		if got := chromaAligned(ratio, r); got.Min != want || got.Size() != r.Size() {
			t.Errorf("%v: %v, want start %v and size %v", ratio, got, want, r.Size())
		}
	}
}
