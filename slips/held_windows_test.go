package slips

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/mlegit/mlegit/codes"
	"github.com/mlegit/mlegit/safefile"
	"github.com/mlegit/mlegit/safefile/heldtest"
)

// wszystkie.pdf open in a PDF viewer that forbids replacing it: the print
// sheet is written beside it and WriteAll says so; the slips are written.
func TestPrintSheetHeldOnWindows(t *testing.T) {
	store := &codes.Store{SchoolName: testSchool, Entries: []codes.Entry{entry(t, 2, "2a", "Sowa", "Ola")}}
	out := t.TempDir()
	first, err := WriteAll(context.Background(), out, store, nil)
	if err != nil {
		t.Fatal(err)
	}
	release, err := heldtest.Hold(first.Print)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	got, err := WriteAll(context.Background(), out, store, nil)
	if err != nil {
		t.Fatalf("a held print sheet failed the slips: %v", err)
	}
	if len(got.Held) != 1 || got.Held[0].Path != first.Print {
		t.Fatalf("held %v, want %s", got.Held, first.Print)
	}
	beside := filepath.Join(out, "slips", "wszystkie (nowy).pdf")
	if got.Held[0].Beside != beside {
		t.Errorf("written beside as %s, want %s", got.Held[0].Beside, beside)
	}
	if _, err := os.Stat(beside); err != nil {
		t.Error(err)
	}
	if _, err := os.Stat(got.Slips[0]); err != nil {
		t.Error(err)
	}
	release()
	if _, err := WriteAll(context.Background(), out, store, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(safefile.BesidePath(first.Print)); !os.IsNotExist(err) {
		t.Errorf("the beside copy stayed after the sheet was closed: %v", err)
	}
}
