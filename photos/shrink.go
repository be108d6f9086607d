package photos

import "image"

// The reduced-scale JPEG decoder averages denom x denom pixels for free.
// Photos decoded in full (progressive or CMYK JPEGs, PNGs) get the same
// treatment here before the Lanczos resize, so the filter never has to
// reach across dozens of source pixels per output pixel.

// shrinkFactor returns the largest k in {8, 4, 2} that keeps a w x h
// region at least minW x minH after shrinking (ceil(w/k)), or 1.
func shrinkFactor(w, h, minW, minH int) int {
	for _, k := range []int{8, 4, 2} {
		if (w+k-1)/k >= minW && (h+k-1)/k >= minH {
			return k
		}
	}
	return 1
}

// boxShrink returns r of img reduced k times by averaging k x k blocks, for
// the decoded types that dominate (YCbCr, Gray); ok is false for others.
// For YCbCr, r must start on the chroma grid (even coordinates).
func boxShrink(img image.Image, r image.Rectangle, k int) (image.Image, bool) {
	w, h := r.Dx(), r.Dy()
	ow, oh := (w+k-1)/k, (h+k-1)/k
	switch src := img.(type) {
	case *image.Gray:
		dst := image.NewGray(image.Rect(0, 0, ow, oh))
		shrinkPlane(src.Pix[src.PixOffset(r.Min.X, r.Min.Y):], src.Stride, w, h, dst.Pix, dst.Stride, k)
		return dst, true
	case *image.YCbCr:
		dst := image.NewYCbCr(image.Rect(0, 0, ow, oh), src.SubsampleRatio)
		shrinkPlane(src.Y[src.YOffset(r.Min.X, r.Min.Y):], src.YStride, w, h, dst.Y, dst.YStride, k)
		cw, ch := chromaSize(src.SubsampleRatio, w, h)
		c := src.COffset(r.Min.X, r.Min.Y)
		shrinkPlane(src.Cb[c:], src.CStride, cw, ch, dst.Cb, dst.CStride, k)
		shrinkPlane(src.Cr[c:], src.CStride, cw, ch, dst.Cr, dst.CStride, k)
		return dst, true
	}
	return nil, false
}

// chromaAligned moves r left and up (by at most 3 px) so it starts on the
// chroma grid of ratio.
func chromaAligned(ratio image.YCbCrSubsampleRatio, r image.Rectangle) image.Rectangle {
	mx, my := 0, 0
	switch ratio {
	case image.YCbCrSubsampleRatio422:
		mx = 1
	case image.YCbCrSubsampleRatio420:
		mx, my = 1, 1
	case image.YCbCrSubsampleRatio440:
		my = 1
	case image.YCbCrSubsampleRatio411:
		mx = 3
	case image.YCbCrSubsampleRatio410:
		mx, my = 3, 1
	}
	return r.Sub(image.Pt(r.Min.X&mx, r.Min.Y&my))
}

// chromaSize is the chroma plane size of a w x h YCbCr region that starts
// on the chroma grid.
func chromaSize(ratio image.YCbCrSubsampleRatio, w, h int) (int, int) {
	switch ratio {
	case image.YCbCrSubsampleRatio422:
		return (w + 1) / 2, h
	case image.YCbCrSubsampleRatio420:
		return (w + 1) / 2, (h + 1) / 2
	case image.YCbCrSubsampleRatio440:
		return w, (h + 1) / 2
	case image.YCbCrSubsampleRatio411:
		return (w + 3) / 4, h
	case image.YCbCrSubsampleRatio410:
		return (w + 3) / 4, (h + 1) / 2
	}
	return w, h
}

// shrinkPlane averages k x k blocks of a w x h 8-bit plane into dst (whose
// size is ceil(w/k) x ceil(h/k)); edge blocks average what they cover.
func shrinkPlane(src []byte, stride, w, h int, dst []byte, dstStride, k int) {
	ow := (w + k - 1) / k
	sums := make([]uint32, ow)
	for oy := 0; oy*k < h; oy++ {
		clear(sums)
		rows := min(k, h-oy*k)
		for y := oy * k; y < oy*k+rows; y++ {
			row := src[y*stride : y*stride+w]
			for x, v := range row {
				sums[x/k] += uint32(v)
			}
		}
		out := dst[oy*dstStride : oy*dstStride+ow]
		for ox := range out {
			cols := uint32(min(k, w-ox*k))
			n := cols * uint32(rows)
			out[ox] = uint8((sums[ox] + n/2) / n)
		}
	}
}
