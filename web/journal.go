package web

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/mlegit/mlegit/safefile"
)

// Entry is one line of the journal: who did what to which student.
type Entry struct {
	At       time.Time `json:"at"`
	PESEL    string    `json:"pesel"` // the journal is 0600 beside the state store
	Operator string    `json:"operator"`
	Action   string    `json:"action"` // Polish, as shown in the timeline
	Detail   string    `json:"detail,omitempty"`
}

// journal appends entries to <state dir>/<school>.web-journal.jsonl.
type journal struct {
	mu   sync.Mutex
	path string
}

func journalPath(stateDir, school string) string {
	return filepath.Join(stateDir, school+".web-journal.jsonl")
}

// add appends one entry. The file is opened per write: O_APPEND keeps each
// line whole against other writers.
func (j *journal) add(e Entry) error {
	b, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if err := safefile.MkdirAll(filepath.Dir(j.path)); err != nil {
		return err
	}
	f, err := os.OpenFile(j.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, safefile.FileMode)
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("journal: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("journal: %w", err)
	}
	return f.Close()
}

// of returns the entries of one student, oldest first. Lines that do not
// decode (a torn last line) are skipped.
func (j *journal) of(pesel string) ([]Entry, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	f, err := os.Open(j.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	defer f.Close()
	var out []Entry
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		var e Entry
		if json.Unmarshal(sc.Bytes(), &e) == nil && e.PESEL == pesel {
			out = append(out, e)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	return out, nil
}
