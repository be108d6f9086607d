package config

import (
	"os"
	"path/filepath"
)

// FileName is the configuration file's name wherever it is looked for.
const FileName = "config.yaml"

// EnvFile is the environment variable naming the configuration file.
const EnvFile = "MLEGIT_CONFIG"

// Locate finds the configuration file for a command started anywhere —
// by hand in a terminal, by cron, or by the Windows Task Scheduler, which
// starts programs in C:\Windows\System32 unless "Start in" is set:
//
//  1. flag (the --config value), if given;
//  2. the file the MLEGIT_CONFIG environment variable names;
//  3. config.yaml in the current folder;
//  4. config.yaml beside the mlegit executable;
//  5. config.yaml in the user's configuration folder
//     (os.UserConfigDir()/mlegit: %AppData%\mlegit on Windows,
//     ~/.config/mlegit on Linux).
//
// explicit is true for 1 and 2: a missing file is then an error. With
// none of 3–5 present, path is "" and the built-in defaults apply.
func Locate(flag string) (path string, explicit bool) {
	if flag != "" {
		return flag, true
	}
	if env := os.Getenv(EnvFile); env != "" {
		return env, true
	}
	for _, p := range candidates() {
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p, false
		}
	}
	return "", false
}

// candidates are the places Locate looks in when nothing names a file.
func candidates() []string {
	ps := []string{FileName}
	if exe, err := os.Executable(); err == nil {
		if real, err := filepath.EvalSymlinks(exe); err == nil {
			exe = real
		}
		ps = append(ps, filepath.Join(filepath.Dir(exe), FileName))
	}
	if dir, err := os.UserConfigDir(); err == nil {
		ps = append(ps, filepath.Join(dir, "mlegit", FileName))
	}
	return ps
}
