//go:build unix

package slips

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time (user + system) the process has used so far. On
// a shared machine it measures the work done, where wall time also counts
// the waiting for a core.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
