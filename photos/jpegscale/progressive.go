package jpegscale

import (
	"fmt"
	"math/bits"
)

// Progressive JPEGs (G.1.2) send every block's coefficients in several
// scans, so they must be held until the last scan. A full decoder keeps all
// 64 per block: 128 bytes per block, about 150 MB for a 49 MP 4:2:0 photo.
// A reduced decode needs only the frequencies its reduced IDCT reads
// (denom 2: all but 4 in each direction; denom 4: 0, 1, 3, 5, 7; denom 8:
// DC alone), so only those are kept, as int16. Refinement scans also need to
// know which of the other coefficients are non-zero (a correction bit
// follows each), which takes one bit per coefficient: a uint64 per block.

// keptFreqs lists, per denom, the frequencies (in each direction) the
// reduced IDCT reads.
var keptFreqs = map[int][]int{
	1: {0, 1, 2, 3, 4, 5, 6, 7},
	2: {0, 1, 2, 3, 5, 6, 7},
	4: {0, 1, 3, 5, 7},
	8: {0},
}

// coefStore holds the coefficients a progressive decode keeps for one
// component.
type coefStore struct {
	slot    [64]int8 // zigzag index -> position in a block's kept values, or -1
	nkeep   int
	bw, bh  int      // blocks stored per row and column (whole MCUs)
	coefs   []int16  // nkeep per block, quantised
	nonzero []uint64 // bit k: zigzag coefficient k is non-zero
}

// keepCount returns how many coefficients per block a component decoded at
// denom keeps.
func keepCount(denom int) int { n := len(keptFreqs[denom]); return n * n }

// initStore sets up the coefficient store of component c.
func (c *component) initStore(bw, bh int) {
	s := &c.store
	keep := [8]bool{}
	for _, f := range keptFreqs[c.denom] {
		keep[f] = true
	}
	s.nkeep = 0
	for k, z := range zigzag {
		s.slot[k] = -1
		if keep[z%8] && keep[z/8] {
			s.slot[k] = int8(s.nkeep)
			s.nkeep++
		}
	}
	s.bw, s.bh = bw, bh
	s.coefs = make([]int16, bw*bh*s.nkeep)
	s.nonzero = make([]uint64, bw*bh)
}

// progressiveBytes is the memory the coefficient stores of the frame take
// when component i is decoded at denoms[i].
func (d *decoder) progressiveBytes(denoms []int) int64 {
	var n int64
	for i := 0; i < d.ncomp; i++ {
		c := &d.comp[i]
		blocks := int64(d.mcusX*c.h) * int64(d.mcusY*c.v)
		n += blocks * int64(8+2*keepCount(denoms[i]))
	}
	return n
}

// bit reads one bit of the scan.
func (d *decoder) bit() int32 {
	br := &d.br
	if br.n < 1 {
		br.acc, br.n = br.load(br.acc, br.n)
	}
	v := int32(br.acc >> 63)
	br.acc <<= 1
	br.n--
	return v
}

// receive reads n (<= 16) bits of the scan as an unsigned number.
func (d *decoder) receive(n uint) int32 {
	if n == 0 {
		return 0
	}
	br := &d.br
	if br.n < n {
		br.acc, br.n = br.load(br.acc, br.n)
	}
	v := int32(br.acc >> (64 - n))
	br.acc <<= n
	br.n -= n
	return v
}

// decodeHuff reads one Huffman-coded symbol of table h.
func (d *decoder) decodeHuff(h *huffTable) (uint8, error) {
	br := &d.br
	if br.n < 16 {
		br.acc, br.n = br.load(br.acc, br.n)
	}
	sym, l := h.lookup(br.acc)
	if l == 0 {
		return 0, errBadCode
	}
	br.acc <<= l
	br.n -= l
	return sym, nil
}

// progMCU decodes s's blocks of the MCU at (mx, my): one block in a
// non-interleaved scan, the component's h x v blocks in an interleaved one.
func (d *decoder) progMCU(s *scanComp, single bool, mx, my int) error {
	if single {
		return d.progBlock(s, mx, my)
	}
	for v := 0; v < s.c.v; v++ {
		for h := 0; h < s.c.h; h++ {
			if err := d.progBlock(s, mx*s.c.h+h, my*s.c.v+v); err != nil {
				return err
			}
		}
	}
	return nil
}

