package jpegscale

import (
	"bytes"
	"image"
	"image/color"
	"math"
	"math/rand/v2"
	"sort"
	"testing"
)

// This file holds a small baseline JPEG encoder for tests only. Go's
// image/jpeg writes nothing but 4:2:0 and grayscale without restart
// intervals; this one writes any sampling factors, restart intervals,
// non-interleaved scans, 16-bit quantisation tables and optimal Huffman
// tables (which yield codes longer than the decoder's lookup table).

// encOptions describes the file encodeTest writes.
type encOptions struct {
	gray     bool
	h, v     [3]int // sampling factors of Y, Cb, Cr; zero means 1
	step     int    // quantiser scale: 1 is near-lossless, 8 is typical
	restart  int    // restart interval in MCUs; 0 for none
	separate bool   // one non-interleaved scan per component
	quant16  bool   // write 16-bit quantisation tables
}

// encComp is one component being encoded: its samples and coded blocks.
type encComp struct {
	h, v    int
	w, hgt  int     // component size in samples (A.1.1)
	samples []uint8 // w x hgt
	q       *[64]int32
	table   int // 0 for luma tables, 1 for chroma
}

// bitWriter writes entropy-coded bits with byte stuffing.
type bitWriter struct {
	out  *bytes.Buffer
	acc  uint32
	nacc uint
}

func (w *bitWriter) put(bits uint32, n uint) {
	for i := int(n) - 1; i >= 0; i-- {
		w.acc = w.acc<<1 | (bits>>uint(i))&1
		w.nacc++
		if w.nacc == 8 {
			b := byte(w.acc)
			w.out.WriteByte(b)
			if b == 0xFF {
				w.out.WriteByte(0)
			}
			w.acc, w.nacc = 0, 0
		}
	}
}

// flush pads the last byte with one bits (F.1.2.3).
func (w *bitWriter) flush() {
	for w.nacc != 0 {
		w.put(1, 1)
	}
}

// encHuff is a Huffman table being built or used.
type encHuff struct {
	freq  [257]int
	bits  [16]uint8
	vals  []uint8
	code  [256]uint32
	size  [256]uint8
	ready bool
}

// build derives code lengths limited to 16 bits from freq (Annex K.2),
// with a reserved symbol 256 that keeps the all-ones code unused.
func (t *encHuff) build() {
	freq := t.freq
	freq[256] = 1
	var codesize [257]int
	var others [257]int
	for i := range others {
		others[i] = -1
	}
	for {
		v1, v2 := -1, -1
		for i := range freq {
			if freq[i] == 0 {
				continue
			}
			if v1 < 0 || freq[i] <= freq[v1] {
				v2, v1 = v1, i
			} else if v2 < 0 || freq[i] <= freq[v2] {
				v2 = i
			}
		}
		if v2 < 0 {
			break
		}
		freq[v1] += freq[v2]
		freq[v2] = 0
		for codesize[v1]++; others[v1] >= 0; codesize[v1]++ {
			v1 = others[v1]
		}
		others[v1] = v2
		for codesize[v2]++; others[v2] >= 0; codesize[v2]++ {
			v2 = others[v2]
		}
	}
	var bits [33]int
	for i := range codesize {
		if codesize[i] > 0 {
			bits[codesize[i]]++
		}
	}
	for i := 32; i > 16; i-- { // Adjust_BITS (K.3)
		for bits[i] > 0 {
			j := i - 2
			for bits[j] == 0 {
				j--
			}
			bits[i] -= 2
			bits[i-1]++
			bits[j+1] += 2
			bits[j]--
		}
	}
	i := 16
	for bits[i] == 0 {
		i--
	}
	bits[i]-- // drop the reserved symbol's code
	syms := make([]int, 0, 256)
	for s := 0; s < 256; s++ {
		if codesize[s] > 0 {
			syms = append(syms, s)
		}
	}
	sort.SliceStable(syms, func(a, b int) bool { return codesize[syms[a]] < codesize[syms[b]] })
	t.vals = t.vals[:0]
	for _, s := range syms {
		t.vals = append(t.vals, uint8(s))
	}
	code, k := uint32(0), 0
	for l := 1; l <= 16; l++ {
		t.bits[l-1] = uint8(bits[l])
		for n := 0; n < bits[l]; n++ {
			s := t.vals[k]
			t.code[s], t.size[s] = code, uint8(l)
			code++
			k++
		}
		code <<= 1
	}
	t.ready = true
}

// emit writes (or, while the table is not built, counts) one symbol.
func (t *encHuff) emit(w *bitWriter, sym uint8) {
	if !t.ready {
		t.freq[sym]++
		return
	}
	w.put(t.code[sym], uint(t.size[sym]))
}

// magnitude returns the category and the extra bits of a coefficient.
func magnitude(v int) (uint8, uint32) {
	a := v
	if a < 0 {
		a = -a
	}
	s := uint8(0)
	for a > 0 {
		s++
		a >>= 1
	}
	if v < 0 {
		v += 1<<s - 1
	}
	return s, uint32(v)
}

