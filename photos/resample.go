package photos

import (
	"image"
	"math"
)

// Planar resampling: decoded JPEGs stay in YCbCr from the decoder to the
// encoder. Each plane (Y, Cb, Cr) is resized on its own with a separable
// Lanczos-3 filter whose weights are computed once per axis in fixed point,
// and chroma is resampled from its own grid straight to the output's
// grid, so it is interpolated smoothly rather than repeated (the coarse
// chroma of a nearest-neighbour YCbCr→RGB conversion costs several dB in
// red and blue).

// weightBits is the fixed-point precision of filter weights: they sum to
// 1<<weightBits.
const weightBits = 14

// midBits is the number of fractional bits the horizontal pass keeps for
// the vertical one (values then fit in int16 even with Lanczos overshoot).
const midBits = 6

// axisFilter holds the precomputed weights that resample one axis: output
// pixel j is the weighted sum of taps source pixels from starts[j].
type axisFilter struct {
	taps    int
	starts  []int
	weights []int32 // taps per output pixel
}

// lanczos3 is the Lanczos kernel with three lobes.
func lanczos3(x float64) float64 {
	x = math.Abs(x)
	switch {
	case x < 1e-9:
		return 1
	case x >= 3:
		return 0
	}
	px := math.Pi * x
	return 3 * math.Sin(px) * math.Sin(px/3) / (px * px)
}

// newAxisFilter builds the filter for n output pixels from a source axis of
// srcN pixels (pixel i covers [i, i+1)): output pixel j is centred at
// source coordinate start + (j+0.5)·scale. When shrinking (scale > 1) the
// kernel widens by scale, as a resize must to avoid aliasing. Source
// pixels beyond the axis are taken as the nearest edge pixel.
func newAxisFilter(n, srcN int, start, scale float64) axisFilter {
	fscale := max(scale, 1)
	radius := 3 * fscale
	taps := min(int(math.Ceil(2*radius))+1, srcN)
	f := axisFilter{taps: taps, starts: make([]int, n), weights: make([]int32, n*taps)}
	ws := make([]float64, taps)
	for j := range n {
		c := start + (float64(j)+0.5)*scale
		lo := int(math.Ceil(c - radius - 0.5))
		hi := int(math.Floor(c + radius - 0.5))
		s := min(max(lo, 0), srcN-taps)
		clear(ws)
		total := 0.0
		for i := lo; i <= hi; i++ {
			w := lanczos3((float64(i) + 0.5 - c) / fscale)
			ci := min(max(i, 0), srcN-1) - s
			if ci < 0 || ci >= taps { // cannot happen: the window holds [lo, hi] clamped
				continue
			}
			ws[ci] += w
			total += w
		}
		f.starts[j] = s
		row := f.weights[j*taps : (j+1)*taps]
		if total == 0 { // degenerate: take the nearest pixel
			row[min(max(int(c)-s, 0), taps-1)] = 1 << weightBits
			continue
		}
		sum, big := int32(0), 0
		for k, w := range ws {
			row[k] = int32(math.Round(w / total * (1 << weightBits)))
			sum += row[k]
			if math.Abs(ws[k]) > math.Abs(ws[big]) {
				big = k
			}
		}
		row[big] += 1<<weightBits - sum // exact unity gain
	}
	return f
}

// resizePlane resamples src (w x h, stride) to a tight dw x dh plane:
// output pixel (i, j) is centred at source (x0 + (i+0.5)·sx, y0 + (j+0.5)·sy).
func resizePlane(src []byte, stride, w, h int, x0, y0, sx, sy float64, dw, dh int) []byte {
	hf := newAxisFilter(dw, w, x0, sx)
	vf := newAxisFilter(dh, h, y0, sy)
	// Rows the vertical pass reads.
	rowLo, rowHi := h, 0
	for j := range dh {
		rowLo = min(rowLo, vf.starts[j])
		rowHi = max(rowHi, vf.starts[j]+vf.taps)
	}
	mid := make([]int16, (rowHi-rowLo)*dw)
	const hRound = 1 << (weightBits - midBits - 1)
	for y := rowLo; y < rowHi; y++ {
		srow := src[y*stride : y*stride+w]
		out := mid[(y-rowLo)*dw : (y-rowLo+1)*dw]
		for i := range out {
			s := hf.starts[i]
			px := srow[s : s+hf.taps]
			wt := hf.weights[i*hf.taps : (i+1)*hf.taps]
			wt = wt[:len(px)]
			var acc int32
			for k, p := range px {
				acc += wt[k] * int32(p)
			}
			out[i] = int16((acc + hRound) >> (weightBits - midBits))
		}
	}
	dst := make([]byte, dw*dh)
	acc := make([]int32, dw)
	const vShift = weightBits + midBits
	const vRound = 1 << (vShift - 1)
	for j := range dh {
		clear(acc)
		s := vf.starts[j]
		for k, wk := range vf.weights[j*vf.taps : (j+1)*vf.taps] {
			if wk == 0 {
				continue
			}
			row := mid[(s+k-rowLo)*dw : (s+k-rowLo+1)*dw]
			row = row[:len(acc)]
			for i, v := range row {
				acc[i] += wk * int32(v)
			}
		}
		out := dst[j*dw : (j+1)*dw]
		for i, a := range acc {
			out[i] = clampByte((a + vRound) >> vShift)
		}
	}
	return dst
}

