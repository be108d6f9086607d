//go:build unix

package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mlegit/mlegit/texts"
)

// A photos folder holding a named pipe and a file that cannot be read now
// (here a dangling link; on Windows a OneDrive online-only file): the run
// does not block, the other photos are read, and each of the two gets a
// Polish warning naming it.
func TestRunWarnsAboutPhotosThatCannotBeRead(t *testing.T) {
	roster, photos, out := school(t)
	if err := syscall.Mkfifo(filepath.Join(photos, "potok.jpg"), 0o600); err != nil {
		t.Skip("no named pipes here:", err)
	}
	if err := os.Symlink(filepath.Join(photos, "nie ma.jpg"), filepath.Join(photos, "w chmurze.jpg")); err != nil {
		t.Fatal(err)
	}
	done := make(chan int, 1)
	go func() {
		var o, e bytes.Buffer
		done <- run(context.Background(), []string{"run", "--roster", roster, "--photos", photos, "--out", out,
			"--as-of", "2026-09-15", "--log-level", "warn"}, &o, &e)
	}()
	select {
	case code := <-done:
		if code != exitRejected && code != exitOK {
			t.Fatalf("exit %d", code)
		}
	case <-time.After(3 * time.Minute):
		t.Fatal("the run blocked on a named pipe in the photos folder")
	}
	s := readSummary(t, out)
	if s.Accepted == 0 {
		t.Error("no student accepted: the readable photos were lost")
	}
	found := map[string]string{}
	for _, w := range s.Warnings {
		if w.Code == "PHOTO_OFFLINE" {
			found[w.File] = w.Szczegoly
		}
	}
	if d := found["w chmurze.jpg"]; !strings.Contains(d, "„w chmurze.jpg”") || !strings.Contains(d, "OneDrive") {
		t.Errorf("warning for the unreadable file: %q (all: %q)", d, found)
	}
	if e, _ := texts.Lookup("PHOTO_OFFLINE"); !strings.Contains(e.Action, "Zawsze zachowuj na tym urządzeniu") {
		t.Errorf("action %q", e.Action)
	}
	if d := found["potok.jpg"]; !strings.Contains(d, "potok.jpg") {
		t.Errorf("warning for the named pipe: %q (all: %q)", d, found)
	}
}
