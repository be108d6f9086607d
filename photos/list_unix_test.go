//go:build unix

package photos

import (
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"
)

// A named pipe in the photos folder is never opened (opening one blocks
// until a writer comes) but listed as special; a dangling link is
// unreadable; a link to a photo is a photo.
func TestListDirSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.jpg"), []byte("x"), 0o600)
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe.jpg"), 0o600); err != nil {
		t.Skip("no named pipes here:", err)
	}
	os.Symlink(filepath.Join(dir, "a.jpg"), filepath.Join(dir, "link.jpg"))
	os.Symlink(filepath.Join(dir, "gone.jpg"), filepath.Join(dir, "dangling.jpg"))
	os.Symlink(filepath.Join(dir, "pipe.jpg"), filepath.Join(dir, "pipelink.jpg"))
	type res struct {
		l   Listing
		err error
	}
	done := make(chan res, 1)
	go func() { l, err := ListDir(dir); done <- res{l, err} }()
	var r res
	select {
	case r = <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("ListDir blocked on a named pipe")
	}
	if r.err != nil {
		t.Fatal(r.err)
	}
	if want := []string{"a.jpg", "link.jpg"}; !slices.Equal(r.l.Files, want) {
		t.Errorf("files %q, want %q", r.l.Files, want)
	}
	if want := []string{"pipe.jpg", "pipelink.jpg"}; !slices.Equal(r.l.Special, want) {
		t.Errorf("special %q, want %q", r.l.Special, want)
	}
	if want := []string{"dangling.jpg"}; !slices.Equal(r.l.Unreadable, want) {
		t.Errorf("unreadable %q, want %q", r.l.Unreadable, want)
	}
}
