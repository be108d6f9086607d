package photos

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"

	"github.com/disintegration/imaging"

	"github.com/mlegit/mlegit/photos/jpegenc"
	"github.com/mlegit/mlegit/reject"
)

// small is a test profile with a 4:5 aspect and a tiny output.
var small = Profile{AspectW: 4, AspectH: 5, MinWidth: 40, MinHeight: 50, Width: 80, Height: 100,
	MaxBytes: 1 << 20, MinQuality: 75, MaxQuality: 95}

func assertCode(t *testing.T, err error, want reject.Code) {
	t.Helper()
	if got := CodeOf(err); got != want {
		t.Fatalf("code %q (err %v), want %q", got, err, want)
	}
}

func TestNormalizeProfiles(t *testing.T) {
	src := encJPEG(t, photoLike(1600, 2000, 1), 92)
	wide := encJPEG(t, photoLike(2000, 1200, 2), 92)
	for name, p := range DefaultProfiles() {
		for _, tc := range []struct {
			label string
			data  []byte
		}{{"portrait", src}, {"landscape", wide}} {
			t.Run(name+"/"+tc.label, func(t *testing.T) {
				out, info, err := Normalize(tc.data, p, nil)
				if err != nil {
					t.Fatal(err)
				}
				w, h := p.Width, p.Height
				if !p.HasAspect() { // fit inside the box, keep the shape
					cfg, _ := jpeg.DecodeConfig(bytes.NewReader(tc.data))
					s := min(float64(p.Width)/float64(cfg.Width), float64(p.Height)/float64(cfg.Height))
					w, h = int(float64(cfg.Width)*s+0.5), int(float64(cfg.Height)*s+0.5)
				}
				assertOutput(t, out, w, h, p.MaxBytes)
				if info.Quality < p.MinQuality || info.Quality > p.MaxQuality {
					t.Errorf("quality %d outside %d..%d", info.Quality, p.MinQuality, p.MaxQuality)
				}
				if info.Bytes != len(out) || info.Width != w || info.Height != h {
					t.Errorf("info %+v does not describe the output", info)
				}
			})
		}
	}
}

// quadrants draws a w x h image with red, green, blue and yellow quarters
// (top-left, top-right, bottom-left, bottom-right).
func quadrants(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	cols := [4]color.RGBA{{255, 0, 0, 255}, {0, 255, 0, 255}, {0, 0, 255, 255}, {255, 255, 0, 255}}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			i := 0
			if x >= w/2 {
				i++
			}
			if y >= h/2 {
				i += 2
			}
			img.SetRGBA(x, y, cols[i])
		}
	}
	return img
}

func nearest(c color.Color) string {
	r, g, b, _ := c.RGBA()
	names := map[string][3]uint32{"R": {255, 0, 0}, "G": {0, 255, 0}, "B": {0, 0, 255}, "Y": {255, 255, 0}, "W": {255, 255, 255}}
	best, bd := "", uint32(1<<31)
	for n, v := range names {
		d := sq(r>>8, v[0]) + sq(g>>8, v[1]) + sq(b>>8, v[2])
		if d < bd {
			best, bd = n, d
		}
	}
	return best
}

func sq(a, b uint32) uint32 {
	d := int(a) - int(b)
	return uint32(d * d)
}

// The expected corners follow the EXIF definition of each orientation (where
// the stored row 0 and column 0 go), written out independently of the code.
func TestNormalizeOrientation(t *testing.T) {
	stored := encJPEG(t, quadrants(600, 480), 95) // TL R, TR G, BL B, BR Y
	want := map[int]string{                       // upright TL TR BL BR
		1: "RGBY", 2: "GRYB", 3: "YBGR", 4: "BYRG",
		5: "RBGY", 6: "BRYG", 7: "YGBR", 8: "GYRB",
	}
	for o := 1; o <= 8; o++ {
		for _, be := range []bool{false, true} {
			name := map[bool]string{false: "II", true: "MM"}[be]
			t.Run(string(rune('0'+o))+name, func(t *testing.T) {
				data := withEXIF(stored, o, be)
				if got := jpegOrientation(data); got != o {
					t.Fatalf("jpegOrientation = %d, want %d", got, o)
				}
				out, info, err := Normalize(data, small, nil)
				if err != nil {
					t.Fatal(err)
				}
				assertOutput(t, out, 80, 100, small.MaxBytes)
				if info.Orientation != o {
					t.Errorf("info.Orientation = %d", info.Orientation)
				}
				img := decodeJPEG(t, out)
				got := nearest(img.At(15, 15)) + nearest(img.At(65, 15)) + nearest(img.At(15, 85)) + nearest(img.At(65, 85))
				if got != want[o] {
					t.Errorf("corners %s, want %s", got, want[o])
				}
			})
		}
	}
}

