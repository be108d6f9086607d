package jpegscale

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"strings"
	"testing"
)

// assertErrorType checks that err is (or wraps) an error of type E.
func assertErrorType[E error](t *testing.T, err error) {
	t.Helper()
	var target E
	if !errors.As(err, &target) {
		t.Fatalf("error %v (%T), want a %T", err, err, target)
	}
}

// sofOffset returns the index of the SOFn marker code byte in data.
func sofOffset(t *testing.T, data []byte) int {
	t.Helper()
	for i := 2; i+1 < len(data); i++ {
		if data[i] == 0xFF && data[i+1] == sof0Marker {
			return i + 1
		}
	}
	t.Fatal("no SOF0 marker")
	return 0
}

func TestTruncatedFilesFail(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    encOptions
	}{
		{"420_restart2", encOptions{step: 8, h: [3]int{2, 1, 1}, v: [3]int{2, 1, 1}, restart: 2}},
		{"444_separate", encOptions{step: 8, separate: true}},
		{"gray", encOptions{step: 8, gray: true}},
	} {
		data := encodeTest(t, photoLike(21, 19, 5), tc.o)
		for _, denom := range []int{1, 8} {
			t.Run(fmt.Sprintf("%s/denom%d", tc.name, denom), func(t *testing.T) {
				if _, err := Decode(bytes.NewReader(data), denom); err != nil {
					t.Fatalf("whole file: %v", err)
				}
				for cut := 0; cut < len(data); cut++ {
					_, err := Decode(bytes.NewReader(data[:cut]), denom)
					if err == nil {
						t.Fatalf("cut at %d of %d: no error", cut, len(data))
					}
					assertErrorType[FormatError](t, err)
				}
			})
		}
	}
}

func TestUnsupportedFeatures(t *testing.T) {
	base := encodeTest(t, photoLike(16, 16, 1), encOptions{step: 8})
	withByte := func(i int, b byte) []byte {
		c := bytes.Clone(base)
		c[i] = b
		return c
	}
	sof := sofOffset(t, base)
	// The frame header follows the marker code: length (2), precision,
	// height (2), width (2), component count, then 3 bytes per component.
	precision, sampling := sof+3, sof+10
	header := func(segs ...[]byte) []byte {
		out := []byte{0xFF, 0xD8}
		for _, s := range segs {
			out = append(out, s...)
		}
		return append(out, 0xFF, 0xD9)
	}
	segment := func(marker byte, payload ...byte) []byte {
		n := len(payload) + 2
		return append([]byte{0xFF, marker, byte(n >> 8), byte(n)}, payload...)
	}
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"progressive_hierarchical_SOF6", withByte(sof, 0xC6)},
		{"lossless_SOF3", withByte(sof, 0xC3)},
		{"hierarchical_SOF5", withByte(sof, 0xC5)},
		{"arithmetic_SOF9", withByte(sof, 0xC9)},
		{"progressive_arithmetic_SOF10", withByte(sof, 0xCA)},
		{"12-bit", withByte(precision, 12)},
		{"mismatched_chroma_sampling", withByte(sampling+3, 0x21)},
		{"CMYK", header(segment(0xC0, 8, 0, 8, 0, 8, 4, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0, 4, 0x11, 0))},
		{"Adobe_RGB", header(
			segment(0xEE, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0),
			segment(0xC0, 8, 0, 8, 0, 8, 3, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0))},
		{"Adobe_RGB_after_SOF", adobeRGBAfterSOF(t, base)},
		{"RGB_component_ids", header(segment(0xC0, 8, 0, 8, 0, 8, 3, 'R', 0x11, 0, 'G', 0x11, 0, 'B', 0x11, 0))},
		{"DNL_height", header(segment(0xC0, 8, 0, 0, 0, 8, 1, 1, 0x11, 0))},
		{"too_many_pixels", header(segment(0xC0, 8, 0xFF, 0xFF, 0xFF, 0xFF, 1, 1, 0x11, 0))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode(bytes.NewReader(tc.data), 4)
			assertErrorType[UnsupportedError](t, err)
			if _, err := DecodeConfig(bytes.NewReader(tc.data)); err != nil {
				t.Errorf("DecodeConfig: %v, want the header read", err)
			}
		})
	}
}

func TestMalformedFiles(t *testing.T) {
	base := encodeTest(t, photoLike(16, 16, 1), encOptions{step: 8})
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"not_jpeg", []byte("GIF89a")},
		{"only_SOI_EOI", []byte{0xFF, 0xD8, 0xFF, 0xD9}},
		{"zero_width", append(append([]byte{0xFF, 0xD8}, 0xFF, 0xC0, 0, 11, 8, 0, 8, 0, 0, 1, 1, 0x11, 0), 0xFF, 0xD9)},
		{"bad_sampling_factor", append(append([]byte{0xFF, 0xD8}, 0xFF, 0xC0, 0, 11, 8, 0, 8, 0, 8, 1, 1, 0x51, 0), 0xFF, 0xD9)},
		{"scan_data_replaced_by_EOI", append(bytes.Clone(base[:bytes.Index(base, []byte{0xFF, 0xDA})+14]), 0xFF, 0xD9)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode(bytes.NewReader(tc.data), 1)
			assertErrorType[FormatError](t, err)
		})
	}
}

