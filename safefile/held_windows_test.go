package safefile

import (
	"testing"

	"github.com/mlegit/mlegit/safefile/heldtest"
)

// holdOpen holds path open as Excel does, for real.
func holdOpen(t *testing.T, path string) {
	t.Helper()
	release, err := heldtest.Hold(path)
	noErr(t, err)
	t.Cleanup(func() { release() })
}

func TestHeldOpenOnWindows(t *testing.T) { checkHeld(t, holdOpen) }