func TestNormalizeColourModels(t *testing.T) {
	gray := image.NewGray(image.Rect(0, 0, 200, 250))
	for i := range gray.Pix {
		gray.Pix[i] = uint8(i % 251)
	}
	pal := image.NewPaletted(image.Rect(0, 0, 200, 250), color.Palette{color.RGBA{255, 0, 0, 255}, color.RGBA{0, 0, 255, 255}})
	for i := range pal.Pix {
		pal.Pix[i] = uint8(i / 200 % 2)
	}
	// Left half transparent, right half opaque black.
	alpha := image.NewNRGBA(image.Rect(0, 0, 200, 250))
	for y := 0; y < 250; y++ {
		for x := 100; x < 200; x++ {
			alpha.SetNRGBA(x, y, color.NRGBA{0, 0, 0, 255})
		}
	}
	deep := image.NewNRGBA64(image.Rect(0, 0, 200, 250))
	for y := 0; y < 250; y++ {
		for x := 0; x < 200; x++ {
			deep.SetNRGBA64(x, y, color.NRGBA64{uint16(x * 300), 0, 0xFFFF, 0xFFFF})
		}
	}
	palAlpha := image.NewPaletted(image.Rect(0, 0, 200, 250), color.Palette{color.NRGBA{0, 0, 0, 0}, color.NRGBA{255, 0, 0, 255}})
	for i := range palAlpha.Pix {
		palAlpha.Pix[i] = uint8(i % 200 / 100) // left transparent, right red
	}
	cmyk, err := os.ReadFile(filepath.Join("testdata", "cmyk.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	progressive, err := os.ReadFile(filepath.Join("testdata", "progressive.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		data  []byte
		check func(t *testing.T, img image.Image)
	}{
		{"grayscale JPEG", encJPEG(t, gray, 90), nil},
		{"grayscale PNG", encPNG(t, gray), nil},
		{"paletted PNG", encPNG(t, pal), nil},
		{"CMYK JPEG", cmyk, func(t *testing.T, img image.Image) {
			if c := nearest(img.At(40, 5)); c != "R" {
				t.Errorf("top of CMYK red-blue gradient is %s, want R", c)
			}
		}},
		{"progressive JPEG", progressive, nil},
		{"16-bit PNG", encPNG(t, deep), nil},
		{"paletted PNG with transparency", encPNG(t, palAlpha), func(t *testing.T, img image.Image) {
			if c := nearest(img.At(5, 50)) + nearest(img.At(75, 50)); c != "WR" {
				t.Errorf("left, right = %s, want white, red", c)
			}
		}},
		{"alpha PNG on white", encPNG(t, alpha), func(t *testing.T, img image.Image) {
			if c := nearest(img.At(5, 50)); c != "W" {
				t.Errorf("transparent part became %s, want white", c)
			}
			if r, _, _, _ := img.At(75, 50).RGBA(); r>>8 > 40 {
				t.Errorf("opaque black part became %d", r>>8)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, _, err := Normalize(tt.data, small, nil)
			if err != nil {
				t.Fatal(err)
			}
			assertOutput(t, out, 80, 100, small.MaxBytes)
			if tt.check != nil {
				tt.check(t, decodeJPEG(t, out))
			}
		})
	}
}

// withSize patches the frame size in a JPEG's SOF0 header.
func withSize(t *testing.T, jpg []byte, w, h int) []byte {
	t.Helper()
	out := bytes.Clone(jpg)
	i := bytes.Index(out, []byte{0xFF, 0xC0})
	if i < 0 {
		t.Fatal("no SOF0")
	}
	binary.BigEndian.PutUint16(out[i+5:], uint16(h))
	binary.BigEndian.PutUint16(out[i+7:], uint16(w))
	return out
}

// pngWithSize patches a PNG's IHDR to claim w x h (with a valid CRC), as a
// decompression bomb would.
func pngWithSize(t *testing.T, data []byte, w, h int) []byte {
	t.Helper()
	out := bytes.Clone(data)
	if string(out[12:16]) != "IHDR" {
		t.Fatal("no IHDR")
	}
	binary.BigEndian.PutUint32(out[16:], uint32(w))
	binary.BigEndian.PutUint32(out[20:], uint32(h))
	binary.BigEndian.PutUint32(out[29:], crc32.ChecksumIEEE(out[12:29]))
	return out
}

func TestNormalizeRejects(t *testing.T) {
	good := encJPEG(t, photoLike(400, 500, 3), 90)
	noise := image.NewRGBA(image.Rect(0, 0, 400, 500))
	for i := range noise.Pix {
		noise.Pix[i] = uint8((i*7919 + i/3*104729) % 256)
	}
	heavy := small
	heavy.MaxBytes = 400
	tests := []struct {
		name string
		data []byte
		p    Profile
		opt  *Options
		want reject.Code
	}{
		{"empty", nil, small, nil, reject.PhotoUnreadable},
		{"two bytes", []byte{0xFF, 0xD8}, small, nil, reject.PhotoUnreadable},
		{"zeros", make([]byte, 5000), small, nil, reject.PhotoUnreadable},
		{"truncated JPEG", good[:len(good)/2], small, nil, reject.PhotoUnreadable},
		{"truncated header", good[:40], small, nil, reject.PhotoUnreadable},
		{"corrupt scan", append(bytes.Clone(good[:600]), bytes.Repeat([]byte{0xFF, 0x00, 0x12}, 400)...), small, nil, reject.PhotoUnreadable},
		{"truncated PNG", encPNG(t, photoLike(100, 125, 1))[:300], small, nil, reject.PhotoUnreadable},
		{"GIF", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), small, nil, reject.PhotoFormat},
		{"AVIF", append([]byte("\x00\x00\x00\x18ftypavif"), make([]byte, 40)...), small, nil, reject.PhotoFormat},
		{"HEIC header only", append([]byte("\x00\x00\x00\x18ftypheic"), make([]byte, 40)...), small, nil, reject.PhotoUnreadable},
		{"WebP header only", []byte("RIFF\x10\x00\x00\x00WEBPVP8 "), small, nil, reject.PhotoUnreadable},
		{"text", []byte("to nie jest zdjęcie"), small, nil, reject.PhotoFormat},
		{"decompression bomb", withSize(t, good, 30000, 20000), small, nil, reject.PhotoTooLarge},
		{"over own pixel cap", good, small, &Options{MaxPixels: 100_000}, reject.PhotoTooLarge},
		{"over file size cap", good, small, &Options{MaxFileBytes: 1000}, reject.PhotoTooLarge},
		{"PNG too big to decode", pngWithSize(t, encPNG(t, photoLike(100, 125, 1)), 6000, 4000), small, nil, reject.PhotoTooLarge},
		{"too small", encJPEG(t, photoLike(30, 40, 1), 90), small, nil, reject.PhotoTooSmall},
		{"too heavy at min quality", encJPEG(t, noise, 95), heavy, nil, reject.PhotoTooHeavy},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, _, err := Normalize(tt.data, tt.p, tt.opt)
			assertCode(t, err, tt.want)
			if out != nil {
				t.Error("output returned with an error")
			}
			var pe *Error
			if !errors.As(err, &pe) || pe.Unwrap() == nil {
				t.Errorf("error %v lacks detail", err)
			}
		})
	}
}

