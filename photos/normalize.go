package photos

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"

	"github.com/disintegration/imaging"

	"github.com/mlegit/mlegit/reject"
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
}

// Error implements error: the code, then the detail.
func (e *Error) Error() string { return fmt.Sprintf("%s: %v", e.Code, e.Err) }

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

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
	// MaxDecodeBytes caps the decoded size of a source that is decoded at
	// full size, i.e. a PNG (0: DefaultMaxDecodeBytes); larger ones are
	// PHOTO_TOO_LARGE and are never decoded.
	MaxDecodeBytes int64
	// MaxPixels caps width x height of a source (0: DefaultMaxPixels).
	// Larger photos are PHOTO_TOO_LARGE and are never decoded.
	MaxPixels int64
	// MaxFileBytes caps the size of a source file (0: DefaultMaxFileBytes).
	MaxFileBytes int64
	// Cropper chooses the part kept (nil: CenterCrop).
	Cropper Cropper
}

// DefaultMaxDecodeBytes caps the memory of a source decoded at full size
// (PNG has no reduced-scale decoding) when Options.MaxDecodeBytes is 0, so
// that one worker stays well under 120 MB: an 8-bit RGBA PNG of up to
// 20 MP, a 16-bit one of up to 10 MP.
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

func (o *Options) cropper() Cropper {
	if o == nil || o.Cropper == nil {
		return CenterCrop{}
	}
	return o.Cropper
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
		return nil, info, &Error{Code: reject.PhotoTooLarge, Err: fmt.Errorf("file of %d bytes exceeds %d", len(data), opt.maxFileBytes())}
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
		return nil, info, &Error{Code: reject.PhotoTooLarge, Err: fmt.Errorf("%dx%d exceeds %d pixels", sw, sh, opt.maxPixels())}
	}
	if n := fullDecodeBytes(format, data, cfg); n > opt.maxDecodeBytes() {
		return nil, info, &Error{Code: reject.PhotoTooLarge, Err: fmt.Errorf("%dx%d %s decodes to %d MB, over %d MB",
			sw, sh, format, n>>20, opt.maxDecodeBytes()>>20)}
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
	// output.
	needW := (plan.outW*uw + plan.cropW - 1) / plan.cropW
	needH := (plan.outH*uh + plan.cropH - 1) / plan.cropH
	if swapsAxes(o) {
		needW, needH = needH, needW
	}
	img, denom, err := decodeScaled(format, data, sw, sh, needW, needH)
	if err != nil {
		return nil, info, &Error{Code: reject.PhotoUnreadable, Err: fmt.Errorf("decoding %s: %w", format, err)}
	}
	info.Denom = denom

	rgb := render(img, o, plan, p, opt.cropper())
	img = nil // let the decoded source go before encoding
	info.Width, info.Height = rgb.Bounds().Dx(), rgb.Bounds().Dy()

	out, q, err := encodeFitting(rgb, p)
	if err != nil {
		return nil, info, err
	}
	info.Quality, info.Bytes = q, len(out)
	return out, info, nil
}

// outputPlan is the geometry decided from the header alone.
type outputPlan struct {
	cropW, cropH int // largest crop of the upright full-size source
	outW, outH   int // output size
}

// planOutput decides the crop and output size of an upright uw x uh source
// under p, or rejects it as too small.
func planOutput(p Profile, uw, uh int) (outputPlan, error) {
	if uw < p.MinWidth || uh < p.MinHeight {
		return outputPlan{}, &Error{Code: reject.PhotoTooSmall, Err: fmt.Errorf("%dx%d is below the minimum %dx%d", uw, uh, p.MinWidth, p.MinHeight)}
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
			uw, uh, p.AspectW, p.AspectH, pl.outW, pl.outH, p.MinWidth, p.MinHeight)}
	}
	return pl, nil
}

// render crops the decoded (maybe reduced) stored image, resizes the crop
// to the output size and returns it upright and opaque.
func render(img image.Image, o int, pl outputPlan, p Profile, c Cropper) *image.RGBA {
	b := img.Bounds()
	dw, dh := b.Dx(), b.Dy()
	var crop image.Rectangle
	if p.HasAspect() {
		crop = c.Crop(uprightView{src: img, o: o}, p.AspectW, p.AspectH)
		uw, uh := uprightSize(o, dw, dh)
		crop = crop.Intersect(image.Rect(0, 0, uw, uh))
		if crop.Empty() {
			crop = CenterCrop{}.Crop(uprightView{src: img, o: o}, p.AspectW, p.AspectH)
		}
		crop = storedRect(o, dw, dh, crop)
	} else {
		crop = image.Rect(0, 0, dw, dh)
	}
	crop = crop.Add(b.Min)
	rw, rh := pl.outW, pl.outH
	if swapsAxes(o) {
		rw, rh = rh, rw
	}
	if k := shrinkFactor(crop.Dx(), crop.Dy(), rw, rh); k > 1 {
		if y, ok := img.(*image.YCbCr); ok {
			crop = chromaAligned(y.SubsampleRatio, crop)
		}
		if small, ok := boxShrink(img, crop, k); ok {
			return uprightRGB(imaging.Resize(small, rw, rh, imaging.Lanczos), o)
		}
	}
	sub := subImage(img, crop)
	resized := imaging.Resize(sub, rw, rh, imaging.Lanczos)
	return uprightRGB(resized, o)
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
// output fits p.MaxBytes.
func encodeFitting(img *image.RGBA, p Profile) ([]byte, int, error) {
	var buf bytes.Buffer
	size := func(q int) (int, error) {
		buf.Reset()
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: q}); err != nil {
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
		return nil, 0, &Error{Code: reject.PhotoTooHeavy, Err: fmt.Errorf("%d bytes at quality %d exceed %d", buf.Len(), p.MinQuality, p.MaxBytes)}
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
