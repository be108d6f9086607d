package photos

import (
	"bytes"
	"encoding/binary"
	"image"

	"github.com/gen2brain/heic"
)

// HEIC/HEIF (iPhones since iOS 11) is decoded by github.com/gen2brain/heic:
// libheif and libde265 compiled to WebAssembly and run under wazero, so the
// binary stays free of cgo on every platform. libheif applies the file's own
// rotation and mirroring (the irot and imir properties) and reports the size
// after them; the HEIF standard says those, not an EXIF Orientation tag,
// decide how the picture stands, so a HEIC is never turned a second time.

// hevcBrands are the ISO-BMFF brands of HEVC-coded HEIF images. "avif"
// (AV1) is not among them: the bundled libheif has no AV1 decoder.
var hevcBrands = map[string]bool{
	"heic": true, "heix": true, "heim": true, "heis": true,
	"hevc": true, "hevx": true, "hevm": true, "hevs": true,
}

// isHEIF reports whether data starts with an ISO-BMFF 'ftyp' box whose major
// brand is a HEVC one, or is the generic "mif1"/"msf1" with a HEVC brand and
// no AV1 brand among the compatible ones.
func isHEIF(data []byte) bool {
	if len(data) < 16 || string(data[4:8]) != "ftyp" {
		return false
	}
	major := string(data[8:12])
	if hevcBrands[major] {
		return true
	}
	if major != "mif1" && major != "msf1" {
		return false
	}
	size := int(binary.BigEndian.Uint32(data))
	if size < 16 || size > len(data) {
		return false
	}
	hevc := false
	for off := 16; off+4 <= size; off += 4 {
		switch b := string(data[off : off+4]); {
		case b == "avif" || b == "avis":
			return false
		case hevcBrands[b]:
			hevc = true
		}
	}
	return hevc
}

// heifDecodeConfig reads the size after libheif's transformations from the
// header boxes, without decoding pixels.
func heifDecodeConfig(data []byte) (image.Config, error) {
	return heic.DecodeConfig(bytes.NewReader(heifHeader(data)))
}

// heifHeaderBytes is what heic.DecodeConfig reads of a file: the boxes
// describing the image must be within it.
const heifHeaderBytes = 32 << 10

// heifHeader returns the part of a HEIF file that describes the image for
// heic.DecodeConfig: the file itself, or, when the 'meta' box lies beyond
// the first 32 KB (a writer that puts the image data first), the 'ftyp'
// and 'meta' boxes alone — the size and rotation are all in 'meta'.
func heifHeader(data []byte) []byte {
	var ftyp, meta []byte
	for off := 0; off+8 <= len(data); {
		size := uint64(binary.BigEndian.Uint32(data[off:]))
		typ := string(data[off+4 : off+8])
		switch size {
		case 0: // to the end of the file
			size = uint64(len(data) - off)
		case 1: // 64-bit size follows the type
			if off+16 > len(data) {
				return data
			}
			size = binary.BigEndian.Uint64(data[off+8:])
		}
		if size < 8 || size > uint64(len(data)-off) {
			return data
		}
		box := data[off : off+int(size)]
		switch typ {
		case "ftyp":
			ftyp = box
		case "meta":
			if off+len(box) <= heifHeaderBytes || ftyp == nil || len(ftyp)+len(box) > heifHeaderBytes {
				return data
			}
			meta = box
			return append(bytes.Clone(ftyp), meta...)
		}
		off += int(size)
	}
	return data
}

// heifDecode decodes the primary image in full (HEIF has no reduced-scale
// decoding).
func heifDecode(data []byte) (image.Image, error) {
	return heic.Decode(bytes.NewReader(data))
}

// heifDecodeBytes estimates the memory a full decode of a w x h HEIF takes:
// libheif's own 4:2:0 planes inside the WebAssembly memory, the copy handed
// to Go, and the file itself in that memory.
func heifDecodeBytes(data []byte, w, h int) int64 {
	return 3*int64(w)*int64(h) + int64(len(data))
}
