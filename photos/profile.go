package photos

import (
	"errors"
	"fmt"
)

// DefaultProfile is the profile used when none is named.
const DefaultProfile = "mobywatel"

// Profile is the set of rules a target system sets for a photo. User
// profiles are read from config.yaml (hence the mapstructure tags) and must
// pass Validate.
type Profile struct {
	// Description says where the rules come from (Polish: mlegit profiles
	// shows it to the secretariat).
	Description string `mapstructure:"description" json:"description"`

	// AspectW:AspectH is the output aspect ratio; both zero means "keep the
	// source's aspect" (Width x Height is then a bounding box).
	AspectW int `mapstructure:"aspect_w" json:"aspect_w"`
	AspectH int `mapstructure:"aspect_h" json:"aspect_h"`

	// MinWidth x MinHeight is the smallest acceptable photo, measured after
	// orientation for the source and after cropping for the output: a photo
	// that cannot give at least this many pixels is PHOTO_TOO_SMALL.
	MinWidth  int `mapstructure:"min_width" json:"min_width"`
	MinHeight int `mapstructure:"min_height" json:"min_height"`

	// Width x Height is the output size. A smaller crop (still at least
	// MinWidth x MinHeight) is output at its own size rather than upscaled.
	// With an aspect, Width:Height must match it (±1 px of rounding).
	Width  int `mapstructure:"width" json:"width"`
	Height int `mapstructure:"height" json:"height"`

	// MaxBytes is the largest accepted output file.
	MaxBytes int64 `mapstructure:"max_bytes" json:"max_bytes"`

	// MinQuality..MaxQuality is the JPEG quality range (1–100) searched for
	// the highest quality that fits MaxBytes.
	MinQuality int `mapstructure:"min_quality" json:"min_quality"`
	MaxQuality int `mapstructure:"max_quality" json:"max_quality"`

	// Crop chooses where a photo of another aspect is cropped: CropPerson
	// (empty: the default) around the person's face, head whole with room
	// above; CropCentre around the centre.
	Crop string `mapstructure:"crop" json:"crop,omitempty"`

	// LightBackground asks for a light background: BackgroundWarn (a
	// warning for a darker one), BackgroundReject (PHOTO_BACKGROUND), or
	// empty for no check.
	LightBackground string `mapstructure:"light_background" json:"light_background,omitempty"`
}

// Crop strategies a profile may name.
const (
	CropPerson = "person"
	CropCentre = "centre"
)

// Default quality range where the instructions say nothing.
const (
	defaultMinQuality = 75
	defaultMaxQuality = 95
)

// DefaultProfiles returns the built-in profiles by name. The map is new on
// every call; callers may add user profiles to it.
//
// The choices, where the instructions leave room:
//
//	name       aspect   min source  output     max bytes    quality
//	uonet      354:496  354x496     354x496    1 000 000    75–95
//	mobywatel  4:5      480x600     480x600    1 000 000    75–95
//	zpe        246:304  246x304     246x304       60 000    90–100
//	sio        246:304  246x304     492x608    2 500 000    75–95
//	legacy     none     240x240     ≤1440x1800 5 000 000    75–95
//
// Outputs are the smallest size the instructions allow (mobywatel accepts
// up to 1440x1800: raise Width/Height in a user profile for that), except
// sio, which gets twice its minimum for a sharper print. "1 MB" is read as
// 10^6 bytes, the stricter reading. Where no quality range is given, 75–95:
// below 75 faces show blocking, above 95 bytes grow with no visible gain.
// Photos are never upscaled: a crop smaller than the output (but at least
// the minimum) is written at its own size.
func DefaultProfiles() map[string]Profile {
	return map[string]Profile{
		"uonet": {
			Description: "zdjęcie z UONET+ do legitymacji: 354x496 px (lub proporcjonalnie więcej), JPG, do 1 MB",
			AspectW:     354, AspectH: 496,
			MinWidth: 354, MinHeight: 496,
			Width: 354, Height: 496,
			MaxBytes:   1_000_000, // decimal MB: the stricter reading
			MinQuality: defaultMinQuality, MaxQuality: defaultMaxQuality,
		},
		"mobywatel": {
			Description: "instrukcje szkół dla mObywatela Junior: 4:5, od 480x600 do 1440x1800 px, do 1 MB",
			AspectW:     4, AspectH: 5,
			MinWidth: 480, MinHeight: 600,
			Width: 480, Height: 600,
			MaxBytes:   1_000_000, // decimal MB: the stricter reading
			MinQuality: defaultMinQuality, MaxQuality: defaultMaxQuality,
		},
		"zpe": {
			Description: "instrukcje z czasów ZPE: 246x304 px, do 60 kB, jakość JPEG 90–100, RGB",
			AspectW:     246, AspectH: 304,
			MinWidth: 246, MinHeight: 304,
			Width: 246, Height: 304,
			MaxBytes:   60 * 1000,
			MinQuality: 90, MaxQuality: 100,
		},
		"sio": {
			Description: "instrukcje szkół do rejestracji w SIO (od 2025): co najmniej 246x304 px, te same proporcje, jasne tło, JPG, do 2,5 MB",
			AspectW:     246, AspectH: 304,
			MinWidth: 246, MinHeight: 304,
			Width: 492, Height: 608,
			MaxBytes:   2500 * 1000,
			MinQuality: defaultMinQuality, MaxQuality: defaultMaxQuality,
			LightBackground: BackgroundWarn,
		},
		"legacy": {
			Description: "starsze instrukcje: JPG, do 5 MB, proporcje zdjęcia bez zmian",
			MinWidth:    240, MinHeight: 240,
			Width: 1440, Height: 1800,
			MaxBytes:   5 * 1000 * 1000,
			MinQuality: defaultMinQuality, MaxQuality: defaultMaxQuality,
		},
	}
}

