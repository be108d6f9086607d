package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mlegit/mlegit/codes"
	"github.com/mlegit/mlegit/export"
	"github.com/mlegit/mlegit/export/exporttest"
)

// TestPortalRoundTrip runs verify, portal-sim and codes import in-process
// on a package of mobywatel-sized photos.
func TestPortalRoundTrip(t *testing.T) {
	asOf := time.Date(2026, 9, 15, 0, 0, 0, 0, time.UTC)
	students := exporttest.Students(3)
	photos := t.TempDir()
	for i, s := range students {
		if err := os.WriteFile(filepath.Join(photos, string(s.PESEL)+".jpg"), exporttest.JPEG(t, 480, 600, i+1), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	out := t.TempDir()
	pkg, err := export.WritePackage(out, "sp7-demo", asOf, students, photos)
	if err != nil {
		t.Fatal(err)
	}
	shared := t.TempDir() // a folder others use, like /tmp
	if err := os.Chmod(shared, 0o755); err != nil {
		t.Fatal(err)
	}
	codesFile := filepath.Join(shared, "kody.csv")
	defer func() {
		if fi, err := os.Stat(shared); err != nil || fi.Mode().Perm() != 0o755 {
			t.Errorf("portal-sim --out changed the existing folder: %v %v", fi.Mode().Perm(), err)
		}
	}()

	steps := []struct {
		name string
		args []string
		want int
	}{
		{"verify", []string{"verify", "--package", pkg}, exitOK},
		{"verify against a stricter profile", []string{"verify", "--package", pkg, "--profile", "uonet"}, exitRejected},
		{"verify without a package", []string{"verify"}, exitUsage},
		{"portal-sim", []string{"portal-sim", "--package", pkg, "--out", codesFile, "--as-of", "2026-09-15"}, exitOK},
		{"codes import", []string{"codes", "import", "--file", codesFile, "--out", out, "--as-of", "2026-09-16"}, exitOK},
		{"codes import again", []string{"codes", "import", "--file", codesFile, "--out", out, "--as-of", "2026-09-16"}, exitOK},
		{"codes import after expiry", []string{"codes", "import", "--file", codesFile, "--out", out, "--as-of", "2026-12-16"}, exitRejected},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			code, stdout, stderr := mlegit(t, s.args...)
			if code != s.want {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, s.want, stdout, stderr)
			}
			if m := fullPESEL.FindString(stdout + stderr); m != "" {
				t.Errorf("full PESEL %s printed", m)
			}
			if data, err := os.ReadFile(codesFile); err == nil {
				for _, line := range strings.Split(string(data), "\n")[1:] {
					if f := strings.Split(line, ";"); len(f) > 2 && strings.Contains(stdout+stderr, f[2]) {
						t.Errorf("activation code printed")
					}
				}
			}
		})
	}
	rej, err := os.ReadFile(filepath.Join(out, "codes", codesRejectsFile))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(rej), "CODES_EXPIRED"); n != 3 || !strings.Contains(string(rej), "Kod aktywacyjny już wygasł") {
		t.Errorf("rejects file for the secretariat has %d CODES_EXPIRED rows:\n%s", n, rej)
	}
	store, err := codes.Load(codes.StorePath(out))
	if err != nil {
		t.Fatal(err)
	}
	if len(store.Entries) != 3 || store.School != "sp7-demo" || store.SchoolName == "" || !store.Entries[0].Simulated {
		t.Errorf("store %+v", store)
	}
}

func TestPackagesOldestFirst(t *testing.T) {
	out := t.TempDir()
	dir := filepath.Join(out, export.PackageDir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"mlegitymacja-sp7-demo-20260915.zip",
		"mlegitymacja-sp7-demo-20260915-2.zip",
		"mlegitymacja-sp7-demo-20260915-10.zip",
		"mlegitymacja-sp7-demo-20260917.zip",
	}
	for _, name := range append(slices.Clone(want), "mlegitymacja-notes.zip", "kopia.zip") {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	got, err := packagesOldestFirst(out)
	if err != nil {
		t.Fatal(err)
	}
	for i := range got {
		got[i] = filepath.Base(got[i])
	}
	if !slices.Equal(got, want) {
		t.Errorf("packages %v, want %v", got, want)
	}
	if _, err := packagesOldestFirst(t.TempDir()); exitCode(err) != exitUsage {
		t.Errorf("no package: %v, want a usage error", err)
	}
}
