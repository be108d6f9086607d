package state

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// deadPID returns the PID of a process that has exited.
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	noErr(t, cmd.Run())
	return cmd.Process.Pid
}

func hostname(t *testing.T) string {
	t.Helper()
	h, err := os.Hostname()
	noErr(t, err)
	return h
}

// writeLock plants a lock file as another run would have left it.
func writeLock(t *testing.T, dir string, info lockInfo) {
	t.Helper()
	data, err := json.Marshal(info)
	noErr(t, err)
	noErr(t, os.WriteFile(filepath.Join(dir, "szkola.lock"), data, 0o600))
}

// lockHolder reads who holds the lock.
func lockHolder(t *testing.T, dir string) lockInfo {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "szkola.lock"))
	noErr(t, err)
	var info lockInfo
	noErr(t, json.Unmarshal(data, &info))
	return info
}

// captureLog sends the default slog logger to a buffer for this test.
func captureLog(t *testing.T) *bytes.Buffer {
	t.Helper()
	var buf bytes.Buffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&buf, nil)))
	t.Cleanup(func() { slog.SetDefault(old) })
	return &buf
}

func sameHolder(a, b lockInfo) bool {
	return a.PID == b.PID && a.Host == b.Host && a.Started.Equal(b.Started)
}

func TestLockFresh(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	l, err := Lock(dir, "szkola", 0)
	noErr(t, err)
	info := lockHolder(t, dir)
	if info.PID != os.Getpid() || info.Host != hostname(t) || time.Since(info.Started) > time.Minute {
		t.Errorf("lock holds %+v", info)
	}
	fi, err := os.Stat(filepath.Join(dir, "szkola.lock"))
	noErr(t, err)
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("lock mode %o", fi.Mode().Perm())
	}
	noErr(t, l.Release())
	noErr(t, l.Release()) // twice: no-op
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Errorf("left behind: %v", entries)
	}
	l2, err := Lock(dir, "szkola", 0)
	noErr(t, err)
	noErr(t, l2.Release())
}

func TestLockHeld(t *testing.T) {
	dir := t.TempDir()
	l, err := Lock(dir, "szkola", time.Hour)
	noErr(t, err)
	defer l.Release()
	_, err = Lock(dir, "szkola", time.Hour)
	var le *LockedError
	if !errors.As(err, &le) || le.PID != os.Getpid() || le.Host != hostname(t) {
		t.Fatalf("err %v, want LockedError naming this process", err)
	}
	other, err := Lock(dir, "inna-szkola", time.Hour) // another school is free
	noErr(t, err)
	noErr(t, other.Release())
}

func TestLockStale(t *testing.T) {
	cases := []struct {
		name       string
		info       func(t *testing.T) lockInfo
		staleAfter time.Duration
		taken      bool
	}{
		{"dead PID on this host", func(t *testing.T) lockInfo {
			return lockInfo{PID: deadPID(t), Host: hostname(t), Started: time.Now()}
		}, 0, true},
		{"live PID, older than the stale age", func(t *testing.T) lockInfo {
			return lockInfo{PID: os.Getpid(), Host: hostname(t), Started: time.Now().Add(-2 * time.Hour)}
		}, time.Hour, true},
		{"live PID, younger than the stale age", func(t *testing.T) lockInfo {
			return lockInfo{PID: os.Getpid(), Host: hostname(t), Started: time.Now().Add(-30 * time.Minute)}
		}, time.Hour, false},
		{"dead PID on another host cannot be judged", func(t *testing.T) lockInfo {
			return lockInfo{PID: deadPID(t), Host: "inny-serwer", Started: time.Now()}
		}, 0, false},
		{"another host, older than the stale age", func(t *testing.T) lockInfo {
			return lockInfo{PID: 1, Host: "inny-serwer", Started: time.Now().Add(-25 * time.Hour)}
		}, 24 * time.Hour, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			planted := c.info(t)
			writeLock(t, dir, planted)
			logs := captureLog(t)
			l, err := Lock(dir, "szkola", c.staleAfter)
			if !c.taken {
				var le *LockedError
				if !errors.As(err, &le) || le.PID != planted.PID {
					t.Fatalf("err %v, want LockedError of pid %d", err, planted.PID)
				}
				if !sameHolder(lockHolder(t, dir), planted) {
					t.Error("held lock was changed")
				}
				return
			}
			noErr(t, err)
			defer l.Release()
			if !strings.Contains(logs.String(), "stale run lock") {
				t.Errorf("no warning logged: %q", logs.String())
			}
			if got := lockHolder(t, dir); got.PID != os.Getpid() || !got.Started.After(planted.Started) {
				t.Errorf("lock holds %+v after takeover", got)
			}
			entries, _ := os.ReadDir(dir)
			if len(entries) != 1 {
				t.Errorf("files left: %v", entries)
			}
		})
	}
	t.Run("unreadable lock", func(t *testing.T) {
		dir := t.TempDir()
		noErr(t, os.WriteFile(filepath.Join(dir, "szkola.lock"), []byte("{half"), 0o600))
		l, err := Lock(dir, "szkola", 0)
		noErr(t, err)
		noErr(t, l.Release())
	})
}

// A run whose stale lock was taken over must not remove the new holder's
// lock when it finally releases.
func TestReleaseAfterTakeover(t *testing.T) {
	dir := t.TempDir()
	l, err := Lock(dir, "szkola", 0)
	noErr(t, err)
	newer := lockInfo{PID: os.Getpid(), Host: hostname(t), Started: time.Now().Add(time.Second)}
	writeLock(t, dir, newer)
	noErr(t, l.Release())
	if !sameHolder(lockHolder(t, dir), newer) {
		t.Error("release removed another run's lock")
	}
}
