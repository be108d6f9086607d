package photos

import (
	"fmt"
	"image"

	"github.com/mlegit/mlegit/reject"
	"github.com/mlegit/mlegit/texts"
)

// Warning is something about a written photo the secretariat should look
// at: the photo was used, but may be refused by the portal or look bad on
// the card. Code names a warning of the texts catalogue.
type Warning struct {
	Code    string     // catalogue code, e.g. WarnPhotoDark
	Err     error      // technical detail (English, for logs)
	Variant string     // catalogue detail variant
	Args    texts.Args // values of the Polish detail ("file" is added by the caller)
}

// Polish returns the Polish detail of w for the photo file named file.
func (w Warning) Polish(file string) string {
	e, _ := texts.Lookup(w.Code)
	a := texts.Args{"file": texts.Quoted(file)}
	for k, v := range w.Args {
		a[k] = v
	}
	return e.Detail(w.Variant, a)
}

// Warning codes of the photo checks (entries of the texts catalogue).
const (
	WarnPhotoDark       = "PHOTO_DARK"
	WarnPhotoBlurred    = "PHOTO_BLURRED"
	WarnPhotoNoFace     = "PHOTO_NO_FACE"
	WarnPhotoBackground = "PHOTO_BACKGROUND_CHECK"
)

// Check thresholds, on the output picture's luma (0–255).
const (
	// minBrightness: a mean luma below it is too dark to print well.
	minBrightness = 60
	// minSharpness: a variance of the Laplacian below it is out of focus
	// or shaken (sharp phone portraits at ID size score in the hundreds).
	minSharpness = 25
	// minBackground: the corners above the shoulders must be at least this
	// light for a "light background".
	minBackground = 140
)

// Background check settings of a profile.
const (
	BackgroundWarn   = "warn"
	BackgroundReject = "reject"
)

// check looks at the output picture (upright) and returns the warnings,
// or an *Error when the profile makes one of them a rejection.
func check(img *image.YCbCr, p Profile) ([]Warning, error) {
	var ws []Warning
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	yAt := func(x, y int) int { return int(img.Y[img.YOffset(b.Min.X+x, b.Min.Y+y)]) }
	if w < 8 || h < 8 {
		return nil, nil
	}
	// Brightness and the variance of the Laplacian, over the whole picture
	// (integer sums: exact, as the float ones were).
	var isum, ilsum, ilsq int64
	row := func(y int) []byte { o := img.YOffset(b.Min.X, b.Min.Y+y); return img.Y[o : o+w] }
	for y := range h {
		r := row(y)
		for _, v := range r {
			isum += int64(v)
		}
		if y == 0 || y == h-1 {
			continue
		}
		up, down := row(y-1), row(y+1)
		up, down = up[:len(r)], down[:len(r)]
		for x := 1; x < len(r)-1; x++ {
			l := 4*int64(r[x]) - int64(r[x-1]) - int64(r[x+1]) - int64(up[x]) - int64(down[x])
			ilsum += l
			ilsq += l * l
		}
	}
	sum, lsum, lsq := float64(isum), float64(ilsum), float64(ilsq)
	mean := sum / float64(w*h)
	n := float64((w - 2) * (h - 2))
	sharp := lsq/n - (lsum/n)*(lsum/n)
	// A dark picture has little contrast and its skin reads as shadow:
	// "too dark" says it all, so sharpness and the face are judged only on
	// a picture bright enough.
	if mean < minBrightness {
		ws = append(ws, Warning{Code: WarnPhotoDark, Err: fmt.Errorf("mean brightness %.0f of 255, below %d", mean, minBrightness),
			Args: texts.Args{"brightness": int(mean + 0.5), "min": minBrightness}})
	} else {
		if sharp < minSharpness {
			ws = append(ws, Warning{Code: WarnPhotoBlurred, Err: fmt.Errorf("variance of the Laplacian %.1f, below %d", sharp, minSharpness),
				Args: texts.Args{"sharpness": int(sharp + 0.5), "min": minSharpness}})
		}
		if _, _, ok := newAttentionMap(img).face(); !ok {
			ws = append(ws, Warning{Code: WarnPhotoNoFace, Err: fmt.Errorf("no face found")})
		}
	}
	if p.LightBackground == "" {
		return ws, nil
	}
	// The background: the top corners, above the head's sides.
	cw, ch := max(1, w/5), max(1, h/6)
	var bg float64
	for y := range ch {
		for x := range cw {
			bg += float64(yAt(x, y) + yAt(w-1-x, y))
		}
	}
	bg /= float64(2 * cw * ch)
	if bg >= minBackground {
		return ws, nil
	}
	err := fmt.Errorf("background brightness %.0f of 255, below %d", bg, minBackground)
	args := texts.Args{"brightness": int(bg + 0.5), "min": minBackground}
	if p.LightBackground == BackgroundReject {
		return nil, &Error{Code: reject.PhotoBackground, Err: err, Args: args}
	}
	return append(ws, Warning{Code: WarnPhotoBackground, Err: err, Args: args}), nil
}
