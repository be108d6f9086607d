// Package jpegenc writes baseline JPEGs straight from YCbCr planes.
//
// Go's image/jpeg always subsamples chroma to 4:2:0. That halves the colour
// resolution of a small portrait, which costs red and blue several dB
// against the source; libvips and libjpeg keep full-resolution chroma at
// high quality. This encoder writes 4:4:4 or 4:2:0 (the caller's choice)
// from an *image.YCbCr without converting through RGB, with the IJG
// quality scaling of the Annex K quantisation tables and the Annex K
// Huffman tables, and no metadata (not even a JFIF APP0 segment).
package jpegenc

import (
	"bufio"
	"errors"
	"fmt"
	"image"
	"io"
	"math"
	"math/bits"

	zz "github.com/mlegit/mlegit/photos/internal/zigzag"
)

// Options tunes Encode; nil means quality 90 and 4:4:4.
type Options struct {
	// Quality is 1–100 on the IJG scale (as libjpeg, libvips, image/jpeg).
	Quality int
	// Subsample420 writes chroma at half resolution both ways; otherwise
	// chroma is kept at full resolution (4:4:4).
	Subsample420 bool
	// FineChroma quantises chroma with the luminance table instead of
	// Annex K's coarser chrominance one. Red and blue carry 1.4 and 1.8
	// times the chroma error, so with the standard table they come out
	// 2–4 dB worse than green; this evens them out for some 10–20% more
	// bytes.
	FineChroma bool
}

// Encode writes m as a baseline JPEG. m must be 4:4:4 or 4:2:0; for 4:2:0
// output from a 4:4:4 image, chroma is averaged over 2x2 pixels.
func Encode(w io.Writer, m *image.YCbCr, o *Options) error {
	q, sub, fine := 90, false, false
	if o != nil {
		q, sub, fine = o.Quality, o.Subsample420, o.FineChroma
	}
	if q < 1 || q > 100 {
		return fmt.Errorf("jpegenc: quality %d outside 1..100", q)
	}
	b := m.Bounds()
	if b.Dx() < 1 || b.Dy() < 1 || b.Dx() > 65535 || b.Dy() > 65535 {
		return fmt.Errorf("jpegenc: cannot encode a %dx%d image", b.Dx(), b.Dy())
	}
	if m.SubsampleRatio != image.YCbCrSubsampleRatio444 && m.SubsampleRatio != image.YCbCrSubsampleRatio420 {
		return errors.New("jpegenc: only 4:4:4 and 4:2:0 images are supported")
	}
	if m.SubsampleRatio == image.YCbCrSubsampleRatio420 {
		sub = true // nothing finer to keep
	}
	e := encoder{w: bufio.NewWriterSize(w, 32<<10)}
	e.setQuality(q, fine)
	e.writeHeaders(b.Dx(), b.Dy(), sub)
	e.writeScan(m, sub)
	e.buf = append(e.buf, 0xFF, 0xD9)
	e.flushBuf()
	if e.err != nil {
		return fmt.Errorf("jpegenc: writing: %w", e.err)
	}
	if err := e.w.Flush(); err != nil {
		return fmt.Errorf("jpegenc: writing: %w", err)
	}
	return nil
}

// baseQuant are the Annex K.1 tables (luminance, chrominance) in natural
// order.
var baseQuant = [2][64]int{
	{
		16, 11, 10, 16, 24, 40, 51, 61,
		12, 12, 14, 19, 26, 58, 60, 55,
		14, 13, 16, 24, 40, 57, 69, 56,
		14, 17, 22, 29, 51, 87, 80, 62,
		18, 22, 37, 56, 68, 109, 103, 77,
		24, 35, 55, 64, 81, 104, 113, 92,
		49, 64, 78, 87, 103, 121, 120, 101,
		72, 92, 95, 98, 112, 100, 103, 99,
	},
	{
		17, 18, 24, 47, 99, 99, 99, 99,
		18, 21, 26, 66, 99, 99, 99, 99,
		24, 26, 56, 99, 99, 99, 99, 99,
		47, 66, 99, 99, 99, 99, 99, 99,
		99, 99, 99, 99, 99, 99, 99, 99,
		99, 99, 99, 99, 99, 99, 99, 99,
		99, 99, 99, 99, 99, 99, 99, 99,
		99, 99, 99, 99, 99, 99, 99, 99,
	},
}