// progBlock decodes this scan's share of the block at (bx, by) of s's
// component into its coefficient store (G.1.2.1, G.1.2.2, G.1.2.3).
func (d *decoder) progBlock(s *scanComp, bx, by int) error {
	d.br.ensure()
	st := &s.c.store
	if bx >= st.bw || by >= st.bh {
		return FormatError("block outside the frame")
	}
	bi := by*st.bw + bx
	coefs := st.coefs[bi*st.nkeep : (bi+1)*st.nkeep]
	nz := &st.nonzero[bi]
	if d.ss == 0 { // DC scan
		if d.ah == 0 {
			t, err := d.decodeHuff(s.dc)
			if err != nil {
				return err
			}
			if t > 11 {
				return FormatError("bad DC magnitude category")
			}
			if t > 0 {
				s.pred += extend(d.receive(uint(t)), uint(t))
			}
			st.set(coefs, nz, 0, s.pred<<d.al)
			return nil
		}
		if d.bit() != 0 {
			st.set(coefs, nz, 0, int32(coefs[0])|1<<d.al)
		}
		return nil
	}
	if d.ah == 0 {
		return d.acFirst(s, coefs, nz)
	}
	return d.acRefine(s, coefs, nz)
}

// set stores the value v of zigzag coefficient k of a block (its kept
// values coefs, its non-zero bits nz).
func (st *coefStore) set(coefs []int16, nz *uint64, k int, v int32) {
	k &= 63
	if v != 0 {
		*nz |= 1 << uint(k)
	}
	if sl := st.slot[k]; sl >= 0 {
		coefs[sl] = int16(v)
	}
}

// acFirst decodes the first scan of a band of AC coefficients (G.1.2.2).
func (d *decoder) acFirst(s *scanComp, coefs []int16, nz *uint64) error {
	if d.eobrun > 0 {
		d.eobrun--
		return nil
	}
	for k := d.ss; k <= d.se; k++ {
		sym, err := d.decodeHuff(s.ac)
		if err != nil {
			return err
		}
		r, z := int(sym>>4), uint(sym&15)
		if z == 0 {
			if r < 15 {
				d.eobrun = 1<<r - 1
				if r > 0 {
					d.eobrun += int(d.receive(uint(r)))
				}
				return nil
			}
			k += 15 // ZRL: sixteen zeros, with the loop's k++
			continue
		}
		k += r
		if k > d.se {
			return errRunPastBlock
		}
		s.c.store.set(coefs, nz, k, extend(d.receive(z), z)<<d.al)
	}
	return nil
}

// acRefine decodes a refinement scan of a band of AC coefficients
// (G.1.2.3): one more bit of each coefficient already non-zero, and the
// coefficients that become non-zero (±1 at this bit). The coefficients
// already non-zero are found from the block's bit set, not one by one,
// and the bit buffer lives in locals for the duration of the block.
func (d *decoder) acRefine(s *scanComp, coefs []int16, nz *uint64) error {
	st, ac, br := &s.c.store, s.ac, &d.br
	p1 := int32(1) << d.al
	acc, n := br.acc, br.n
	k, se := d.ss, d.se
	if d.eobrun == 0 {
		for ; k <= se; k++ {
			// A step reads a code (at most 16 bits) and at most 14 more.
			if n < 32 {
				acc, n = br.load(acc, n)
			}
			sym, l := ac.lookup(acc)
			if l == 0 {
				br.acc, br.n = acc, n
				return errBadCode
			}
			acc <<= l
			n -= l
			r, z := int(sym>>4), int32(0)
			switch sym & 15 {
			case 0:
				if r != 15 {
					d.eobrun = 1 << r
					if r > 0 {
						d.eobrun += int(acc >> (64 - uint(r)))
						acc <<= uint(r)
						n -= uint(r)
					}
					goto eob
				}
				// ZRL: sixteen zero-history coefficients are skipped.
			case 1:
				z = -p1
				if acc>>63 != 0 {
					z = p1
				}
				acc <<= 1
				n--
			default:
				br.acc, br.n = acc, n
				return FormatError("bad refinement magnitude")
			}
			// Skip r zero-history coefficients, refining the non-zero ones
			// met on the way; the new coefficient goes at the next zero
			// (t), or the band ends first (t = se+1).
			band := bandMask(k, se)
			zeros := ^*nz & band
			for ; r > 0 && zeros != 0; r-- {
				zeros &= zeros - 1
			}
			t := se + 1
			if zeros != 0 {
				t = bits.TrailingZeros64(zeros)
			}
			// Below t: ^0 >> (64-t) keeps bits 0..t-1 (1 <= t <= 64).
			if m := *nz & band & (^uint64(0) >> (uint(64-t) & 63)); m != 0 {
				acc, n = refine(br, acc, n, st, coefs, m, p1)
			}
			k = t
			if z != 0 {
				if k > se {
					br.acc, br.n = acc, n
					return errRunPastBlock
				}
				st.set(coefs, nz, k, z)
			}
		}
		br.acc, br.n = acc, n
		return nil
	}
eob:
	if k <= se {
		if m := *nz & bandMask(k, se); m != 0 {
			acc, n = refine(br, acc, n, st, coefs, m, p1)
		}
	}
	br.acc, br.n = acc, n
	d.eobrun--
	return nil
}

