package slips

import (
	"fmt"
	"image/color"

	"github.com/boombuler/barcode/qr"
)

// qrQuiet is the quiet zone the QR standard requires around the symbol, in
// modules. It is painted white, so a watermark never reaches the symbol.
const qrQuiet = 4

// qrRect is a rectangle of dark modules, in module units: columns x to
// x+w-1, rows y to y+h-1.
type qrRect struct{ x, y, w, h int }

// qrMatrix is a QR symbol reduced to what is drawn: the side length in
// modules (without the quiet zone) and the dark rectangles.
type qrMatrix struct {
	size  int
	rects []qrRect
}

// encodeQR encodes payload with error correction level M and reduces the
// dark modules to rectangles: each row's consecutive dark modules become one
// run, and a run repeated exactly in the next row grows downwards instead of
// starting a new rectangle. A version-5 symbol needs about 300 rectangles
// instead of about 600 modules.
func encodeQR(payload string) (qrMatrix, error) {
	if payload == "" {
		return qrMatrix{}, fmt.Errorf("encoding QR: empty payload")
	}
	code, err := qr.Encode(payload, qr.M, qr.Auto)
	if err != nil {
		// The payload is a secret: the error tells its size, never its
		// text (the encoder's own message may quote it).
		return qrMatrix{}, fmt.Errorf("encoding QR: a payload of %d bytes does not fit a QR code", len(payload))
	}
	b := code.Bounds()
	m := qrMatrix{size: b.Dx()}
	open := map[[2]int]int{} // (x, w) of a run in the previous row → index in m.rects
	for y := 0; y < b.Dy(); y++ {
		next := map[[2]int]int{}
		start := -1
		for x := 0; x <= b.Dx(); x++ {
			dark := x < b.Dx() && isDark(code.At(b.Min.X+x, b.Min.Y+y))
			switch {
			case dark && start < 0:
				start = x
			case !dark && start >= 0:
				key := [2]int{start, x - start}
				if i, ok := open[key]; ok {
					m.rects[i].h++
					next[key] = i
				} else {
					next[key] = len(m.rects)
					m.rects = append(m.rects, qrRect{x: start, y: y, w: x - start, h: 1})
				}
				start = -1
			}
		}
		open = next
	}
	return m, nil
}

func isDark(c color.Color) bool {
	r, g, b, _ := c.RGBA()
	return r+g+b < 3*0x8000
}
