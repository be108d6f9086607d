package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"testing"

	"github.com/mlegit/mlegit/codes"
	"github.com/mlegit/mlegit/failpoint"
	"github.com/mlegit/mlegit/pipeline"
	"github.com/mlegit/mlegit/state"
)

// crashScenario is one command killed at each of its crash points in turn.
// In every argument, DIR stands for the folder of the school's copy
// (DIR/uczniowie.csv, DIR/zdjecia, DIR/out).
type crashScenario struct {
	name    string
	prepare [][]string // commands that build the starting point, run once
	step    []string   // the command killed at each point, then run again
	then    [][]string // normal commands after it (e.g. the next nightly run)
	points  []string   // named points the step must reach (besides state.commit#N)
}

// runArgs is a nightly run of the school copy on date.
func runArgs(date string) []string {
	return []string{"run", "--roster", "DIR/uczniowie.csv", "--photos", "DIR/zdjecia", "--out", "DIR/out",
		"--as-of", date, "--workers", "2", "--log-level", "warn"}
}

var (
	portalSim   = []string{"portal-sim", "--package", "DIR/out/package/mlegitymacja-sp7-demo-20260915.zip", "--out", "DIR/kody.csv", "--as-of", "2026-09-16"}
	codesImport = []string{"codes", "import", "--file", "DIR/kody.csv", "--out", "DIR/out", "--as-of", "2026-09-16"}
)

var crashScenarios = []crashScenario{{
	name: "run",
	step: runArgs("2026-09-15"),
	points: []string{state.PointPackageStudents, pipeline.PointPackageWritten, pipeline.PointPackageRecorded,
		pipeline.PointListsWritten, pipeline.PointDeadlinesApplied, pipeline.PointReportsWritten},
}, {
	name:    "purge",
	prepare: [][]string{runArgs("2026-09-15"), portalSim, codesImport},
	step:    runArgs("2026-10-17"), // day 31 after the codes: photos purged, codes expired
	points:  []string{pipeline.PointPhotoRemoved, pipeline.PointDeadlinesApplied, pipeline.PointReportsWritten},
}, {
	name:    "codes import",
	prepare: [][]string{runArgs("2026-09-15"), portalSim},
	step:    codesImport,
	then:    [][]string{runArgs("2026-09-16")},
	points:  []string{PointCodesStored, PointCodesRecorded},
}, {
	name: "pickup",
	prepare: [][]string{runArgs("2026-09-15"), portalSim, codesImport,
		{"slips", "--out", "DIR/out", "--class", "2a", "--as-of", "2026-09-17"}},
	step: []string{"pickup", "--out", "DIR/out", "--pesel", "17271712844", "--by", "Anna Kowalczyk (matka)", "--date", "2026-09-18"},
	then: [][]string{runArgs("2026-09-18")},
}, {
	name:    "invalidate",
	prepare: [][]string{runArgs("2026-09-15")},
	step:    []string{"invalidate", "--out", "DIR/out", "--pesel", "17271712844", "--reason", "parent-request", "--as-of", "2026-09-16"},
	then:    [][]string{runArgs("2026-09-16")},
}, {
	name: "reissue",
	prepare: [][]string{runArgs("2026-09-15"),
		{"invalidate", "--out", "DIR/out", "--pesel", "17271712844", "--reason", "parent-request", "--as-of", "2026-09-16"}},
	step: []string{"reissue", "--out", "DIR/out", "--pesel", "17271712844", "--as-of", "2026-09-17"},
	then: [][]string{runArgs("2026-09-17")},
}, {
	name:    "package uploaded",
	prepare: [][]string{runArgs("2026-09-15")},
	step:    []string{"package", "uploaded", "mlegitymacja-sp7-demo-20260915.zip", "--out", "DIR/out", "--as-of", "2026-09-16"},
	then:    [][]string{runArgs("2026-09-16")},
	points:  []string{PointPackageConfirmed},
}}

