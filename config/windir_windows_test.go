package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Started by the Task Scheduler without "Start in": the current folder is
// C:\Windows\System32, no config.yaml is found there, and the default
// "out" would land in the Windows folder: refused, saying why.
func TestWindowsTaskSchedulerStartFolder(t *testing.T) {
	sys := filepath.Join(windowsDir(), "System32")
	if _, err := os.Stat(sys); err != nil {
		t.Fatalf("no %s: %v", sys, err)
	}
	t.Chdir(sys)
	t.Setenv(EnvFile, "")
	userConfigHome(t)
	path, explicit := Locate("")
	_, _, err := Load(path, explicit, flags(t))
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "Windows folder") || !strings.Contains(err.Error(), "Start in") {
		t.Fatalf("err = %v, want the Windows folder refused", err)
	}
	// The config in the user's folder is found and its relative out is
	// beside it, not in System32.
	user := filepath.Join(userConfigHomeDir(t), "mlegit", FileName)
	writeAt(t, user, []byte("out: wyniki\n"))
	path, explicit = Locate("")
	cfg, _, err := Load(path, explicit, flags(t))
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(filepath.Dir(user), "wyniki"); cfg.Out != want {
		t.Errorf("out %s, want %s", cfg.Out, want)
	}
}

func userConfigHomeDir(t *testing.T) string {
	t.Helper()
	dir, err := os.UserConfigDir()
	if err != nil {
		t.Fatal(err)
	}
	return dir
}