// clampByte clamps v to 0..255.
func clampByte(v int32) byte {
	if uint32(v) > 255 {
		if v < 0 {
			return 0
		}
		return 255
	}
	return byte(v)
}

// chromaFactors returns how many luma pixels one chroma sample spans
// horizontally and vertically for ratio.
func chromaFactors(ratio image.YCbCrSubsampleRatio) (int, int) {
	switch ratio {
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

// floorDiv is a/b rounded towards minus infinity, for b > 0.
func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

// resizeYCbCr resamples the crop r of img (a *image.YCbCr or *image.Gray,
// in its own coordinates) to a rw x rh 4:4:4 image with orientation o
// applied; ok is false for other image types. Chroma goes from the
// source's chroma grid straight to full output resolution, whatever the
// source's subsampling, with JPEG's centred siting: the encoder decides
// whether to subsample it again.
func resizeYCbCr(img image.Image, r image.Rectangle, rw, rh, o int) (*image.YCbCr, bool) {
	return resizeYCbCrF(img, float64(r.Min.X), float64(r.Min.Y), float64(r.Dx()), float64(r.Dy()), rw, rh, o)
}

// resizeYCbCrF is resizeYCbCr of the region of img starting at (rx, ry)
// and rwid x rhgt pixels large, in img's coordinates, which need not be
// whole pixels.
func resizeYCbCrF(img image.Image, rx, ry, rwid, rhgt float64, rw, rh, o int) (*image.YCbCr, bool) {
	var (
		yPix            []byte
		yStride         int
		b               = img.Bounds()
		cb, cr          []byte
		cStride, fx, fy int
	)
	switch m := img.(type) {
	case *image.YCbCr:
		yPix, yStride, cb, cr, cStride = m.Y, m.YStride, m.Cb, m.Cr, m.CStride
		fx, fy = chromaFactors(m.SubsampleRatio)
	case *image.Gray:
		yPix, yStride = m.Pix, m.Stride
	default:
		return nil, false
	}
	sx, sy := rwid/float64(rw), rhgt/float64(rh)
	ys := resizePlane(yPix, yStride, b.Dx(), b.Dy(),
		rx-float64(b.Min.X), ry-float64(b.Min.Y), sx, sy, rw, rh)
	cw, ch := rw, rh
	var cbs, crs []byte
	if cb != nil {
		// Chroma sample c spans luma [c·fx, (c+1)·fx) in absolute
		// coordinates; the plane starts at sample floor(Min/f).
		pcx, pcy := floorDiv(b.Min.X, fx), floorDiv(b.Min.Y, fy)
		pw := floorDiv(b.Max.X+fx-1, fx) - pcx
		ph := floorDiv(b.Max.Y+fy-1, fy) - pcy
		x0 := rx/float64(fx) - float64(pcx)
		y0 := ry/float64(fy) - float64(pcy)
		csx, csy := sx/float64(fx), sy/float64(fy)
		cbs = resizePlane(cb, cStride, pw, ph, x0, y0, csx, csy, cw, ch)
		crs = resizePlane(cr, cStride, pw, ph, x0, y0, csx, csy, cw, ch)
	}
	ow, oh := uprightSize(o, rw, rh)
	out := image.NewYCbCr(image.Rect(0, 0, ow, oh), image.YCbCrSubsampleRatio444)
	orientPlane(out.Y, out.YStride, ys, rw, rh, o)
	if cbs != nil {
		orientPlane(out.Cb, out.CStride, cbs, cw, ch, o)
		orientPlane(out.Cr, out.CStride, crs, cw, ch, o)
	} else {
		for i := range out.Cb {
			out.Cb[i], out.Cr[i] = 128, 128
		}
	}
	return out, true
}

// orientPlane writes the tight w x h stored plane src into dst (rows
// dstStride apart) with EXIF orientation o applied.
func orientPlane(dst []byte, dstStride int, src []byte, w, h, o int) {
	if o <= 1 || o > 8 {
		for y := range h {
			copy(dst[y*dstStride:y*dstStride+w], src[y*w:(y+1)*w])
		}
		return
	}
	uw, uh := uprightSize(o, w, h)
	for y := range uh {
		row := dst[y*dstStride : y*dstStride+uw]
		for x := range row {
			sx, sy := storedPoint(o, w, h, x, y)
			row[x] = src[sy*w+sx]
		}
	}
}
