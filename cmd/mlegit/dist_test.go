package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestMakeDist runs `make dist` for this machine's linux/amd64 (each other
// platform compiles every dependency again, minutes each on a shared
// machine; the Windows build is run under Wine by scripts/test-windows.sh):
// the binary is built without cgo (a static ELF has no interpreter) and
// SHA256SUMS holds its true digest. The Makefile must list all six
// platforms.
func TestMakeDist(t *testing.T) {
	if os.Getenv("CI") == "" {
		t.Skip("builds the release binary from scratch (CGO_ENABLED=0 compiles every package again): " +
			"minutes on a shared machine, so only with CI set; TestDistPlatformsNeedNoCgo checks every platform here")
	}
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make is not installed")
	}
	dist := t.TempDir()
	mk, err := os.ReadFile(filepath.Join("..", "..", "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"windows/amd64", "windows/arm64", "linux/amd64", "linux/arm64", "darwin/amd64", "darwin/arm64"} {
		if !bytes.Contains(mk, []byte(p)) {
			t.Errorf("make dist does not build %s", p)
		}
	}
	// DISTFLAGS= drops -trimpath, so the packages compiled for the other
	// tests are reused.
	cmd := exec.Command("make", "-C", filepath.Join("..", ".."), "dist", "DIST="+dist, "PLATFORMS=linux/amd64", "DISTFLAGS=")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make dist: %v\n%s", err, b)
	}
	ef, err := elf.Open(filepath.Join(dist, "mlegit-linux-amd64"))
	if err != nil {
		t.Fatal(err)
	}
	defer ef.Close()
	if ef.Machine != elf.EM_X86_64 {
		t.Errorf("linux/amd64 binary is for %v", ef.Machine)
	}
	for _, p := range ef.Progs {
		if p.Type == elf.PT_INTERP {
			t.Error("the binary asks for a dynamic loader: built with cgo")
		}
	}
	sums, err := os.ReadFile(filepath.Join(dist, "SHA256SUMS"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	sc := bufio.NewScanner(bytes.NewReader(sums))
	for sc.Scan() {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		if !ok {
			t.Fatalf("SHA256SUMS line %q", sc.Text())
		}
		data, err := os.ReadFile(filepath.Join(dist, name))
		if err != nil {
			t.Fatal(err)
		}
		if h := sha256.Sum256(data); hex.EncodeToString(h[:]) != sum {
			t.Errorf("%s: SHA256SUMS says %s", name, sum)
		}
		n++
	}
	if n != 1 {
		t.Errorf("SHA256SUMS lists %d binaries, want 1:\n%s", n, sums)
	}
}

// TestDistPlatformsNeedNoCgo asks the go command, for each platform make
// dist builds, whether every package of mlegit builds with CGO_ENABLED=0:
// a package that needs C would be left with no files (an error), and none
// may list cgo files.
func TestDistPlatformsNeedNoCgo(t *testing.T) {
	for _, p := range []string{"windows/amd64", "windows/arm64", "linux/amd64", "linux/arm64", "darwin/amd64", "darwin/arm64"} {
		t.Run(strings.ReplaceAll(p, "/", "-"), func(t *testing.T) {
			goos, goarch, _ := strings.Cut(p, "/")
			cmd := exec.Command("go", "list", "-deps", "-f", "{{if .CgoFiles}}cgo: {{.ImportPath}}{{end}}{{if .Error}}error: {{.Error}}{{end}}", ".")
			cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+goos, "GOARCH="+goarch)
			out, err := cmd.CombinedOutput()
			if err != nil || strings.TrimSpace(string(out)) != "" {
				t.Errorf("go list for %s: %v\n%s", p, err, out)
			}
		})
	}
}