// fdctQuant computes the quantised coefficients (zigzag order) of the 8x8
// block at (bx, by) of c, replicating edge samples past the component.
func fdctQuant(c *encComp, bx, by int) [64]int {
	var f [8][8]float64
	for y := 0; y < 8; y++ {
		for x := 0; x < 8; x++ {
			sx, sy := min(bx*8+x, c.w-1), min(by*8+y, c.hgt-1)
			f[y][x] = float64(c.samples[sy*c.w+sx]) - 128
		}
	}
	// Separable forward DCT (A.3.3): rows, then columns.
	var rows [8][8]float64
	for y := 0; y < 8; y++ {
		for u := 0; u < 8; u++ {
			sum := 0.0
			for x := 0; x < 8; x++ {
				sum += f[y][x] * dctCos[x][u]
			}
			rows[y][u] = sum
		}
	}
	var out [64]int
	for k := 0; k < 64; k++ {
		n := int(zigzag[k])
		v, u := n/8, n%8
		sum := 0.0
		for y := 0; y < 8; y++ {
			sum += rows[y][u] * dctCos[y][v]
		}
		out[k] = int(math.Round(sum / 4 / float64(c.q[k])))
	}
	return out
}

// dctCos[x][u] is C(u) cos((2x+1)uπ/16), a read-only table.
var dctCos = func() (t [8][8]float64) {
	for x := range t {
		for u := range t[x] {
			t[x][u] = math.Cos(float64(2*x+1) * float64(u) * math.Pi / 16)
			if u == 0 {
				t[x][u] *= math.Sqrt2 / 2
			}
		}
	}
	return t
}()

// encodeTest encodes img as a baseline JPEG described by o.
func encodeTest(tb testing.TB, img image.Image, o encOptions) []byte {
	tb.Helper()
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	ncomp := 3
	if o.gray {
		ncomp = 1
	}
	var qt [2][64]int32
	for k := 0; k < 64; k++ {
		n := int(zigzag[k])
		for t := range qt {
			q := max(1, o.step*(4+2*(n/8+n%8)+4*t)/8)
			if !o.quant16 {
				q = min(q, 255)
			}
			qt[t][k] = int32(q)
		}
	}
	comps := make([]encComp, ncomp)
	hmax, vmax := 1, 1
	for i := range comps {
		c := &comps[i]
		c.h, c.v = max(o.h[i], 1), max(o.v[i], 1)
		if o.gray {
			c.h, c.v = 1, 1
		}
		hmax, vmax = max(hmax, c.h), max(vmax, c.v)
		c.table = min(i, 1)
		c.q = &qt[c.table]
	}
	full := make([][3]uint8, w*h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			r, g, bb, _ := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
			Y, cb, cr := color.RGBToYCbCr(uint8(r>>8), uint8(g>>8), uint8(bb>>8))
			if o.gray {
				Y = color.GrayModel.Convert(color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(bb >> 8), 255}).(color.Gray).Y
			}
			full[y*w+x] = [3]uint8{Y, cb, cr}
		}
	}
	for i := range comps {
		c := &comps[i]
		c.w, c.hgt = (w*c.h+hmax-1)/hmax, (h*c.v+vmax-1)/vmax
		sx, sy := hmax/c.h, vmax/c.v
		c.samples = make([]uint8, c.w*c.hgt)
		for y := 0; y < c.hgt; y++ {
			for x := 0; x < c.w; x++ {
				sum := 0
				for dy := 0; dy < sy; dy++ {
					for dx := 0; dx < sx; dx++ {
						sum += int(full[min(y*sy+dy, h-1)*w+min(x*sx+dx, w-1)][i])
					}
				}
				c.samples[y*c.w+x] = uint8((sum + sx*sy/2) / (sx * sy))
			}
		}
	}

	var dc, ac [2]encHuff
	var body bytes.Buffer
	scans := [][]int{[]int{0, 1, 2}[:ncomp]}
	if o.separate {
		scans = [][]int{{0}, {1}, {2}}[:ncomp]
	}
	mcusX, mcusY := (w+8*hmax-1)/(8*hmax), (h+8*vmax-1)/(8*vmax)
	// Pass 0 counts symbols, pass 1 writes them.
	for pass := 0; pass < 2; pass++ {
		body.Reset()
		for _, sc := range scans {
			if pass == 1 {
				writeSOS(&body, sc)
			}
			bw := &bitWriter{out: &body}
			var pred [3]int
			nx, ny := mcusX, mcusY
			if len(sc) == 1 {
				c := &comps[sc[0]]
				nx, ny = (c.w+7)/8, (c.hgt+7)/8
			}
			mcu, rst := 0, 0
			for my := 0; my < ny; my++ {
				for mx := 0; mx < nx; mx++ {
					if o.restart > 0 && mcu > 0 && mcu%o.restart == 0 {
						bw.flush()
						body.Write([]byte{0xFF, byte(0xD0 + rst%8)})
						rst++
						pred = [3]int{}
					}
					mcu++
					for _, ci := range sc {
						c := &comps[ci]
						bh, bv := c.h, c.v
						if len(sc) == 1 {
							bh, bv = 1, 1
						}
						for v := 0; v < bv; v++ {
							for hh := 0; hh < bh; hh++ {
								coef := fdctQuant(c, mx*bh+hh, my*bv+v)
								emitBlock(bw, &dc[c.table], &ac[c.table], coef, &pred[ci])
							}
						}
					}
				}
			}
			bw.flush()
		}
		if pass == 0 {
			for t := 0; t < min(ncomp, 2); t++ {
				dc[t].build()
				ac[t].build()
			}
		}
	}

	var out bytes.Buffer
	out.Write([]byte{0xFF, 0xD8})
	out.Write([]byte{0xFF, 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0})
	for t := 0; t < min(ncomp, 2); t++ {
		writeDQT(&out, t, &qt[t], o.quant16)
	}
	sof := []byte{8, byte(h >> 8), byte(h), byte(w >> 8), byte(w), byte(ncomp)}
	for i, c := range comps {
		sof = append(sof, byte(i+1), byte(c.h<<4|c.v), byte(c.table))
	}
	writeSegment(&out, 0xC0, sof)
	for t := 0; t < min(ncomp, 2); t++ {
		writeDHT(&out, 0x00|t, &dc[t])
		writeDHT(&out, 0x10|t, &ac[t])
	}
	if o.restart > 0 {
		writeSegment(&out, 0xDD, []byte{byte(o.restart >> 8), byte(o.restart)})
	}
	out.Write(body.Bytes())
	out.Write([]byte{0xFF, 0xD9})
	return out.Bytes()
}

