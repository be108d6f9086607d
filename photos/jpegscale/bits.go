package jpegscale

// lutBits is the number of leading stream bits resolved by one lookup in a
// Huffman table; codes up to this length (almost every code in a photo)
// decode without a loop.
const lutBits = 9

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

// fill tops acc up to at least 57 valid bits.
func (b *bitReader) fill() {
	for b.n <= 56 {
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
		b.acc |= uint64(c) << (56 - b.n)
		b.n += 8
	}
}

// overrun reports whether bits beyond the scan's real data were consumed,
// which means the data is truncated or corrupt.
func (b *bitReader) overrun() bool { return b.pad*8 > b.n }

// reset discards buffered bits, as required before a restart marker.
func (b *bitReader) reset() { b.acc, b.n, b.pad = 0, 0, 0 }

// skip consumes s bits; the caller guarantees they are buffered.
func (b *bitReader) skip(s uint) {
	b.acc <<= s
	b.n -= s
}

// receiveExtend consumes s (1..16) buffered bits holding a coefficient
// magnitude category and returns the signed value they encode (F.2.2.1).
func (b *bitReader) receiveExtend(s uint) int32 {
	v := int32(b.acc >> (64 - s))
	b.acc <<= s
	b.n -= s
	if v < 1<<(s-1) {
		v += -1<<s + 1
	}
	return v
}

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
	defined   bool
}

// build fills the table from the DHT counts per code length and symbols,
// assigning canonical codes (Annex C) and rejecting an over-full code space.
func (h *huffTable) build(counts *[16]uint8, vals []byte) error {
	*h = huffTable{defined: true}
	copy(h.vals[:], vals)
	code, k := int32(0), int32(0)
	for l := 1; l <= 16; l++ {
		nc := int32(counts[l-1])
		if nc == 0 {
			h.maxCode[l] = -1
		} else {
			h.valOffset[l] = k - code
			for i := int32(0); i < nc; i++ {
				if l <= lutBits {
					shift := lutBits - l
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
		// Codes of length l must fit in l bits and may not be all ones
		// (C.2; libjpeg enforces the same).
		if code >= 1<<l {
			return FormatError("bad Huffman table")
		}
		code <<= 1
	}
	return nil
}

// decodeHuff reads one Huffman-coded symbol. The caller guarantees at least
// 16 buffered bits.
func (b *bitReader) decodeHuff(h *huffTable) (uint8, error) {
	if e := h.lut[b.acc>>(64-lutBits)]; e != 0 {
		b.skip(uint(e >> 8))
		return uint8(e), nil
	}
	return b.decodeHuffSlow(h)
}

// decodeHuffSlow resolves codes longer than lutBits.
func (b *bitReader) decodeHuffSlow(h *huffTable) (uint8, error) {
	for l := uint(lutBits + 1); l <= 16; l++ {
		code := int32(b.acc >> (64 - l))
		if code <= h.maxCode[l] {
			b.skip(l)
			return h.vals[h.valOffset[l]+code], nil
		}
	}
	return 0, FormatError("bad Huffman code")
}
