package safefile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// FoldCase is the key under which a file system that ignores case (NTFS,
// APFS by default) sees name: names with equal keys are one file there.
// Like NTFS's upcase table it maps rune by rune.
func FoldCase(name string) string { return strings.ToUpper(name) }

// Names compares paths the way the file system of one folder does.
type Names struct {
	fold bool
}

// NamesIn probes whether the file system holding dir (which must exist)
// ignores case in file names, by creating a temporary file there and
// looking it up with its case changed.
func NamesIn(dir string) (Names, error) {
	f, err := os.CreateTemp(dir, ".case-probe-*")
	if err != nil {
		return Names{}, fmt.Errorf("probing %s for case folding: %w", dir, err)
	}
	name := f.Name()
	f.Close()
	defer os.Remove(name)
	base := filepath.Base(name)
	_, err = os.Lstat(filepath.Join(dir, strings.ToUpper(base)))
	switch {
	case err == nil:
		return Names{fold: true}, nil
	case errors.Is(err, fs.ErrNotExist):
		return Names{fold: false}, nil
	default:
		return Names{}, fmt.Errorf("probing %s for case folding: %w", dir, err)
	}
}

// FoldsCase reports whether the file system ignores case.
func (n Names) FoldsCase() bool { return n.fold }

// Key is path as the file system tells paths apart: equal keys, same file.
func (n Names) Key(path string) string {
	path = filepath.Clean(path)
	if n.fold {
		return FoldCase(path)
	}
	return path
}
