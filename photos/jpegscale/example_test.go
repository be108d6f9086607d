package jpegscale_test

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"log"

	"github.com/mlegit/mlegit/photos/jpegscale"
)

// Example shows the intended call sequence: read the size, refuse huge
// images, pick the smallest decode that still covers the target, and fall
// back to image/jpeg for files this package does not handle.
func Example() {
	var file bytes.Buffer
	if err := jpeg.Encode(&file, image.NewGray(image.Rect(0, 0, 2000, 1500)), nil); err != nil {
		log.Fatal(err)
	}
	data := file.Bytes()

	cfg, err := jpegscale.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		log.Fatal(err)
	}
	if cfg.Width*cfg.Height > 50_000_000 {
		log.Fatal("image too large")
	}
	denom := jpegscale.Denom(cfg.Width, cfg.Height, 480, 360)
	img, err := jpegscale.Decode(bytes.NewReader(data), denom)
	var unsupported jpegscale.UnsupportedError
	if errors.As(err, &unsupported) {
		img, err = jpeg.Decode(bytes.NewReader(data)) // full size; scale afterwards
	}
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(denom, img.Bounds().Dx(), img.Bounds().Dy())
	// Output: 4 500 375
}
