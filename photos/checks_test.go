package photos

import (
	"errors"
	"image"
	"image/color"
	"testing"

	"github.com/mlegit/mlegit/reject"
	"github.com/mlegit/mlegit/texts"
)

// boxBlur blurs img with a (2r+1)-pixel box, twice: an out-of-focus photo.
func boxBlur(img *image.RGBA, r int) *image.RGBA {
	b := img.Bounds()
	out := image.NewRGBA(b)
	src := img
	for pass := range 2 {
		for y := 0; y < b.Dy(); y++ {
			for x := 0; x < b.Dx(); x++ {
				var s [3]int
				n := 0
				for d := -r; d <= r; d++ {
					xx, yy := x, y
					if pass == 0 {
						xx = min(max(x+d, 0), b.Dx()-1)
					} else {
						yy = min(max(y+d, 0), b.Dy()-1)
					}
					p := src.Pix[src.PixOffset(xx, yy):]
					s[0], s[1], s[2] = s[0]+int(p[0]), s[1]+int(p[1]), s[2]+int(p[2])
					n++
				}
				i := out.PixOffset(x, y)
				out.Pix[i], out.Pix[i+1], out.Pix[i+2], out.Pix[i+3] = uint8(s[0]/n), uint8(s[1]/n), uint8(s[2]/n), 255
			}
		}
		src, out = out, image.NewRGBA(b)
	}
	return src
}

// darken scales every channel of img by f.
func darken(img *image.RGBA, f float64) *image.RGBA {
	out := image.NewRGBA(img.Bounds())
	for i := range img.Pix {
		out.Pix[i] = uint8(float64(img.Pix[i]) * f)
		if i%4 == 3 {
			out.Pix[i] = 255
		}
	}
	return out
}

func TestPhotoChecks(t *testing.T) {
	person := scene{1200, 1500, 0.5, 0.38, 0.3, lightSkin, greyWall}
	darkWall := person
	darkWall.wall = color.RGBA{70, 60, 70, 255}
	gradient := image.NewRGBA(image.Rect(0, 0, 1200, 1500))
	for i := 0; i < len(gradient.Pix); i += 4 {
		v := uint8(100 + i/4%1200/12)
		gradient.Pix[i], gradient.Pix[i+1], gradient.Pix[i+2], gradient.Pix[i+3] = v, v, v+20, 255
	}
	mob, sio := DefaultProfiles()["mobywatel"], DefaultProfiles()["sio"]
	strict := sio
	strict.LightBackground = BackgroundReject
	tests := []struct {
		name string
		img  *image.RGBA
		p    Profile
		want []string // warning codes
		code reject.Code
	}{
		{"good portrait", person.draw(1), mob, nil, ""},
		{"good portrait, sio", person.draw(1), sio, nil, ""},
		{"dark", darken(person.draw(1), 0.3), mob, []string{WarnPhotoDark}, ""},
		{"out of focus", boxBlur(person.draw(1), 8), mob, []string{WarnPhotoBlurred}, ""},
		{"no person", gradient, mob, []string{WarnPhotoBlurred, WarnPhotoNoFace}, ""},
		{"dark wall, mobywatel", darkWall.draw(1), mob, nil, ""},
		{"dark wall, sio warns", darkWall.draw(1), sio, []string{WarnPhotoBackground}, ""},
		{"dark wall, profile rejects", darkWall.draw(1), strict, nil, reject.PhotoBackground},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, info, err := Normalize(encJPEG(t, tt.img, 92), tt.p, nil)
			if tt.code != "" {
				var pe *Error
				if !errors.As(err, &pe) || pe.Code != tt.code || out != nil {
					t.Fatalf("error %v, want %s", err, tt.code)
				}
				if pol := pe.Polish("x.jpg"); len(texts.Lint(pol)) > 0 || pol == "" {
					t.Errorf("Polish detail %q: %v", pol, texts.Lint(pol))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, w := range info.Warnings {
				got = append(got, w.Code)
				pol := w.Polish("Nowak Jan 1b.jpg")
				t.Logf("%s: %v — %s", w.Code, w.Err, pol)
				if l := texts.Lint(texts.StripCodes(pol)); len(l) > 0 || pol == "" {
					t.Errorf("Polish detail %q: %v", pol, l)
				}
			}
			if len(got) != len(tt.want) {
				t.Fatalf("warnings %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("warnings %v, want %v", got, tt.want)
				}
			}
		})
	}
}

// TestEncodeFallsBackTo420: a busy picture that does not fit the zpe
// profile's 60 kB with full chroma at quality 90 is written with 4:2:0
// chroma, as image/jpeg would, rather than rejected.
func TestEncodeFallsBackTo420(t *testing.T) {
	noise := image.NewRGBA(image.Rect(0, 0, 600, 800))
	for i := range noise.Pix {
		noise.Pix[i] = uint8(i * 13)
	}
	out, info, err := Normalize(encJPEG(t, noise, 90), DefaultProfiles()["zpe"], nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, comps := jpegMarkers(t, out); comps != 3 || len(out) > 60000 || info.Quality < 90 {
		t.Errorf("%d components, %d bytes, quality %d", comps, len(out), info.Quality)
	}
}
