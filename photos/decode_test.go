package photos

import (
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"

	"github.com/mlegit/mlegit/reject"
)

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// corners names the colours near the four corners of an 80x100 output.
func corners(t *testing.T, out []byte) string {
	t.Helper()
	img := decodeJPEG(t, out)
	return nearest(img.At(15, 15)) + nearest(img.At(65, 15)) + nearest(img.At(15, 85)) + nearest(img.At(65, 85))
}

// The fixtures were made by ImageMagick (testdata/make-heic-webp.sh) from a
// 600x480 picture of red, green, blue and yellow quarters.
func TestNormalizeHEICAndWebP(t *testing.T) {
	for _, tt := range []struct{ file, format string }{
		{"quadrants.heic", formatHEIF},
		{"quadrants.webp", formatWebP},
		{"quadrants-lossless.webp", formatWebP},
	} {
		t.Run(tt.file, func(t *testing.T) {
			out, info, err := Normalize(readFixture(t, tt.file), small, nil)
			if err != nil {
				t.Fatal(err)
			}
			assertOutput(t, out, 80, 100, small.MaxBytes)
			if info.Format != tt.format || info.SourceWidth != 600 || info.SourceHeight != 480 {
				t.Errorf("info %+v, want %s 600x480", info, tt.format)
			}
			if got := corners(t, out); got != "RGBY" {
				t.Errorf("corners %s, want RGBY", got)
			}
		})
	}
}

// withWebPEXIF turns a simple (VP8) WebP into the extended format with an
// EXIF chunk carrying orientation o after the image data, where the WebP
// container specification puts it.
func withWebPEXIF(t *testing.T, simple []byte, o int, prefix string) []byte {
	t.Helper()
	if string(simple[12:16]) != "VP8 " {
		t.Fatalf("not a simple lossy WebP: %q", simple[12:16])
	}
	vp8 := simple[12:]
	chunk := func(id string, body []byte) []byte {
		b := append([]byte(id), binary.LittleEndian.AppendUint32(nil, uint32(len(body)))...)
		b = append(b, body...)
		if len(body)%2 == 1 {
			b = append(b, 0)
		}
		return b
	}
	w, h := 600-1, 480-1 // the VP8X canvas stores size minus one, 24-bit little-endian
	vp8x := []byte{0x08, 0, 0, 0, byte(w), byte(w >> 8), 0, byte(h), byte(h >> 8), 0}
	body := append([]byte("WEBP"), chunk("VP8X", vp8x)...)
	body = append(body, vp8...)
	body = append(body, chunk("EXIF", append([]byte(prefix), exifBlock(o, false)...))...)
	return append(append([]byte("RIFF"), binary.LittleEndian.AppendUint32(nil, uint32(len(body)))...), body...)
}

func TestNormalizeWebPOrientation(t *testing.T) {
	simple := readFixture(t, "quadrants.webp")
	for _, prefix := range []string{"", "Exif\x00\x00"} {
		data := withWebPEXIF(t, simple, 8, prefix)
		out, info, err := Normalize(data, small, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := corners(t, out); info.Orientation != 8 || got != "GYRB" {
			t.Errorf("prefix %q: orientation %d, corners %s, want 8 and GYRB", prefix, info.Orientation, got)
		}
	}
}

func TestNormalizeHEICAndWebPRejects(t *testing.T) {
	heic := readFixture(t, "quadrants.heic")
	lossless := readFixture(t, "quadrants-lossless.webp")
	tests := []struct {
		name string
		data []byte
		opt  *Options
		want reject.Code
	}{
		{"HEIC cut after the header", heic[:len(heic)/2], nil, reject.PhotoUnreadable},
		{"HEIC over the pixel cap", heic, &Options{MaxPixels: 600*480 - 1}, reject.PhotoTooLarge},
		// 3 bytes a pixel for HEIF (libheif's planes and Go's copy): refused
		// before decoding.
		{"HEIC over the decode budget", heic, &Options{MaxDecodeBytes: 3 * 600 * 480}, reject.PhotoTooLarge},
		{"lossless WebP over the decode budget", lossless, &Options{MaxDecodeBytes: 4*600*480 - 1}, reject.PhotoTooLarge},
		{"WebP cut", readFixture(t, "quadrants.webp")[:200], nil, reject.PhotoUnreadable},
		{"AVIF", append([]byte("\x00\x00\x00\x1cftypavif\x00\x00\x00\x00mif1miaf"), make([]byte, 40)...), nil, reject.PhotoFormat},
		{"HEIF with an AV1 brand", append([]byte("\x00\x00\x00\x1cftypmif1\x00\x00\x00\x00avifheic"), make([]byte, 40)...), nil, reject.PhotoFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Normalize(tt.data, small, tt.opt)
			assertCode(t, err, tt.want)
		})
	}
}

