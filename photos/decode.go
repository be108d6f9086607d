package photos

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"log/slog"

	"github.com/mlegit/mlegit/photos/jpegscale"
	"github.com/mlegit/mlegit/reject"
	"github.com/mlegit/mlegit/texts"
)

var pngMagic = []byte("\x89PNG\r\n\x1a\n")

// Source formats Normalize reads.
const (
	formatJPEG = "jpeg"
	formatPNG  = "png"
	formatHEIF = "heif"
	formatWebP = "webp"
)

// sniff names the format of data from its first bytes. It returns the
// format and, for unsupported data, a short English description of what it
// looks like (for Detail), or an *Error.
func sniff(data []byte) (string, error) {
	switch {
	case len(data) == 0:
		return "", &Error{Code: codeUnreadable, Err: fmt.Errorf("empty file"), Variant: "empty"}
	case bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}):
		return formatJPEG, nil
	case bytes.HasPrefix(data, pngMagic):
		return formatPNG, nil
	case isHEIF(data):
		return formatHEIF, nil
	case isWebP(data):
		return formatWebP, nil
	case len(data) < len(pngMagic) && (bytes.HasPrefix(pngMagic, data) || bytes.HasPrefix([]byte{0xFF, 0xD8, 0xFF}, data)):
		return "", &Error{Code: codeUnreadable, Err: fmt.Errorf("truncated after %d bytes", len(data)),
			Variant: "truncated", Args: texts.Args{"found_bytes": texts.Bytes(len(data))}}
	case allZero(data[:min(len(data), 4096)]):
		return "", &Error{Code: codeUnreadable, Err: fmt.Errorf("file holds only zero bytes"), Variant: "zeros"}
	}
	what := describe(data)
	variant := ""
	if what == "unknown" {
		variant = "unknown"
	}
	return "", &Error{Code: codeFormat, Err: fmt.Errorf("unsupported format: %s", what), Variant: variant, Args: texts.Args{"format": what}}
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
	switch format {
	case formatPNG:
		return png.DecodeConfig(bytes.NewReader(data))
	case formatHEIF:
		return heifDecodeConfig(data)
	case formatWebP:
		return webpDecodeConfig(data)
	}
	return jpeg.DecodeConfig(bytes.NewReader(data))
}

// orientation returns the EXIF orientation (1–8) the pixels of data must be
// turned by; 1 for HEIF, whose own transformations the decoder applies.
func orientation(format string, data []byte) int {
	switch format {
	case formatJPEG:
		return jpegOrientation(data)
	case formatPNG:
		return pngOrientation(data)
	case formatWebP:
		return webpOrientation(data)
	}
	return 1
}

// fullDecodeBytes estimates the memory of decoding a source of the given
// header at full size, for the formats that have no reduced-scale decoding;
// 0 for JPEG, whose decoding is scaled down to what the output needs.
func fullDecodeBytes(format string, data []byte, cfg image.Config) int64 {
	switch format {
	case formatPNG:
		return int64(cfg.Width) * int64(cfg.Height) * bytesPerPixel(cfg.ColorModel)
	case formatHEIF:
		return heifDecodeBytes(data, cfg.Width, cfg.Height)
	case formatWebP:
		return webpDecodeBytes(data, cfg.Width, cfg.Height)
	}
	return 0
}

// useJPEGScale switches the reduced-scale decoder on; tests turn it off to
// compare with the image/jpeg path.
var useJPEGScale = true

