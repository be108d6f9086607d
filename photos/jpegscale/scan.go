package jpegscale

import zz "github.com/mlegit/mlegit/photos/internal/zigzag"

// zigzag maps a position in the stream (zigzag order) to its natural
// index v*8+u.
var zigzag = zz.Natural

// scanComp is a component as coded in the current scan.
type scanComp struct {
	c      *component
	dc, ac *huffTable
	q      *[64]int32
	pred   int32 // DC predictor (F.2.1.3.1)
}

// processSOS parses a scan header (B.2.3) and decodes the scan that follows.
func (d *decoder) processSOS(seg []byte) error {
	if !d.sofSeen {
		return FormatError("SOS before SOF")
	}
	if len(seg) < 1 {
		return FormatError("short SOS segment")
	}
	ns := int(seg[0])
	if ns < 1 || ns > d.ncomp || len(seg) != 4+2*ns {
		return FormatError("bad SOS segment")
	}
	var sc [4]scanComp
	for i := 0; i < ns; i++ {
		id, td, ta := seg[1+2*i], seg[2+2*i]>>4, seg[2+2*i]&15
		ci := -1
		for j := 0; j < d.ncomp; j++ {
			if d.comp[j].id == id {
				ci = j
			}
		}
		if ci < 0 {
			return FormatError("unknown component in SOS")
		}
		for j := 0; j < i; j++ {
			if sc[j].c == &d.comp[ci] {
				return FormatError("repeated component in SOS")
			}
		}
		c := &d.comp[ci]
		if td > 3 || ta > 3 {
			return FormatError("bad Huffman table selector")
		}
		// A progressive scan uses the DC table (first DC scan), the AC
		// table (AC scans) or none (DC refinement).
		needDC, needAC := true, true
		if d.progressive {
			needDC, needAC = seg[1+2*ns] == 0 && seg[3+2*ns]>>4 == 0, seg[1+2*ns] > 0
		}
		if (needDC && !d.huff[0][td].defined) || (needAC && !d.huff[1][ta].defined) {
			return FormatError("undefined Huffman table")
		}
		if !d.quantSet[c.tq] {
			return FormatError("undefined quantisation table")
		}
		sc[i] = scanComp{c: c, dc: &d.huff[0][td], ac: &d.huff[1][ta], q: &d.quant[c.tq]}
		c.scanned = true
	}
	if d.progressive {
		d.ss, d.se = int(seg[1+2*ns]), int(seg[2+2*ns])
		d.ah, d.al = int(seg[3+2*ns]>>4), int(seg[3+2*ns]&15)
		if err := d.checkProgressiveScan(ns); err != nil {
			return err
		}
	}
	if d.img == nil {
		// Checked again now that any APPn after the frame header is seen.
		if err := d.checkSupported(); err != nil {
			return err
		}
		if err := d.allocate(); err != nil {
			return err
		}
	}
	return d.decodeScan(sc[:ns])
}

// decodeScan decodes the entropy-coded data of one scan (F.2.2), writing
// each reduced block into its component's plane, and leaves d.pos at the
// marker after the scan.
func (d *decoder) decodeScan(sc []scanComp) error {
	d.br.start(d.data, d.pos)
	mcusX, mcusY := d.mcusX, d.mcusY
	if len(sc) == 1 {
		// Non-interleaved: one block per MCU, only the component's own
		// blocks are coded (A.2.2).
		mcusX, mcusY = sc[0].c.blocksX, sc[0].c.blocksY
	}
	mcu, nextRST := 0, byte(rst0Marker)
	d.eobrun = 0
	for my := 0; my < mcusY; my++ {
		for mx := 0; mx < mcusX; mx++ {
			if d.restartInterval > 0 && mcu > 0 && mcu%d.restartInterval == 0 {
				if err := d.restart(nextRST); err != nil {
					return err
				}
				nextRST = rst0Marker + (nextRST-rst0Marker+1)&7
				for i := range sc {
					sc[i].pred = 0
				}
				d.eobrun = 0
			}
			mcu++
			for i := range sc {
				s := &sc[i]
				if d.progressive {
					if err := d.progMCU(s, len(sc) == 1, mx, my); err != nil {
						return err
					}
					continue
				}
				if len(sc) == 1 {
					if err := d.block(s, mx, my); err != nil {
						return err
					}
					continue
				}
				for v := 0; v < s.c.v; v++ {
					for h := 0; h < s.c.h; h++ {
						if err := d.block(s, mx*s.c.h+h, my*s.c.v+v); err != nil {
							return err
						}
					}
				}
			}
		}
		if d.br.overrun() {
			return errTruncated
		}
	}
	if d.br.overrun() {
		return errTruncated
	}
	d.pos = d.br.dataEnd()
	return nil
}

