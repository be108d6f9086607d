package photos

import (
	"encoding/binary"
	"testing"
)

// heifBox is one ISO-BMFF box of a file: where it starts and its size.
type heifBox struct{ off, size int }

func (b heifBox) end() int { return b.off + b.size }

// findHEIFBox finds the first box of type typ among the boxes laid end to
// end in data[from:to].
func findHEIFBox(t *testing.T, data []byte, from, to int, typ string) heifBox {
	t.Helper()
	for off := from; off+8 <= to; {
		size := int(binary.BigEndian.Uint32(data[off:]))
		if size < 8 || off+size > to {
			t.Fatalf("box at %d: size %d", off, size)
		}
		if string(data[off+4:off+8]) == typ {
			return heifBox{off, size}
		}
		off += size
	}
	t.Fatalf("no %s box in %d..%d", typ, from, to)
	return heifBox{}
}

// withIrot adds to an ImageMagick HEIC (one image item, its data in mdat
// after meta) an irot property turning the image angle quarter turns
// anticlockwise, associated with the item and marked essential, as a
// phone stores a photo taken with the phone turned. ImageMagick 6.9 writes
// no irot (nor any EXIF), and heif-enc 1.15 writes none either (it keeps
// a JPEG's EXIF Orientation, which HEIF readers rightly ignore), so the
// property is added here: ipco gains the 9-byte irot box, ipma one
// association byte, their parents grow by as much, and the iloc offsets
// into mdat move with it.
func withIrot(t *testing.T, heic []byte, angle byte) []byte {
	t.Helper()
	meta := findHEIFBox(t, heic, 0, len(heic), "meta")
	body := meta.off + 12 // meta is a full box: version and flags first
	iprp := findHEIFBox(t, heic, body, meta.end(), "iprp")
	ipco := findHEIFBox(t, heic, iprp.off+8, iprp.end(), "ipco")
	ipma := findHEIFBox(t, heic, iprp.off+8, iprp.end(), "ipma")
	iloc := findHEIFBox(t, heic, body, meta.end(), "iloc")
	if iloc.off > iprp.off {
		t.Fatalf("iloc after iprp: its offsets would move too")
	}
	props := 0
	for off := ipco.off + 8; off < ipco.end(); off += int(binary.BigEndian.Uint32(heic[off:])) {
		props++
	}
	// ipma version 0, 7-bit property indices, one entry: item_ID (16
	// bits), association count, then the associations.
	p := ipma.off + 8
	if heic[p] != 0 || heic[p+3]&1 != 0 || binary.BigEndian.Uint32(heic[p+4:]) != 1 || props+1 > 127 {
		t.Fatalf("ipma %x: want version 0, one entry, 7-bit indices", heic[p:ipma.end()])
	}
	count := int(heic[p+10])
	assocEnd := p + 11 + count
	// iloc version 0: offset, length and base offset sizes, then items.
	p = iloc.off + 8
	if heic[p] != 0 || binary.BigEndian.Uint16(heic[p+6:]) != 1 {
		t.Fatalf("iloc %x: want version 0, one item", heic[p:iloc.end()])
	}
	offSize, lenSize, baseSize := int(heic[p+4]>>4), int(heic[p+4]&15), int(heic[p+5]>>4)
	if offSize != 4 || lenSize != 4 || baseSize != 4 {
		t.Fatalf("iloc sizes %d/%d/%d, want 4/4/4", offSize, lenSize, baseSize)
	}
	base := p + 8 + 2 + 2 // item_ID, data_reference_index
	if off := binary.BigEndian.Uint32(heic[base:]) + binary.BigEndian.Uint32(heic[base+6:]); int(off) < meta.end() {
		t.Fatalf("item data at %d, inside meta (ends %d)", off, meta.end())
	}

	irot := []byte{0, 0, 0, 9, 'i', 'r', 'o', 't', angle & 3}
	const grow = 9 + 1
	out := append([]byte(nil), heic[:ipco.end()]...)
	out = append(out, irot...)
	out = append(out, heic[ipco.end():assocEnd]...)
	out = append(out, 0x80|byte(props+1)) // essential, the new property
	out = append(out, heic[assocEnd:]...)
	add := func(at, n int) { binary.BigEndian.PutUint32(out[at:], binary.BigEndian.Uint32(out[at:])+uint32(n)) }
	add(meta.off, grow)
	add(iprp.off, grow)
	add(ipco.off, len(irot))
	add(ipma.off+len(irot), 1)
	out[ipma.off+len(irot)+8+10]++ // the association count
	add(base, grow)                // the item's base offset: mdat moved
	return out
}

// A HEIC whose irot property turns it (as a phone stores a photo taken
// turned) comes out standing as the property says: libheif inside
// gen2brain/heic applies the rotation, and the size Normalize reports is
// the one after it. ImageMagick writes no irot, so the property is added
// to its quadrants.heic (see withIrot). Red, green / blue, yellow
// quarters turned a quarter anticlockwise stand green, yellow / red, blue.
func TestNormalizeHEICIrot(t *testing.T) {
	src := readFixture(t, "quadrants.heic")
	for _, tt := range []struct {
		angle   byte
		corners string
		w, h    int
	}{
		{0, "RGBY", 600, 480},
		{1, "GYRB", 480, 600},
		{2, "YBGR", 600, 480},
		{3, "BRYG", 480, 600},
	} {
		data := withIrot(t, src, tt.angle)
		out, info, err := Normalize(data, small, nil)
		if err != nil {
			t.Fatalf("irot %d: %v", tt.angle, err)
		}
		if info.SourceWidth != tt.w || info.SourceHeight != tt.h {
			t.Errorf("irot %d: source %dx%d, want %dx%d", tt.angle, info.SourceWidth, info.SourceHeight, tt.w, tt.h)
		}
		if got := corners(t, out); got != tt.corners {
			t.Errorf("irot %d: corners %s, want %s", tt.angle, got, tt.corners)
		}
	}
}
