package jpegscale

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"testing"
)

var updateSeeds = flag.Bool("update-fuzz-seeds", false, "rewrite testdata/fuzz/FuzzDecode from the test encoder")

// fuzzSeeds are small files covering the decoder's paths: grayscale,
// interleaved 4:2:0 with restarts, non-interleaved 4:4:4 with 16-bit
// quantisation tables, and 4:2:2 with near-lossless (long) codes.
func fuzzSeeds(tb testing.TB) map[string][]byte {
	tb.Helper()
	return map[string][]byte{
		"gray_8x8":              encodeTest(tb, photoLike(8, 8, 1), encOptions{gray: true, step: 8}),
		"420_restart1_17x9":     encodeTest(tb, photoLike(17, 9, 2), encOptions{step: 16, h: [3]int{2, 1, 1}, v: [3]int{2, 1, 1}, restart: 1}),
		"444_separate_q16_9x7":  encodeTest(tb, photoLike(9, 7, 3), encOptions{step: 16, separate: true, quant16: true}),
		"422_near_lossless_8x8": encodeTest(tb, photoLike(8, 8, 4), encOptions{step: 1, h: [3]int{2, 1, 1}}),
	}
}

func TestWriteFuzzSeeds(t *testing.T) {
	if !*updateSeeds {
		t.Skip("run with -update-fuzz-seeds to rewrite the committed corpus")
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzDecode")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, data := range fuzzSeeds(t) {
		body := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", data)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// FuzzDecode checks that no input makes Decode panic, hang or fail with
// anything but FormatError or UnsupportedError, and that a successful
// decode has the size DecodeConfig promised.
func FuzzDecode(f *testing.F) {
	for _, data := range fuzzSeeds(f) {
		f.Add(data)
	}
	// Progressive: DC and AC scans, successive approximation.
	for _, name := range []string{"prog420.jpg", "proggray.jpg"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := DecodeConfig(bytes.NewReader(data))
		if err != nil {
			assertDecodeError(t, err)
			return
		}
		if cfg.Width*cfg.Height > 1<<20 {
			return // valid but too slow to decode on every iteration
		}
		for _, denom := range []int{1, 2, 4, 8} {
			img, err := DecodeBytes(data, denom, &Options{FullChroma: denom > 1})
			if err != nil {
				assertDecodeError(t, err)
				continue
			}
			want := image.Rect(0, 0, (cfg.Width+denom-1)/denom, (cfg.Height+denom-1)/denom)
			if _, err := Decode(bytes.NewReader(data), denom); err != nil {
				t.Fatalf("denom %d: Decode fails (%v) where DecodeBytes with FullChroma succeeds", denom, err)
			}
			if img.Bounds() != want {
				t.Fatalf("denom %d: bounds %v, want %v", denom, img.Bounds(), want)
			}
		}
	})
}

// assertDecodeError checks that err is one of the package's typed errors.
func assertDecodeError(t *testing.T, err error) {
	t.Helper()
	var fe FormatError
	var ue UnsupportedError
	if !errors.As(err, &fe) && !errors.As(err, &ue) {
		t.Fatalf("error %v (%T) is neither FormatError nor UnsupportedError", err, err)
	}
}