// restart checks that the interval just decoded stayed within its data,
// then finds the expected RSTn marker and resynchronises the bit reader
// after it (F.2.2.5, E.1.4).
func (d *decoder) restart(want byte) error {
	if d.br.overrun() {
		return errTruncated
	}
	d.pos = d.br.dataEnd()
	m, err := d.nextMarker()
	if err != nil {
		return err
	}
	if m != want {
		return FormatError("bad RST marker")
	}
	d.br.start(d.data, d.pos)
	return nil
}

// errBadCode reports bits that match no code of the Huffman table.
var errBadCode = FormatError("bad Huffman code")

// block decodes the block at (bx, by) of component s and writes its
// (8/denom)-square reduced picture into the component's plane. The bit
// buffer lives in locals for the duration of the block.
func (d *decoder) block(s *scanComp, bx, by int) error {
	br := &d.br
	br.ensure()
	acc, n := br.acc, br.n
	if n < 32 {
		acc, n = br.load(acc, n)
	}
	t, l := s.dc.lookup(acc)
	if l == 0 {
		return errBadCode
	}
	if t > 11 {
		return FormatError("bad DC magnitude category")
	}
	acc <<= l
	n -= l
	if t > 0 {
		s.pred += extend(int32(acc>>(64-uint(t))), uint(t))
		acc <<= t
		n -= uint(t)
	}
	c := s.c
	blk := &d.blk
	blk[0] = s.pred * s.q[0]
	// At denom 8 the AC coefficients are decoded only to be skipped; they
	// are cleared below like everyone else's.
	acc, n, last, err := decodeAC(br, s.ac, s.q, blk, acc, n)
	if err != nil {
		return err
	}
	br.acc, br.n = acc, n

	dst := c.plane[(by*c.stride+bx)*c.bs:]
	switch c.denom {
	case 1:
		idct8x8(blk, last, dst, c.stride)
	case 2:
		idct4x4(blk, last, dst, c.stride)
	case 4:
		idct2x2(blk, last, dst, c.stride)
	default:
		dst[0] = clampU8((int(s.pred*s.q[0]) + 4 + 128*8) >> 3)
	}
	if last == 0 {
		blk[0] = 0
	} else {
		*blk = [64]int32{}
	}
	return nil
}

// decodeAC decodes the AC coefficients of a block into blk (natural
// order, dequantised with q), with the bit buffer in acc and n, and returns
// the buffer and the zigzag index of the last coefficient coded.
func decodeAC(br *bitReader, ac *huffTable, q, blk *[64]int32, acc uint64, n uint) (uint64, uint, int, error) {
	last := 0
	// Dereference the tables once here, so the loop needs no nil checks.
	_, _, _, _ = ac.fastAC[0], q[0], blk[0], br.pos
	k := 1
	for ; k < 64; k++ {
		// Each step consumes at most 16 code bits and 15 magnitude bits.
		if n < 32 {
			acc, n = br.load(acc, n)
		}
		if f := ac.fastAC[acc>>(64-lutBits)]; f != 0 {
			acc <<= uint(f & 15)
			n -= uint(f & 15)
			if f&fastEOB != 0 {
				break
			}
			k += int(f >> 8 & 15)
			// A run past the block (corrupt data) writes a wrong
			// coefficient here and ends the loop with k > 64, which is
			// reported below: one check per block, not per coefficient.
			kk := k & 63
			blk[zigzag[kk]&63] = f >> 16 * q[kk]
			last = k
			continue
		}
		sym, l := ac.lookup(acc)
		if l == 0 {
			return acc, n, 0, errBadCode
		}
		acc <<= l
		n -= l
		r, z := int(sym>>4), uint(sym&15)
		if z == 0 {
			if r != 15 {
				break // EOB
			}
			k += 15 // ZRL: sixteen zeros
			continue
		}
		k += r
		if k > 63 {
			return acc, n, 0, errRunPastBlock
		}
		kk := k & 63
		blk[zigzag[kk]&63] = extend(int32(acc>>(64-z)), z) * q[kk]
		last = k
		acc <<= z
		n -= z
	}
	if k > 64 {
		return acc, n, 0, errRunPastBlock
	}
	return acc, n, last, nil
}

// errRunPastBlock reports an AC run that leaves the 64 coefficients.
var errRunPastBlock = FormatError("AC coefficient run past the block")

// clampU8 clamps v to a byte.
func clampU8(v int) byte {
	if uint(v) > 255 {
		if v < 0 {
			return 0
		}
		return 255
	}
	return byte(v)
}