// zigzag maps a position in the stream (zigzag order) to its natural
// index v*8+u.
var zigzag = zz.Natural

// aanScale are the row/column scale factors the AAN forward DCT leaves in
// its outputs: cos(kπ/16)·√2 for k > 0, 1 for k = 0.
var aanScale = [8]float32{1, 1.387039845, 1.306562965, 1.175875602, 1, 0.785694958, 0.541196100, 0.275899379}

type encoder struct {
	w   *bufio.Writer
	err error
	buf []byte

	quant [2][64]byte    // natural order
	recip [2][64]float32 // 1 / (quant · AAN scale · 8), natural order
	huff  [4]huffCodes   // luma DC, luma AC, chroma DC, chroma AC
	acc   uint64         // pending bits, most significant first
	nacc  uint           // number of pending bits
	blk   [64]float32    // block being transformed
	pred  [3]int32       // DC predictors
}

// setQuality scales the base tables the IJG way; fine uses the luminance
// table for chroma too.
func (e *encoder) setQuality(q int, fine bool) {
	scale := 200 - 2*q
	if q < 50 {
		scale = 5000 / q
	}
	for t := range baseQuant {
		base := &baseQuant[t]
		if fine {
			base = &baseQuant[0]
		}
		for i, v := range base {
			x := min(max((v*scale+50)/100, 1), 255)
			e.quant[t][i] = byte(x)
			e.recip[t][i] = 1 / (float32(x) * aanScale[i/8] * aanScale[i%8] * 8)
		}
	}
	for i := range e.huff {
		e.huff[i] = buildCodes(&huffSpecs[i])
	}
}

func (e *encoder) flushBuf() {
	if e.err == nil && len(e.buf) > 0 {
		_, e.err = e.w.Write(e.buf)
	}
	e.buf = e.buf[:0]
}

func (e *encoder) segment(marker byte, payload []byte) {
	n := len(payload) + 2
	e.buf = append(e.buf, 0xFF, marker, byte(n>>8), byte(n))
	e.buf = append(e.buf, payload...)
}

// writeHeaders writes SOI, DQT, SOF0, DHT and SOS. Like image/jpeg it
// writes no APPn segment: three components numbered 1, 2, 3 are YCbCr to
// every decoder.
func (e *encoder) writeHeaders(w, h int, sub bool) {
	e.buf = append(e.buf, 0xFF, 0xD8)
	dqt := make([]byte, 0, 130)
	for t := range 2 {
		dqt = append(dqt, byte(t))
		for _, z := range zigzag {
			dqt = append(dqt, e.quant[t][z])
		}
	}
	e.segment(0xDB, dqt)
	ySampling := byte(0x11)
	if sub {
		ySampling = 0x22
	}
	e.segment(0xC0, []byte{8, byte(h >> 8), byte(h), byte(w >> 8), byte(w), 3,
		1, ySampling, 0, 2, 0x11, 1, 3, 0x11, 1})
	var dht []byte
	for i, class := range [4]byte{0x00, 0x10, 0x01, 0x11} {
		dht = append(dht, class)
		dht = append(dht, huffSpecs[i].counts[:]...)
		dht = append(dht, huffSpecs[i].values...)
	}
	e.segment(0xC4, dht)
	e.segment(0xDA, []byte{3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0})
}

// writeScan codes every MCU of m.
func (e *encoder) writeScan(m *image.YCbCr, sub bool) {
	b := m.Bounds()
	w, h := b.Dx(), b.Dy()
	var ys, cbs, crs [64]float32
	if !sub {
		for by := 0; by < h; by += 8 {
			for bx := 0; bx < w; bx += 8 {
				lumaBlock(m, bx, by, &ys)
				chromaBlock(m, bx, by, 1, &cbs, &crs)
				e.block(&ys, 0, 0)
				e.block(&cbs, 1, 1)
				e.block(&crs, 1, 2)
			}
			if len(e.buf) > 16<<10 {
				e.flushBuf()
			}
		}
	} else {
		for by := 0; by < h; by += 16 {
			for bx := 0; bx < w; bx += 16 {
				for k := range 4 {
					lumaBlock(m, bx+8*(k&1), by+8*(k>>1), &ys)
					e.block(&ys, 0, 0)
				}
				chromaBlock(m, bx, by, 2, &cbs, &crs)
				e.block(&cbs, 1, 1)
				e.block(&crs, 1, 2)
			}
			if len(e.buf) > 16<<10 {
				e.flushBuf()
			}
		}
	}
	// Pad the last byte with one bits (F.1.2.3).
	if e.nacc%8 != 0 {
		pad := 8 - e.nacc%8
		e.emit(1<<pad-1, pad)
	}
	e.drain()
}

