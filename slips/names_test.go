package slips

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/mlegit/mlegit/codes"
	"github.com/mlegit/mlegit/safefile"
)

// A class renamed "2A" → "2a" between two print runs: where file names
// ignore case (Windows, macOS) the new slips land in the old folder "2A"
// and must not then be deleted as stale; where they don't, the old
// folder's slips are stale and go. Either way every slip just written is
// there afterwards, and nothing else is.
func TestStaleSlipsFollowFileSystemCase(t *testing.T) {
	ola := entry(t, 2, "2A", "Sowa", "Ola")
	jan := entry(t, 3, "2A", "Nowak", "Jan")
	out := t.TempDir()
	if _, err := WriteAll(context.Background(), out, &codes.Store{SchoolName: testSchool, Entries: []codes.Entry{ola, jan}}, nil); err != nil {
		t.Fatal(err)
	}
	ola.Class = "2a" // Jan left the school
	got, err := WriteAll(context.Background(), out, &codes.Store{SchoolName: testSchool, Entries: []codes.Entry{ola}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Slips) != 1 {
		t.Fatalf("slips %v", got.Slips)
	}
	if _, err := os.Stat(got.Slips[0]); err != nil {
		t.Fatalf("the slip just written is gone: %v", err)
	}
	dir := filepath.Join(out, "slips")
	names, err := safefile.NamesIn(dir)
	if err != nil {
		t.Fatal(err)
	}
	var pdfs []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Dir(p) != dir {
			pdfs = append(pdfs, p)
		}
		return nil
	})
	if len(pdfs) != 1 || names.Key(pdfs[0]) != names.Key(got.Slips[0]) {
		t.Errorf("slips on disk %v, want only %s (case folded: %v)", pdfs, got.Slips[0], names.FoldsCase())
	}
}