// Limits that keep a user profile sane.
const (
	maxProfileSide  = 8000
	minProfileBytes = 4 * 1000
)

// Validate reports every problem of a profile, joined, or nil.
func (p Profile) Validate() error {
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	switch {
	case p.AspectW == 0 && p.AspectH == 0:
	case p.AspectW <= 0 || p.AspectH <= 0:
		bad("aspect_w and aspect_h must both be positive, or both 0 for no aspect (got %d:%d)", p.AspectW, p.AspectH)
	case p.AspectW*5 < p.AspectH || p.AspectH*5 < p.AspectW:
		bad("aspect %d:%d is more than 1:5 — not a portrait", p.AspectW, p.AspectH)
	}
	if p.MinWidth < 1 || p.MinHeight < 1 {
		bad("min_width and min_height must be at least 1 px (got %dx%d)", p.MinWidth, p.MinHeight)
	}
	if p.Width < 1 || p.Height < 1 || p.Width > maxProfileSide || p.Height > maxProfileSide {
		bad("width and height must be 1–%d px (got %dx%d)", maxProfileSide, p.Width, p.Height)
	}
	if p.Width < p.MinWidth || p.Height < p.MinHeight {
		bad("output %dx%d is smaller than the minimum %dx%d", p.Width, p.Height, p.MinWidth, p.MinHeight)
	}
	if p.AspectW > 0 && p.AspectH > 0 {
		if !fitsAspect(p.Width, p.Height, p.AspectW, p.AspectH) {
			bad("output %dx%d does not have the aspect %d:%d", p.Width, p.Height, p.AspectW, p.AspectH)
		}
		if !fitsAspect(p.MinWidth, p.MinHeight, p.AspectW, p.AspectH) && p.MinWidth > 0 && p.MinHeight > 0 {
			bad("minimum %dx%d does not have the aspect %d:%d", p.MinWidth, p.MinHeight, p.AspectW, p.AspectH)
		}
	}
	if p.MaxBytes < minProfileBytes {
		bad("max_bytes must be at least %d (got %d)", minProfileBytes, p.MaxBytes)
	}
	if p.Crop != "" && p.Crop != CropPerson && p.Crop != CropCentre {
		bad("crop must be %q or %q (got %q)", CropPerson, CropCentre, p.Crop)
	}
	if p.LightBackground != "" && p.LightBackground != BackgroundWarn && p.LightBackground != BackgroundReject {
		bad("light_background must be %q or %q (got %q)", BackgroundWarn, BackgroundReject, p.LightBackground)
	}
	if p.MinQuality < 1 || p.MaxQuality > 100 || p.MinQuality > p.MaxQuality {
		bad("quality range must satisfy 1 <= min_quality <= max_quality <= 100 (got %d..%d)", p.MinQuality, p.MaxQuality)
	}
	return errors.Join(errs...)
}

// fitsAspect reports whether w x h is aw:ah up to one pixel of rounding.
func fitsAspect(w, h, aw, ah int) bool {
	// |w*ah - h*aw| <= max(aw, ah) means the side computed from the other
	// differs by at most one pixel.
	d := w*ah - h*aw
	if d < 0 {
		d = -d
	}
	return d <= max(aw, ah)
}

// HasAspect reports whether the profile crops to a fixed aspect ratio.
func (p Profile) HasAspect() bool { return p.AspectW > 0 && p.AspectH > 0 }

// WithDefaults fills the fields a user profile may leave out: the quality
// range (75..95) and, with an aspect, Height from Width (or Width from
// Height) and the minimum height from the minimum width. Validate after it.
func (p Profile) WithDefaults() Profile {
	if p.MinQuality == 0 {
		p.MinQuality = defaultMinQuality
	}
	if p.MaxQuality == 0 {
		p.MaxQuality = max(defaultMaxQuality, p.MinQuality)
	}
	if p.HasAspect() {
		if p.Height == 0 && p.Width > 0 {
			p.Height = roundDiv(p.Width*p.AspectH, p.AspectW)
		}
		if p.Width == 0 && p.Height > 0 {
			p.Width = roundDiv(p.Height*p.AspectW, p.AspectH)
		}
		if p.MinHeight == 0 && p.MinWidth > 0 {
			p.MinHeight = roundDiv(p.MinWidth*p.AspectH, p.AspectW)
		}
	}
	return p
}

// roundDiv returns a/b rounded to the nearest integer, for positive a, b.
func roundDiv(a, b int) int { return (a + b/2) / b }