// emitBlock entropy-codes one block (F.1.2).
func emitBlock(bw *bitWriter, dc, ac *encHuff, coef [64]int, pred *int) {
	s, bits := magnitude(coef[0] - *pred)
	*pred = coef[0]
	dc.emit(bw, s)
	if dc.ready {
		bw.put(bits, uint(s))
	}
	run := 0
	for k := 1; k < 64; k++ {
		if coef[k] == 0 {
			run++
			continue
		}
		for run > 15 {
			ac.emit(bw, 0xF0)
			run -= 16
		}
		s, bits := magnitude(coef[k])
		ac.emit(bw, uint8(run<<4)|s)
		if ac.ready {
			bw.put(bits, uint(s))
		}
		run = 0
	}
	if run > 0 {
		ac.emit(bw, 0x00)
	}
}

func writeSegment(out *bytes.Buffer, marker byte, payload []byte) {
	n := len(payload) + 2
	out.Write([]byte{0xFF, marker, byte(n >> 8), byte(n)})
	out.Write(payload)
}

func writeDQT(out *bytes.Buffer, t int, q *[64]int32, sixteen bool) {
	p := []byte{byte(t)}
	if sixteen {
		p[0] |= 0x10
	}
	for _, v := range q {
		if sixteen {
			p = append(p, byte(v>>8))
		}
		p = append(p, byte(v))
	}
	writeSegment(out, 0xDB, p)
}

func writeDHT(out *bytes.Buffer, class int, t *encHuff) {
	p := append([]byte{byte(class)}, t.bits[:]...)
	writeSegment(out, 0xC4, append(p, t.vals...))
}

func writeSOS(out *bytes.Buffer, sc []int) {
	p := []byte{byte(len(sc))}
	for _, ci := range sc {
		tbl := byte(min(ci, 1))
		p = append(p, byte(ci+1), tbl<<4|tbl)
	}
	writeSegment(out, 0xDA, append(p, 0, 63, 0))
}

// photoLike returns a deterministic w x h picture with smooth gradients,
// hard edges and sensor-like noise, so that its coefficient statistics
// resemble a photo's.
func photoLike(w, h int, seed uint64) *image.RGBA {
	rng := rand.New(rand.NewPCG(seed, 1))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			fx, fy := float64(x)/float64(max(w, 1)), float64(y)/float64(max(h, 1))
			r := 60 + 120*fx + 30*math.Sin(fy*9)
			g := 40 + 150*fy + 25*math.Cos(fx*13+fy*5)
			bl := 90 + 80*math.Sin((fx+fy)*7)
			if (x/37+y/23)%5 == 0 { // hard-edged patches
				r, g = 230-r/4, g/3
			}
			n := rng.NormFloat64() * 6
			i := img.PixOffset(x, y)
			img.Pix[i+0] = clampU8(int(r + n))
			img.Pix[i+1] = clampU8(int(g + n))
			img.Pix[i+2] = clampU8(int(bl + n))
			img.Pix[i+3] = 255
		}
	}
	return img
}
