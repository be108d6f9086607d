// Package safefile writes files atomically with private permissions: data
// goes to a temporary file in the target folder, is synced, then renamed
// over the final name. A reader (or a re-run after a crash) sees either the
// old file or the new one, never half of one. Files are 0600, folders 0700,
// because most of what mlegit writes is personal data.
package safefile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// FileMode and DirMode are the permissions of everything mlegit writes.
const (
	FileMode os.FileMode = 0o600
	DirMode  os.FileMode = 0o700
)

// MkdirAll creates dir and its missing parents with DirMode. An existing
// folder is left exactly as it is: writing into /tmp or a shared folder
// must never lock other users out of it. Only folders mlegit creates are
// made private: DirMode on Unix, on Windows a protected DACL (the user,
// SYSTEM, the Administrators) that the files written inside inherit.
func MkdirAll(dir string) error {
	if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
		return nil
	}
	if parent := filepath.Dir(dir); parent != dir {
		if err := MkdirAll(parent); err != nil {
			return err
		}
	}
	err := os.Mkdir(dir, DirMode)
	if errors.Is(err, fs.ErrExist) {
		if fi, serr := os.Stat(dir); serr == nil && fi.IsDir() {
			return nil // made meanwhile by another writer
		}
	}
	if err != nil {
		return fmt.Errorf("creating folder %s: %w", dir, err)
	}
	return protect(dir)
}

// File is a pending atomic write. Write to it, then Commit; Close without
// Commit discards it. Always defer Close.
type File struct {
	*os.File
	final string
	done  bool
}

// Create starts an atomic write of path, creating its folder if needed.
// Temporary files that a killed earlier write of the same path left behind
// are removed first, so re-runs leave no debris. Two writers of one path
// at once are not supported (mlegit's per-school lock rules them out).
func Create(path string) (*File, error) {
	dir := filepath.Dir(path)
	if err := MkdirAll(dir); err != nil {
		return nil, err
	}
	if err := removeStale(path); err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(dir, tempPattern(path))
	if err != nil {
		return nil, fmt.Errorf("creating temporary file for %s: %w", path, err)
	}
	if err := f.Chmod(FileMode); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, fmt.Errorf("restricting %s: %w", f.Name(), err)
	}
	return &File{File: f, final: path}, nil
}

// errTestHeld stands for a sharing violation in tests on any system.
var errTestHeld = errors.New("held by a test")

// Commit syncs the data and renames the file to its final name. If another
// program holds the final file (Windows: open in Excel), the rename is
// retried for HeldFor; if it is still held, the data goes to
// BesidePath(final) and Commit returns a *HeldError. After a successful
// rename, a beside file an earlier held write left is removed.
func (f *File) Commit() error {
	if f.done {
		return fmt.Errorf("committing %s: already closed", f.final)
	}
	f.done = true
	tmp := f.Name()
	if err := f.Sync(); err != nil {
		f.File.Close()
		os.Remove(tmp)
		return fmt.Errorf("syncing %s: %w", f.final, err)
	}
	if err := f.File.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("closing %s: %w", f.final, err)
	}
	held, err := rename(tmp, f.final)
	if held {
		beside := BesidePath(f.final)
		if _, berr := rename(tmp, beside); berr != nil {
			os.Remove(tmp)
			return fmt.Errorf("renaming into %s: %w (and into %s: %w)", f.final, err, beside, berr)
		}
		return &HeldError{Path: f.final, Beside: beside, Err: err}
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("renaming into %s: %w", f.final, err)
	}
	if beside := BesidePath(f.final); beside != f.final {
		os.Remove(beside) // the earlier held write's copy, if any: the real file is current again
	}
	return nil
}

// Close discards the write unless it was committed. It is safe to call
// after Commit.
func (f *File) Close() error {
	if f.done {
		return nil
	}
	f.done = true
	f.File.Close()
	return os.Remove(f.Name())
}

// tempPattern is the name of path's temporary files, for os.CreateTemp.
func tempPattern(path string) string { return "." + filepath.Base(path) + ".tmp-*" }

// removeStale deletes leftovers of killed writes of path.
func removeStale(path string) error {
	prefix := strings.TrimSuffix(tempPattern(path), "*")
	ents, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		return fmt.Errorf("listing %s: %w", filepath.Dir(path), err)
	}
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), prefix) && e.Type().IsRegular() {
			p := filepath.Join(filepath.Dir(path), e.Name())
			if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("removing leftover %s: %w", p, err)
			}
		}
	}
	return nil
}

// WriteFile atomically replaces path with data.
func WriteFile(path string, data []byte) error {
	return Write(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// Write atomically replaces path with what fill writes. If fill fails,
// nothing is left behind and the old file, if any, stays.
func Write(path string, fill func(w io.Writer) error) error {
	f, err := Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := fill(f); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return f.Commit()
}
