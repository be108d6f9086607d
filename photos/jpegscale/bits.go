package jpegscale

import "encoding/binary"

// lutBits is the number of leading stream bits resolved by one lookup in a
// Huffman table; codes up to this length (almost every code in a photo)
// decode without a loop.
const lutBits = 10

// windowBytes is the size of the bit reader's window of unstuffed scan
// bytes.
const windowBytes = 16 << 10

// blockMargin is how many unstuffed bytes must be in the window ahead of
// the read position when a block starts: a block reads at most 64 codes of
// 16 bits with 15 magnitude bits each (about 250 bytes, corrupt data
// included), and a load takes 8 bytes.
const blockMargin = 320

// bitReader serves the entropy-coded bits of a scan from an in-memory file.
// It copies the scan's bytes, with byte stuffing removed (0xFF 0x00 means
// a data byte 0xFF), into a window, a few kilobytes at a time, and stops at
// the first marker; past the scan's data the window holds zero bytes. A
// block is decoded from the window with plain 8-byte loads (load), no
// check for stuffing or for the end of the data on the way: ensure, called
// before each block, keeps blockMargin bytes ahead, and a scan that reads
// past its data is detected afterwards by overrun.
type bitReader struct {
	data  []byte // the file
	src   int    // next byte of data to copy into the window
	win   [windowBytes]byte
	pos   int    // next byte of win to load into acc
	fill  int    // bytes of win filled: scan data, then zeros once ended
	end   int    // bytes of win (from its start) that are scan data, once ended
	ended bool   // the scan's data (up to a marker or the end) is all in win
	acc   uint64 // unread bits, most significant first
	n     uint   // number of valid bits in acc
}

// start points the reader at the scan data beginning at data[pos].
func (b *bitReader) start(data []byte, pos int) {
	b.data, b.src = data, pos
	b.pos, b.fill, b.end, b.ended = 0, 0, 0, false
	b.acc, b.n = 0, 0
	b.slide()
}

// load tops acc (holding n valid bits) up to between 56 and 63 valid bits
// from the window: it ORs in the next 8 bytes below the valid bits and
// counts only the whole bytes that fit, so the bits it leaves uncounted
// are loaded again, unchanged, next time. The caller must have called
// ensure since the current block began.
func (b *bitReader) load(acc uint64, n uint) (uint64, uint) {
	acc |= binary.BigEndian.Uint64(b.win[b.pos:b.pos+8]) >> n
	b.pos += int((63 - n) >> 3)
	return acc, n | 56
}

// ensure makes sure blockMargin bytes lie ahead of pos in the window.
func (b *bitReader) ensure() {
	if b.pos+blockMargin > b.fill {
		b.slide()
	}
}

// slide moves the unread part of the window to its start and copies more
// of the scan behind it, unstuffing, until the window is full or the scan
// data ends at a marker or the end of the file; after that it fills the
// window with zeros.
func (b *bitReader) slide() {
	copy(b.win[:], b.win[b.pos:b.fill])
	b.fill -= b.pos
	b.end -= b.pos
	b.pos = 0
	if b.ended {
		clear(b.win[b.fill:])
		b.fill = len(b.win)
		return
	}
	d, s, f := b.data, b.src, b.fill
	for f < len(b.win)-8 {
		// Fast path: eight bytes without a 0xFF are copied as they are.
		if s+8 <= len(d) {
			x := binary.LittleEndian.Uint64(d[s:])
			if t := ^x; (t-0x0101010101010101)&^t&0x8080808080808080 == 0 {
				binary.LittleEndian.PutUint64(b.win[f:], x)
				s += 8
				f += 8
				continue
			}
		}
		if s >= len(d) {
			b.ended = true
			break
		}
		c := d[s]
		if c != 0xFF {
			b.win[f] = c
			f++
			s++
			continue
		}
		if s+1 < len(d) && d[s+1] == 0 {
			b.win[f] = 0xFF
			f++
			s += 2
			continue
		}
		b.ended = true // a marker: the scan data ends here
		break
	}
	b.src, b.fill = s, f
	if b.ended {
		b.end = f
		clear(b.win[f:])
		b.fill = len(b.win)
	}
}

// overrun reports whether bits beyond the scan's real data were consumed,
// which means the data is truncated or corrupt.
func (b *bitReader) overrun() bool {
	return b.ended && b.pos*8-int(b.n) > b.end*8
}

// dataEnd returns the offset in the file just past the scan data read so
// far (at the marker that ends the scan, once the window reached it).
func (b *bitReader) dataEnd() int { return b.src }

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