// refine reads the correction bits of the non-zero coefficients in mask,
// in ascending order, from the bit buffer acc (n bits), and adds each 1
// (p1, with the coefficient's sign) to its kept value.
func refine(br *bitReader, acc uint64, n uint, st *coefStore, coefs []int16, mask uint64, p1 int32) (uint64, uint) {
	for mask != 0 {
		if n == 0 {
			acc, n = br.load(acc, n)
		}
		k := bits.TrailingZeros64(mask) & 63
		mask &= mask - 1
		bit := acc >> 63
		acc <<= 1
		n--
		if bit == 0 {
			continue
		}
		sl := st.slot[k]
		if sl < 0 {
			continue // not kept: only its being non-zero matters
		}
		if c := int32(coefs[sl]); c&p1 == 0 {
			if c >= 0 {
				c += p1
			} else {
				c -= p1
			}
			coefs[sl] = int16(c)
		}
	}
	return acc, n
}

// bandMask has bits lo..hi set (0 <= lo <= hi <= 63; the shift counts
// are masked to 6 bits, which they fit, so each shift is one instruction).
func bandMask(lo, hi int) uint64 {
	return ^uint64(0) >> (uint(63-hi) & 63) &^ (1<<(uint(lo)&63) - 1)
}

// finishProgressive runs the reduced IDCT of every stored block into the
// component planes, once all scans are in.
func (d *decoder) finishProgressive() error {
	var blk [64]int32
	for i := 0; i < d.ncomp; i++ {
		c := &d.comp[i]
		st := &c.store
		if !d.quantSet[c.tq] {
			return FormatError("undefined quantisation table")
		}
		q := &d.quant[c.tq]
		// The kept coefficients are exactly those the reduced IDCT reads,
		// so writing all of them (zeros too) into blk leaves nothing
		// stale there from the previous block. Their slots follow zigzag
		// order (initStore), so slot j is the j-th kept coefficient.
		type kept struct {
			q   int32
			nat uint8
		}
		keep := make([]kept, 0, 64)
		for k, sl := range st.slot {
			if sl >= 0 {
				if int(sl) != len(keep) {
					return fmt.Errorf("jpegscale: coefficient slots out of zigzag order")
				}
				keep = append(keep, kept{q[k], zigzag[k]})
			}
		}
		for by := 0; by < st.bh; by++ {
			for bx := 0; bx < st.bw; bx++ {
				bi := by*st.bw + bx
				coefs := st.coefs[bi*st.nkeep : (bi+1)*st.nkeep]
				coefs = coefs[:len(keep)]
				blk[0] = int32(coefs[0]) * keep[0].q // DC: always kept, first
				var ac int16
				for j := 1; j < len(keep); j++ {
					v := coefs[j]
					blk[keep[j].nat&63] = int32(v) * keep[j].q
					ac |= v
				}
				last := 0
				if ac != 0 {
					last = 1 // the IDCTs only ask whether any AC coefficient is coded
				}
				dst := c.plane[(by*c.stride+bx)*c.bs:]
				switch c.denom {
				case 1:
					idct8x8(&blk, last, dst, c.stride)
				case 2:
					idct4x4(&blk, last, dst, c.stride)
				case 4:
					idct2x2(&blk, last, dst, c.stride)
				default:
					dst[0] = clampU8((int(blk[0]) + 4 + 128*8) >> 3)
				}
			}
		}
		// The coefficients are no longer needed.
		st.coefs, st.nonzero = nil, nil
	}
	return nil
}

// checkProgressiveScan validates the spectral selection and successive
// approximation of a progressive scan (G.1.1.1.1, G.1.1.1.2).
func (d *decoder) checkProgressiveScan(ns int) error {
	switch {
	case d.se > 63 || d.ss > d.se:
		return FormatError(fmt.Sprintf("bad spectral selection %d..%d", d.ss, d.se))
	case d.ss == 0 && d.se != 0:
		return FormatError("DC and AC coefficients in one progressive scan")
	case d.ss > 0 && ns != 1:
		return FormatError("interleaved progressive AC scan")
	case d.al > 13 || d.ah > 13 || (d.ah != 0 && d.ah != d.al+1):
		return FormatError("bad successive approximation")
	}
	return nil
}
