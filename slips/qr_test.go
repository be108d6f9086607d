package slips

import (
	"image"
	"image/color"
	"image/png"
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

// TestQROnPage renders a watermarked slip with poppler and scans the page.
func TestQROnPage(t *testing.T) {
	if _, err := exec.LookPath("pdftoppm"); err != nil {
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
