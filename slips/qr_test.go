package slips

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	zxqr "github.com/makiuchi-d/gozxing/qrcode"
)

// rasterize paints the rectangles drawQR draws, px pixels per module, with
// the quiet zone, as a scanner would see them on paper.
func rasterize(m qrMatrix, px int) *image.Gray {
	side := (m.size + 2*qrQuiet) * px
	img := image.NewGray(image.Rect(0, 0, side, side))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	for _, r := range m.rects {
		for y := (r.y + qrQuiet) * px; y < (r.y+r.h+qrQuiet)*px; y++ {
			for x := (r.x + qrQuiet) * px; x < (r.x+r.w+qrQuiet)*px; x++ {
				img.SetGray(x, y, color.Gray{})
			}
		}
	}
	return img
}

func decodeQR(t *testing.T, img image.Image) string {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatalf("binarizing: %v", err)
	}
	res, err := zxqr.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		t.Fatalf("decoding QR: %v", err)
	}
	return res.GetText()
}

func TestQRDecodes(t *testing.T) {
	for _, tc := range []struct{ name, payload string }{
		{"short", "ABC123"},
		{"url", "https://mlegitymacja.example.gov.pl/aktywuj?v=1&k=QX7P-000123"},
		{"long", strings.Repeat("0123456789abcdef", 20)},
		{"polish", "Żaneta Łęcka-Źdźbło"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := encodeQR(tc.payload)
			if err != nil {
				t.Fatal(err)
			}
			modules := 0
			for _, r := range m.rects {
				modules += r.w * r.h
			}
			if len(m.rects) >= modules/2 {
				t.Errorf("%d rectangles for %d dark modules: runs not merged", len(m.rects), modules)
			}
			if got := decodeQR(t, rasterize(m, 4)); got != tc.payload {
				t.Errorf("decoded %q, want %q", got, tc.payload)
			}
		})
	}
	t.Run("empty payload", func(t *testing.T) {
		if _, err := encodeQR(""); err == nil {
			t.Error("no error for an empty payload")
		}
	})
}

// qrPath returns the rectangles (x, y, w, h in points, PDF coordinates) of
// the first QR path in an uncompressed PDF: "q 0 g", one "x y w h re" per
// rectangle, "f Q".
func qrPath(t *testing.T, pdf []byte) [][4]float64 {
	t.Helper()
	start := bytes.Index(pdf, []byte("q 0 g\n"))
	if start < 0 {
		t.Fatal("no QR path in the PDF")
	}
	end := bytes.Index(pdf[start:], []byte("f Q\n"))
	if end < 0 {
		t.Fatal("QR path not closed")
	}
	var rects [][4]float64
	for _, line := range strings.Split(string(pdf[start+6:start+end]), "\n") {
		var r [4]float64
		if _, err := fmt.Sscanf(line, "%f %f %f %f re", &r[0], &r[1], &r[2], &r[3]); err == nil {
			rects = append(rects, r)
		}
	}
	return rects
}

// TestQRPathDecodes scans the QR as the slip PDF draws it, without any
// PDF renderer: the path's rectangles go back onto a module grid (the
// narrowest rectangle is one module), which gozxing must decode.
func TestQRPathDecodes(t *testing.T) {
	e := entry(t, 42, "1b", "Łęcka-Źdźbło", "Żaneta")
	rects := qrPath(t, renderSlip(t, e, &Options{plain: true}))
	mod, left, top := math.Inf(1), math.Inf(1), math.Inf(-1)
	for _, r := range rects {
		mod, left, top = math.Min(mod, r[2]), math.Min(left, r[0]), math.Max(top, r[1])
	}
	var m qrMatrix
	for _, r := range rects {
		// PDF y grows upwards; h is negative (the rectangle hangs down).
		q := qrRect{
			x: int(math.Round((r[0] - left) / mod)), y: int(math.Round((top - r[1]) / mod)),
			w: int(math.Round(r[2] / mod)), h: int(math.Round(-r[3] / mod)),
		}
		m.rects = append(m.rects, q)
		m.size = max(m.size, q.x+q.w, q.y+q.h)
	}
	if got := decodeQR(t, rasterize(m, 4)); got != e.QR {
		t.Errorf("drawn QR decodes to %q, want %q", got, e.QR)
	}
}

// TestQROnPage renders a watermarked slip with poppler and scans the page.
func TestQROnPage(t *testing.T) {
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftoppm is missing; .ci/run installs poppler-utils")
		}
		t.Skip("pdftoppm not installed (apt-get install poppler-utils)")
	}
	e := entry(t, 77, "4a", "Wiśniewska", "Zofia")
	dir := t.TempDir()
	in := filepath.Join(dir, "slip.pdf")
	if err := os.WriteFile(in, renderSlip(t, e, nil), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("pdftoppm", "-png", "-r", "150", "-gray", "-singlefile", in, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v: %s", err, out)
	}
	f, err := os.Open(filepath.Join(dir, "page.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if got := decodeQR(t, img); got != e.QR {
		t.Errorf("page QR decodes to %q, want %q", got, e.QR)
	}
}
