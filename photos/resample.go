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
//
// Both passes work on two values at once, packed as v0 + v1·2^32 in a
// uint64: a product with one signed weight and a sum of such products
// keep the two 32-bit lanes apart (a lane's carry or borrow is undone when
// the lanes are taken apart by unpackLanes), which halves the
// multiply-adds a pure-Go loop can do no faster one by one. The horizontal
// pass pairs two source rows (they share the weights); the vertical pass
// pairs two neighbouring columns (they share the weights too). The result
// is exactly that of filtering one value at a time.
func resizePlane(src []byte, stride, w, h int, x0, y0, sx, sy float64, dw, dh int) []byte {
	return newPlaneFilters(planeGeometry{w, h, x0, y0, sx, sy, dw, dh}).resize(src, stride)
}

// planeGeometry is what a plane's resize depends on besides its pixels:
// the source size, where the first output pixel sits and the scale on each
// axis, and the output size (see resizePlane).
type planeGeometry struct {
	w, h           int
	x0, y0, sx, sy float64
	dw, dh         int
}

// planeFilters are the precomputed filters of one geometry; planes of the
// same geometry (Cb and Cr, or all three of a 4:4:4 image) share them.
type planeFilters struct {
	planeGeometry
	hf hFilter
	vf axisFilter
}

// newPlaneFilters computes the filters of geometry g.
func newPlaneFilters(g planeGeometry) *planeFilters {
	return &planeFilters{g, newHFilter(newAxisFilter(g.dw, g.w, g.x0, g.sx), g.w), newAxisFilter(g.dh, g.h, g.y0, g.sy)}
}

// resize resamples the plane src (rows stride apart) to a tight dw x dh
// plane with the filters of pf.
func (pf *planeFilters) resize(src []byte, stride int) []byte {
	w, h, dw, dh, hf, vf := pf.w, pf.h, pf.dw, pf.dh, pf.hf, pf.vf
	// Intermediate rows live in a ring: output row j reads rows
	// starts[j]..starts[j]+taps-1, starts never decrease, and rows are made
	// two at a time, so taps+2 rows are enough and stay in cache.
	pw := (dw + 1) / 2 // packed values per intermediate row
	ringN := vf.taps + 2
	ring := make([]uint64, ringN*pw)
	slot := func(y int) []uint64 { i := y % ringN; return ring[i*pw : (i+1)*pw] }
	pair := make([]uint64, w)
	spare := make([]uint64, pw) // the second row of a pair past the last row
	rows := make([][]uint64, vf.taps)
	next := 0 // first intermediate row not made yet
	if dh > 0 {
		next = vf.starts[0]
	}
	dst := make([]byte, dw*dh)
	acc := make([]uint64, pw)
	for j := range dh {
		first := vf.starts[j]
		for ; next < first+vf.taps; next += 2 {
			r0 := src[next*stride : next*stride+w]
			r1 := r0
			if next+1 < h {
				r1 = src[(next+1)*stride : (next+1)*stride+w]
			}
			r1 = r1[:len(r0)]
			pr := pair[:len(r0)]
			for x, p := range r0 {
				pr[x] = uint64(p) | uint64(r1[x])<<32
			}
			m1 := spare
			if next+1 < h {
				m1 = slot(next + 1)
			}
			hPass(pair, hf, slot(next), m1)
		}
		for k := range rows {
			rows[k] = slot(first + k)
		}
		vPass(acc, rows, vf.weights[j*vf.taps:(j+1)*vf.taps])
		out := dst[j*dw : (j+1)*dw]
		const vShift = weightBits + midBits
		const vRound = 1 << (vShift - 1)
		for i, a := range acc[:dw/2] {
			lo, hi := unpackLanes(a)
			o := (*[2]byte)(out[2*i:])
			o[0] = clampByte((lo + vRound) >> vShift)
			o[1] = clampByte((hi + vRound) >> vShift)
		}
		if dw%2 == 1 {
			lo, _ := unpackLanes(acc[dw/2])
			out[dw-1] = clampByte((lo + vRound) >> vShift)
		}
	}
	return dst
}

