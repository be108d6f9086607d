package photos

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"

	"github.com/disintegration/imaging"

	"github.com/mlegit/mlegit/photos/jpegenc"

	"github.com/mlegit/mlegit/reject"
	"github.com/mlegit/mlegit/texts"
)

// Short names for the codes Normalize returns.
const (
	codeUnreadable = reject.PhotoUnreadable
	codeFormat     = reject.PhotoFormat
)

// Error is a photo rejected by Normalize: Code says why, for the
// secretariat; Err holds the technical detail (English, no personal data).
type Error struct {
	Code reject.Code
	Err  error
	// Variant and Args choose and fill the Polish detail of Code in the
	// texts catalogue (the file name is added by the caller that knows
	// it, as "file").
	Variant string
	Args    texts.Args
}

// Polish returns the Polish detail of e for the photo file named file.
func (e *Error) Polish(file string) string {
	a := texts.Args{"file": texts.Quoted(file)}
	for k, v := range e.Args {
		a[k] = v
	}
	return e.Code.Detail(e.Variant, a)
}

// Error implements error: the code, then the detail.
func (e *Error) Error() string { return fmt.Sprintf("%s: %v", e.Code, e.Err) }

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// megapixels writes a pixel count in millions, to one decimal.
func megapixels(n int64) float64 { return float64(n/100_000) / 10 }

