package state

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/mlegit/mlegit/safefile"
)

// LockedError is returned by Lock when another run holds the school.
// main maps it to its own exit code.
type LockedError struct {
	Path    string
	PID     int
	Host    string
	Started time.Time
}

func (e *LockedError) Error() string {
	return fmt.Sprintf("state: %s: another run (pid %d on %s, started %s) holds the lock",
		e.Path, e.PID, e.Host, e.Started.Format(time.RFC3339))
}

// RunLock is a held run lock; Release it when the run ends.
type RunLock struct {
	path string
	data []byte // what we wrote: Release removes the file only if it still holds it
}

// lockInfo is the lock file's content (JSON).
type lockInfo struct {
	PID     int       `json:"pid"`
	Host    string    `json:"host"`
	Started time.Time `json:"started"`
}

// Lock takes the run lock of school, <dir>/<school>.lock, so that two runs
// (e.g. overlapping cron jobs) never work on one school at once. The file
// holds the PID, host name and start time of its holder; it is written in
// full to a temporary file and hard-linked into place, which like O_EXCL
// fails when the lock exists, but never shows a half-written lock.
//
// An existing lock is stale, and taken over with a warning in the log, when
// its PID is not alive on this host, when it cannot be read, or when it is
// older than staleAfter (0: never by age). Otherwise Lock returns a
// *LockedError.
func Lock(dir, school string, staleAfter time.Duration) (*RunLock, error) {
	if err := checkSchool(school); err != nil {
		return nil, err
	}
	if err := safefile.MkdirAll(dir); err != nil {
		return nil, err
	}
	host, err := os.Hostname()
	if err != nil {
		return nil, fmt.Errorf("locking %s: %w", school, err)
	}
	path := filepath.Join(dir, school+".lock")
	data, err := json.Marshal(lockInfo{PID: os.Getpid(), Host: host, Started: time.Now()})
	if err != nil {
		return nil, fmt.Errorf("locking %s: %w", school, err)
	}
	tmp, err := os.CreateTemp(dir, "."+school+".lock.tmp-*")
	if err != nil {
		return nil, fmt.Errorf("locking %s: %w", school, err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(safefile.FileMode)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("locking %s: %w", school, err)
	}

	for range 3 {
		err := os.Link(tmp.Name(), path)
		if err == nil {
			return &RunLock{path: path, data: data}, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("locking %s: %w", school, err)
		}
		held, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			continue // released meanwhile
		}
		if err != nil {
			return nil, fmt.Errorf("locking %s: %w", school, err)
		}
		var info lockInfo
		jerr := json.Unmarshal(held, &info)
		if jerr == nil && !stale(info, host, time.Now(), staleAfter) {
			return nil, &LockedError{Path: path, PID: info.PID, Host: info.Host, Started: info.Started}
		}
		slog.Warn("taking over a stale run lock", "lock", path, "pid", info.PID, "host", info.Host,
			"started", info.Started, "unreadable", jerr != nil)
		if err := takeAway(path, held); err != nil {
			return nil, err
		}
	}
	return nil, fmt.Errorf("locking %s: lock keeps changing hands", school)
}

// takeAway removes the stale lock path, provided it still holds stale: the
// file is first renamed aside (atomic), and put back if another run had
// replaced it in the meantime.
func takeAway(path string, stale []byte) error {
	aside := path + ".stale-" + strconv.Itoa(os.Getpid())
	if err := os.Rename(path, aside); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return fmt.Errorf("taking over %s: %w", path, err)
	}
	defer os.Remove(aside)
	moved, err := os.ReadFile(aside)
	if err != nil {
		return fmt.Errorf("taking over %s: %w", path, err)
	}
	if !bytes.Equal(moved, stale) {
		// A fresh lock of another run: restore it.
		os.Link(aside, path)
		var info lockInfo
		json.Unmarshal(moved, &info)
		return &LockedError{Path: path, PID: info.PID, Host: info.Host, Started: info.Started}
	}
	return nil
}

// stale reports whether a lock held by info may be taken over at now.
func stale(info lockInfo, host string, now time.Time, staleAfter time.Duration) bool {
	if staleAfter > 0 && now.Sub(info.Started) > staleAfter {
		return true
	}
	return info.Host == host && !alive(info.PID)
}

// alive reports whether a process with pid exists on this host.
func alive(pid int) bool {
	if pid <= 0 {
		return false
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	defer p.Release()
	err = p.Signal(syscall.Signal(0))
	return err == nil || errors.Is(err, syscall.EPERM)
}

// Release removes the lock, unless another run has taken it over since.
// Calling it again does nothing.
func (l *RunLock) Release() error {
	if l == nil || l.data == nil {
		return nil
	}
	defer func() { l.data = nil }()
	held, err := os.ReadFile(l.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("releasing %s: %w", l.path, err)
	}
	if !bytes.Equal(held, l.data) {
		slog.Warn("run lock was taken over by another run; leaving it", "lock", l.path)
		return nil
	}
	if err := os.Remove(l.path); err != nil {
		return fmt.Errorf("releasing %s: %w", l.path, err)
	}
	return nil
}