func TestNormalizeSmallerCropNotUpscaled(t *testing.T) {
	p := small
	p.Width, p.Height = 400, 500
	out, _, err := Normalize(encJPEG(t, photoLike(200, 300, 4), 90), p, nil)
	if err != nil {
		t.Fatal(err)
	}
	assertOutput(t, out, 200, 250, p.MaxBytes)
}

func TestEncodeFittingHighestQuality(t *testing.T) {
	img := photoLike(240, 300, 5)
	sizes := map[int]int{}
	for q := 60; q <= 100; q++ {
		var b bytes.Buffer
		if err := jpegenc.Encode(&b, asYCbCr444(img), &jpegenc.Options{Quality: q, Subsample420: q < 90, FineChroma: q >= 90}); err != nil {
			t.Fatal(err)
		}
		sizes[q] = b.Len()
	}
	for _, target := range []int{62, 77, 84, 91, 99} {
		p := Profile{MinQuality: 60, MaxQuality: 100, MaxBytes: int64(sizes[target])}
		t.Run(string(rune('0'+target/10))+string(rune('0'+target%10)), func(t *testing.T) {
			want := 0
			for q := 60; q <= 100; q++ {
				if sizes[q] <= sizes[target] {
					want = q
				}
			}
			out, q, err := encodeFitting(img, p)
			if err != nil {
				t.Fatal(err)
			}
			if q != want || len(out) != sizes[want] {
				t.Errorf("chose quality %d (%d bytes), want %d (%d bytes)", q, len(out), want, sizes[want])
			}
		})
	}
}

