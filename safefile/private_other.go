//go:build !windows

package safefile

// protect needs nothing beyond DirMode, which os.Mkdir applied.
func protect(dir string) error { return nil }
