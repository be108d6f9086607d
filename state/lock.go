package state

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mlegit/mlegit/safefile"
)

// LockedError is returned by Lock when another process holds the school.
// main maps it to its own exit code. The holder's details are what it wrote
// into the lock file; they may be empty if it has not written them yet.
type LockedError struct {
	Path    string
	PID     int
	Host    string
	Command string // the holder's command line, e.g. "mlegit run --out out"
	Started time.Time
}

func (e *LockedError) Error() string {
	who := "another mlegit"
	if e.Command != "" {
		who = fmt.Sprintf("%q", e.Command)
	}
	if e.PID != 0 {
		who += fmt.Sprintf(" (pid %d on %s, started %s)", e.PID, e.Host, e.Started.Local().Format("02.01.2006 15:04:05"))
	}
	return fmt.Sprintf("state: %s: %s is working on this school; try again when it ends", e.Path, who)
}

// errHeld is what tryLock returns when another open file holds the lock.
var errHeld = errors.New("lock held")

// RunLock is a held run lock; Release it when the command ends.
type RunLock struct {
	f *os.File
}

// lockInfo is the lock file's content (JSON): who holds it.
type lockInfo struct {
	PID     int       `json:"pid"`
	Host    string    `json:"host"`
	Command string    `json:"command"`
	Started time.Time `json:"started"`
}

// Lock takes the run lock of school, so that two processes (overlapping
// nightly runs, a pickup recorded during a run) never change one school's
// store at once. The lock is an operating-system lock on the file
// <dir>/<school>.lock — flock on Unix, LockFileEx on Windows — taken
// without waiting and held until Release or until the process ends: the
// system releases it when the process dies, however it dies, so there is
// no stale lock to guess about and none to take over.
//
// After locking, the holder's PID, host, command line and start time are
// written into the file, for the *LockedError another process gets. The
// file itself stays after Release (deleting it would race with a process
// that has just opened it); only the lock on it counts.
func Lock(dir, school string) (*RunLock, error) {
	if err := checkSchool(school); err != nil {
		return nil, err
	}
	if err := safefile.MkdirAll(dir); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, school+".lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, safefile.FileMode)
	if err != nil {
		return nil, fmt.Errorf("locking %s: %w", school, err)
	}
	if err := tryLock(f); err != nil {
		f.Close()
		if errors.Is(err, errHeld) {
			return nil, holder(path)
		}
		return nil, fmt.Errorf("locking %s: %w", path, err)
	}
	l := &RunLock{f: f}
	if err := l.writeHolder(); err != nil {
		l.Release()
		return nil, fmt.Errorf("locking %s: %w", school, err)
	}
	return l, nil
}

// writeHolder replaces the lock file's content with this process's details.
func (l *RunLock) writeHolder() error {
	host, _ := os.Hostname()
	data, err := json.Marshal(lockInfo{
		PID:     os.Getpid(),
		Host:    host,
		Command: commandLine(),
		Started: time.Now(),
	})
	if err != nil {
		return err
	}
	if err := l.f.Truncate(0); err != nil {
		return err
	}
	if _, err := l.f.WriteAt(data, 0); err != nil {
		return err
	}
	return l.f.Chmod(safefile.FileMode)
}

// commandLine is this process's command, program name without its folder,
// cut to a readable length.
func commandLine() string {
	args := append([]string{filepath.Base(os.Args[0])}, os.Args[1:]...)
	s := strings.Join(args, " ")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// holder reads who holds the lock at path, as a *LockedError.
func holder(path string) error {
	le := &LockedError{Path: path}
	data, err := os.ReadFile(path)
	var info lockInfo
	if err == nil && json.Unmarshal(data, &info) == nil {
		le.PID, le.Host, le.Command, le.Started = info.PID, info.Host, info.Command, info.Started
	}
	return le
}

// Release empties the lock file and releases the lock. Calling it again
// does nothing.
func (l *RunLock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	f := l.f
	l.f = nil
	f.Truncate(0) // no holder shown once released; the lock is what counts
	uerr := unlock(f)
	if err := f.Close(); err != nil {
		return fmt.Errorf("releasing %s: %w", f.Name(), err)
	}
	if uerr != nil {
		return fmt.Errorf("releasing %s: %w", f.Name(), uerr)
	}
	return nil
}
