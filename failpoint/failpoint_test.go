package failpoint

import (
	"errors"
	"os"
	"os/exec"
	"runtime"
	"syscall"
	"testing"
)

func TestParse(t *testing.T) {
	for _, c := range []struct {
		in   string
		name string
		nth  int64
	}{
		{"", "", 0},
		{"  ", "", 0},
		{"run.package-written", "run.package-written", 1},
		{"state.commit#3", "state.commit", 3},
		{"state.commit#0", "", 0},
		{"state.commit#x", "", 0},
		{"#2", "", 0},
	} {
		a := parse(c.in)
		if c.name == "" {
			if a != nil {
				t.Errorf("parse(%q) armed %q", c.in, a.name)
			}
			continue
		}
		if a == nil || a.name != c.name || a.nth != c.nth {
			t.Errorf("parse(%q) = %+v, want %s#%d", c.in, a, c.name, c.nth)
		}
	}
}

// TestHitKills runs this test binary again as a child armed at a point hit
// three times, and checks that the child died by SIGKILL exactly at the
// armed hit: it printed the hits before it and not the one after.
func TestHitKills(t *testing.T) {
	if os.Getenv("FAILPOINT_CHILD") == "1" {
		for i := 1; i <= 3; i++ {
			os.Stdout.WriteString("before ")
			Hit("test.point")
			os.Stdout.WriteString("after ")
		}
		os.Exit(0)
	}
	for _, c := range []struct {
		env, want string
		killed    bool
	}{
		{"test.point", "before ", true},
		{"test.point#2", "before after before ", true},
		{"other.point", "before after before after before after ", false},
	} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHitKills$")
		cmd.Env = append(os.Environ(), "FAILPOINT_CHILD=1", EnvVar+"="+c.env)
		out, err := cmd.Output()
		if string(out) != c.want {
			t.Errorf("%s: child printed %q, want %q", c.env, out, c.want)
		}
		var ee *exec.ExitError
		if !c.killed {
			if err != nil {
				t.Errorf("%s: child failed: %v", c.env, err)
			}
			continue
		}
		if !errors.As(err, &ee) {
			t.Fatalf("%s: child not killed: %v", c.env, err)
		}
		if runtime.GOOS != "windows" {
			ws, ok := ee.Sys().(syscall.WaitStatus)
			if !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
				t.Errorf("%s: child ended with %v, want SIGKILL", c.env, err)
			}
		}
	}
}