// TestCrashPoints kills each command of crashScenarios at every crash
// point it reaches — each named point, and every commit of the state
// store (state.commit#1, #2, ... until the command ends by itself) — then
// runs it again without the point and the normal commands after it. The
// result must be what the same commands give undisturbed: same students'
// states and history lengths, same package records and files (one zip per
// batch, byte for byte), same summary (naming the waiting package), no
// temporary file left, and a store that passes PRAGMA integrity_check.
func TestCrashPoints(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary some 100 times")
	}
	if runtime.GOOS == "windows" {
		t.Skip("checks the SIGKILL wait status")
	}
	bin := testBinary(t)
	for _, sc := range crashScenarios {
		t.Run(sc.name, func(t *testing.T) {
			base := t.TempDir()
			roster, photos, _ := school(t)
			copyFile(t, roster, filepath.Join(base, "uczniowie.csv"))
			copyTree(t, photos, filepath.Join(base, "zdjecia"))
			for _, args := range sc.prepare {
				runBin(t, bin, base, args, "")
			}
			want := crashRun(t, bin, base, sc, "")
			if want.killed {
				t.Fatal("the undisturbed run was killed")
			}
			points := append([]string(nil), sc.points...)
			for _, p := range sc.points {
				if got := crashRun(t, bin, base, sc, p); !got.killed {
					t.Errorf("%s: point never reached", p)
				} else if got.snapshot != want.snapshot {
					t.Errorf("killed at %s, then run again: differs from an undisturbed run\n got %s\nwant %s", p, got.snapshot, want.snapshot)
				}
			}
			commits := 0
			for n := 1; n <= 40; n++ {
				p := fmt.Sprintf("%s#%d", state.PointCommit, n)
				got := crashRun(t, bin, base, sc, p)
				if !got.killed {
					break
				}
				commits++
				points = append(points, p)
				if got.snapshot != want.snapshot {
					t.Errorf("killed at %s, then run again: differs from an undisturbed run\n got %s\nwant %s", p, got.snapshot, want.snapshot)
				}
			}
			if commits == 0 {
				t.Error("the command committed nothing to the store")
			}
			t.Logf("%d points: %s", len(points), strings.Join(points, " "))
		})
	}
}

type crashResult struct {
	killed   bool
	snapshot string
}

// crashRun copies base, runs the scenario's step armed at point ("" for
// none), runs the step again unarmed when it was killed, then the
// scenario's normal commands, and checks and renders the result.
func crashRun(t *testing.T, bin, base string, sc crashScenario, point string) crashResult {
	t.Helper()
	dir := t.TempDir()
	copyTree(t, base, dir)
	res := crashResult{killed: runBin(t, bin, dir, sc.step, point)}
	if res.killed {
		if runBin(t, bin, dir, sc.step, "") {
			t.Fatalf("%s: killed again unarmed", point)
		}
	}
	for _, args := range sc.then {
		runBin(t, bin, dir, args, "")
	}
	res.snapshot = snapshot(t, filepath.Join(dir, "out"))
	return res
}

// runBin runs mlegit with args (DIR replaced by dir), armed at point, and
// reports whether failpoint killed it. Any other end than exit 0 or 3 (or,
// armed, SIGKILL) fails the test.
func runBin(t *testing.T, bin, dir string, args []string, point string) bool {
	t.Helper()
	full := []string{"--config", absConfig(t)}
	for _, a := range args {
		full = append(full, strings.ReplaceAll(a, "DIR", dir))
	}
	cmd := exec.Command(bin, full...)
	cmd.Env = append(os.Environ(), failpoint.EnvVar+"="+point)
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return false
	case !errors.As(err, &ee):
		t.Fatalf("%v: %v", args, err)
	}
	if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		if ws.Signal() != syscall.SIGKILL || point == "" {
			t.Fatalf("%v at %q: %v\n%s", args, point, err, out)
		}
		return true // SIGKILL comes only from the armed point: it was reached alive
	}
	if ee.ExitCode() != exitRejected {
		t.Fatalf("%v at %q: %v\n%s", args, point, err, out)
	}
	return false
}

