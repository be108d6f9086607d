package photos

import (
	"image"
	"image/color"
)

// swapsAxes reports whether an EXIF orientation turns the image by 90°.
func swapsAxes(o int) bool { return o >= 5 && o <= 8 }

// uprightSize returns the size of a w x h stored image once orientation o
// is applied.
func uprightSize(o, w, h int) (int, int) {
	if swapsAxes(o) {
		return h, w
	}
	return w, h
}

// storedPoint maps pixel (x, y) of the upright image (orientation o
// applied) to the pixel of the stored w x h image (coordinates from 0) it
// comes from.
func storedPoint(o, w, h, x, y int) (int, int) {
	switch o {
	case 2: // mirrored horizontally
		return w - 1 - x, y
	case 3: // rotated 180°
		return w - 1 - x, h - 1 - y
	case 4: // mirrored vertically
		return x, h - 1 - y
	case 5: // transposed
		return y, x
	case 6: // stored rotated 90° counter-clockwise: display turns it clockwise
		return y, h - 1 - x
	case 7: // transversed
		return w - 1 - y, h - 1 - x
	case 8: // stored rotated 90° clockwise
		return w - 1 - y, x
	}
	return x, y
}

// storedRect maps a rectangle of the upright image to the stored w x h one
// (both from the origin).
func storedRect(o, w, h int, r image.Rectangle) image.Rectangle {
	if r.Empty() {
		return image.Rectangle{}
	}
	x0, y0 := storedPoint(o, w, h, r.Min.X, r.Min.Y)
	x1, y1 := storedPoint(o, w, h, r.Max.X-1, r.Max.Y-1)
	return image.Rect(min(x0, x1), min(y0, y1), max(x0, x1)+1, max(y0, y1)+1)
}

// uprightView shows a stored image with its orientation applied, without
// copying pixels. It is slow per pixel and meant for croppers that sample.
type uprightView struct {
	src image.Image
	o   int
}

func (v uprightView) ColorModel() color.Model { return v.src.ColorModel() }

func (v uprightView) Bounds() image.Rectangle {
	b := v.src.Bounds()
	w, h := uprightSize(v.o, b.Dx(), b.Dy())
	return image.Rect(0, 0, w, h)
}

func (v uprightView) At(x, y int) color.Color {
	b := v.src.Bounds()
	if !(image.Point{x, y}).In(v.Bounds()) {
		return color.RGBA{}
	}
	sx, sy := storedPoint(v.o, b.Dx(), b.Dy(), x, y)
	return v.src.At(b.Min.X+sx, b.Min.Y+sy)
}

// uprightRGB applies orientation o to a resized image and composites any
// transparency on white, giving the opaque RGB image the JPEG encoder's
// fast path takes.
func uprightRGB(src *image.NRGBA, o int) *image.RGBA {
	sb := src.Bounds()
	sw, sh := sb.Dx(), sb.Dy()
	w, h := uprightSize(o, sw, sh)
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		d := dst.Pix[y*dst.Stride : y*dst.Stride+4*w]
		for x := 0; x < w; x++ {
			sx, sy := storedPoint(o, sw, sh, x, y)
			s := src.Pix[sy*src.Stride+4*sx : sy*src.Stride+4*sx+4]
			a := uint32(s[3])
			if a == 0xFF {
				d[4*x], d[4*x+1], d[4*x+2] = s[0], s[1], s[2]
			} else { // over white: c·a + 255·(1−a)
				inv := 255 - a
				d[4*x] = uint8((uint32(s[0])*a + 255*inv + 127) / 255)
				d[4*x+1] = uint8((uint32(s[1])*a + 255*inv + 127) / 255)
				d[4*x+2] = uint8((uint32(s[2])*a + 255*inv + 127) / 255)
			}
			d[4*x+3] = 0xFF
		}
	}
	return dst
}
