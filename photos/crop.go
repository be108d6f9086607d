package photos

import "image"

// Cropper chooses the part of a photo to keep before it is resized.
type Cropper interface {
	// Crop returns a rectangle of img with the aspect aw:ah (up to a pixel
	// of rounding), inside img.Bounds(). img is upright (orientation
	// applied) and may be a reduced-scale decode. Returning less than the
	// largest such rectangle may make the output upscaled.
	Crop(img image.Image, aw, ah int) image.Rectangle
}

// CenterCrop keeps the largest aw:ah rectangle around the centre.
type CenterCrop struct{}

// Crop implements Cropper.
func (CenterCrop) Crop(img image.Image, aw, ah int) image.Rectangle {
	b := img.Bounds()
	w, h := aspectFit(b.Dx(), b.Dy(), aw, ah)
	x := b.Min.X + (b.Dx()-w)/2
	y := b.Min.Y + (b.Dy()-h)/2
	return image.Rect(x, y, x+w, y+h)
}

// aspectFit returns the largest aw:ah size inside w x h.
func aspectFit(w, h, aw, ah int) (int, int) {
	if aw <= 0 || ah <= 0 {
		return w, h
	}
	if w*ah >= h*aw { // wider than the aspect: full height
		return max(1, h*aw/ah), h
	}
	return w, max(1, w*ah/aw)
}
