package state

import (
	"errors"
	"os"
	"os/exec"
	"slices"
	"testing"

	"github.com/mlegit/mlegit/codes"
	"github.com/mlegit/mlegit/failpoint"
)

func packageByName(t *testing.T, s *Store, name string) Package {
	t.Helper()
	all, err := s.Packages(t.Context())
	noErr(t, err)
	for _, p := range all {
		if p.Name == name {
			return p
		}
	}
	t.Fatalf("package %s not recorded; have %+v", name, all)
	return Package{}
}

func TestRecordPackage(t *testing.T) {
	s := openTest(t)
	a, b, c := testPESEL(1), testPESEL(2), testPESEL(3)
	for _, p := range []string{a, b, c} {
		seed(t, s, p, "1a", Validated)
	}
	noErr(t, s.RecordPackage(t.Context(), "p1.zip", "aa", []string{a, b}, day(1)))
	// Recording it again (a re-run) changes nothing; other content is refused.
	noErr(t, s.RecordPackage(t.Context(), "p1.zip", "aa", []string{a, b}, day(1)))
	if err := s.RecordPackage(t.Context(), "p1.zip", "bb", []string{a, b}, day(1)); err == nil {
		t.Error("a second content under one name was recorded")
	}
	for _, p := range []string{a, b} {
		r, _ := s.Get(t.Context(), p)
		if r.State != Packaged || !r.PackagedAt.Equal(day(1)) {
			t.Errorf("%s: %s packaged at %v", p, r.State, r.PackagedAt)
		}
		h, _ := s.History(t.Context(), p)
		if n := len(h); h[n-1].Reason != "upload package p1.zip" || n != 3 {
			t.Errorf("history %+v", h)
		}
	}
	p1 := packageByName(t, s, "p1.zip")
	if p1.Students != 2 || p1.Waiting != 2 || !p1.IsWaiting() || p1.SHA256 != "aa" || p1.AgeDays(day(15)) != 14 {
		t.Errorf("p1 %+v", p1)
	}

	// An illegal move (c is not validated any more) records nothing.
	noErr(t, s.Transition(t.Context(), c, Invalidated, day(2), "left"))
	if err := s.RecordPackage(t.Context(), "p2.zip", "cc", []string{c}, day(2)); err == nil {
		t.Fatal("an invalidated student was packaged")
	}
	if all, _ := s.Packages(t.Context()); len(all) != 1 {
		t.Errorf("a refused package was recorded: %+v", all)
	}

	// Codes for a confirm p1; b's reissue goes in p3 as issue 2.
	noErr(t, s.RecordCodes(t.Context(), []codes.Entry{{PESEL: a, Generated: day(3), ValidUntil: day(33)}}, day(3)))
	if p := packageByName(t, s, "p1.zip"); p.ConfirmedBy != ConfirmedByCodes || !p.Confirmed.Equal(day(3)) || p.IsWaiting() {
		t.Errorf("after codes: %+v", p)
	}
	noErr(t, s.ConfirmPackage(t.Context(), "p1.zip", day(4), ConfirmedByUploaded))
	if p := packageByName(t, s, "p1.zip"); p.ConfirmedBy != ConfirmedByCodes {
		t.Errorf("a second confirmation replaced the first: %+v", p)
	}
	noErr(t, s.Transition(t.Context(), b, Invalidated, day(4), "name changed"))
	noErr(t, s.Transition(t.Context(), b, New, day(4), "reissue"))
	noErr(t, s.Transition(t.Context(), b, Validated, day(4), "accepted"))
	noErr(t, s.RecordPackage(t.Context(), "p3.zip", "dd", []string{b}, day(4)))
	var issue int
	noErr(t, s.db.QueryRow(`SELECT issue FROM package_students WHERE package = 'p3.zip'`).Scan(&issue))
	if issue != 2 {
		t.Errorf("reissued student's issue %d, want 2", issue)
	}
	w, err := s.WaitingPackages(t.Context())
	noErr(t, err)
	if len(w) != 1 || w[0].Name != "p3.zip" || w[0].Waiting != 1 {
		t.Errorf("waiting %+v, want only p3", w)
	}
	noErr(t, s.ConfirmPackage(t.Context(), "p3.zip", day(5), ConfirmedByUploaded))
	if w, _ := s.WaitingPackages(t.Context()); len(w) != 0 {
		t.Errorf("waiting after upload %+v", w)
	}
	if err := s.ConfirmPackage(t.Context(), "nope.zip", day(5), ConfirmedByUploaded); !errors.Is(err, ErrNoPackage) {
		t.Errorf("unknown package: %v", err)
	}
	ps, _ := s.PackageStudents(t.Context(), "p1.zip")
	if !slices.Equal(ps, []string{a, b}) {
		t.Errorf("p1 students %v", ps)
	}
	noErr(t, s.IntegrityCheck(t.Context()))
}

