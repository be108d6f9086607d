package safefile

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// HeldError is what Commit returns when the file it replaces stays open in
// another program that forbids replacing it — on Windows, a report open in
// Excel, a PDF open in a viewer. The new content was not lost: it is in
// Beside, next to the held file ("odrzuceni (nowy).csv"). Callers that can
// carry on (reports, slips, the register) record Polish() for the
// secretariat and go on; the others fail with this error.
type HeldError struct {
	Path   string // the file that is held; it keeps its old content
	Beside string // where the new content was written
	Err    error  // the last error replacing Path
}

func (e *HeldError) Error() string {
	return fmt.Sprintf("%s is open in another program (%v); the new version was written to %s",
		e.Path, e.Err, e.Beside)
}

func (e *HeldError) Unwrap() error { return e.Err }

// Polish tells the secretariat which file to close, in Polish.
func (e *HeldError) Polish() string {
	return fmt.Sprintf("Plik %s jest otwarty w innym programie (np. Excel) i nie mógł zostać zastąpiony. "+
		"Nowa wersja jest w pliku „%s”. Zamknij plik %s — następny przebieg zapisze go jak zwykle.",
		filepath.Base(e.Path), filepath.Base(e.Beside), filepath.Base(e.Path))
}

// HeldFor is how long Commit keeps retrying to replace a held file before
// writing beside it: long enough for a program that only reads a file for
// a moment (an antivirus scan, a backup), short for a night run.
const HeldFor = 3 * time.Second

// BesidePath is where the new content of a held path goes:
// "dir/odrzuceni.csv" → "dir/odrzuceni (nowy).csv".
func BesidePath(path string) string {
	ext := filepath.Ext(path)
	return strings.TrimSuffix(path, ext) + " (nowy)" + ext
}

// rename is os.Rename, retried while the target is held by another
// program. It reports whether the target was held to the end.
func rename(tmp, final string) (held bool, err error) {
	deadline := time.Now().Add(HeldFor)
	wait := 50 * time.Millisecond
	for {
		err = renameFile(tmp, final)
		if err == nil || !isHeld(err) {
			return false, err
		}
		if time.Now().After(deadline) {
			return true, err
		}
		time.Sleep(wait)
		wait = min(2*wait, 500*time.Millisecond)
	}
}

// renameFile is os.Rename; tests replace it to hold a file on any system.
var renameFile = os.Rename
