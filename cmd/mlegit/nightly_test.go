package main

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mlegit/mlegit/state"
)

// school copies the sample roster (UTF-8 CSV) and photos into a fresh
// folder, so a test may change them between nightly runs.
func school(t *testing.T) (roster, photos, out string) {
	t.Helper()
	dir := t.TempDir()
	roster = filepath.Join(dir, "uczniowie.csv")
	copyFile(t, filepath.Join(samples, "roster", "uczniowie-utf8.csv"), roster)
	photos = filepath.Join(dir, "zdjecia")
	os.MkdirAll(photos, 0o700)
	ents, _ := os.ReadDir(filepath.Join(samples, "photos"))
	for _, e := range ents {
		copyFile(t, filepath.Join(samples, "photos", e.Name()), filepath.Join(photos, e.Name()))
	}
	return roster, photos, filepath.Join(dir, "out")
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func nightly(t *testing.T, roster, photos, out, asOf string) int {
	t.Helper()
	code, _, stderr := mlegit(t, "run", "--roster", roster, "--photos", photos, "--out", out, "--as-of", asOf, "--log-level", "warn")
	if code != exitRejected && code != exitOK {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	return code
}

func counts(t *testing.T, out string) (news, changed, unchanged, sent int) {
	t.Helper()
	s := readSummary(t, out)
	if s.New == nil || s.Changed == nil || s.Unchanged == nil {
		t.Fatal("summary lacks new/changed/unchanged")
	}
	return *s.New, *s.Changed, *s.Unchanged, s.Sent
}

func mtimes(t *testing.T, dir string) map[string]time.Time {
	t.Helper()
	m := map[string]time.Time{}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		fi, _ := e.Info()
		m[e.Name()] = fi.ModTime()
	}
	return m
}

func storeState(t *testing.T, out, p string) (state.State, []state.Event) {
	t.Helper()
	s, err := state.Open(filepath.Join(out, "state"), "sp7-demo")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r, err := s.Get(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	h, _ := s.History(context.Background(), p)
	return r.State, h
}

func editRoster(t *testing.T, path, old, new string) {
	t.Helper()
	data, _ := os.ReadFile(path)
	if !strings.Contains(string(data), old) {
		t.Fatalf("roster lacks %q", old)
	}
	os.WriteFile(path, []byte(strings.Replace(string(data), old, new, 1)), 0o600)
}

func TestNightlyIncremental(t *testing.T) {
	roster, photos, out := school(t)
	nightly(t, roster, photos, out, "2026-09-15")
	n, c, u, sent := counts(t, out)
	accepted := readSummary(t, out).Accepted
	if n != accepted || c != 0 || u != 0 || sent != accepted {
		t.Fatalf("first night: new %d changed %d unchanged %d sent %d, accepted %d", n, c, u, sent, accepted)
	}
	before := mtimes(t, filepath.Join(out, "photos"))

	t.Run("unchanged school does no photo work", func(t *testing.T) {
		time.Sleep(20 * time.Millisecond)
		nightly(t, roster, photos, out, "2026-09-16")
		n, c, u, sent := counts(t, out)
		if n != 0 || c != 0 || u != accepted || sent != 0 {
			t.Errorf("new %d changed %d unchanged %d sent %d", n, c, u, sent)
		}
		after := mtimes(t, filepath.Join(out, "photos"))
		for name, m := range before {
			if !after[name].Equal(m) {
				t.Errorf("%s rewritten on an unchanged night", name)
			}
		}
		if _, err := os.Stat(filepath.Join(out, "package", "mlegitymacja-sp7-demo-20260916.zip")); err == nil {
			t.Error("a package was written with nothing to send")
		}
	})

	t.Run("name change is invalidated and reissued", func(t *testing.T) {
		editRoster(t, roster, "Kowalczyk;Zuzanna;", "Kowalczyk-Nowak;Zuzanna;")
		nightly(t, roster, photos, out, "2026-09-17")
		n, c, u, sent := counts(t, out)
		if n != 0 || c != 1 || u != accepted-1 || sent != 1 {
			t.Errorf("new %d changed %d unchanged %d sent %d", n, c, u, sent)
		}
		st, hist := storeState(t, out, "17271712844")
		if st != state.Packaged {
			t.Errorf("state %s, want packaged again", st)
		}
		var saw []string
		for _, e := range hist {
			saw = append(saw, e.To.String()+":"+e.Reason)
		}
		joined := strings.Join(saw, ",")
		if !strings.Contains(joined, "invalidated:name change") || !strings.Contains(joined, "new:reissue") {
			t.Errorf("history %s", joined)
		}
	})

	t.Run("changed photo bytes are redone", func(t *testing.T) {
		p := filepath.Join(photos, "Hanna Szymańska 2a.jpg")
		copyFile(t, filepath.Join(samples, "photos", "Paweł Kamiński 1b.JPG"), p)
		nightly(t, roster, photos, out, "2026-09-18")
		_, c, _, sent := counts(t, out)
		if c != 1 || sent != 1 {
			t.Errorf("changed %d sent %d, want 1 and 1", c, sent)
		}
	})

	t.Run("student who left is invalidated", func(t *testing.T) {
		data, _ := os.ReadFile(roster)
		var keep []string
		for _, l := range strings.Split(string(data), "\n") {
			if !strings.HasPrefix(l, "Mazur;Jan;") && !strings.HasPrefix(l, "Wójcik;Jakub;") {
				keep = append(keep, l)
			}
		}
		os.WriteFile(roster, []byte(strings.Join(keep, "\n")), 0o600)
		nightly(t, roster, photos, out, "2026-09-19")
		st, hist := storeState(t, out, "18310212134") // Wójcik Jakub
		if st != state.Invalidated || !strings.Contains(hist[len(hist)-1].Reason, "left the roster") {
			t.Errorf("state %s, history %+v", st, hist[len(hist)-1])
		}
	})
}

func TestNightlyPhotoPurgedAfterRetention(t *testing.T) {
	roster, photos, out := school(t)
	nightly(t, roster, photos, out, "2026-09-15")
	pkg := filepath.Join(out, "package", "mlegitymacja-sp7-demo-20260915.zip")
	codesCSV := filepath.Join(t.TempDir(), "kody.csv")
	if code, _, e := mlegit(t, "portal-sim", "--package", pkg, "--out", codesCSV, "--as-of", "2026-09-16"); code != 0 {
		t.Fatalf("portal-sim: %d %s", code, e)
	}
	if code, _, e := mlegit(t, "codes", "import", "--file", codesCSV, "--out", out, "--as-of", "2026-09-16"); code != 0 {
		t.Fatalf("codes import: %d %s", code, e)
	}
	st, _ := storeState(t, out, "18230410005")
	if st != state.CodesReceived {
		t.Fatalf("after codes import: %s, want codes_received", st)
	}
	photo := filepath.Join(out, "photos", "18230410005.jpg")
	nightly(t, roster, photos, out, "2026-10-16") // day 30 after generation: kept
	if _, err := os.Stat(photo); err != nil {
		t.Fatalf("photo gone on day 30: %v", err)
	}
	nightly(t, roster, photos, out, "2026-10-17") // day 31: purged, not recreated
	if _, err := os.Stat(photo); !os.IsNotExist(err) {
		t.Errorf("photo still there after retention: %v", err)
	}
	st, _ = storeState(t, out, "18230410005")
	if st != state.Expired {
		t.Errorf("codes unactivated past 30 days: %s, want expired", st)
	}
}

// TestNightlyKilledRunReachesSameState kills the real binary at random
// moments of a run and re-runs it; everything snapshot renders must end as
// after an undisturbed run. The kill times come from a logged seed
// (MLEGIT_KILL_SEED repeats them) and fall within the undisturbed run's
// duration; a kill counts only when the wait status proves the process
// was still running when the signal came.
func TestNightlyKilledRunReachesSameState(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	bin := testBinary(t)
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv("MLEGIT_KILL_SEED"); v != "" {
		var err error
		if seed, err = strconv.ParseUint(v, 10, 64); err != nil {
			t.Fatalf("MLEGIT_KILL_SEED: %v", err)
		}
	}
	t.Logf("seed %d (MLEGIT_KILL_SEED=%d repeats these kill times)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, seed))
	roster, photos, clean := school(t)
	args := func(out string) []string {
		return []string{"--config", absConfig(t), "run", "--roster", roster, "--photos", photos, "--out", out,
			"--as-of", "2026-09-15", "--workers", "2"}
	}
	start := time.Now()
	if err := exec.Command(bin, args(clean)...).Run(); exitOf(err) != exitRejected {
		t.Fatalf("clean run: %v", err)
	}
	took := time.Since(start)
	want := snapshot(t, clean)
	landed := 0
	for i := 0; landed < 6 && i < 30; i++ {
		out := filepath.Join(t.TempDir(), "killed")
		cmd := exec.Command(bin, args(out)...)
		cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
		delay := time.Duration(rng.Int64N(int64(took)))
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		var err error
		select {
		case err = <-done:
		case <-time.After(delay):
			cmd.Process.Signal(syscall.SIGKILL)
			err = <-done
		}
		var ee *exec.ExitError
		ws, _ := func() (syscall.WaitStatus, bool) {
			if errors.As(err, &ee) {
				w, ok := ee.Sys().(syscall.WaitStatus)
				return w, ok
			}
			var none syscall.WaitStatus // a struct on Windows: no literal 0
			return none, false
		}()
		if !ws.Signaled() {
			t.Logf("try %d: the run ended by itself within %v; not counted", i, delay)
			continue
		}
		landed++
		if err := exec.Command(bin, args(out)...).Run(); exitOf(err) != exitRejected {
			t.Fatalf("re-run after the kill at %v: %v", delay, err)
		}
		if got := snapshot(t, out); got != want {
			t.Errorf("killed at %v, then run again: differs\n got %s\nwant %s", delay, got, want)
		}
	}
	t.Logf("%d kills landed while the run was alive (undisturbed run: %v)", landed, took)
	if landed < 3 {
		t.Errorf("only %d kills landed before the run ended", landed)
	}
}

func exitOf(err error) int {
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

func TestLifecycleThroughSlipsAndPickup(t *testing.T) {
	roster, photos, out := school(t)
	nightly(t, roster, photos, out, "2026-09-15")
	pkg := filepath.Join(out, "package", "mlegitymacja-sp7-demo-20260915.zip")
	codesCSV := filepath.Join(t.TempDir(), "kody.csv")
	steps := [][]string{
		{"portal-sim", "--package", pkg, "--out", codesCSV, "--as-of", "2026-09-16"},
		{"codes", "import", "--file", codesCSV, "--out", out, "--as-of", "2026-09-16"},
		{"slips", "--out", out, "--class", "2a", "--as-of", "2026-09-17"},
		{"pickup", "--out", out, "--pesel", "17271712844", "--by", "Anna Kowalczyk (matka)", "--date", "2026-09-18"},
		{"register", "--out", out, "--as-of", "2026-09-18"},
	}
	for _, args := range steps {
		if code, _, e := mlegit(t, args...); code != 0 {
			t.Fatalf("%v: exit %d\n%s", args, code, e)
		}
	}
	want := map[string]state.State{
		"17271712844": state.PickedUp,      // 2a, picked up
		"17290913552": state.SlipPrinted,   // 2a, printed, waiting
		"18230410005": state.CodesReceived, // 1b, not printed (class filter)
	}
	for p, w := range want {
		if st, _ := storeState(t, out, p); st != w {
			t.Errorf("%s: %s, want %s", p[:4], st, w)
		}
	}
	// A nightly run later leaves them where they are.
	nightly(t, roster, photos, out, "2026-09-19")
	if st, _ := storeState(t, out, "17271712844"); st != state.PickedUp {
		t.Errorf("after a nightly run: %s", st)
	}

	// The portal reports activations: the picked-up student, the one whose
	// pickup was never recorded, and a stranger.
	acts := filepath.Join(t.TempDir(), "aktywacje.csv")
	os.WriteFile(acts, []byte("pesel;aktywowano\n17271712844;2026-09-20\n17290913552;2026-09-21\n11210110089;2026-09-21\n"), 0o600)
	for range 2 { // importing again changes nothing
		code, stdout, e := mlegit(t, "codes", "activations", "--file", acts, "--out", out)
		if code != exitRejected || !strings.Contains(stdout, "ACTIVATION_STUDENT_UNKNOWN") {
			t.Errorf("activations: exit %d\n%s%s", code, stdout, e)
		}
	}
	for _, p := range []string{"17271712844", "17290913552"} {
		st, h := storeState(t, out, p)
		if st != state.Activated {
			t.Errorf("%s: %s after the activations report, want activated", p[:4], st)
		}
		if n := len(h); h[n-1].To != state.Activated || (n > 1 && h[n-2].To == state.Activated) {
			t.Errorf("%s: history %+v", p[:4], h)
		}
	}
	rej, _ := os.ReadFile(filepath.Join(out, "codes", "odrzucone_aktywacje.csv"))
	if !strings.Contains(string(rej), "1121*****89") || strings.Contains(string(rej), "11210110089") {
		t.Errorf("rejects file:\n%s", rej)
	}
}

func TestNightlyUnreadableRosterInvalidatesNobody(t *testing.T) {
	roster, photos, out := school(t)
	nightly(t, roster, photos, out, "2026-09-15")
	os.Remove(roster)
	code, _, _ := mlegit(t, "run", "--roster", roster, "--photos", photos, "--out", out, "--as-of", "2026-09-16")
	if code != exitFatal {
		t.Errorf("exit %d with the only roster missing, want %d", code, exitFatal)
	}
	if st, _ := storeState(t, out, "17271712844"); st != state.Packaged {
		t.Errorf("a missing roster invalidated the school: %s", st)
	}
}

func TestNightlyOverlappingRunIsLockedOut(t *testing.T) {
	roster, photos, out := school(t)
	lock, err := state.Lock(filepath.Join(out, "state"), "sp7-demo")
	if err != nil {
		t.Fatal(err)
	}
	code, _, stderr := mlegit(t, "run", "--roster", roster, "--photos", photos, "--out", out, "--as-of", "2026-09-15")
	if code != exitLocked {
		t.Errorf("exit %d while another run holds the lock, want %d\n%s", code, exitLocked, stderr)
	}
	if _, err := os.Stat(filepath.Join(out, "summary.json")); err == nil {
		t.Error("the locked-out run wrote a summary")
	}
	lock.Release()
	if got := nightly(t, roster, photos, out, "2026-09-15"); got != exitRejected {
		t.Errorf("after release: exit %d", got)
	}
}

func TestNightlySecondRunSameDayKeepsFirstPackage(t *testing.T) {
	roster, photos, out := school(t)
	nightly(t, roster, photos, out, "2026-09-15")
	first := filepath.Join(out, "package", "mlegitymacja-sp7-demo-20260915.zip")
	before, err := os.ReadFile(first)
	if err != nil {
		t.Fatal(err)
	}
	copyFile(t, filepath.Join(samples, "photos", "Paweł Kamiński 1b.JPG"), filepath.Join(photos, "Hanna Szymańska 2a.jpg"))
	nightly(t, roster, photos, out, "2026-09-15") // the same day, one photo changed
	s := readSummary(t, out)
	if s.Sent != 1 || s.Package != "mlegitymacja-sp7-demo-20260915-2.zip" {
		t.Errorf("second run sent %d in %q", s.Sent, s.Package)
	}
	if now, _ := os.ReadFile(first); string(now) != string(before) {
		t.Error("the first package of the day was replaced")
	}
	// The SIO file lists every accepted student, not only tonight's.
	sio, _ := os.ReadFile(filepath.Join(out, "sio", "legitymacje.csv"))
	if n := strings.Count(string(sio), "\n") - 1; n != s.Accepted {
		t.Errorf("SIO file lists %d students, want all %d accepted", n, s.Accepted)
	}
}