// lumaBlock copies the 8x8 block at (x, y) (relative to the bounds) of
// m's Y plane, level-shifted, repeating the last row and column past the
// edges.
func lumaBlock(m *image.YCbCr, x, y int, dst *[64]float32) {
	b := m.Bounds()
	planeBlock(m.Y[m.YOffset(b.Min.X, b.Min.Y):], m.YStride, b.Dx(), b.Dy(), x, y, dst)
}

// planeBlock copies the 8x8 block at (x, y) of the w x h plane p (rows
// stride apart), level-shifted, repeating the last row and column past the
// edges.
func planeBlock(p []byte, stride, w, h, x, y int, dst *[64]float32) {
	for j := range 8 {
		row := p[min(y+j, h-1)*stride:]
		d := (*[8]float32)(dst[j*8 : j*8+8])
		if x+8 <= w {
			r := (*[8]byte)(row[x : x+8])
			for i := range d {
				d[i] = float32(r[i]) - 128
			}
			continue
		}
		for i := range d {
			d[i] = float32(row[min(x+i, w-1)]) - 128
		}
	}
}

// chromaBlock fills the Cb and Cr blocks of the MCU at (x, y); step is 1
// for 4:4:4 output and 2 for 4:2:0 output (each output sample then
// averages 2x2 samples of a 4:4:4 image, or is one sample of a 4:2:0 one).
func chromaBlock(m *image.YCbCr, x, y, step int, cb, cr *[64]float32) {
	b := m.Bounds()
	w, h := b.Dx(), b.Dy()
	if m.SubsampleRatio == image.YCbCrSubsampleRatio420 {
		// One chroma sample per 2x2 pixels already: read the planes.
		cw, ch := (b.Max.X+1)/2-b.Min.X/2, (b.Max.Y+1)/2-b.Min.Y/2
		base := m.COffset(b.Min.X, b.Min.Y)
		for j := range 8 {
			sy := min(y/2+j, ch-1)
			for i := range 8 {
				o := base + sy*m.CStride + min(x/2+i, cw-1)
				cb[j*8+i], cr[j*8+i] = float32(m.Cb[o])-128, float32(m.Cr[o])-128
			}
		}
		return
	}
	base := m.COffset(b.Min.X, b.Min.Y)
	if step == 1 {
		planeBlock(m.Cb[base:], m.CStride, w, h, x, y, cb)
		planeBlock(m.Cr[base:], m.CStride, w, h, x, y, cr)
		return
	}
	for j := range 8 {
		for i := range 8 {
			var sb, sr int
			for dy := range 2 {
				for dx := range 2 {
					o := base + min(y+2*j+dy, h-1)*m.CStride + min(x+2*i+dx, w-1)
					sb += int(m.Cb[o])
					sr += int(m.Cr[o])
				}
			}
			cb[j*8+i], cr[j*8+i] = float32(sb)/4-128, float32(sr)/4-128
		}
	}
}

// fdct8 is the AAN forward DCT of 8 values; outputs carry the aanScale
// factors, removed at quantisation.
func fdct8(d0, d1, d2, d3, d4, d5, d6, d7 float32) (o0, o1, o2, o3, o4, o5, o6, o7 float32) {
	tmp0, tmp7 := d0+d7, d0-d7
	tmp1, tmp6 := d1+d6, d1-d6
	tmp2, tmp5 := d2+d5, d2-d5
	tmp3, tmp4 := d3+d4, d3-d4

	tmp10, tmp13 := tmp0+tmp3, tmp0-tmp3
	tmp11, tmp12 := tmp1+tmp2, tmp1-tmp2
	o0, o4 = tmp10+tmp11, tmp10-tmp11
	z1 := (tmp12 + tmp13) * 0.707106781
	o2, o6 = tmp13+z1, tmp13-z1

	tmp10, tmp11, tmp12 = tmp4+tmp5, tmp5+tmp6, tmp6+tmp7
	z5 := (tmp10 - tmp12) * 0.382683433
	z2 := 0.541196100*tmp10 + z5
	z4 := 1.306562965*tmp12 + z5
	z3 := tmp11 * 0.707106781
	z11, z13 := tmp7+z3, tmp7-z3
	o5, o3 = z13+z2, z13-z2
	o1, o7 = z11+z4, z11-z4
	return
}

