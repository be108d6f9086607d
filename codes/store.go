package codes

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/mlegit/mlegit/safefile"
)

// StorePath returns where the store lives under the output folder:
// OUT/codes/codes.json.
func StorePath(outDir string) string { return filepath.Join(outDir, "codes", "codes.json") }

// Load reads a store. A missing file gives an error matching fs.ErrNotExist.
func Load(path string) (*Store, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("odczyt pliku kodów %s: %w", path, err)
	}
	var s Store
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("plik kodów %s jest uszkodzony: %w", path, err)
	}
	return &s, nil
}

// Save writes the store atomically with mode 0600, first removing what a
// killed earlier save left behind.
func (s *Store) Save(path string) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding codes store: %w", err)
	}
	return writeAtomic(path, func(w io.Writer) error {
		_, err := w.Write(append(b, '\n'))
		return err
	})
}

// writeAtomic replaces path with what fill writes, through safefile
// (which also clears what a killed earlier write left behind).
func writeAtomic(path string, fill func(io.Writer) error) error {
	if err := safefile.Write(path, fill); err != nil {
		return fmt.Errorf("writing codes file %s: %w", filepath.Base(path), err)
	}
	return nil
}

// Merge adds in's entries to s, replacing an entry of the same PESEL
// unless the one in s was generated later, and takes in's school, package
// and import time. Entries end up in PESEL order. Stores of two different
// schools do not merge.
func (s *Store) Merge(in *Store) error {
	if s.School != "" && in.School != "" && s.School != in.School {
		return fmt.Errorf("kody szkoły %s nie mogą trafić do pliku kodów szkoły %s", in.School, s.School)
	}
	at := make(map[string]int, len(s.Entries))
	for i, e := range s.Entries {
		at[e.PESEL] = i
	}
	for _, e := range in.Entries {
		i, ok := at[e.PESEL]
		switch {
		case !ok:
			at[e.PESEL] = len(s.Entries)
			s.Entries = append(s.Entries, e)
		case !s.Entries[i].Generated.After(e.Generated):
			s.Entries[i] = e
		}
	}
	slices.SortFunc(s.Entries, func(a, b Entry) int { return strings.Compare(a.PESEL, b.PESEL) })
	if in.School != "" {
		s.School = in.School
	}
	if in.SchoolName != "" {
		s.SchoolName = in.SchoolName
	}
	s.Package, s.Imported = in.Package, in.Imported
	return nil
}

// Update merges in into the store at path (creating it if missing), saves
// it and returns the merged store.
func Update(path string, in *Store) (*Store, error) {
	s, err := Load(path)
	if errors.Is(err, fs.ErrNotExist) {
		s, err = &Store{}, nil
	}
	if err != nil {
		return nil, err
	}
	if err := s.Merge(in); err != nil {
		return nil, err
	}
	if err := s.Save(path); err != nil {
		return nil, err
	}
	return s, nil
}
