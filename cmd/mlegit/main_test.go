package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// binDir holds the mlegit binary built for this package's tests; TestMain
// removes it at the end.
var binDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "mlegit-test-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
)

// testBinary returns the path of the mlegit binary, built once for the
// whole test run (on first use, so tests that do not need it do not pay
// for it). Tests that run mlegit as a separate process (kills, locks,
// make run) share it.
func testBinary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		builtBin = filepath.Join(binDir, "mlegit")
		if out, err := exec.Command("go", "build", "-o", builtBin, ".").CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return builtBin
}
