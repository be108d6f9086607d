package photos

import (
	"bytes"
	"encoding/binary"
)

// The EXIF reader below looks at untrusted bytes: every offset is checked
// against the slice before use, and anything unexpected yields orientation 1
// (leave the pixels as stored). It reads nothing but the Orientation tag.

const tagOrientation = 0x0112

// jpegOrientation returns the EXIF orientation (1–8) of a JPEG file, taken
// from the first APP1 "Exif" segment before the image data; 1 if none.
func jpegOrientation(data []byte) int {
	if len(data) < 2 || data[0] != 0xFF || data[1] != 0xD8 {
		return 1
	}
	pos := 2
	for pos+1 < len(data) {
		if data[pos] != 0xFF {
			return 1 // not at a marker: corrupt, give up
		}
		for pos < len(data) && data[pos] == 0xFF { // fill bytes
			pos++
		}
		if pos >= len(data) {
			return 1
		}
		marker := data[pos]
		pos++
		switch {
		case marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7):
			continue // standalone markers carry no length
		case marker == 0xDA || marker == 0xD9:
			return 1 // image data (or end) reached without EXIF
		}
		if pos+2 > len(data) {
			return 1
		}
		n := int(binary.BigEndian.Uint16(data[pos:]))
		if n < 2 || pos+n > len(data) {
			return 1
		}
		seg := data[pos+2 : pos+n]
		if marker == 0xE1 && bytes.HasPrefix(seg, []byte("Exif\x00\x00")) {
			return tiffOrientation(seg[6:])
		}
		pos += n
	}
	return 1
}

// pngOrientation returns the orientation from a PNG eXIf chunk (before the
// image data), or 1.
func pngOrientation(data []byte) int {
	if !bytes.HasPrefix(data, pngMagic) {
		return 1
	}
	pos := len(pngMagic)
	for pos+8 <= len(data) {
		n := binary.BigEndian.Uint32(data[pos:])
		typ := string(data[pos+4 : pos+8])
		if n > uint32(len(data)-pos-8) {
			return 1
		}
		body := data[pos+8 : pos+8+int(n)]
		switch typ {
		case "eXIf":
			body = bytes.TrimPrefix(body, []byte("Exif\x00\x00"))
			return tiffOrientation(body)
		case "IDAT", "IEND":
			return 1
		}
		pos += 8 + int(n) + 4 // length, type, data, CRC
	}
	return 1
}

// tiffOrientation reads the Orientation tag from IFD0 of a TIFF structure
// (the body of an EXIF block). It returns 1 when the tag is absent, out of
// range or the structure is malformed.
func tiffOrientation(b []byte) int {
	if len(b) < 8 {
		return 1
	}
	var bo binary.ByteOrder
	switch string(b[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 1
	}
	if bo.Uint16(b[2:]) != 42 {
		return 1
	}
	off := uint64(bo.Uint32(b[4:]))
	if off+2 > uint64(len(b)) {
		return 1
	}
	count := uint64(bo.Uint16(b[off:]))
	for i := uint64(0); i < count; i++ {
		e := off + 2 + 12*i
		if e+12 > uint64(len(b)) {
			return 1
		}
		if bo.Uint16(b[e:]) != tagOrientation {
			continue
		}
		typ, n := bo.Uint16(b[e+2:]), bo.Uint32(b[e+4:])
		var v uint32
		switch {
		case typ == 3 && n >= 1: // SHORT, stored in the first two value bytes
			v = uint32(bo.Uint16(b[e+8:]))
		case typ == 4 && n >= 1: // LONG, written by a few broken tools
			v = bo.Uint32(b[e+8:])
		default:
			return 1
		}
		if v >= 1 && v <= 8 {
			return int(v)
		}
		return 1
	}
	return 1
}
