package photos

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// A file that cannot be opened now (a OneDrive online-only file while
// offline) is listed as unreadable, not as a photo and not dropped.
func TestListDirUnreadable(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"a.jpg", "offline.jpg", "b.png"} {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(dir, "empty.jpg"), nil, 0o600)
	os.Mkdir(filepath.Join(dir, "2a"), 0o700)
	os.Mkdir(filepath.Join(dir, ".hidden"), 0o700)
	orig := openFile
	t.Cleanup(func() { openFile = orig })
	openFile = func(p string) (*os.File, error) {
		if filepath.Base(p) == "offline.jpg" {
			return nil, errors.New("the cloud file provider is not running")
		}
		return orig(p)
	}
	l, err := ListDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"a.jpg", "b.png", "empty.jpg"}; !slices.Equal(l.Files, want) {
		t.Errorf("files %q, want %q", l.Files, want)
	}
	if want := []string{"offline.jpg"}; !slices.Equal(l.Unreadable, want) {
		t.Errorf("unreadable %q, want %q", l.Unreadable, want)
	}
	if want := []string{"2a"}; !slices.Equal(l.Subfolders, want) {
		t.Errorf("subfolders %q, want %q", l.Subfolders, want)
	}
	if len(l.Special) != 0 {
		t.Errorf("special %q", l.Special)
	}
	if _, err := ListDir(filepath.Join(dir, "missing")); err == nil {
		t.Error("a missing folder listed")
	}
}
