package photos

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Listing is what ListDir found in a photos folder.
type Listing struct {
	Files      []string // files that opened and read: the photos, sorted
	Subfolders []string // subfolders not starting with '.', sorted (not read)
	// Unreadable are files that could not be opened or read now, e.g. a
	// OneDrive online-only file while offline; sorted.
	Unreadable []string
	// Special are named pipes, sockets and devices: never opened (a named
	// pipe would block), sorted.
	Special []string
}

// openFile is os.Open; tests replace it to simulate a file that cannot
// be read now.
var openFile = os.Open

// ListDir lists the photos folder dir (not its subfolders). A photo is
// decided by opening the file, not by its directory entry's type: Go
// reports files synced by OneDrive Files On-Demand as irregular on
// Windows, and they are photos as long as they open and read. The error
// is for a folder that cannot be listed.
func ListDir(dir string) (Listing, error) {
	var l Listing
	entries, err := os.ReadDir(dir)
	if err != nil {
		return l, err
	}
	for _, e := range entries {
		name := e.Name()
		path := filepath.Join(dir, name)
		t := e.Type()
		if t&fs.ModeSymlink != 0 {
			st, err := os.Stat(path)
			if err != nil {
				l.Unreadable = append(l.Unreadable, name)
				continue
			}
			t = st.Mode().Type()
		}
		switch {
		case t.IsDir():
			if !strings.HasPrefix(name, ".") {
				l.Subfolders = append(l.Subfolders, name)
			}
		case t.IsRegular() || t&fs.ModeIrregular != 0:
			switch probe(path) {
			case nil:
				l.Files = append(l.Files, name)
			case errNotFile:
				l.Special = append(l.Special, name)
			default:
				l.Unreadable = append(l.Unreadable, name)
			}
		default:
			l.Special = append(l.Special, name)
		}
	}
	sort.Strings(l.Files)
	sort.Strings(l.Subfolders)
	sort.Strings(l.Unreadable)
	sort.Strings(l.Special)
	return l, nil
}

var errNotFile = errors.New("not a file")

// probe opens path and reads its first byte: nil when the file is a
// readable photo candidate.
func probe(path string) error {
	f, err := openFile(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if !readableMode(st.Mode()) {
		return errNotFile
	}
	var b [1]byte
	if _, err := f.Read(b[:]); err != nil && err != io.EOF {
		return err
	}
	return nil
}

// readableMode: a regular file, or one Go calls irregular (a OneDrive
// placeholder on Windows); not a folder, pipe, socket or device.
func readableMode(m fs.FileMode) bool {
	return m.IsRegular() || m.Type() == fs.ModeIrregular
}
