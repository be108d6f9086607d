//go:build unix

package roster

import (
	"errors"
	"path/filepath"
	"syscall"
	"testing"
)

// A named pipe, a device or a folder given as the roster is refused at
// once; opening the pipe would wait for a writer for ever.
func TestReadFileNotRegular(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "lista.csv")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for name, path := range map[string]string{"fifo": fifo, "device": "/dev/null", "folder": t.TempDir()} {
		t.Run(name, func(t *testing.T) {
			if _, err := readAll(t, path, nil); !errors.Is(err, ErrNotRegular) {
				t.Errorf("err = %v, want ErrNotRegular", err)
			}
		})
	}
}