func TestDecodeConfig(t *testing.T) {
	for _, tc := range []struct {
		name  string
		o     encOptions
		w, h  int
		model color.Model
	}{
		{"color", encOptions{step: 8}, 33, 17, color.YCbCrModel},
		{"gray", encOptions{step: 8, gray: true}, 5, 300, color.GrayModel},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := encodeTest(t, photoLike(tc.w, tc.h, 2), tc.o)
			cfg, err := DecodeConfig(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			want := image.Config{ColorModel: tc.model, Width: tc.w, Height: tc.h}
			if cfg != want {
				t.Errorf("got %+v, want %+v", cfg, want)
			}
		})
	}
	t.Run("header_after_large_APP1", func(t *testing.T) {
		data := encodeTest(t, photoLike(9, 7, 2), encOptions{step: 8})
		app := append([]byte{0xFF, 0xE1, 0xFF, 0xF0}, make([]byte, 0xFFF0-2)...)
		big := append(append(bytes.Clone(data[:2]), app...), data[2:]...)
		cfg, err := DecodeConfig(bytes.NewReader(big))
		if err != nil || cfg.Width != 9 || cfg.Height != 7 {
			t.Fatalf("got %+v, %v; want 9x7", cfg, err)
		}
	})
}

func TestDenom(t *testing.T) {
	for _, tc := range []struct {
		srcW, srcH, minW, minH, want int
	}{
		{4000, 3000, 480, 600, 4},  // 1000x750
		{4000, 3000, 480, 375, 8},  // 500x375
		{4000, 3000, 480, 376, 4},  // 500x375 is one row short
		{3000, 4000, 480, 600, 4},  // 750x1000
		{1000, 1000, 480, 600, 1},  // 500x500 is too short at denom 2
		{100, 100, 480, 600, 1},    // too small even at full size
		{4001, 3001, 501, 376, 8},  // ceil(4001/8) = 501
		{4032, 3024, 480, 600, 4},  // a common 12 MP phone size: 1008x756
		{12000, 9000, 480, 600, 8}, // 108 MP: 1500x1125
		{1, 1, 1, 1, 8},
	} {
		t.Run(fmt.Sprintf("%dx%d_min%dx%d", tc.srcW, tc.srcH, tc.minW, tc.minH), func(t *testing.T) {
			if got := Denom(tc.srcW, tc.srcH, tc.minW, tc.minH); got != tc.want {
				t.Errorf("Denom = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestDecodeRejectsBadDenom(t *testing.T) {
	data := encodeTest(t, photoLike(8, 8, 1), encOptions{step: 8})
	for _, denom := range []int{0, 3, 16, -1} {
		t.Run(fmt.Sprint(denom), func(t *testing.T) {
			if _, err := Decode(bytes.NewReader(data), denom); err == nil {
				t.Fatal("no error")
			}
		})
	}
}

// adobeRGBAfterSOF rewrites a complete baseline file without its JFIF
// segment and with an Adobe APP14 segment (transform 0: RGB) placed after
// the frame header, where only the check at the first scan can see it.
func adobeRGBAfterSOF(t *testing.T, base []byte) []byte {
	t.Helper()
	if base[2] != 0xFF || base[3] != 0xE0 {
		t.Fatal("no APP0 after SOI")
	}
	rest := base[4+int(base[4])<<8+int(base[5]):]
	sof := sofOffset(t, base) - 1 - (len(base) - len(rest)) // index of 0xFF in rest
	sofEnd := sof + 2 + int(rest[sof+2])<<8 + int(rest[sof+3])
	out := append([]byte{0xFF, 0xD8}, rest[:sofEnd]...)
	out = append(out, 0xFF, 0xEE, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0)
	return append(out, rest[sofEnd:]...)
}

// runPastBlockJPEG is an 8x8 grey baseline JPEG whose only block codes
// four AC runs of fifteen zeros and a coefficient: the fourth lands past
// coefficient 63.
func runPastBlockJPEG() []byte {
	var b bytes.Buffer
	b.Write([]byte{0xFF, 0xD8})
	b.Write([]byte{0xFF, 0xDB, 0, 67, 0})
	b.Write(bytes.Repeat([]byte{1}, 64))
	b.Write([]byte{0xFF, 0xC0, 0, 11, 8, 0, 8, 0, 8, 1, 1, 0x11, 0})
	oneCode := func(class, sym byte) {
		b.Write([]byte{0xFF, 0xC4, 0, 20, class, 1})
		b.Write(make([]byte, 15))
		b.WriteByte(sym)
	}
	oneCode(0x00, 0x00) // DC: "0" is a difference of 0
	oneCode(0x10, 0xF1) // AC: "0" is fifteen zeros, then a 1-bit coefficient
	b.Write([]byte{0xFF, 0xDA, 0, 8, 1, 1, 0x00, 0, 63, 0})
	// DC "0", four times AC "0" + magnitude "1", padded with ones:
	// 0010 1010 1111 1111, the 0xFF stuffed.
	b.Write([]byte{0x2A, 0xFF, 0x00})
	b.Write([]byte{0xFF, 0xD9})
	return b.Bytes()
}

// TestRunPastBlockFails: a run of zeros that leaves the block is an
// error at every scale, not a write outside the block.
func TestRunPastBlockFails(t *testing.T) {
	data := runPastBlockJPEG()
	if _, err := DecodeConfig(bytes.NewReader(data)); err != nil {
		t.Fatalf("the header should be valid: %v", err)
	}
	for _, denom := range []int{1, 2, 4, 8} {
		_, err := DecodeBytes(data, denom, nil)
		if err == nil || !strings.Contains(err.Error(), "run past the block") {
			t.Errorf("denom %d: got %v, want the run-past-block error", denom, err)
		}
	}
}