func TestAdoptPackage(t *testing.T) {
	s := openTest(t)
	a, b := testPESEL(1), testPESEL(2)
	seed(t, s, a, "1a", CodesReceived)
	seed(t, s, b, "1a", Packaged)
	noErr(t, s.AdoptPackage(t.Context(), "old.zip", "aa", []string{a, testPESEL(9)}, day(0)))
	noErr(t, s.AdoptPackage(t.Context(), "newer.zip", "bb", []string{b}, day(1)))
	noErr(t, s.AdoptPackage(t.Context(), "newer.zip", "bb", []string{b}, day(1)))
	if p := packageByName(t, s, "old.zip"); p.ConfirmedBy != ConfirmedByAdopted || p.Students != 1 {
		t.Errorf("old %+v, want confirmed by adoption, 1 known student", p)
	}
	if p := packageByName(t, s, "newer.zip"); !p.IsWaiting() {
		t.Errorf("newer %+v, want waiting", p)
	}
	if r, _ := s.Get(t.Context(), b); r.State != Packaged {
		t.Errorf("adoption moved a student: %s", r.State)
	}
}

const packageCrashEnv = "MLEGIT_STATE_PACKAGE_CRASH_DIR"

func TestPackageCrashHelper(t *testing.T) {
	dir := os.Getenv(packageCrashEnv)
	if dir == "" {
		t.Skip("helper process for TestRecordPackageKilledMidTransaction")
	}
	s, err := Open(dir, "szkola")
	noErr(t, err)
	noErr(t, s.RecordPackage(t.Context(), "p1.zip", "aa", []string{testPESEL(1), testPESEL(2)}, day(1)))
	t.Fatal("not killed")
}

// A kill inside RecordPackage's transaction records neither the package
// nor any student's move.
func TestRecordPackageKilledMidTransaction(t *testing.T) {
	for _, point := range []string{PointPackageStudents, PointCommit} {
		t.Run(point, func(t *testing.T) {
			dir := t.TempDir()
			s, err := Open(dir, "szkola")
			noErr(t, err)
			seed(t, s, testPESEL(1), "1a", Validated)
			seed(t, s, testPESEL(2), "1a", Validated)
			noErr(t, s.Close())
			cmd := exec.Command(os.Args[0], "-test.run=^TestPackageCrashHelper$")
			cmd.Env = append(os.Environ(), packageCrashEnv+"="+dir, failpoint.EnvVar+"="+point)
			out, err := cmd.CombinedOutput()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.Exited() {
				t.Fatalf("helper not killed: %v\n%s", err, out)
			}
			s, err = Open(dir, "szkola")
			noErr(t, err)
			defer s.Close()
			noErr(t, s.IntegrityCheck(t.Context()))
			if all, _ := s.Packages(t.Context()); len(all) != 0 {
				t.Errorf("killed mid-transaction, yet recorded: %+v", all)
			}
			if c, _ := s.Counts(t.Context()); c.ByState[Validated] != 2 {
				t.Errorf("states after the kill: %+v", c.ByState)
			}
		})
	}
}