// unpackLanes splits a sum of packed values v0 + v1·2^32 (mod 2^64) into
// its two signed 32-bit lanes.
func unpackLanes(a uint64) (lo, hi int32) {
	lo = int32(a)
	return lo, int32((a - uint64(int64(lo))) >> 32)
}

// padTaps widens f to a multiple of m taps with zero weights, when the
// source axis of srcN pixels is long enough, so that a loop taking m taps
// a step has no remainder.
func (f axisFilter) padTaps(m, srcN int) axisFilter {
	t := (f.taps + m - 1) / m * m
	if t == f.taps || t > srcN {
		return f
	}
	g := axisFilter{taps: t, starts: make([]int, len(f.starts)), weights: make([]int32, len(f.starts)*t)}
	for i, s := range f.starts {
		ns := min(s, srcN-t)
		g.starts[i] = ns
		copy(g.weights[i*t+s-ns:], f.weights[i*f.taps:(i+1)*f.taps])
	}
	return g
}

// hFilter is an axisFilter for hPass: taps a multiple of 4 where the
// source allows, and weights sign-extended to 64 bits, as the packed
// multiply-adds use them.
type hFilter struct {
	taps    int
	starts  []int
	weights []uint64
}

// newHFilter turns f into an hFilter for a source axis of srcN pixels.
func newHFilter(f axisFilter, srcN int) hFilter {
	f = f.padTaps(4, srcN)
	h := hFilter{taps: f.taps, starts: f.starts, weights: make([]uint64, len(f.weights))}
	for i, w := range f.weights {
		h.weights[i] = uint64(int64(w))
	}
	return h
}

// hPass filters a pair of source rows, packed per pixel as row0 +
// row1·2^32, with the horizontal filter f (len(f.starts) outputs), and
// stores the results (midBits fractional bits) packed for vPass:
// neighbouring outputs 2i and 2i+1 of row0 as m0[i], of row1 as m1[i]. The
// usual tap counts have their own unrolled dot products.
func hPass(pair []uint64, f hFilter, m0, m1 []uint64) {
	n, st, wt := len(f.starts), f.starts, f.weights
	m1 = m1[:len(m0)]
	switch f.taps {
	case 8:
		for j := range m0 {
			i := 2 * j
			p, q := (*[8]uint64)(pair[st[i]:st[i]+8]), (*[8]uint64)(wt[i*8:i*8+8])
			a := q[0]*p[0] + q[1]*p[1] + q[2]*p[2] + q[3]*p[3] +
				q[4]*p[4] + q[5]*p[5] + q[6]*p[6] + q[7]*p[7]
			var b uint64
			if i+1 < n {
				p, q := (*[8]uint64)(pair[st[i+1]:st[i+1]+8]), (*[8]uint64)(wt[i*8+8:i*8+16])
				b = q[0]*p[0] + q[1]*p[1] + q[2]*p[2] + q[3]*p[3] +
					q[4]*p[4] + q[5]*p[5] + q[6]*p[6] + q[7]*p[7]
			}
			m0[j], m1[j] = packRounded(a, b)
		}
	case 12:
		for j := range m0 {
			i := 2 * j
			p, q := (*[12]uint64)(pair[st[i]:st[i]+12]), (*[12]uint64)(wt[i*12:i*12+12])
			a := q[0]*p[0] + q[1]*p[1] + q[2]*p[2] + q[3]*p[3] +
				q[4]*p[4] + q[5]*p[5] + q[6]*p[6] + q[7]*p[7] +
				q[8]*p[8] + q[9]*p[9] + q[10]*p[10] + q[11]*p[11]
			var b uint64
			if i+1 < n {
				p, q := (*[12]uint64)(pair[st[i+1]:st[i+1]+12]), (*[12]uint64)(wt[i*12+12:i*12+24])
				b = q[0]*p[0] + q[1]*p[1] + q[2]*p[2] + q[3]*p[3] +
					q[4]*p[4] + q[5]*p[5] + q[6]*p[6] + q[7]*p[7] +
					q[8]*p[8] + q[9]*p[9] + q[10]*p[10] + q[11]*p[11]
			}
			m0[j], m1[j] = packRounded(a, b)
		}
	case 16:
		for j := range m0 {
			i := 2 * j
			p, q := (*[16]uint64)(pair[st[i]:st[i]+16]), (*[16]uint64)(wt[i*16:i*16+16])
			a := q[0]*p[0] + q[1]*p[1] + q[2]*p[2] + q[3]*p[3] +
				q[4]*p[4] + q[5]*p[5] + q[6]*p[6] + q[7]*p[7] +
				q[8]*p[8] + q[9]*p[9] + q[10]*p[10] + q[11]*p[11] +
				q[12]*p[12] + q[13]*p[13] + q[14]*p[14] + q[15]*p[15]
			var b uint64
			if i+1 < n {
				p, q := (*[16]uint64)(pair[st[i+1]:st[i+1]+16]), (*[16]uint64)(wt[i*16+16:i*16+32])
				b = q[0]*p[0] + q[1]*p[1] + q[2]*p[2] + q[3]*p[3] +
					q[4]*p[4] + q[5]*p[5] + q[6]*p[6] + q[7]*p[7] +
					q[8]*p[8] + q[9]*p[9] + q[10]*p[10] + q[11]*p[11] +
					q[12]*p[12] + q[13]*p[13] + q[14]*p[14] + q[15]*p[15]
			}
			m0[j], m1[j] = packRounded(a, b)
		}
	default:
		t := f.taps
		dot := func(i int) uint64 {
			px, w := pair[st[i]:st[i]+t], wt[i*t:i*t+t]
			w = w[:len(px)]
			var acc uint64
			for k, p := range px {
				acc += w[k] * p
			}
			return acc
		}
		for j := range m0 {
			a, b := dot(2*j), uint64(0)
			if 2*j+1 < n {
				b = dot(2*j + 1)
			}
			m0[j], m1[j] = packRounded(a, b)
		}
	}
}

