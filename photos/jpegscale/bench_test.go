package jpegscale

import (
	"bytes"
	"fmt"
	"image/jpeg"
	"testing"
)

// BenchmarkDecode12MP decodes a 4000x3000 4:2:0 photo-like JPEG (image/jpeg
// at quality 90) with image/jpeg and with Decode at every denom.
func BenchmarkDecode12MP(b *testing.B) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, photoLike(4000, 3000, 42), &jpeg.Options{Quality: 90}); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.Logf("test image: %d bytes", len(data))
	b.Run("stdlib", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := jpeg.Decode(bytes.NewReader(data)); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, denom := range []int{1, 2, 4, 8} {
		b.Run(fmt.Sprintf("denom%d", denom), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Decode(bytes.NewReader(data), denom); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
