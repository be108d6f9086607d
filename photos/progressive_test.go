package photos

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/mlegit/mlegit/photos/internal/heapalloc"
)

// progressiveJPEG re-encodes a baseline JPEG as a progressive one with
// ImageMagick (libjpeg's standard progressive script). Without ImageMagick
// the test is skipped, except in CI (CI set), where it must run.
func progressiveJPEG(t *testing.T, baseline []byte) []byte {
	t.Helper()
	convert, err := exec.LookPath("convert")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("ImageMagick's convert is missing (apt-get install imagemagick)")
		}
		t.Skip("ImageMagick's convert is missing")
	}
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.jpg"), filepath.Join(dir, "out.jpg")
	if err := os.WriteFile(in, baseline, 0o600); err != nil {
		t.Fatal(err)
	}
	if b, err := exec.Command(convert, in, "-quality", "92", "-interlace", "JPEG", out).CombinedOutput(); err != nil {
		t.Fatalf("convert: %v: %s", err, b)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestNormalizeProgressive12MP: a progressive 12 MP phone photo is decoded
// at reduced scale (no full-size fallback), allocating a small fraction of
// what image/jpeg's full decode does, with the same picture.
func TestNormalizeProgressive12MP(t *testing.T) {
	data := progressiveJPEG(t, encJPEG(t, photoLike(4000, 3000, 3), 92))
	p := DefaultProfiles()["mobywatel"]
	p.Crop = CropCentre // the same crop on both paths, whatever the scale
	var out []byte
	var info Info
	var err error
	got := heapalloc.Of(func() { out, info, err = Normalize(data, p, nil) })
	if err != nil {
		t.Fatal(err)
	}
	useJPEGScale = false
	var ref []byte
	full := heapalloc.Of(func() { ref, _, err = Normalize(data, p, nil) })
	useJPEGScale = true
	if err != nil {
		t.Fatal(err)
	}
	mad, psnr := diffStats(decodeJPEG(t, out), decodeJPEG(t, ref))
	t.Logf("denom %d: %d MB allocated (image/jpeg path %d MB); vs image/jpeg path: mean abs diff %.2f, PSNR %.1f dB",
		info.Denom, got>>20, full>>20, mad, psnr)
	if info.Denom < 2 {
		t.Errorf("denom %d: decoded at full size", info.Denom)
	}
	// The 4:5 crop of a landscape photo needs denom 2: planes 2000x1500
	// with full chroma (9 MB) plus kept coefficients (187 500 luma blocks x
	// 106 B, 93 750 chroma x 136 B: 32 MB) and the resize and encode
	// buffers; image/jpeg holds 256 B of coefficients a block and the image.
	if got > 56<<20 || got > full/2 {
		t.Errorf("allocated %d MB (image/jpeg path %d MB), want <= 56 MB and half", got>>20, full>>20)
	}
	if psnr < 40 {
		t.Errorf("PSNR %.1f dB against the image/jpeg path, want >= 40", psnr)
	}
}
