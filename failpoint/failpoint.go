// Package failpoint kills the process at named points of its work, so
// that tests can prove a run killed at any step is finished by the next.
//
// It is a test tool only. The environment variable MLEGIT_CRASH_AT,
// read once when the program starts, names the point:
//
//	MLEGIT_CRASH_AT=run.package-written     kill at the first hit of the point
//	MLEGIT_CRASH_AT=state.commit#3          kill at its third hit
//
// When a running program reaches that point ([Hit]) it kills itself the
// hard way — SIGKILL on Unix, TerminateProcess on Windows — so no deferred
// function, no buffered write and no database close runs, as when the
// power goes. Without the variable, [Hit] costs one comparison. The points
// and what each leaves on disk are listed in docs/crash-points.md.
package failpoint

import (
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// EnvVar names the environment variable read at start.
const EnvVar = "MLEGIT_CRASH_AT"

// target is the armed point, parsed once from EnvVar.
var target = parse(os.Getenv(EnvVar))

type armed struct {
	name string
	nth  int64 // kill at this hit (1-based)
	hits atomic.Int64
}

// parse reads "name" or "name#N"; an empty or malformed value arms nothing.
func parse(v string) *armed {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil
	}
	a := &armed{name: v, nth: 1}
	if name, n, ok := strings.Cut(v, "#"); ok {
		nth, err := strconv.ParseInt(n, 10, 64)
		if err != nil || nth < 1 || name == "" {
			return nil
		}
		a.name, a.nth = name, nth
	}
	return a
}

// Hit marks that the program reached the named point. When MLEGIT_CRASH_AT
// names it (and, with "#N", this is its N-th hit), the process is killed
// and Hit never returns. Safe for concurrent use.
func Hit(name string) {
	a := target
	if a == nil || a.name != name {
		return
	}
	if a.hits.Add(1) != a.nth {
		return
	}
	kill()
}

// kill ends the process at once. os.Process.Kill is SIGKILL on Unix and
// TerminateProcess on Windows: nothing of ours runs after it.
func kill() {
	if p, err := os.FindProcess(os.Getpid()); err == nil {
		p.Kill()
	}
	// The signal is on its way; should it not arrive, still never return.
	time.Sleep(10 * time.Second)
	os.Exit(137)
}
