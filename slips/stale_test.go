package slips

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/mlegit/mlegit/codes"
)

func TestFullPrintRemovesSlipsNoLongerPrinted(t *testing.T) {
	out := t.TempDir()
	a, b := entry(t, 1, "1b", "Nowak", "Jan"), entry(t, 2, "2a", "Łęcka", "Żaneta")
	first, err := WriteAll(context.Background(), out, &codes.Store{School: "sp", Entries: []codes.Entry{a, b}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// A reprint of one class leaves the others alone.
	if _, err := WriteAll(context.Background(), out, &codes.Store{School: "sp", Entries: []codes.Entry{a}}, &Options{Class: "1b"}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(first.Slips[1]); err != nil {
		t.Fatalf("a class reprint removed another class's slip: %v", err)
	}
	// The next full print no longer holds b (card withdrawn): its slip goes.
	if _, err := WriteAll(context.Background(), out, &codes.Store{School: "sp", Entries: []codes.Entry{a}}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(first.Slips[1]); !os.IsNotExist(err) {
		t.Errorf("the withdrawn student's slip is still there: %v", err)
	}
	if _, err := os.Stat(filepath.Dir(first.Slips[1])); !os.IsNotExist(err) {
		t.Errorf("empty class folder left: %v", err)
	}
	if _, err := os.Stat(first.Slips[0]); err != nil {
		t.Errorf("a kept slip was removed: %v", err)
	}
}
