package photos

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
)

var pngMagic = []byte("\x89PNG\r\n\x1a\n")

// Source formats Normalize reads.
const (
	formatJPEG = "jpeg"
	formatPNG  = "png"
)

// sniff names the format of data from its first bytes. It returns the
// format and, for unsupported data, a short English description of what it
// looks like (for Detail), or an *Error.
func sniff(data []byte) (string, error) {
	switch {
	case len(data) == 0:
		return "", &Error{Code: codeUnreadable, Err: fmt.Errorf("empty file")}
	case bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}):
		return formatJPEG, nil
	case bytes.HasPrefix(data, pngMagic):
		return formatPNG, nil
	case len(data) < len(pngMagic) && (bytes.HasPrefix(pngMagic, data) || bytes.HasPrefix([]byte{0xFF, 0xD8, 0xFF}, data)):
		return "", &Error{Code: codeUnreadable, Err: fmt.Errorf("truncated after %d bytes", len(data))}
	case allZero(data[:min(len(data), 4096)]):
		return "", &Error{Code: codeUnreadable, Err: fmt.Errorf("file holds only zero bytes")}
	}
	return "", &Error{Code: codeFormat, Err: fmt.Errorf("unsupported format: %s", describe(data))}
}

// describe names a few formats parents send that we do not read.
func describe(data []byte) string {
	has := func(off int, s string) bool {
		return len(data) >= off+len(s) && string(data[off:off+len(s)]) == s
	}
	switch {
	case has(4, "ftypheic"), has(4, "ftypheix"), has(4, "ftypmif1"), has(4, "ftypmsf1"), has(4, "ftyphevc"):
		return "HEIC/HEIF"
	case has(4, "ftypavif"):
		return "AVIF"
	case has(0, "GIF8"):
		return "GIF"
	case has(0, "RIFF") && has(8, "WEBP"):
		return "WebP"
	case has(0, "BM"):
		return "BMP"
	case has(0, "II*\x00"), has(0, "MM\x00*"):
		return "TIFF"
	case has(0, "%PDF"):
		return "PDF"
	}
	return "unknown"
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// decodeConfig reads the dimensions without decoding pixels.
func decodeConfig(format string, data []byte) (image.Config, error) {
	if format == formatPNG {
		return png.DecodeConfig(bytes.NewReader(data))
	}
	return jpeg.DecodeConfig(bytes.NewReader(data))
}

// decodeScaled decodes data, a JPEG at a reduced scale when that still
// leaves at least minW x minH pixels (stored orientation), and returns the
// image and the denom used (1 for a full decode).
func decodeScaled(format string, data []byte, minW, minH int) (image.Image, int, error) {
	if format == formatPNG {
		img, err := png.Decode(bytes.NewReader(data))
		return img, 1, err
	}
	img, err := jpeg.Decode(bytes.NewReader(data))
	return img, 1, err
}

// chooseDenom returns the largest JPEG scale denominator (8, 4, 2 or 1)
// that keeps a w x h image at least minW x minH, counting the reduced size
// as ceil(w/denom) like libjpeg's scaled IDCT.
func chooseDenom(w, h, minW, minH int) int {
	for _, d := range []int{8, 4, 2} {
		if (w+d-1)/d >= minW && (h+d-1)/d >= minH {
			return d
		}
	}
	return 1
}
