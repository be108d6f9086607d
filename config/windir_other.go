//go:build !windows

package config

// windowsDir is the Windows folder; there is none here.
func windowsDir() string { return "" }
