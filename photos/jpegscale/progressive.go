package jpegscale

import "fmt"

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
	set := func(k int, v int32) {
		if v != 0 {
			*nz |= 1 << uint(k)
		}
		if sl := st.slot[k]; sl >= 0 {
			coefs[sl] = int16(v)
		}
	}
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
			set(0, s.pred<<d.al)
			return nil
		}
		if d.bit() != 0 {
			v := int32(coefs[0]) | 1<<d.al
			set(0, v)
		}
		return nil
	}
	if d.ah == 0 {
		return d.acFirst(s, set)
	}
	return d.acRefine(s, coefs, nz, set)
}

// acFirst decodes the first scan of a band of AC coefficients (G.1.2.2).
func (d *decoder) acFirst(s *scanComp, set func(int, int32)) error {
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
		set(k, extend(d.receive(z), z)<<d.al)
	}
	return nil
}

// acRefine decodes a refinement scan of a band of AC coefficients
// (G.1.2.3): one more bit of each coefficient already non-zero, and the
// coefficients that become non-zero (±1 at this bit).
func (d *decoder) acRefine(s *scanComp, coefs []int16, nz *uint64, set func(int, int32)) error {
	st := &s.c.store
	p1, m1 := int32(1)<<d.al, int32(-1)<<d.al
	// refine adds the correction bit to the non-zero coefficient k.
	refine := func(k int) {
		if d.bit() == 0 {
			return
		}
		sl := st.slot[k]
		if sl < 0 {
			return // not kept: only its being non-zero matters
		}
		v := int32(coefs[sl])
		if v&p1 == 0 {
			if v >= 0 {
				v += p1
			} else {
				v += m1
			}
			coefs[sl] = int16(v)
		}
	}
	k := d.ss
	if d.eobrun == 0 {
		for ; k <= d.se; k++ {
			sym, err := d.decodeHuff(s.ac)
			if err != nil {
				return err
			}
			r, z := int(sym>>4), int32(0)
			switch sym & 15 {
			case 0:
				if r != 15 {
					d.eobrun = 1 << r
					if r > 0 {
						d.eobrun += int(d.receive(uint(r)))
					}
					goto eob
				}
				// ZRL: sixteen zero-history coefficients are skipped.
			case 1:
				z = m1
				if d.bit() != 0 {
					z = p1
				}
			default:
				return FormatError("bad refinement magnitude")
			}
			// Skip r zero-history coefficients, refining the non-zero ones
			// met on the way; the new coefficient goes at the next zero.
			for ; k <= d.se; k++ {
				if *nz&(1<<uint(k)) != 0 {
					refine(k)
					continue
				}
				if r == 0 {
					break
				}
				r--
			}
			if z != 0 {
				if k > d.se {
					return errRunPastBlock
				}
				set(k, z)
			}
		}
		return nil
	}
eob:
	for ; k <= d.se; k++ {
		if *nz&(1<<uint(k)) != 0 {
			refine(k)
		}
	}
	d.eobrun--
	return nil
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
		for by := 0; by < st.bh; by++ {
			for bx := 0; bx < st.bw; bx++ {
				bi := by*st.bw + bx
				coefs := st.coefs[bi*st.nkeep : (bi+1)*st.nkeep]
				last := 0
				blk = [64]int32{}
				for k, sl := range st.slot {
					if sl >= 0 && coefs[sl] != 0 {
						blk[zigzag[k]] = int32(coefs[sl]) * q[k]
						last = k
					}
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