func TestIsHEIF(t *testing.T) {
	for _, tt := range []struct {
		head string
		want bool
	}{
		{"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", true},
		{"\x00\x00\x00\x18ftyphevc\x00\x00\x00\x00mif1hevc", true},
		{"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1heic", true},
		{"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1miaf", false},
		{"\x00\x00\x00\x18ftypavif\x00\x00\x00\x00mif1heic", false},
		{"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00isommp42", false},
		{"\xff\xff\xff\xffftypmif1\x00\x00\x00\x00mif1heic", false},
	} {
		if got := isHEIF([]byte(tt.head)); got != tt.want {
			t.Errorf("isHEIF(%q) = %v", tt.head, got)
		}
	}
}

// FuzzWebPOrientation: the WebP chunk walker reads untrusted bytes; it must
// never panic and always answer 1–8.
func FuzzWebPOrientation(f *testing.F) {
	f.Add([]byte("RIFF\x10\x00\x00\x00WEBPEXIF\x04\x00\x00\x00abcd"))
	f.Fuzz(func(t *testing.T, b []byte) {
		data := append([]byte("RIFF\x00\x00\x00\x00WEBP"), b...)
		if o := webpOrientation(data); o < 1 || o > 8 {
			t.Errorf("orientation %d", o)
		}
		webpDecodeBytes(data, 1, 1)
	})
}

// mlegit photos and run --photos read HEIC and WebP files by their
// extension and contents.
func TestNormalizeDirHEICAndWebP(t *testing.T) {
	in, out := t.TempDir(), filepath.Join(t.TempDir(), "wynik")
	writeFiles(t, in, map[string][]byte{
		"Jan Kowalski 2a.HEIC": readFixture(t, "quadrants.heic"),
		"Ewa Nowak 2a.webp":    readFixture(t, "quadrants.webp"),
	})
	rep, err := NormalizeDir(context.Background(), in, Config{Dir: out, Profile: small, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Total != 2 || rep.Written != 2 || len(rep.Rejected) != 0 {
		t.Fatalf("report %+v, want both written", rep)
	}
	for _, name := range []string{"Jan Kowalski 2a.jpg", "Ewa Nowak 2a.jpg"} {
		data, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		assertOutput(t, data, 80, 100, small.MaxBytes)
	}
}

// A HEIF writer may put the image data before the 'meta' box; the size is
// still read from the header alone.
func TestHEIFConfigWithMetaLast(t *testing.T) {
	heic := readFixture(t, "quadrants.heic")
	var ftyp, rest []byte
	n := int(binary.BigEndian.Uint32(heic))
	ftyp, rest = heic[:n], heic[n:]
	filler := append(binary.BigEndian.AppendUint32(nil, 40<<10+8), "free"...)
	filler = append(filler, make([]byte, 40<<10)...)
	moved := append(append(append([]byte{}, ftyp...), filler...), rest...)
	cfg, err := heifDecodeConfig(moved)
	if err != nil || cfg.Width != 600 || cfg.Height != 480 {
		t.Errorf("config %+v, %v; want 600x480", cfg, err)
	}
	// A broken box structure is left to the decoder to refuse.
	if got := heifHeader(moved[:100]); len(got) != 100 {
		t.Errorf("cut file: header of %d bytes", len(got))
	}
}
