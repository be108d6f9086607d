package photos

import (
	"os"
	"testing"
)

// BenchmarkNormalize12MP normalises a 12 MP (3000x4000) photo-like JPEG to
// the default profile, the cost that dominates a school's run.
func BenchmarkNormalize12MP(b *testing.B) {
	var data []byte
	if f := os.Getenv("BENCH_PHOTO"); f != "" { // a real photo, if given
		var err error
		if data, err = os.ReadFile(f); err != nil {
			b.Fatal(err)
		}
	} else {
		data = encJPEG(b, photoLike(3000, 4000, 1), 92)
	}
	p := DefaultProfiles()[DefaultProfile]
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Normalize(data, p, nil); err != nil {
			b.Fatal(err)
		}
	}
}
