package safefile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestWriteFileModes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b")
	p := filepath.Join(dir, "x.json")
	if err := WriteFile(p, []byte("hello")); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != FileMode {
		t.Errorf("file mode %v, want %v", st.Mode().Perm(), FileMode)
	}
	dst, _ := os.Stat(dir)
	if dst.Mode().Perm() != DirMode {
		t.Errorf("dir mode %v, want %v", dst.Mode().Perm(), DirMode)
	}
}

func TestWriteFailureKeepsOldFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "x")
	if err := WriteFile(p, []byte("old")); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := Write(p, func(w io.Writer) error {
		w.Write([]byte("half of the new"))
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	got, _ := os.ReadFile(p)
	if string(got) != "old" {
		t.Errorf("content %q after failed write, want old", got)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("%d entries left in folder, want 1 (no temp files)", len(ents))
	}
}

func TestCloseWithoutCommitDiscards(t *testing.T) {
	dir := t.TempDir()
	f, err := Create(filepath.Join(dir, "y"))
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("data"))
	f.Close()
	ents, _ := os.ReadDir(dir)
	if len(ents) != 0 {
		t.Errorf("%d entries left, want 0", len(ents))
	}
}

func TestCreateRemovesLeftoversOfKilledWrites(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "summary.json")
	// What a run killed between CreateTemp and Commit leaves behind.
	left := filepath.Join(dir, ".summary.json.tmp-12345")
	other := filepath.Join(dir, ".other.json.tmp-1")
	os.WriteFile(left, []byte("half"), 0o600)
	os.WriteFile(other, []byte("not ours"), 0o600)
	if err := WriteFile(p, []byte("{}")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(left); !os.IsNotExist(err) {
		t.Errorf("leftover of a killed write still there: %v", err)
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("another file's temp was removed: %v", err)
	}
}

// Writing into a folder that exists (a shared folder, /tmp) leaves its
// mode alone; only the folders created on the way get DirMode.
func TestExistingFolderKeepsItsMode(t *testing.T) {
	shared := filepath.Join(t.TempDir(), "wspolny")
	if err := os.Mkdir(shared, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(shared, 0o755); err != nil { // whatever the umask
		t.Fatal(err)
	}
	before, _ := os.Stat(shared)
	if err := WriteFile(filepath.Join(shared, "kody.csv"), []byte("x")); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(filepath.Join(shared, "nowy", "plik"), []byte("x")); err != nil {
		t.Fatal(err)
	}
	after, _ := os.Stat(shared)
	if after.Mode().Perm() != before.Mode().Perm() {
		t.Errorf("existing folder changed from %v to %v", before.Mode().Perm(), after.Mode().Perm())
	}
	created, _ := os.Stat(filepath.Join(shared, "nowy"))
	if created.Mode().Perm() != DirMode {
		t.Errorf("created folder mode %v, want %v", created.Mode().Perm(), DirMode)
	}
}
