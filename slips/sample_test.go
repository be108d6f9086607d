package slips

import (
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

var updateSample = flag.Bool("sample", false, "regenerate ../samples/slip-example.png (needs pdftoppm)")

// TestSample regenerates the sample image a reader can look at:
// go test ./slips/ -run TestSample -sample
func TestSample(t *testing.T) {
	if !*updateSample {
		t.Skip("run with -sample to regenerate samples/slip-example.png")
	}
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		t.Skip("pdftoppm not installed")
	}
	e := entry(t, 1234, "1b", "Łęcka-Źdźbło", "Żaneta")
	e.SecondName = "Gabriela"
	dir := t.TempDir()
	pdf := filepath.Join(dir, "slip.pdf")
	if err := os.WriteFile(pdf, renderSlip(t, e, nil), 0o600); err != nil {
		t.Fatal(err)
	}
	out, _ := filepath.Abs("../samples/slip-example")
	if b, err := exec.Command("pdftoppm", "-png", "-r", "100", "-singlefile", pdf, out).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v: %s", err, b)
	}
}
