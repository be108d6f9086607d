package roster

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestReaderPanicRefusesOnlyTheFile: a reader that panics on a file (as a
// library might on a file made to break it) refuses that file with
// ErrReaderPanic; the caller goes on.
func TestReaderPanicRefusesOnlyTheFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "uczniowie.csv")
	if err := os.WriteFile(path, []byte("PESEL;Imię;Nazwisko;Klasa\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	saved := readers[kindCSV]
	t.Cleanup(func() { readers[kindCSV] = saved })
	readers[kindCSV] = func(context.Context, []byte, string, matcher, func(Record) error) (columns, error) {
		var m map[string]int
		m["x"] = 1 // a nil-map write: the kind of bug a hostile file finds
		return nil, nil
	}
	_, err := ReadFile(context.Background(), path, nil, func(Record) error { return nil })
	if !errors.Is(err, ErrReaderPanic) {
		t.Fatalf("got %v, want ErrReaderPanic", err)
	}
}

// TestEmitPanicIsNotTheFilesFault: a panic in the caller's emit is not
// turned into a refusal of the file: it goes on up.
func TestEmitPanicIsNotTheFilesFault(t *testing.T) {
	path := filepath.Join("testdata", "szkola.csv")
	defer func() {
		if r := recover(); r != "caller bug" {
			t.Fatalf("recovered %v, want the emit panic passed on", r)
		}
	}()
	_, err := ReadFile(context.Background(), path, nil, func(Record) error { panic("caller bug") })
	t.Fatalf("ReadFile returned (%v) instead of passing the panic on", err)
}
