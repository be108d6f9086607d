package jpegscale

// The inverse DCT of a block (A.3.3) is separable:
//
//	f(x,y) = 1/4 Σu Σv C(u) C(v) F(v,u) cos((2x+1)uπ/16) cos((2y+1)vπ/16)
//
// with C(0) = 1/√2 and C(u) = 1 otherwise. Each pass below evaluates the
// one-dimensional transform t(x) = Σu C(u) F(u) cos((2x+1)uπ/16), so two
// passes give 4·f.
//
// The reduced transforms come from averaging t over runs of denom outputs:
// output k of the (8/denom)-point transform is
//
//	t'(k) = Σu F(u) · (1/denom) Σ_{x=k·denom}^{k·denom+denom-1} C(u) cos((2x+1)uπ/16)
//
// so its matrix is the mean of groups of rows of the 8-point one, and the
// two-dimensional result is exactly the denom x denom box average of the
// full-size block (before rounding and clamping). Some columns of these
// matrices are zero — frequency 4 at denom 2, frequencies 2, 4 and 6 at
// denom 4 — and every matrix is symmetric about its middle row (even
// frequencies keep their sign, odd ones flip), which halves the multiplies.
//
// Constants are the matrix entries times 2^13 (constBits), rounded. The
// first pass keeps 2 extra bits (passBits); the second removes the rest and
// the factor 4, and adds the +128 level shift.
const (
	constBits = 13
	passBits  = 2
	// pass1Shift turns a first-pass sum into 2^passBits · t.
	pass1Shift = constBits - passBits
	// pass2Shift turns a second-pass sum into f: 2^(constBits+passBits) · 4f.
	pass2Shift = constBits + passBits + 2
	pass1Round = 1 << (pass1Shift - 1)
	pass2Bias  = 128<<pass2Shift + 1<<(pass2Shift-1)
)

// Entries of the 8-point matrix: ci = round(cos(iπ/16) · 2^13), and
// c4 = C(0) · 2^13 as well.
const (
	c1 = 8035
	c2 = 7568
	c3 = 6811
	c4 = 5793
	c5 = 4551
	c6 = 3135
	c7 = 1598
)

// idct8Points is the 8-point transform: outputs k and 7-k share the even
// part e(k) and differ in the sign of the odd part o(k); the even part
// splits again the same way into frequencies {0,4} and {2,6}.
func idct8Points(f0, f1, f2, f3, f4, f5, f6, f7 int) (t0, t1, t2, t3, t4, t5, t6, t7 int) {
	ee0, ee1 := (f0+f4)*c4, (f0-f4)*c4
	eo0, eo1 := f2*c2+f6*c6, f2*c6-f6*c2
	e0, e3 := ee0+eo0, ee0-eo0
	e1, e2 := ee1+eo1, ee1-eo1
	o0 := f1*c1 + f3*c3 + f5*c5 + f7*c7
	o1 := f1*c3 - f3*c7 - f5*c1 - f7*c5
	o2 := f1*c5 - f3*c1 + f5*c7 + f7*c3
	o3 := f1*c7 - f3*c5 + f5*c3 - f7*c1
	return e0 + o0, e1 + o1, e2 + o2, e3 + o3, e3 - o3, e2 - o2, e1 - o1, e0 - o0
}

// idct4Points is the 4-point transform of denom 2 (frequency 4 drops out).
func idct4Points(f0, f1, f2, f3, f5, f6, f7 int) (t0, t1, t2, t3 int) {
	e0, e1 := f0*c4+f2*5352-f6*2217, f0*c4-f2*5352+f6*2217
	o0 := f1*7423 + f3*2607 - f5*1742 - f7*1477
	o1 := f1*3075 - f3*6293 + f5*4205 - f7*612
	return e0 + o0, e1 + o1, e1 - o1, e0 - o0
}

// idct2Points is the 2-point transform of denom 4 (frequencies 2, 4 and 6
// drop out).
func idct2Points(f0, f1, f3, f5, f7 int) (t0, t1 int) {
	e := f0 * c4
	o := f1*r2c1 - f3*r2c3 + f5*r2c5 - f7*r2c7
	return e + o, e - o
}

// Odd entries of the 2-point matrix (idct2Points).
const (
	r2c1 = 5249
	r2c3 = 1843
	r2c5 = 1232
	r2c7 = 1044
)

// fillBlock writes an n x n square of one value: the picture of a block
// whose only non-zero coefficient is DC.
func fillBlock(blk *[64]int32, n int, dst []byte, stride int) {
	p := clampU8((int(blk[0]) + 4 + 128*8) >> 3)
	for y := 0; y < n; y++ {
		row := dst[y*stride : y*stride+n]
		for x := range row {
			row[x] = p
		}
	}
}