func absConfig(t *testing.T) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join(samples, "..", "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// snapshot renders what must not depend on where a command was killed,
// after checking the store's integrity and that no temporary file is left.
func snapshot(t *testing.T, out string) string {
	t.Helper()
	var b strings.Builder
	filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if strings.HasPrefix(d.Name(), ".") && strings.Contains(d.Name(), ".tmp-") {
			t.Errorf("temporary file left: %s", p)
		}
		return nil
	})
	ctx := context.Background()
	s, err := state.Open(filepath.Join(out, "state"), "sp7-demo")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.IntegrityCheck(ctx); err != nil {
		t.Error(err)
	}
	recs, err := s.Students(ctx)
	if err != nil {
		t.Fatal(err)
	}
	b.WriteString("students:")
	for _, r := range recs {
		h, _ := s.History(ctx, r.PESEL)
		fmt.Fprintf(&b, " %s:%s/%d/h%d/c%s/p%t", r.PESEL[:6], r.State, r.Issue, len(h),
			r.CodesGenerated.Format("0102"), r.PhotoPurgedAt.IsZero())
	}
	pus, _ := s.Pickups(ctx)
	b.WriteString("\npickups:")
	for _, p := range pus {
		fmt.Fprintf(&b, " %s/%d/%s", p.PESEL[:6], p.Issue, p.By)
	}
	pkgs, _ := s.Packages(ctx)
	b.WriteString("\npackages:")
	for _, p := range pkgs {
		fmt.Fprintf(&b, " %s/%s/%d/%d/%s", p.Name, p.SHA256[:12], p.Students, p.Waiting, p.ConfirmedBy)
	}
	b.WriteString("\nfiles:")
	for _, sub := range []string{"package", "photos", "sio"} {
		ents, _ := os.ReadDir(filepath.Join(out, sub))
		for _, e := range ents {
			data, _ := os.ReadFile(filepath.Join(out, sub, e.Name()))
			sum := sha256.Sum256(data)
			fmt.Fprintf(&b, " %s/%s:%s", sub, e.Name(), hex.EncodeToString(sum[:6]))
		}
	}
	if cs, err := codes.Load(codes.StorePath(out)); err == nil {
		var ps []string
		for _, e := range cs.Entries {
			ps = append(ps, e.PESEL[:6]+"/"+e.Generated.Format("0102"))
		}
		sort.Strings(ps)
		b.WriteString("\ncodes: " + strings.Join(ps, " "))
	}
	sum := readSummary(t, out)
	fmt.Fprintf(&b, "\nsummary: package %q sent %d accepted %d rejected %d waiting", sum.Package, sum.Sent, sum.Accepted, sum.Rejected)
	for _, w := range sum.WaitingPackages {
		fmt.Fprintf(&b, " %s/%d/%d", w.Name, w.Students, w.AgeDays)
	}
	return b.String()
}

// copyTree copies the regular files and folders under src into dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		to := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(to, 0o700)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if err := os.WriteFile(to, data, 0o600); err != nil {
			return err
		}
		// Keep modification times: the run knows unchanged photos by them.
		return os.Chtimes(to, info.ModTime(), info.ModTime())
	})
	if err != nil {
		t.Fatal(err)
	}
}

// pointDecl finds the declaration of a crash point constant.
var pointDecl = regexp.MustCompile(`\bPoint\w+\s*=\s*"([a-z]+\.[a-z-]+)"`)

// TestEveryCrashPointIsTested reads the sources for crash point constants
// and fails for one that no scenario of TestCrashPoints reaches, so a new
// durable step cannot go untested.
func TestEveryCrashPointIsTested(t *testing.T) {
	tested := map[string]bool{state.PointCommit: true}
	for _, sc := range crashScenarios {
		for _, p := range sc.points {
			tested[p] = true
		}
	}
	found := 0
	err := filepath.WalkDir(filepath.Join("..", ".."), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && p != filepath.Join("..", "..") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range pointDecl.FindAllStringSubmatch(string(data), -1) {
			found++
			if !tested[m[1]] {
				t.Errorf("%s: crash point %q is in no scenario of TestCrashPoints", p, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if found < len(tested) {
		t.Errorf("found %d crash point declarations, the scenarios name %d", found, len(tested))
	}
}
