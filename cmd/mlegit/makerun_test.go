package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestMakeRun runs the README's first command, `make run`, into a
// temporary folder: the whole flow on the samples must end with slips.
func TestMakeRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs the whole flow")
	}
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make is not installed")
	}
	out := filepath.Join(t.TempDir(), "out")
	cmd := exec.Command("make", "-C", filepath.Join("..", ".."), "run", "OUT="+out, "BIN="+filepath.Join(t.TempDir(), "mlegit"))
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make run: %v\n%s", err, b)
	}
	for _, f := range []string{"summary.json", "odrzuceni.csv", "codes/codes.json", "slips/wszystkie.pdf"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("make run left no %s: %v", f, err)
		}
	}
	if ents, _ := os.ReadDir(filepath.Join(out, "slips", "1b")); len(ents) == 0 {
		t.Error("no per-student slips for class 1b")
	}
}