// TestNormalizeQuality compares the output with a plain Lanczos resize of
// the fully decoded, centre-cropped source: the reduced-scale path must not
// be visibly worse. Bound: PSNR ≥ 30 dB and mean absolute difference ≤ 3
// levels (JPEG re-encoding alone costs about 1).
func TestNormalizeQuality(t *testing.T) {
	src := photoLike(3000, 4000, 6)
	data := encJPEG(t, src, 92)
	full := decodeJPEG(t, data)
	ref := imaging.Resize(imaging.CropCenter(full, 3000, 3750), 480, 600, imaging.Lanczos)
	for _, reduced := range []bool{true, false} {
		t.Run(map[bool]string{true: "jpegscale", false: "image/jpeg+box"}[reduced], func(t *testing.T) {
			useJPEGScale = reduced
			defer func() { useJPEGScale = true }()
			out, info, err := Normalize(data, DefaultProfiles()["mobywatel"], &Options{Cropper: CenterCrop{}})
			if err != nil {
				t.Fatal(err)
			}
			mad, pz := diffStats(decodeJPEG(t, out), ref)
			t.Logf("denom %d: mean abs diff %.2f, PSNR %.1f dB", info.Denom, mad, pz)
			if mad > 3 || pz < 30 {
				t.Errorf("output differs from full-decode Lanczos: mean abs diff %.2f, PSNR %.1f dB", mad, pz)
			}
		})
	}
}

// TestDecodePathsAgree runs the same photos through the reduced-scale
// decoder and through image/jpeg: outputs must be close, progressive files
// included.
func TestDecodePathsAgree(t *testing.T) {
	progressive, err := os.ReadFile(filepath.Join("testdata", "progressive.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		data      []byte
		p         Profile
		wantDenom int
	}{
		{"12MP rotated to mobywatel", withEXIF(encJPEG(t, photoLike(4000, 3000, 7), 90), 6, false), DefaultProfiles()["mobywatel"], 4},
		{"2MP to zpe", encJPEG(t, photoLike(1200, 1600, 8), 90), DefaultProfiles()["zpe"], 2},
		{"grayscale to small", encJPEG(t, grayLike(800, 1000), 90), small, 4},
		{"progressive at reduced scale", progressive, small, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fast, info, err := Normalize(tt.data, tt.p, nil)
			if err != nil {
				t.Fatal(err)
			}
			if info.Denom != tt.wantDenom {
				t.Errorf("denom %d, want %d", info.Denom, tt.wantDenom)
			}
			useJPEGScale = false
			full, finfo, err := Normalize(tt.data, tt.p, nil)
			useJPEGScale = true
			if err != nil {
				t.Fatal(err)
			}
			if finfo.Denom != 1 {
				t.Errorf("image/jpeg path used denom %d", finfo.Denom)
			}
			mad, pz := diffStats(decodeJPEG(t, fast), decodeJPEG(t, full))
			t.Logf("mean abs diff %.2f, PSNR %.1f dB", mad, pz)
			if mad > 2 || pz < 35 {
				t.Errorf("paths differ: mean abs diff %.2f, PSNR %.1f dB", mad, pz)
			}
		})
	}
}

// grayLike is photoLike in shades of grey.
func grayLike(w, h int) *image.Gray {
	src := photoLike(w, h, 9)
	g := image.NewGray(src.Bounds())
	for i := range g.Pix {
		g.Pix[i] = src.Pix[4*i+1]
	}
	return g
}

// TestNormalizePNGOrientation: an eXIf chunk in a PNG turns it like EXIF in
// a JPEG.
func TestNormalizePNGOrientation(t *testing.T) {
	p := encPNG(t, quadrants(600, 480))
	tiff := exifBlock(8, false)
	body := append([]byte("eXIf"), tiff...)
	chunk := binary.BigEndian.AppendUint32(nil, uint32(len(tiff)))
	chunk = binary.BigEndian.AppendUint32(append(chunk, body...), crc32.ChecksumIEEE(body))
	data := append(append(append([]byte{}, p[:33]...), chunk...), p[33:]...) // after IHDR
	out, info, err := Normalize(data, small, nil)
	if err != nil {
		t.Fatal(err)
	}
	img := decodeJPEG(t, out)
	got := nearest(img.At(15, 15)) + nearest(img.At(65, 15)) + nearest(img.At(15, 85)) + nearest(img.At(65, 85))
	if info.Orientation != 8 || got != "GYRB" {
		t.Errorf("orientation %d, corners %s, want 8 and GYRB", info.Orientation, got)
	}
}
