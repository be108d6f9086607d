package config

import "os"

// windowsDir is the Windows folder (%SystemRoot%, usually C:\Windows).
func windowsDir() string {
	if d := os.Getenv("SystemRoot"); d != "" {
		return d
	}
	return os.Getenv("windir")
}