// packRounded takes the packed sums a (output 2j) and b (output 2j+1) of a
// row pair apart, rounds them to midBits fractional bits and packs each
// row's two values: row0's as r0, row1's as r1. It takes the lanes apart
// as unpackLanes does, written out so that it stays within the inlining
// budget of the horizontal pass's inner loop.
func packRounded(a, b uint64) (r0, r1 uint64) {
	const shift = weightBits - midBits
	const round = 1 << (shift - 1)
	a0, b0 := int32(a), int32(b)
	a1, b1 := int32((a-uint64(a0))>>32), int32((b-uint64(b0))>>32)
	return uint64(int64((a0+round)>>shift)) + uint64((b0+round)>>shift)<<32,
		uint64(int64((a1+round)>>shift)) + uint64((b1+round)>>shift)<<32
}

// vPass sets acc to the weighted sum of the packed intermediate rows
// with weights wt, four rows a step.
func vPass(acc []uint64, rows [][]uint64, wt []int32) {
	clear(acc)
	rows = rows[:len(wt)]
	k := 0
	for ; k+4 <= len(wt); k += 4 {
		w0, w1 := uint64(int64(wt[k])), uint64(int64(wt[k+1]))
		w2, w3 := uint64(int64(wt[k+2])), uint64(int64(wt[k+3]))
		r0, r1, r2, r3 := rows[k][:len(acc)], rows[k+1][:len(acc)], rows[k+2][:len(acc)], rows[k+3][:len(acc)]
		for i := range acc {
			acc[i] += w0*r0[i] + w1*r1[i] + w2*r2[i] + w3*r3[i]
		}
	}
	for ; k < len(wt); k++ {
		if wt[k] == 0 {
			continue
		}
		w0 := uint64(int64(wt[k]))
		r0 := rows[k][:len(acc)]
		for i := range acc {
			acc[i] += w0 * r0[i]
		}
	}
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
	yf := newPlaneFilters(planeGeometry{b.Dx(), b.Dy(), rx - float64(b.Min.X), ry - float64(b.Min.Y), sx, sy, rw, rh})
	ys := yf.resize(yPix, yStride)
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
		cg := planeGeometry{pw, ph, x0, y0, sx / float64(fx), sy / float64(fy), cw, ch}
		cf := yf // full-resolution chroma: the same filters as luma
		if cg != yf.planeGeometry {
			cf = newPlaneFilters(cg)
		}
		cbs = cf.resize(cb, cStride)
		crs = cf.resize(cr, cStride)
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
