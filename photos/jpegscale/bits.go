package jpegscale

import "encoding/binary"

// lutBits is the number of leading stream bits resolved by one lookup in a
// Huffman table; codes up to this length (almost every code in a photo)
// decode without a loop.
const lutBits = 10

// bitReader serves the entropy-coded bits of a scan from an in-memory file.
// It removes byte stuffing (0xFF 0x00 means a data byte 0xFF) and stops at
// markers: at a marker or at the end of the data it invents zero bytes
// instead, counting them in pad, so a scan that reads past its data is
// detected by overrun rather than by a check on every bit.
type bitReader struct {
	data []byte
	pos  int    // next byte of data to load into acc
	acc  uint64 // unread bits, most significant first
	n    uint   // number of valid bits in acc
	pad  uint   // invented zero bytes loaded into acc since the last reset
}

// refill tops the bit buffer acc (holding n valid bits, n <= 56) up to at
// least 57 bits and returns it; the hot loops keep acc and n in locals and
// store them back in b only when they call out.
func (b *bitReader) refill(acc uint64, n uint) (uint64, uint) {
	// Fast path: eight bytes without a 0xFF among them need no unstuffing
	// and hold no marker, so as many whole bytes as fit go in at once.
	if b.pos+8 <= len(b.data) {
		x := binary.BigEndian.Uint64(b.data[b.pos:])
		if t := ^x; (t-0x0101010101010101)&^t&0x8080808080808080 == 0 {
			nb := (64 - n) >> 3
			newN := n + nb*8
			acc |= (x >> n) &^ (1<<(64-newN) - 1)
			b.pos += int(nb)
			return acc, newN
		}
	}
	for n <= 56 {
		var c byte
		if b.pos < len(b.data) {
			c = b.data[b.pos]
			if c != 0xFF {
				b.pos++
			} else if b.pos+1 < len(b.data) && b.data[b.pos+1] == 0 {
				b.pos += 2
			} else {
				c = 0
				b.pad++
			}
		} else {
			b.pad++
		}
		acc |= uint64(c) << (56 - n)
		n += 8
	}
	return acc, n
}

// overrun reports whether bits beyond the scan's real data were consumed,
// which means the data is truncated or corrupt.
func (b *bitReader) overrun() bool { return b.pad*8 > b.n }

// reset discards buffered bits, as required before a restart marker.
func (b *bitReader) reset() { b.acc, b.n, b.pad = 0, 0, 0 }

// extend turns the s-bit magnitude v of a coefficient into its signed value
// (F.2.2.1, EXTEND).
func extend(v int32, s uint) int32 {
	if v < 1<<(s-1) {
		v += -1<<s + 1
	}
	return v
}

// fastEOB flags the end-of-block code in huffTable.fastAC.
const fastEOB = 1 << 6

// huffTable is one decoded DHT table.
type huffTable struct {
	// lut maps the next lutBits bits to codeLength<<8 | symbol, or 0 when
	// the code is longer than lutBits.
	lut [1 << lutBits]uint16
	// maxCode[l] is the largest code of length l, or -1 if there is none;
	// valOffset[l] turns such a code into an index into vals.
	maxCode   [17]int32
	valOffset [17]int32
	vals      [256]uint8
	// fastAC maps the next lutBits bits, when they hold an AC code and all
	// of its magnitude bits, to value<<16 | run<<8 | bits used, or when
	// they hold the end-of-block code, to fastEOB | bits used; else 0.
	fastAC  [1 << lutBits]int32
	defined bool
}

// build fills the table from the DHT counts per code length and symbols,
// assigning canonical codes (Annex C) and rejecting an over-full code space.
func (h *huffTable) build(counts *[16]uint8, vals []byte) error {
	*h = huffTable{defined: true}
	copy(h.vals[:], vals)
	code, k := int32(0), int32(0)
	for l := 1; l <= 16; l++ {
		nc := int32(counts[l-1])
		// Codes of length l must fit in l bits and may not be all ones
		// (C.2; libjpeg enforces the same).
		if code+nc >= 1<<l {
			return FormatError("bad Huffman table")
		}
		h.maxCode[l] = -1
		if nc > 0 {
			h.valOffset[l] = k - code
			if l <= lutBits {
				shift := lutBits - l
				for i := int32(0); i < nc; i++ {
					entry := uint16(l)<<8 | uint16(vals[k+i])
					first := (code + i) << shift
					for j := int32(0); j < 1<<shift; j++ {
						h.lut[first+j] = entry
					}
				}
			}
			code += nc
			k += nc
			h.maxCode[l] = code - 1
		}
		code <<= 1
	}
	for i, e := range h.lut {
		l, sym := uint(e>>8), e&0xFF
		run, size := int32(sym>>4), uint(sym&15)
		if e != 0 && sym == 0 {
			h.fastAC[i] = fastEOB | int32(l)
		}
		if e == 0 || size == 0 || l+size > lutBits {
			continue
		}
		v := extend(int32(i>>(lutBits-l-size))&(1<<size-1), size)
		h.fastAC[i] = v<<16 | run<<8 | int32(l+size)
	}
	return nil
}

// lookup decodes the Huffman code at the top of acc, which must hold at
// least 16 valid bits, returning its symbol and length; length 0 means the
// bits are no valid code.
func (h *huffTable) lookup(acc uint64) (sym uint8, length uint) {
	if e := h.lut[acc>>(64-lutBits)]; e != 0 {
		return uint8(e), uint(e >> 8)
	}
	return h.lookupSlow(acc)
}

// lookupSlow resolves codes longer than lutBits.
func (h *huffTable) lookupSlow(acc uint64) (uint8, uint) {
	for l := uint(lutBits + 1); l <= 16; l++ {
		code := int32(acc >> (64 - l))
		if code <= h.maxCode[l] {
			return h.vals[h.valOffset[l]+code], l
		}
	}
	return 0, 0
}
