//go:build !windows

package safefile

import "errors"

// isHeld reports whether err from replacing a file means another program
// holds it. A Unix rename replaces an open file, so only tests hold files.
func isHeld(err error) bool { return errors.Is(err, errTestHeld) }