// idct8x8 writes the full 8x8 picture of blk (natural order, dequantised)
// to dst; last is the zigzag index of the last coded coefficient.
func idct8x8(blk *[64]int32, last int, dst []byte, stride int) {
	if last == 0 {
		fillBlock(blk, 8, dst, stride)
		return
	}
	var tmp [64]int
	for u := 0; u < 8; u++ {
		col := blk[u:]
		col = col[:57]
		if col[8]|col[16]|col[24]|col[32]|col[40]|col[48]|col[56] == 0 {
			dc := (int(col[0])*c4 + pass1Round) >> pass1Shift
			for y := 0; y < 8; y++ {
				tmp[y*8+u] = dc
			}
			continue
		}
		t0, t1, t2, t3, t4, t5, t6, t7 := idct8Points(int(col[0]), int(col[8]), int(col[16]), int(col[24]),
			int(col[32]), int(col[40]), int(col[48]), int(col[56]))
		tmp[u] = (t0 + pass1Round) >> pass1Shift
		tmp[8+u] = (t1 + pass1Round) >> pass1Shift
		tmp[16+u] = (t2 + pass1Round) >> pass1Shift
		tmp[24+u] = (t3 + pass1Round) >> pass1Shift
		tmp[32+u] = (t4 + pass1Round) >> pass1Shift
		tmp[40+u] = (t5 + pass1Round) >> pass1Shift
		tmp[48+u] = (t6 + pass1Round) >> pass1Shift
		tmp[56+u] = (t7 + pass1Round) >> pass1Shift
	}
	for y := 0; y < 8; y++ {
		r := tmp[y*8 : y*8+8]
		out := dst[y*stride : y*stride+8]
		if r[1]|r[2]|r[3]|r[4]|r[5]|r[6]|r[7] == 0 {
			p := clampU8((r[0]*c4 + pass2Bias) >> pass2Shift)
			for x := range out {
				out[x] = p
			}
			continue
		}
		t0, t1, t2, t3, t4, t5, t6, t7 := idct8Points(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7])
		out[0] = clampU8((t0 + pass2Bias) >> pass2Shift)
		out[1] = clampU8((t1 + pass2Bias) >> pass2Shift)
		out[2] = clampU8((t2 + pass2Bias) >> pass2Shift)
		out[3] = clampU8((t3 + pass2Bias) >> pass2Shift)
		out[4] = clampU8((t4 + pass2Bias) >> pass2Shift)
		out[5] = clampU8((t5 + pass2Bias) >> pass2Shift)
		out[6] = clampU8((t6 + pass2Bias) >> pass2Shift)
		out[7] = clampU8((t7 + pass2Bias) >> pass2Shift)
	}
}

// idct4x4 writes the 4x4 box-averaged picture of blk to dst (denom 2).
func idct4x4(blk *[64]int32, last int, dst []byte, stride int) {
	if last == 0 {
		fillBlock(blk, 4, dst, stride)
		return
	}
	var tmp [4 * 8]int
	for u := 0; u < 8; u++ {
		if u == 4 {
			continue
		}
		col := blk[u:]
		col = col[:57]
		if col[8]|col[16]|col[24]|col[40]|col[48]|col[56] == 0 {
			dc := (int(col[0])*c4 + pass1Round) >> pass1Shift
			tmp[u], tmp[8+u], tmp[16+u], tmp[24+u] = dc, dc, dc, dc
			continue
		}
		t0, t1, t2, t3 := idct4Points(int(col[0]), int(col[8]), int(col[16]), int(col[24]),
			int(col[40]), int(col[48]), int(col[56]))
		tmp[u] = (t0 + pass1Round) >> pass1Shift
		tmp[8+u] = (t1 + pass1Round) >> pass1Shift
		tmp[16+u] = (t2 + pass1Round) >> pass1Shift
		tmp[24+u] = (t3 + pass1Round) >> pass1Shift
	}
	for y := 0; y < 4; y++ {
		r := tmp[y*8 : y*8+8]
		out := dst[y*stride : y*stride+4]
		t0, t1, t2, t3 := idct4Points(r[0], r[1], r[2], r[3], r[5], r[6], r[7])
		out[0] = clampU8((t0 + pass2Bias) >> pass2Shift)
		out[1] = clampU8((t1 + pass2Bias) >> pass2Shift)
		out[2] = clampU8((t2 + pass2Bias) >> pass2Shift)
		out[3] = clampU8((t3 + pass2Bias) >> pass2Shift)
	}
}

// idct2x2 writes the 2x2 box-averaged picture of blk to dst (denom 4).
func idct2x2(blk *[64]int32, last int, dst []byte, stride int) {
	if last == 0 {
		fillBlock(blk, 2, dst, stride)
		return
	}
	a0, b0 := col2(blk, 0)
	a1, b1 := col2(blk, 1)
	a3, b3 := col2(blk, 3)
	a5, b5 := col2(blk, 5)
	a7, b7 := col2(blk, 7)
	dst = dst[:stride+2]
	t0, t1 := idct2Points(a0, a1, a3, a5, a7)
	dst[0] = clampU8((t0 + pass2Bias) >> pass2Shift)
	dst[1] = clampU8((t1 + pass2Bias) >> pass2Shift)
	t0, t1 = idct2Points(b0, b1, b3, b5, b7)
	dst[stride] = clampU8((t0 + pass2Bias) >> pass2Shift)
	dst[stride+1] = clampU8((t1 + pass2Bias) >> pass2Shift)
}

// col2 is the first pass of idct2x2 on column u: idct2Points, written
// out so that it inlines.
func col2(blk *[64]int32, u int) (t0, t1 int) {
	u &= 7
	e := int(blk[u]) * c4
	o := int(blk[8+u])*r2c1 - int(blk[24+u])*r2c3 + int(blk[40+u])*r2c5 - int(blk[56+u])*r2c7
	return (e + o + pass1Round) >> pass1Shift, (e - o + pass1Round) >> pass1Shift
}
