package photos

import (
	"image"
	"image/color"
	"math"
	"math/rand/v2"
	"testing"
)

// scene describes a photo of one person in front of a wall.
type scene struct {
	w, h   int
	cx, cy float64 // face centre, as fractions of w and h
	faceW  float64 // face width, fraction of w
	skin   color.RGBA
	wall   color.RGBA
}

// faceBox is the face's rectangle (skin only) in pixels; hairBox adds the
// hair above it.
func (s scene) faceBox() image.Rectangle {
	rx, ry := s.faceW*float64(s.w)/2, s.faceW*float64(s.w)*0.65
	cx, cy := s.cx*float64(s.w), s.cy*float64(s.h)
	return image.Rect(int(cx-rx), int(cy-ry), int(cx+rx), int(cy+ry))
}

func (s scene) hairBox() image.Rectangle {
	f := s.faceBox()
	return image.Rect(f.Min.X-f.Dx()/8, f.Min.Y-f.Dy()/4, f.Max.X+f.Dx()/8, f.Max.Y)
}

// draw renders the scene: a wall with a shelf of coloured books on the
// right (detail that is not a person), hair, a face with eyes and a mouth,
// a neck and shoulders in a jumper, and sensor noise.
func (s scene) draw(seed uint64) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, s.w, s.h))
	r := rand.New(rand.NewPCG(seed, 5))
	f := s.faceBox()
	fcx, fcy := float64(f.Min.X+f.Max.X)/2, float64(f.Min.Y+f.Max.Y)/2
	rx, ry := float64(f.Dx())/2, float64(f.Dy())/2
	books := []color.RGBA{{180, 40, 40, 255}, {40, 90, 160, 255}, {220, 190, 60, 255}, {60, 130, 70, 255}}
	for y := range s.h {
		for x := range s.w {
			fx, fy := float64(x), float64(y)
			c := s.wall
			c.R, c.G = c.R-uint8(20*fy/float64(s.h)), c.G-uint8(20*fy/float64(s.h))
			if x > s.w*85/100 && (y/(s.h/12))%3 != 0 {
				c = books[(x/(s.w/40))%len(books)]
			}
			dx, dy := (fx-fcx)/rx, (fy-fcy)/ry
			hx, hy := (fx-fcx)/(rx*1.25), (fy-fcy+ry*0.25)/(ry*1.2)
			switch {
			case dx*dx+dy*dy < 1:
				c = s.skin
				// Eyes and mouth.
				ex, ey := math.Abs(dx)-0.4, dy+0.25
				if ex*ex+ey*ey*4 < 0.02 || (math.Abs(dx) < 0.35 && math.Abs(dy-0.45) < 0.05) {
					c = color.RGBA{60, 30, 30, 255}
				}
			case hx*hx+hy*hy < 1 && fy < fcy:
				c = color.RGBA{50, 35, 25, 255} // hair
			case math.Abs(fx-fcx) < rx*0.45 && fy >= fcy && fy < fcy+ry*1.4:
				c = s.skin // neck
			case fy >= fcy+ry*1.3 && math.Abs(fx-fcx) < rx*2.6:
				c = color.RGBA{40, 60, 110, 255} // jumper
			}
			n := int(r.NormFloat64() * 3)
			i := img.PixOffset(x, y)
			img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = clamp8(int(c.R)+n), clamp8(int(c.G)+n), clamp8(int(c.B)+n), 255
		}
	}
	return img
}

var (
	lightSkin = color.RGBA{224, 172, 140, 255}
	darkSkin  = color.RGBA{141, 85, 52, 255}
	greyWall  = color.RGBA{190, 195, 200, 255}
	beigeWall = color.RGBA{225, 210, 185, 255}
)

