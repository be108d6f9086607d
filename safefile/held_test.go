package safefile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// holdByTest makes every rename onto path fail as a sharing violation
// until the returned function is called (Unix cannot hold a file; Windows
// tests hold it for real, see held_windows_test.go).
func holdByTest(t *testing.T, path string) {
	t.Helper()
	old := renameFile
	renameFile = func(from, to string) error {
		if to == path {
			return &os.LinkError{Op: "rename", Old: from, New: to, Err: errTestHeld}
		}
		return old(from, to)
	}
	t.Cleanup(func() { renameFile = old })
}

// checkHeld writes path while hold holds it and checks the new content
// lands beside it, the old stays, and the error says which file to close.
func checkHeld(t *testing.T, hold func(t *testing.T, path string)) {
	dir := t.TempDir()
	p := filepath.Join(dir, "odrzuceni.csv")
	if err := WriteFile(p, []byte("old")); err != nil {
		t.Fatal(err)
	}
	hold(t, p)
	start := time.Now()
	err := WriteFile(p, []byte("new"))
	var he *HeldError
	if !errors.As(err, &he) {
		t.Fatalf("err %v, want *HeldError", err)
	}
	if waited := time.Since(start); waited < HeldFor {
		t.Errorf("gave up after %v, want retries for %v", waited, HeldFor)
	}
	want := filepath.Join(dir, "odrzuceni (nowy).csv")
	if he.Path != p || he.Beside != want {
		t.Errorf("held %q beside %q", he.Path, he.Beside)
	}
	if got, _ := os.ReadFile(want); string(got) != "new" {
		t.Errorf("beside file holds %q", got)
	}
	if msg := he.Polish(); !strings.Contains(msg, "Zamknij plik odrzuceni.csv") || !strings.Contains(msg, "odrzuceni (nowy).csv") {
		t.Errorf("Polish message %q", msg)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 2 {
		t.Errorf("files left: %v", ents)
	}
}

func TestHeldFileWrittenBeside(t *testing.T) {
	checkHeld(t, holdByTest)
	// Released: the next write replaces the file and drops the copy.
	dir := t.TempDir()
	p := filepath.Join(dir, "r.csv")
	noErr(t, os.WriteFile(BesidePath(p), []byte("yesterday's held copy"), 0o600))
	noErr(t, WriteFile(p, []byte("fresh")))
	if _, err := os.Stat(BesidePath(p)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("beside copy left after a normal write: %v", err)
	}
}

// A file held only for a moment (a virus scan) is replaced normally.
func TestHeldBriefly(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "x.csv")
	old := renameFile
	tries := 0
	renameFile = func(from, to string) error {
		if tries++; tries < 3 {
			return &os.LinkError{Op: "rename", Old: from, New: to, Err: errTestHeld}
		}
		return old(from, to)
	}
	defer func() { renameFile = old }()
	noErr(t, WriteFile(p, []byte("x")))
	if _, err := os.Stat(BesidePath(p)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("written beside although released: %v", err)
	}
}

func TestBesidePath(t *testing.T) {
	for in, want := range map[string]string{
		"out/odrzuceni.xlsx":       "out/odrzuceni (nowy).xlsx",
		"out/slips/wszystkie.pdf":  "out/slips/wszystkie (nowy).pdf",
		"out/register/rejestr.pdf": "out/register/rejestr (nowy).pdf",
		"out/summary":              "out/summary (nowy)",
	} {
		if got := BesidePath(filepath.FromSlash(in)); got != filepath.FromSlash(want) {
			t.Errorf("BesidePath(%q) = %q, want %q", in, got, want)
		}
	}
}

func noErr(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
