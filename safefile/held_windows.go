package safefile

import (
	"errors"

	"golang.org/x/sys/windows"
)

// isHeld reports whether err from replacing a file means another program
// has it open without delete sharing (Excel: ERROR_SHARING_VIOLATION, and
// MoveFileEx reports ERROR_ACCESS_DENIED onto an open file).
func isHeld(err error) bool {
	return errors.Is(err, windows.ERROR_SHARING_VIOLATION) ||
		errors.Is(err, windows.ERROR_ACCESS_DENIED) ||
		errors.Is(err, windows.ERROR_LOCK_VIOLATION) ||
		errors.Is(err, errTestHeld)
}