func TestAttentionCropKeepsThePerson(t *testing.T) {
	tests := []struct {
		name string
		s    scene
	}{
		{"landscape, person in the left third", scene{1600, 1200, 0.2, 0.4, 0.16, lightSkin, greyWall}},
		{"landscape, person in the right third, beige wall", scene{1600, 1200, 0.72, 0.4, 0.16, lightSkin, beigeWall}},
		{"landscape, dark skin at the left edge", scene{1600, 1200, 0.14, 0.45, 0.14, darkSkin, greyWall}},
		{"tall photo, head near the top", scene{1000, 1700, 0.5, 0.18, 0.3, lightSkin, greyWall}},
		{"tall photo, head low", scene{1000, 1700, 0.45, 0.62, 0.3, darkSkin, beigeWall}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img := tt.s.draw(1)
			crop := AttentionCrop{}.Crop(img, 4, 5)
			w, h := aspectFit(tt.s.w, tt.s.h, 4, 5)
			if crop.Dx() != w || crop.Dy() != h || !crop.In(img.Bounds()) {
				t.Fatalf("crop %v, want %dx%d inside %v", crop, w, h, img.Bounds())
			}
			head := tt.s.hairBox().Intersect(img.Bounds())
			if !head.In(crop) {
				t.Errorf("crop %v cuts the head %v (centre crop: %v)", crop, head, CenterCrop{}.Crop(img, 4, 5))
			}
			// Room above the head when the photo leaves any.
			if room := head.Min.Y - crop.Min.Y; crop.Min.Y > 0 && room < h/20 {
				t.Errorf("crop %v leaves %d px above the head at %d, want >= %d", crop, room, head.Min.Y, h/20)
			}
		})
	}
}

func TestAttentionCropWithoutPersonIsCentred(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 1600, 1200))
	for i := 0; i < len(img.Pix); i += 4 {
		x := i / 4 % 1600
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = uint8(100+x/20), 120, 140, 255
	}
	if got, want := (AttentionCrop{}).Crop(img, 4, 5), (CenterCrop{}).Crop(img, 4, 5); got != want {
		t.Errorf("crop %v, want the centre %v", got, want)
	}
}

// TestNormalizeKeepsPersonInLeftThird: end to end, a 4:3 landscape JPEG with
// the child in the left third becomes a 4:5 portrait with the whole face in
// it, near the middle; a centre crop would cut it.
func TestNormalizeKeepsPersonInLeftThird(t *testing.T) {
	s := scene{2400, 1800, 0.2, 0.4, 0.16, lightSkin, greyWall}
	data := encJPEG(t, s.draw(2), 92)
	p := DefaultProfiles()["mobywatel"]
	for _, tc := range []struct {
		name     string
		opt      *Options
		wantFace bool
	}{
		{"default (attention)", nil, true},
		{"centre crop", &Options{Cropper: CenterCrop{}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, _, err := Normalize(data, p, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			img := decodeJPEG(t, out)
			b := img.Bounds()
			// Skin pixels: where the face landed.
			minX, maxX, n := b.Dx(), -1, 0
			for y := b.Min.Y; y < b.Max.Y; y++ {
				for x := b.Min.X; x < b.Max.X; x++ {
					c := color.YCbCrModel.Convert(img.At(x, y)).(color.YCbCr)
					if isSkin(float64(c.Y), float64(c.Cb), float64(c.Cr)) {
						minX, maxX, n = min(minX, x), max(maxX, x), n+1
					}
				}
			}
			// The face is 16% of 2400 px wide, 1.3 times as tall; the output
			// shows the 1440x1800 crop at a third of its size.
			faceArea := math.Pi / 4 * (0.16 * 2400 / 3) * (0.16 * 2400 * 1.3 / 3)
			whole := n > int(faceArea*0.9) && minX > 0 && maxX < b.Dx()-1
			t.Logf("skin pixels %d (face %.0f), x %d..%d of %d", n, faceArea, minX, maxX, b.Dx())
			if whole != tc.wantFace {
				t.Errorf("whole face kept: %v, want %v", whole, tc.wantFace)
			}
		})
	}
}