// fdct2D transforms blk in place, rows then columns.
func fdct2D(blk *[64]float32) {
	for r := range 8 {
		d := (*[8]float32)(blk[r*8 : r*8+8])
		d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7] = fdct8(d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7])
	}
	for c := range 8 {
		blk[c], blk[8+c], blk[16+c], blk[24+c], blk[32+c], blk[40+c], blk[48+c], blk[56+c] = fdct8(
			blk[c], blk[8+c], blk[16+c], blk[24+c], blk[32+c], blk[40+c], blk[48+c], blk[56+c])
	}
}

// block transforms, quantises and codes one block of component c with
// table set t (0 luma, 1 chroma).
func (e *encoder) block(blk *[64]float32, t, c int) {
	fdct2D(blk)
	var q [64]int32
	recip := &e.recip[t]
	for i, z := range zigzag {
		// Round half away from zero without a branch on the sign, which
		// is as good as random: truncate v ± 0.5.
		v := blk[z&63] * recip[z&63]
		half := math.Float32frombits(math.Float32bits(v)&(1<<31) | math.Float32bits(0.5))
		q[i] = int32(v + half)
	}
	dc := &e.huff[2*t]
	ac := &e.huff[2*t+1]
	diff := q[0] - e.pred[c]
	e.pred[c] = q[0]
	n, bits := magnitude(diff)
	e.emitCoded(dc, n, bits)
	run := 0
	for k := 1; k < 64; k++ {
		v := q[k]
		if v == 0 {
			run++
			continue
		}
		for run > 15 {
			e.emitCode(ac, 0xF0)
			run -= 16
		}
		n, bits := magnitude(v)
		e.emitCoded(ac, byte(run<<4)|n, bits)
		run = 0
	}
	if run > 0 {
		e.emitCode(ac, 0x00)
	}
}

// magnitude returns the size category of v and its magnitude bits (F.1.2.1).
func magnitude(v int32) (byte, uint32) {
	a := v
	if a < 0 {
		a = -a
		v--
	}
	n := byte(bits.Len32(uint32(a)))
	return n, uint32(v) & (1<<n - 1)
}

// emitCode appends the Huffman code of sym.
func (e *encoder) emitCode(h *huffCodes, sym byte) {
	e.emit(uint32(h.code[sym]), uint(h.size[sym]))
}

// emitCoded appends the Huffman code of sym followed by the n magnitude
// bits in mag, where n is sym's low nibble (at most 27 bits in all).
func (e *encoder) emitCoded(h *huffCodes, sym byte, mag uint32) {
	n := uint(sym & 15)
	e.emit(uint32(h.code[sym])<<n|mag, uint(h.size[sym])+n)
}

// emit appends the n low bits of bits to the stream.
func (e *encoder) emit(bits uint32, n uint) {
	e.acc |= uint64(bits) << (64 - e.nacc - n)
	e.nacc += n
	if e.nacc >= 32 {
		e.drain()
	}
}

// drain moves whole bytes from the bit buffer to buf, stuffing 0xFF.
func (e *encoder) drain() {
	for e.nacc >= 8 {
		c := byte(e.acc >> 56)
		e.buf = append(e.buf, c)
		if c == 0xFF {
			e.buf = append(e.buf, 0)
		}
		e.acc <<= 8
		e.nacc -= 8
	}
}

// huffSpec is a DHT table: the number of codes of each length 1..16, then
// the symbols in code order.
type huffSpec struct {
	counts [16]byte
	values []byte
}

// huffCodes maps a symbol to its code and code length.
type huffCodes struct {
	code [256]uint16
	size [256]uint8
}

// buildCodes assigns the canonical codes of s (Annex C).
func buildCodes(s *huffSpec) huffCodes {
	var h huffCodes
	code, k := uint16(0), 0
	for l, n := range s.counts {
		for range n {
			h.code[s.values[k]], h.size[s.values[k]] = code, uint8(l+1)
			code++
			k++
		}
		code <<= 1
	}
	return h
}
