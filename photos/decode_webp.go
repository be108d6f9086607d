package photos

import (
	"bytes"
	"encoding/binary"
	"image"

	"golang.org/x/image/webp"
)

// WebP (some Android phones and messengers) is decoded by
// golang.org/x/image/webp, in full: lossy VP8 to 4:2:0 YCbCr, lossless VP8L
// to NRGBA. Its EXIF orientation lives in an "EXIF" chunk of the extended
// (VP8X) format.

// isWebP reports whether data is a RIFF container of form WEBP.
func isWebP(data []byte) bool {
	return len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP"
}

// webpChunks calls fn with the FourCC and body of each chunk of a WebP file
// until fn returns false or the chunks end or stop making sense. Offsets are
// checked against data before use: the bytes are untrusted.
func webpChunks(data []byte, fn func(id string, body []byte) bool) {
	if !isWebP(data) {
		return
	}
	pos := 12
	for pos+8 <= len(data) {
		id := string(data[pos : pos+4])
		n := uint64(binary.LittleEndian.Uint32(data[pos+4:]))
		if n > uint64(len(data)-pos-8) {
			return
		}
		if !fn(id, data[pos+8:pos+8+int(n)]) {
			return
		}
		pos += 8 + int(n) + int(n&1) // chunks are padded to even length
	}
}

// webpOrientation returns the orientation (1–8) from the EXIF chunk of an
// extended WebP, or 1.
func webpOrientation(data []byte) int {
	o := 1
	webpChunks(data, func(id string, body []byte) bool {
		if id != "EXIF" {
			return true
		}
		// The standard says a bare TIFF structure; some writers keep the
		// JPEG APP1 "Exif\0\0" prefix.
		o = tiffOrientation(bytes.TrimPrefix(body, []byte("Exif\x00\x00")))
		return false
	})
	return o
}

// webpDecodeBytes estimates the memory a full decode of a w x h WebP takes:
// 4 bytes a pixel for lossless (NRGBA), 2.5 for lossy (YCbCr 4:2:0 and an
// alpha plane).
func webpDecodeBytes(data []byte, w, h int) int64 {
	px := int64(w) * int64(h)
	lossless := false
	webpChunks(data, func(id string, _ []byte) bool {
		if id == "VP8L" {
			lossless = true
			return false
		}
		return true
	})
	if lossless {
		return 4 * px
	}
	return px * 5 / 2
}

func webpDecodeConfig(data []byte) (image.Config, error) {
	return webp.DecodeConfig(bytes.NewReader(data))
}

func webpDecode(data []byte) (image.Image, error) {
	return webp.Decode(bytes.NewReader(data))
}