// decodeScaled decodes data (stored size w x h), a JPEG at a reduced scale
// when that still leaves at least minW x minH pixels (stored orientation),
// preferring resizeMargin/2 times that, and returns the image and the
// denom used (1 for a full decode). A JPEG decode allocates at most limit
// bytes: a progressive JPEG that would need more at the preferred scale is
// decoded smaller, down to the minimum. JPEGs the reduced-scale decoder
// does not handle (CMYK, arithmetic-coded, ...) or finds malformed are
// decoded in full by image/jpeg when that fits the limit.
func decodeScaled(format string, data []byte, w, h, minW, minH int, limit int64) (image.Image, int, error) {
	switch format {
	case formatPNG:
		img, err := png.Decode(bytes.NewReader(data))
		return img, 1, err
	case formatHEIF:
		img, err := heifDecode(data)
		return img, 1, err
	case formatWebP:
		img, err := webpDecode(data)
		return img, 1, err
	}
	if useJPEGScale {
		img, denom, err := decodeJPEGScaled(data, w, h, minW, minH, limit)
		if err == nil {
			return img, denom, nil
		}
		var lim *jpegscale.LimitError
		if errors.As(err, &lim) {
			return nil, 0, &Error{Code: reject.PhotoTooLarge, Err: fmt.Errorf("decoding needs %d MB even at the smallest usable scale, over %d MB", lim.Need>>20, limit>>20),
				Variant: "decode", Args: texts.Args{"found": texts.Size{W: w, H: h}, "found_bytes": texts.Bytes(lim.Need), "limit_bytes": texts.Bytes(limit)}}
		}
		// UnsupportedError: a valid JPEG it does not handle. A FormatError
		// is retried too: image/jpeg may tolerate damage the reduced-scale
		// decoder does not, and a usable photo must not be refused for it.
		var unsupported jpegscale.UnsupportedError
		if !errors.As(err, &unsupported) {
			slog.Debug("reduced-scale decoding failed, retrying with image/jpeg", "err", err)
		}
		// image/jpeg holds 4 bytes a pixel (CMYK) and, for a progressive
		// file, 256 bytes of coefficients a block (6 a pixel in 4:2:0).
		if need := int64(w) * int64(h) * 10; need > limit {
			if !errors.As(err, &unsupported) {
				return nil, 0, err
			}
			return nil, 0, &Error{Code: reject.PhotoTooLarge, Err: fmt.Errorf("%v; a full decode of %dx%d would need about %d MB, over %d MB", err, w, h, need>>20, limit>>20),
				Variant: "decode", Args: texts.Args{"found": texts.Size{W: w, H: h}, "found_bytes": texts.Bytes(need), "limit_bytes": texts.Bytes(limit)}}
		}
	}
	img, err := jpeg.Decode(bytes.NewReader(data))
	return img, 1, err
}

// decodeJPEGScaled decodes a JPEG with jpegscale, from the preferred scale
// (leaving the resize its margin, chroma at full resolution) to the
// smallest that still gives minW x minH, the first whose memory fits limit.
func decodeJPEGScaled(data []byte, w, h, minW, minH int, limit int64) (image.Image, int, error) {
	least := jpegscale.Denom(w, h, minW, minH)
	denom := jpegscale.Denom(w, h, (resizeMargin*minW+1)/2, (resizeMargin*minH+1)/2)
	var err error
	for ; denom <= least; denom *= 2 {
		for _, full := range []bool{true, false} {
			var img image.Image
			img, err = jpegscale.DecodeBytes(data, denom, &jpegscale.Options{FullChroma: full, MaxBytes: limit})
			var lim *jpegscale.LimitError
			if !errors.As(err, &lim) {
				return img, denom, err
			}
		}
	}
	return nil, 0, err
}

// Probe reads what a photo is from its bytes without decoding its pixels:
// the format ("jpeg", "png", "heif" or "webp"), the usual file extension
// for it (".jpg", ".png", ".heic", ".webp") and the stored size. Data in a
// format Normalize does not read, or whose header is damaged, gives an
// *Error (PHOTO_FORMAT or PHOTO_UNREADABLE).
func Probe(data []byte) (format, ext string, width, height int, err error) {
	format, err = sniff(data)
	if err != nil {
		return "", "", 0, 0, err
	}
	cfg, err := decodeConfig(format, data)
	if err != nil {
		return format, "", 0, 0, &Error{Code: reject.PhotoUnreadable, Err: fmt.Errorf("reading %s header: %w", format, err)}
	}
	ext = map[string]string{formatJPEG: ".jpg", formatPNG: ".png", formatHEIF: ".heic", formatWebP: ".webp"}[format]
	return format, ext, cfg.Width, cfg.Height, nil
}
