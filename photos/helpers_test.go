package photos

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"math/rand/v2"
	"testing"
)

// photoLike draws a deterministic portrait-ish picture: a smooth
// background, a face-like ellipse and mild noise, so JPEG sizes are
// realistic.
func photoLike(w, h int, seed uint64) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	r := rand.New(rand.NewPCG(seed, 7))
	cx, cy := float64(w)/2, float64(h)*0.45
	rx, ry := float64(w)*0.28, float64(h)*0.3
	sx := make([]float64, w)
	for x := range sx {
		sx[x] = 40 * math.Sin(float64(x)/float64(w)*3)
	}
	for y := 0; y < h; y++ {
		cy2 := math.Cos(float64(y) / float64(h) * 2)
		for x := 0; x < w; x++ {
			fx, fy := float64(x), float64(y)
			bg := 200 + sx[x]*cy2
			c := color.RGBA{uint8(bg), uint8(bg - 10), uint8(bg - 30), 255}
			if d := (fx-cx)*(fx-cx)/(rx*rx) + (fy-cy)*(fy-cy)/(ry*ry); d < 1 {
				c = color.RGBA{uint8(220 - 60*d), uint8(170 - 50*d), uint8(140 - 40*d), 255}
			}
			n := int(r.IntN(17)) - 8
			c.R, c.G, c.B = clamp8(int(c.R)+n), clamp8(int(c.G)+n), clamp8(int(c.B)+n)
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

func clamp8(v int) uint8 { return uint8(min(255, max(0, v))) }

func encJPEG(t testing.TB, img image.Image, q int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: q}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encPNG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// exifBlock builds a TIFF structure holding one Orientation tag.
func exifBlock(o int, bigEndian bool) []byte {
	var bo binary.AppendByteOrder = binary.LittleEndian
	hdr := []byte("II*\x00")
	if bigEndian {
		bo, hdr = binary.BigEndian, []byte("MM\x00*")
	}
	b := append([]byte{}, hdr...)
	b = bo.AppendUint32(b, 8) // IFD0 right after the header
	b = bo.AppendUint16(b, 2) // two entries: a dummy, then Orientation
	// ImageDescription ASCII, count 4, inline "abc\0"
	b = bo.AppendUint16(b, 0x010E)
	b = bo.AppendUint16(b, 2)
	b = bo.AppendUint32(b, 4)
	b = append(b, 'a', 'b', 'c', 0)
	b = bo.AppendUint16(b, tagOrientation)
	b = bo.AppendUint16(b, 3)
	b = bo.AppendUint32(b, 1)
	b = bo.AppendUint16(b, uint16(o))
	b = bo.AppendUint16(b, 0)
	b = bo.AppendUint32(b, 0) // no next IFD
	return b
}

// withEXIF splices an APP1 Exif segment carrying orientation o right after
// the SOI of a JPEG.
func withEXIF(jpg []byte, o int, bigEndian bool) []byte {
	body := append([]byte("Exif\x00\x00"), exifBlock(o, bigEndian)...)
	seg := []byte{0xFF, 0xE1}
	seg = binary.BigEndian.AppendUint16(seg, uint16(len(body)+2))
	seg = append(seg, body...)
	out := append([]byte{}, jpg[:2]...)
	out = append(out, seg...)
	return append(out, jpg[2:]...)
}

// jpegMarkers lists the markers of a JPEG up to SOS and the component count
// of its frame header; sof is the SOFn marker seen.
func jpegMarkers(t *testing.T, data []byte) (markers []byte, sof byte, comps int) {
	t.Helper()
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		t.Fatalf("not a JPEG: % x", data[:min(len(data), 8)])
	}
	pos := 2
	for pos+4 <= len(data) {
		if data[pos] != 0xFF {
			t.Fatalf("bad marker at %d", pos)
		}
		m := data[pos+1]
		markers = append(markers, m)
		n := int(binary.BigEndian.Uint16(data[pos+2:]))
		if m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC {
			sof, comps = m, int(data[pos+9])
		}
		if m == 0xDA {
			return
		}
		pos += 2 + n
	}
	t.Fatal("no SOS")
	return
}

// assertOutput checks what every Normalize output must be.
func assertOutput(t *testing.T, out []byte, w, h int, maxBytes int64) {
	t.Helper()
	markers, sof, comps := jpegMarkers(t, out)
	for _, m := range markers {
		if m >= 0xE0 && m <= 0xEF {
			t.Errorf("output carries APP%d segment", m-0xE0)
		}
	}
	if sof != 0xC0 || comps != 3 {
		t.Errorf("frame SOF%d with %d components, want baseline SOF0 with 3", sof-0xC0, comps)
	}
	if int64(len(out)) > maxBytes {
		t.Errorf("output %d bytes exceeds %d", len(out), maxBytes)
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Width != w || cfg.Height != h {
		t.Errorf("output %dx%d, want %dx%d", cfg.Width, cfg.Height, w, h)
	}
}

// diffStats compares two same-size images over RGB (0..255 levels): the
// mean absolute difference and the PSNR in dB.
func diffStats(a, b image.Image) (mad, psnr float64) {
	r, o := a.Bounds(), b.Bounds().Min
	var sum, se float64
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			ar, ag, ab, _ := a.At(x, y).RGBA()
			br, bg, bb, _ := b.At(x-r.Min.X+o.X, y-r.Min.Y+o.Y).RGBA()
			for _, d := range [3]float64{float64(ar>>8) - float64(br>>8), float64(ag>>8) - float64(bg>>8), float64(ab>>8) - float64(bb>>8)} {
				sum += math.Abs(d)
				se += d * d
			}
		}
	}
	n := float64(3 * r.Dx() * r.Dy())
	if se == 0 {
		return 0, math.Inf(1)
	}
	return sum / n, 10 * math.Log10(255*255/(se/n))
}

func decodeJPEG(t *testing.T, data []byte) image.Image {
	t.Helper()
	img, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return img
}