// CodeOf returns the rejection code of an error from Normalize, or "" when
// err is not an *Error.
func CodeOf(err error) reject.Code {
	var pe *Error
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// DefaultMaxPixels is the largest source (width x height) opened when
// Options.MaxPixels is 0: well above a 48 MP phone camera, well below what
// would exhaust a worker's memory.
const DefaultMaxPixels = 50_000_000

// DefaultMaxFileBytes is the largest source file read when
// Options.MaxFileBytes is 0.
const DefaultMaxFileBytes = 64 << 20

// Options tunes Normalize; a nil *Options means the defaults.
type Options struct {
	// MaxDecodeBytes caps the memory of decoding a source
	// (0: DefaultMaxDecodeBytes): the full-size image of a PNG, HEIF or
	// WebP, the reduced planes and kept coefficients of a JPEG (decoded
	// smaller when needed). Sources over it are PHOTO_TOO_LARGE and are
	// never decoded.
	MaxDecodeBytes int64
	// MaxPixels caps width x height of a source (0: DefaultMaxPixels).
	// Larger photos are PHOTO_TOO_LARGE and are never decoded.
	MaxPixels int64
	// MaxFileBytes caps the size of a source file (0: DefaultMaxFileBytes).
	MaxFileBytes int64
	// Cropper chooses the part kept (nil: the profile's Crop).
	Cropper Cropper
}

// DefaultMaxDecodeBytes caps the memory of decoding a source when
// Options.MaxDecodeBytes is 0, so that one worker stays under 120 MB with
// the source file and the output: an 8-bit RGBA PNG of up to 20 MP, a
// 16-bit one of up to 10 MP; any baseline or progressive JPEG up to
// DefaultMaxPixels, decoded at a smaller scale where the preferred one
// would take more.
const DefaultMaxDecodeBytes = 80 << 20

func (o *Options) maxDecodeBytes() int64 {
	if o == nil || o.MaxDecodeBytes <= 0 {
		return DefaultMaxDecodeBytes
	}
	return o.MaxDecodeBytes
}

func (o *Options) maxPixels() int64 {
	if o == nil || o.MaxPixels <= 0 {
		return DefaultMaxPixels
	}
	return o.MaxPixels
}

func (o *Options) maxFileBytes() int64 {
	if o == nil || o.MaxFileBytes <= 0 {
		return DefaultMaxFileBytes
	}
	return o.MaxFileBytes
}

func (o *Options) cropper(p Profile) Cropper {
	if o != nil && o.Cropper != nil {
		return o.Cropper
	}
	if p.Crop == CropCentre {
		return CenterCrop{}
	}
	return AttentionCrop{}
}

// Info describes what Normalize did, for logs and the benchmark.
type Info struct {
	Format        string // source format: "jpeg" or "png"
	SourceWidth   int    // stored source size, before orientation
	SourceHeight  int
	Orientation   int // EXIF orientation applied (1 = none)
	Denom         int // reduced-scale decoding factor used (1 = full decode)
	Width, Height int // output size
	Quality       int // JPEG quality chosen
	Bytes         int // output size in bytes
	// Warnings are the checks the written photo failed (too dark,
	// blurred, no face, background not light where the profile asks).
	Warnings []Warning
}

// Normalize turns the bytes of a photo into a baseline RGB JPEG that meets
// profile p: format sniffed from the bytes, size checked before decoding,
// EXIF orientation applied, converted to RGB (transparency on white),
// cropped to the aspect, resized with Lanczos, encoded at the highest
// quality within the profile's range that fits its byte limit. The output
// carries no metadata. A photo that cannot be used gives an *Error.
func Normalize(data []byte, p Profile, opt *Options) ([]byte, Info, error) {
	var info Info
	if int64(len(data)) > opt.maxFileBytes() {
		return nil, info, &Error{Code: reject.PhotoTooLarge, Err: fmt.Errorf("file of %d bytes exceeds %d", len(data), opt.maxFileBytes()),
			Variant: "bytes", Args: texts.Args{"found_bytes": texts.Bytes(len(data)), "limit_bytes": texts.Bytes(opt.maxFileBytes())}}
	}
	format, err := sniff(data)
	if err != nil {
		return nil, info, err
	}
	info.Format = format
	cfg, err := decodeConfig(format, data)
	if err != nil {
		return nil, info, &Error{Code: reject.PhotoUnreadable, Err: fmt.Errorf("reading %s header: %w", format, err)}
	}
	sw, sh := cfg.Width, cfg.Height
	info.SourceWidth, info.SourceHeight = sw, sh
	if sw <= 0 || sh <= 0 {
		return nil, info, &Error{Code: reject.PhotoUnreadable, Err: fmt.Errorf("%s header gives size %dx%d", format, sw, sh)}
	}
	if int64(sw)*int64(sh) > opt.maxPixels() {
		return nil, info, &Error{Code: reject.PhotoTooLarge, Err: fmt.Errorf("%dx%d exceeds %d pixels", sw, sh, opt.maxPixels()),
			Args: texts.Args{"found": texts.Size{W: sw, H: sh}, "megapixels": megapixels(int64(sw) * int64(sh)), "limit_megapixels": megapixels(opt.maxPixels())}}
	}
	if n := fullDecodeBytes(format, data, cfg); n > opt.maxDecodeBytes() {
		return nil, info, &Error{Code: reject.PhotoTooLarge, Err: fmt.Errorf("%dx%d %s decodes to %d MB, over %d MB",
			sw, sh, format, n>>20, opt.maxDecodeBytes()>>20),
			Variant: "decode", Args: texts.Args{"found": texts.Size{W: sw, H: sh}, "found_bytes": texts.Bytes(n), "limit_bytes": texts.Bytes(opt.maxDecodeBytes())}}
	}

	o := orientation(format, data)
	info.Orientation = o
	uw, uh := uprightSize(o, sw, sh)
	plan, err := planOutput(p, uw, uh)
	if err != nil {
		return nil, info, err
	}

	// Decode only as many pixels as the output needs: the upright image
	// must keep at least need.X x need.Y so the crop is no smaller than the
	// output (decodeScaled prefers resizeMargin/2 times that).
	needW := (plan.outW*uw + plan.cropW - 1) / plan.cropW
	needH := (plan.outH*uh + plan.cropH - 1) / plan.cropH
	if swapsAxes(o) {
		needW, needH = needH, needW
	}
	img, denom, err := decodeScaled(format, data, sw, sh, needW, needH, opt.maxDecodeBytes())
	if err != nil {
		var pe *Error
		if errors.As(err, &pe) {
			return nil, info, pe
		}
		return nil, info, &Error{Code: reject.PhotoUnreadable, Err: fmt.Errorf("decoding %s: %w", format, err)}
	}
	info.Denom = denom

	rgb := render(img, denom, sw, sh, o, plan, p, opt.cropper(p))
	img = nil // let the decoded source go before encoding
	info.Width, info.Height = rgb.Bounds().Dx(), rgb.Bounds().Dy()

	ycc := asYCbCr444(rgb)
	if info.Warnings, err = check(ycc, p); err != nil {
		return nil, info, err
	}
	out, q, err := encodeFitting(ycc, p)
	if err != nil {
		return nil, info, err
	}
	info.Quality, info.Bytes = q, len(out)
	return out, info, nil
}

// resizeMargin is twice the factor a reduced-scale decode prefers to leave
// to the resize (3: 1.5x). The reduced decode is a box filter; the margin
// leaves the Lanczos filter room to shape the result like a resize of the
// full image (at a margin near 1 the box filter alone would decide, and
// cost several dB).
const resizeMargin = 3

// outputPlan is the geometry decided from the header alone.
type outputPlan struct {
	cropW, cropH int // largest crop of the upright full-size source
	outW, outH   int // output size
}

// planOutput decides the crop and output size of an upright uw x uh source
// under p, or rejects it as too small.
func planOutput(p Profile, uw, uh int) (outputPlan, error) {
	if uw < p.MinWidth || uh < p.MinHeight {
		return outputPlan{}, &Error{Code: reject.PhotoTooSmall, Err: fmt.Errorf("%dx%d is below the minimum %dx%d", uw, uh, p.MinWidth, p.MinHeight),
			Args: texts.Args{"found": texts.Size{W: uw, H: uh}, "need": texts.Size{W: p.MinWidth, H: p.MinHeight}}}
	}
	var pl outputPlan
	if p.HasAspect() {
		pl.cropW, pl.cropH = aspectFit(uw, uh, p.AspectW, p.AspectH)
		if pl.cropW >= p.Width && pl.cropH >= p.Height {
			pl.outW, pl.outH = p.Width, p.Height
		} else { // output the crop's own size rather than upscale
			pl.outW, pl.outH = aspectFit(min(pl.cropW, p.Width), pl.cropH, p.AspectW, p.AspectH)
		}
	} else {
		pl.cropW, pl.cropH = uw, uh
		s := min(1, float64(p.Width)/float64(uw), float64(p.Height)/float64(uh))
		pl.outW = max(1, int(float64(uw)*s+0.5))
		pl.outH = max(1, int(float64(uh)*s+0.5))
	}
	if pl.outW < p.MinWidth || pl.outH < p.MinHeight {
		return outputPlan{}, &Error{Code: reject.PhotoTooSmall, Err: fmt.Errorf("%dx%d cropped to %d:%d leaves %dx%d, below the minimum %dx%d",
			uw, uh, p.AspectW, p.AspectH, pl.outW, pl.outH, p.MinWidth, p.MinHeight),
			Variant: "crop", Args: texts.Args{"found": texts.Size{W: uw, H: uh}, "aspect": fmt.Sprintf("%d:%d", p.AspectW, p.AspectH),
				"cropped": texts.Size{W: pl.outW, H: pl.outH}, "need": texts.Size{W: p.MinWidth, H: p.MinHeight}}}
	}
	return pl, nil
}

// render crops the decoded (maybe reduced by denom) stored image of a
// sw x sh source, resizes the crop to the output size and returns it
// upright and opaque: a 4:4:4 *image.YCbCr for YCbCr and grey sources,
// else an *image.RGBA. The crop is placed in full-resolution pixels and
// resampled from there, so a reduced decode shifts it by no fraction of a
// reduced pixel.
func render(img image.Image, denom, sw, sh, o int, pl outputPlan, p Profile, c Cropper) image.Image {
	b := img.Bounds()
	full := image.Rect(0, 0, sw, sh) // stored, full resolution
	if p.HasAspect() {
		full = storedRect(o, sw, sh, fullCrop(img, denom, sw, sh, o, pl, p, c))
	}
	// The crop in img's coordinates (a decoded pixel covers denom x denom
	// source pixels).
	fd := float64(denom)
	x0, y0 := float64(b.Min.X)+float64(full.Min.X)/fd, float64(b.Min.Y)+float64(full.Min.Y)/fd
	cw, ch := float64(full.Dx())/fd, float64(full.Dy())/fd
	rw, rh := pl.outW, pl.outH
	if swapsAxes(o) {
		rw, rh = rh, rw
	}
	// Sources decoded in full are box-shrunk first, leaving a factor of two
	// or more for the filter (as libvips does), so it never has to reach
	// across dozens of source pixels.
	if k := shrinkFactor(int(cw), int(ch), 2*rw, 2*rh); k > 1 {
		r := image.Rect(int(x0), int(y0), int(math.Ceil(x0+cw)), int(math.Ceil(y0+ch))).Intersect(b)
		if y, ok := img.(*image.YCbCr); ok {
			r = chromaAligned(y.SubsampleRatio, r)
		}
		if small, ok := boxShrink(img, r, k); ok {
			img = small
			fk := float64(k)
			x0, y0, cw, ch = (x0-float64(r.Min.X))/fk, (y0-float64(r.Min.Y))/fk, cw/fk, ch/fk
		}
	}
	// Decoded JPEGs (YCbCr or grey) stay in YCbCr up to the encoder.
	if out, ok := resizeYCbCrF(img, x0, y0, cw, ch, rw, rh, o); ok {
		return out
	}
	r := image.Rect(int(x0+0.5), int(y0+0.5), int(x0+cw+0.5), int(y0+ch+0.5)).Intersect(img.Bounds())
	resized := imaging.Resize(subImage(img, r), rw, rh, imaging.Lanczos)
	return uprightRGB(resized, o)
}

// fullCrop returns the plan's cropW x cropH rectangle of the upright
// full-resolution source, placed where c's crop of the (reduced) decoded
// image is centred. A crop within a decoded pixel of the centre is the
// exact centre, as a full-size centre crop would be.
func fullCrop(img image.Image, denom, sw, sh, o int, pl outputPlan, p Profile, c Cropper) image.Rectangle {
	view := uprightView{src: img, o: o}
	vb := view.Bounds()
	crop := c.Crop(view, p.AspectW, p.AspectH).Intersect(vb)
	if crop.Empty() {
		crop = CenterCrop{}.Crop(view, p.AspectW, p.AspectH)
	}
	uw, uh := uprightSize(o, sw, sh)
	place := func(lo, hi, size, total int) int {
		centre := (lo + hi) * denom / 2
		exact := (total - size) / 2
		x := min(max(centre-size/2, 0), total-size)
		if x-exact <= denom && exact-x <= denom {
			return exact
		}
		return x
	}
	x := place(crop.Min.X, crop.Max.X, pl.cropW, uw)
	y := place(crop.Min.Y, crop.Max.Y, pl.cropH, uh)
	return image.Rect(x, y, x+pl.cropW, y+pl.cropH)
}

// subImage returns the r part of img without copying when it can.
func subImage(img image.Image, r image.Rectangle) image.Image {
	if s, ok := img.(interface {
		SubImage(image.Rectangle) image.Image
	}); ok {
		return s.SubImage(r)
	}
	return imaging.Crop(img, r)
}

// encodeFitting encodes img at the highest quality in p's range whose
// output fits p.MaxBytes: with full chroma from quality 90, and when even
// the lowest quality does not fit so, with 4:2:0 chroma throughout (as
// image/jpeg writes) before giving up.
func encodeFitting(img image.Image, p Profile) ([]byte, int, error) {
	out, q, err := encodeSearch(asYCbCr444(img), p, false)
	if CodeOf(err) == reject.PhotoTooHeavy && p.MinQuality >= fullChromaQuality {
		return encodeSearch(asYCbCr444(img), p, true)
	}
	return out, q, err
}

// encodeSearch is encodeFitting with full chroma at quality 90 and up
// unless sub420.
func encodeSearch(ycc *image.YCbCr, p Profile, sub420 bool) ([]byte, int, error) {
	var buf bytes.Buffer
	size := func(q int) (int, error) {
		buf.Reset()
		full := q >= fullChromaQuality && !sub420
		if err := jpegenc.Encode(&buf, ycc, &jpegenc.Options{Quality: q, Subsample420: !full, FineChroma: full}); err != nil {
			return 0, fmt.Errorf("encoding JPEG at quality %d: %w", q, err)
		}
		return buf.Len(), nil
	}
	best, bestQ := []byte(nil), 0
	try := func(q int) (bool, error) {
		n, err := size(q)
		if err != nil {
			return false, err
		}
		if int64(n) > p.MaxBytes {
			return false, nil
		}
		best, bestQ = bytes.Clone(buf.Bytes()), q
		return true, nil
	}
	// Most photos fit at the top quality: one encode.
	if ok, err := try(p.MaxQuality); err != nil || ok {
		return best, bestQ, err
	}
	ok, err := try(p.MinQuality)
	if err != nil {
		return nil, 0, err
	}
	if !ok {
		return nil, 0, &Error{Code: reject.PhotoTooHeavy, Err: fmt.Errorf("%d bytes at quality %d exceed %d", buf.Len(), p.MinQuality, p.MaxBytes),
			Args: texts.Args{"quality": p.MinQuality, "found_bytes": texts.Bytes(buf.Len()), "limit_bytes": texts.Bytes(p.MaxBytes)}}
	}
	// Invariant: lo fits, hi does not; best holds the encoding at lo.
	lo, hi := p.MinQuality, p.MaxQuality
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		ok, err := try(mid)
		if err != nil {
			return nil, 0, err
		}
		if ok {
			lo = mid
		} else {
			hi = mid
		}
	}
	return best, bestQ, nil
}

