package state

import (
	"bufio"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// lockHolder reads who the lock file says holds the lock.
func lockHolder(t *testing.T, dir string) lockInfo {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "szkola.lock"))
	noErr(t, err)
	var info lockInfo
	noErr(t, json.Unmarshal(data, &info))
	return info
}

func TestLockFresh(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	l, err := Lock(dir, "szkola")
	noErr(t, err)
	info := lockHolder(t, dir)
	if info.PID != os.Getpid() || time.Since(info.Started) > time.Minute ||
		!strings.HasPrefix(info.Command, filepath.Base(os.Args[0])) {
		t.Errorf("lock holds %+v", info)
	}
	if runtime.GOOS != "windows" {
		fi, err := os.Stat(filepath.Join(dir, "szkola.lock"))
		noErr(t, err)
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("lock mode %o", fi.Mode().Perm())
		}
	}
	noErr(t, l.Release())
	noErr(t, l.Release()) // twice: no-op
	l2, err := Lock(dir, "szkola")
	noErr(t, err)
	noErr(t, l2.Release())
}

func TestLockHeld(t *testing.T) {
	dir := t.TempDir()
	l, err := Lock(dir, "szkola")
	noErr(t, err)
	defer l.Release()
	_, err = Lock(dir, "szkola")
	var le *LockedError
	if !errors.As(err, &le) || le.PID != os.Getpid() || le.Command == "" {
		t.Fatalf("err %v, want LockedError naming this process", err)
	}
	if !strings.Contains(err.Error(), le.Command) {
		t.Errorf("message %q does not name the holder's command", err)
	}
	if lockHolder(t, dir).PID != os.Getpid() {
		t.Error("the refused Lock changed the holder's details")
	}
	other, err := Lock(dir, "inna-szkola") // another school is free
	noErr(t, err)
	noErr(t, other.Release())
}

// A lock file left by an earlier run, whatever it holds, is no lock: only
// the operating system's lock on it counts.
func TestLockLeftoverFile(t *testing.T) {
	for _, content := range []string{"", "{half", `{"pid":1,"host":"x","started":"2026-09-15T23:00:00Z"}`} {
		dir := t.TempDir()
		noErr(t, os.WriteFile(filepath.Join(dir, "szkola.lock"), []byte(content), 0o600))
		l, err := Lock(dir, "szkola")
		noErr(t, err)
		if lockHolder(t, dir).PID != os.Getpid() {
			t.Errorf("after %q: holder not rewritten", content)
		}
		noErr(t, l.Release())
	}
}

// holdLockEnv makes the test binary a lock holder: see TestMain.
const holdLockEnv = "MLEGIT_TEST_HOLD_LOCK"

// holdLock takes the lock of dir/szkola, says "locked" and waits to be
// killed.
func holdLock(dir string) {
	if _, err := Lock(dir, "szkola"); err != nil {
		os.Stdout.WriteString("error: " + err.Error() + "\n")
		os.Exit(1)
	}
	os.Stdout.WriteString("locked\n")
	time.Sleep(time.Hour)
}

// The lock holds against another process for as long as it lives, and the
// system releases it when that process is killed: nothing to take over.
func TestLockAcrossProcesses(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), holdLockEnv+"="+dir)
	out, err := cmd.StdoutPipe()
	noErr(t, err)
	noErr(t, cmd.Start())
	defer cmd.Process.Kill()
	line, _ := bufio.NewReader(out).ReadString('\n')
	if line != "locked\n" {
		t.Fatalf("holder said %q", line)
	}
	for range 2 { // refused again and again, never taken over
		_, err = Lock(dir, "szkola")
		var le *LockedError
		if !errors.As(err, &le) || le.PID != cmd.Process.Pid {
			t.Fatalf("err %v, want LockedError of pid %d", err, cmd.Process.Pid)
		}
	}
	noErr(t, cmd.Process.Kill())
	cmd.Wait()
	l, err := Lock(dir, "szkola")
	noErr(t, err)
	noErr(t, l.Release())
}

func TestMain(m *testing.M) {
	if dir := os.Getenv(holdLockEnv); dir != "" {
		holdLock(dir)
		return
	}
	os.Exit(m.Run())
}