// fullChromaQuality is the lowest JPEG quality written with full-resolution
// chroma (4:4:4), as libvips and cjpeg do: above it, halving the colour
// resolution would cost more than the quantiser does. From it on chroma is
// also quantised as finely as luma, so red and blue are as close to the
// source as green (a few per cent more bytes, far within every limit).
const fullChromaQuality = 90

// asYCbCr444 returns img as a 4:4:4 *image.YCbCr: as it is when it already
// is one, else converted pixel by pixel (opaque RGB from render).
func asYCbCr444(img image.Image) *image.YCbCr {
	if m, ok := img.(*image.YCbCr); ok && m.SubsampleRatio == image.YCbCrSubsampleRatio444 {
		return m
	}
	b := img.Bounds()
	m := image.NewYCbCr(image.Rect(0, 0, b.Dx(), b.Dy()), image.YCbCrSubsampleRatio444)
	rgba, _ := img.(*image.RGBA)
	for y := range b.Dy() {
		for x := range b.Dx() {
			var r, g, bl uint8
			if rgba != nil {
				p := rgba.Pix[rgba.PixOffset(b.Min.X+x, b.Min.Y+y):]
				r, g, bl = p[0], p[1], p[2]
			} else {
				c := color.RGBAModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.RGBA)
				r, g, bl = c.R, c.G, c.B
			}
			i := y*m.YStride + x
			m.Y[i], m.Cb[i], m.Cr[i] = color.RGBToYCbCr(r, g, bl)
		}
	}
	return m
}

// bytesPerPixel is the memory image/png's decoded image takes per pixel.
func bytesPerPixel(m color.Model) int64 {
	switch m {
	case color.GrayModel:
		return 1
	case color.Gray16Model:
		return 2
	case color.RGBA64Model, color.NRGBA64Model:
		return 8
	}
	if _, ok := m.(color.Palette); ok {
		return 1
	}
	return 4
}
