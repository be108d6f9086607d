package main

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/mlegit/mlegit/district"
	"github.com/mlegit/mlegit/report"
	"github.com/mlegit/mlegit/roster"
	"github.com/mlegit/mlegit/texts"
)

// samples is the bundled synthetic school, relative to this package.
const samples = "../../samples"

// mlegit runs the command line in-process and returns its exit code and
// what it printed.
func mlegit(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), append([]string{"--config", filepath.Join(samples, "..", "config.yaml")}, args...), &out, &errb)
	return code, out.String(), errb.String()
}

func readSummary(t *testing.T, dir string) report.Summary {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, report.SummaryFile))
	if err != nil {
		t.Fatal(err)
	}
	var s report.Summary
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// fullPESEL matches eleven digits in a row: a full PESEL must never be
// printed or logged.
var fullPESEL = regexp.MustCompile(`\b\d{11}\b`)

// checkExitCode asserts summary.json records the run's exit code.
func checkExitCode(t *testing.T, s report.Summary, want int) {
	t.Helper()
	if s.ExitCode == nil || *s.ExitCode != want {
		t.Errorf("summary.json exit_code %v, want %d", s.ExitCode, want)
	}
}

func TestRunSamplesSameSummaryInEveryFormat(t *testing.T) {
	var first *report.Summary
	for _, f := range []string{"uczniowie-utf8.csv", "uczniowie-cp1250.csv", "uczniowie.xlsx"} {
		t.Run(f, func(t *testing.T) {
			out := t.TempDir()
			code, stdout, stderr := mlegit(t, "run", "--roster", filepath.Join(samples, "roster", f),
				"--out", out, "--as-of", "2026-09-15")
			if code != exitRejected {
				t.Fatalf("exit %d, want %d (samples hold rejected rows); stderr:\n%s", code, exitRejected, stderr)
			}
			if m := fullPESEL.FindString(stdout + stderr); m != "" {
				t.Errorf("full PESEL %s printed", m)
			}
			s := readSummary(t, out)
			checkExitCode(t, s, exitRejected)
			if s.Students != 30 || s.Accepted+s.Rejected != s.Students {
				t.Errorf("counts: %d students, %d accepted, %d rejected", s.Students, s.Accepted, s.Rejected)
			}
			want := map[string]bool{"PESEL_CHECKSUM": true, "PESEL_BIRTHDATE_MISMATCH": true, "CARD_MISSING": true,
				"CARD_EXPIRED": true, "NAME_INVALID": true, "DUPLICATE_PESEL": true, "PESEL_LENGTH": true}
			for _, r := range s.Rejections {
				delete(want, string(r.Code))
				if r.Row < 2 || r.File != f {
					t.Errorf("rejection located at %s:%d", r.File, r.Row)
				}
			}
			if len(want) > 0 {
				t.Errorf("codes never reported: %v", want)
			}
			if first == nil {
				first = &s
				return
			}
			if got, want := rejectionKeys(s), rejectionKeys(*first); got != want {
				t.Errorf("rejections differ from the first format:\n%s\nvs\n%s", got, want)
			}
			if s.Accepted != first.Accepted {
				t.Errorf("accepted %d, first format %d", s.Accepted, first.Accepted)
			}
		})
	}
}

// rejectionKeys renders the parts of rejections that do not depend on the
// file format (row numbers do: the XLSX has a title row).
func rejectionKeys(s report.Summary) string {
	var b strings.Builder
	for _, r := range s.Rejections {
		b.WriteString(string(r.Code) + " " + r.PESEL + " " + r.Name + " " + r.Class + "\n")
	}
	return b.String()
}

func TestRunOutputIsPrivate(t *testing.T) {
	out := filepath.Join(t.TempDir(), "wynik")
	mlegit(t, "run", "--roster", filepath.Join(samples, "roster", "uczniowie-utf8.csv"), "--out", out, "--as-of", "2026-09-15")
	err := filepath.Walk(out, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		want := os.FileMode(0o600)
		if fi.IsDir() {
			want = 0o700
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v", p, fi.Mode().Perm(), want)
		}
		if !fi.IsDir() && strings.HasPrefix(fi.Name(), ".") {
			t.Errorf("temporary file left: %s", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestRunExitCodes(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.csv")
	os.WriteFile(good, []byte("Nazwisko;Imię;PESEL;Numer legitymacji;Data ważności legitymacji\n"+
		"Kamiński;Paweł;11210110089;1/2024;31.08.2027\n"), 0o600)
	broken := filepath.Join(dir, "broken.csv")
	os.WriteFile(broken, []byte("Nazwisko;Imię\nNowak;Jan\n"), 0o600)
	cases := []struct {
		name string
		args []string
		want int
	}{
		{"all accepted", []string{"run", "--roster", good, "--out", filepath.Join(dir, "o1"), "--as-of", "2026-09-15"}, exitOK},
		{"expired by as-of", []string{"run", "--roster", good, "--out", filepath.Join(dir, "o2"), "--as-of", "2027-09-01"}, exitRejected},
		{"no roster", []string{"run", "--out", filepath.Join(dir, "o3")}, exitUsage},
		{"bad as-of", []string{"run", "--roster", good, "--as-of", "15.09.2026"}, exitUsage},
		{"unknown flag", []string{"run", "--nope"}, exitUsage},
		{"unknown command", []string{"frobnicate"}, exitUsage},
		{"only file lacks columns", []string{"run", "--roster", broken, "--out", filepath.Join(dir, "o4")}, exitFatal},
		{"missing file", []string{"run", "--roster", filepath.Join(dir, "nope.csv"), "--out", filepath.Join(dir, "o5")}, exitFatal},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := mlegit(t, c.args...)
			if code != c.want {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, c.want, stderr)
			}
		})
	}
}

func TestRunBrokenFileDoesNotStopOthers(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.csv")
	os.WriteFile(good, []byte("Nazwisko;Imię;PESEL;Numer legitymacji\nKamiński;Paweł;11210110089;1/2024\n"), 0o600)
	broken := filepath.Join(dir, "broken.csv")
	os.WriteFile(broken, []byte("Nazwisko;Imię\nNowak;Jan\n"), 0o600)
	out := filepath.Join(dir, "out")
	code, stdout, _ := mlegit(t, "run", "--roster", broken, "--roster", good, "--out", out, "--as-of", "2026-09-15")
	if code != exitRejected {
		t.Errorf("exit %d, want %d: a roster file could not be used", code, exitRejected)
	}
	if !strings.Contains(stdout, "could not be used") {
		t.Errorf("stdout does not mention the failed file: %q", stdout)
	}
	s := readSummary(t, out)
	if s.Accepted != 1 || len(s.Files) != 2 || s.Files[0].Error == "" || !strings.Contains(s.Files[0].Komunikat, "PESEL") {
		t.Errorf("summary %+v", s)
	}
	// The secretariat sees the file in its report, with the missing columns named.
	csv, _ := os.ReadFile(filepath.Join(out, "odrzuceni.csv"))
	if !strings.Contains(string(csv), "broken.csv;;;;;FILE_COLUMNS_MISSING;") || !strings.Contains(string(csv), "Numer legitymacji") {
		t.Errorf("odrzuceni.csv:\n%s", csv)
	}
}

// A night whose only roster cannot be used keeps the last summary.json
// (and state), but the secretariat's reports say in Polish why nothing was
// read tonight.
func TestRunFailedNightKeepsSummaryAndSaysWhy(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.csv")
	os.WriteFile(good, []byte("Nazwisko;Imię;PESEL;Numer legitymacji\nKamiński;Paweł;11210110089;\n"), 0o600)
	out := filepath.Join(dir, "out")
	if code, _, _ := mlegit(t, "run", "--roster", good, "--out", out, "--as-of", "2026-09-15"); code != exitRejected {
		t.Fatalf("first night exit %d", code)
	}
	before, _ := os.ReadFile(filepath.Join(out, "summary.json"))
	code, _, stderr := mlegit(t, "run", "--roster", filepath.Join(dir, "brak.csv"), "--out", out, "--as-of", "2026-09-16")
	if code != exitFatal || !strings.Contains(stderr, "no roster file could be read") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	after, _ := os.ReadFile(filepath.Join(out, "summary.json"))
	if string(after) != string(before) {
		t.Errorf("a failed night replaced summary.json:\n%s", after)
	}
	csv, _ := os.ReadFile(filepath.Join(out, "odrzuceni.csv"))
	if !strings.Contains(string(csv), "brak.csv;;;;;FILE_UNREADABLE;Nie udało się odczytać pliku") {
		t.Errorf("odrzuceni.csv does not say why tonight's roster was not used:\n%s", csv)
	}
}

// The only roster lacking columns, or being a folder: exit 1 stays, and
// odrzuceni.csv and .xlsx name the file and the reason in Polish.
func TestRunOnlyRosterUnusableWritesReports(t *testing.T) {
	dir := t.TempDir()
	broken := filepath.Join(dir, "lista.csv")
	os.WriteFile(broken, []byte("Nazwisko;Imię\nNowak;Jan\n"), 0o600)
	bomb := filepath.Join(dir, "bomba.xlsx")
	writeLyingZipBomb(t, bomb)
	for name, c := range map[string]struct{ roster, want, detail string }{
		"columns": {broken, "lista.csv;;;;;FILE_COLUMNS_MISSING;W pliku z listą uczniów brakuje wymaganych kolumn", "Brakuje kolumn: „PESEL”, „Numer legitymacji”."},
		"folder":  {t.TempDir(), ";;;;;FILE_UNREADABLE;Nie udało się odczytać pliku", "to nie zwykły plik, tylko folder"},
		"bomb":    {bomb, "bomba.xlsx;;;;;FILE_UNREADABLE;Nie udało się odczytać pliku", "po rozpakowaniu byłby większy niż 33,6 MB"},
	} {
		t.Run(name, func(t *testing.T) {
			out := filepath.Join(dir, "out-"+name)
			if code, _, stderr := mlegit(t, "run", "--roster", c.roster, "--out", out, "--as-of", "2026-09-15"); code != exitFatal {
				t.Errorf("exit %d, want %d\n%s", code, exitFatal, stderr)
			}
			csv, _ := os.ReadFile(filepath.Join(out, "odrzuceni.csv"))
			if !strings.Contains(string(csv), c.want) || !strings.Contains(string(csv), c.detail) {
				t.Errorf("odrzuceni.csv lacks %q or %q:\n%s", c.want, c.detail, csv)
			}
			if _, err := os.Stat(filepath.Join(out, "odrzuceni.xlsx")); err != nil {
				t.Errorf("no odrzuceni.xlsx: %v", err)
			}
		})
	}
}

// writeLyingZipBomb writes an XLSX archive whose sheet declares 1 kB and
// unpacks to 8 MiB more than roster.MaxUnpacked.
func writeLyingZipBomb(t *testing.T, path string) {
	t.Helper()
	var packed, archive bytes.Buffer
	fw, _ := flate.NewWriter(&packed, flate.BestCompression)
	fw.Write(bytes.Repeat([]byte{' '}, roster.MaxUnpacked+8<<20))
	fw.Close()
	zw := zip.NewWriter(&archive)
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate,
		CompressedSize64: uint64(packed.Len()), UncompressedSize64: 1 << 10})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(packed.Bytes())
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, archive.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestRunRosterFilesWithTheSameName(t *testing.T) {
	dir := t.TempDir()
	photos := filepath.Join(dir, "zdjecia")
	os.MkdirAll(photos, 0o700)
	for i, p := range []string{"11210110089", "02270803624"} {
		sub := filepath.Join(dir, fmt.Sprint("klasa", i))
		os.MkdirAll(sub, 0o700)
		os.WriteFile(filepath.Join(sub, "lista.csv"), []byte("Nazwisko;Imię;PESEL;Numer legitymacji\nNowak;Jan;"+p+";1/2024\n"), 0o600)
		copyFile(t, filepath.Join(samples, "photos", "Paweł Kamiński 1b.JPG"), filepath.Join(photos, p+".jpg"))
	}
	out := filepath.Join(dir, "out")
	code, _, stderr := mlegit(t, "run", "--roster", filepath.Join(dir, "klasa0", "lista.csv"),
		"--roster", filepath.Join(dir, "klasa1", "lista.csv"), "--photos", photos, "--out", out, "--as-of", "2026-09-15")
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	s := readSummary(t, out)
	if s.Accepted != 2 || s.Sent != 2 {
		t.Errorf("accepted %d, sent %d; want 2 and 2", s.Accepted, s.Sent)
	}
	checkExitCode(t, s, exitOK)
}

func TestRunSamplesWithPhotos(t *testing.T) {
	out := t.TempDir()
	code, _, stderr := mlegit(t, "run", "--roster", filepath.Join(samples, "roster", "uczniowie-utf8.csv"),
		"--photos", filepath.Join(samples, "photos"), "--out", out, "--as-of", "2026-09-15", "--workers", "2")
	if code != exitRejected {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr)
	}
	s := readSummary(t, out)
	want := map[string]string{
		"Mazur Jan":              "PHOTO_AMBIGUOUS",
		"Krawczyk Aleksander":    "PHOTO_TOO_LARGE",
		"Piotrowska Oliwia":      "PHOTO_UNREADABLE",
		"Grabowski Stanisław":    "PHOTO_UNREADABLE",
		"Pawłowska-Żak Gabriela": "PHOTO_TOO_SMALL",
		"Stępień Marcel":         "PHOTO_MISSING",
		"Lis Oskar":              "PHOTO_FORMAT",
	}
	for _, r := range s.Rejections {
		if want[r.Name] == string(r.Code) {
			delete(want, r.Name)
		}
	}
	if len(want) > 0 {
		t.Errorf("photo rejections not reported: %v", want)
	}
	if len(s.UnmatchedPhotos) != 1 || s.UnmatchedPhotos[0] != "Nieznany Uczeń 9z.jpg" {
		t.Errorf("unmatched photos %v", s.UnmatchedPhotos)
	}
	// Hostile but usable photos (rotated, PNG named .jpg, grayscale) are accepted.
	for _, r := range s.Rejections {
		switch r.Name {
		case "Dudek Pola", "Król Amelia", "Michalski Wojciech":
			t.Errorf("%s rejected: %s", r.Name, r.Code)
		}
	}
	photosOut, _ := os.ReadDir(filepath.Join(out, "photos"))
	if len(photosOut) != s.Accepted {
		t.Errorf("%d photos written for %d accepted students", len(photosOut), s.Accepted)
	}
	if s.Package == "" {
		t.Fatal("no package named in the summary")
	}
	if _, err := os.Stat(filepath.Join(out, "package", s.Package)); err != nil {
		t.Errorf("package: %v", err)
	}
	if _, err := os.Stat(filepath.Join(out, "sio", "legitymacje.csv")); err != nil {
		t.Errorf("SIO file: %v", err)
	}
}

func TestRunDistrictOneBrokenSchool(t *testing.T) {
	dir := t.TempDir()
	roster := filepath.Join(samples, "roster")
	cfg := filepath.Join(dir, "powiat.yaml")
	os.WriteFile(cfg, []byte(`
out: `+filepath.Join(dir, "out")+`
schools:
  - id: sp1
    name: "Szkoła Podstawowa nr 1"
    roster: [`+filepath.Join(roster, "uczniowie-utf8.csv")+`]
  - id: sp2
    school_name: "Szkoła Podstawowa nr 2"
    roster: [`+filepath.Join(roster, "uczniowie.xlsx")+`]
  - id: zepsuta
    roster: [`+filepath.Join(dir, "brak.csv")+`]
`), 0o600)
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"--config", cfg, "run", "--all", "--as-of", "2026-09-15", "--parallel", "2"}, &out, &errb)
	if code != exitPartial {
		t.Fatalf("exit %d, want %d; stderr:\n%s", code, exitPartial, errb.String())
	}
	data, err := os.ReadFile(filepath.Join(dir, "out", "district-summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	var sum struct {
		Schools []struct {
			School, Status string
			Accepted       int
		}
		Failed      int
		CrossSchool []struct{ Schools []string } `json:"cross_school"`
	}
	json.Unmarshal(data, &sum)
	if sum.Failed != 1 || len(sum.Schools) != 3 {
		t.Fatalf("summary %+v", sum)
	}
	for _, s := range sum.Schools {
		want := "rejected"
		if s.School == "zepsuta" {
			want = "failed"
		}
		if s.Status != want {
			t.Errorf("%s: %s, want %s", s.School, s.Status, want)
		}
	}
	// Both schools hold the same invented pupils: every accepted PESEL is
	// in two schools.
	if len(sum.CrossSchool) != sum.Schools[0].Accepted || sum.Schools[0].Accepted == 0 {
		t.Errorf("%d cross-school PESELs, want %d", len(sum.CrossSchool), sum.Schools[0].Accepted)
	}
	if _, err := os.Stat(filepath.Join(dir, "out", "sp1", "summary.json")); err != nil {
		t.Errorf("school output: %v", err)
	}
	// Each secretariat sees the likely transfers in its own report.
	for school, other := range map[string]string{"sp1": "Szkoła Podstawowa nr 2", "sp2": "Szkoła Podstawowa nr 1"} {
		csv, _ := os.ReadFile(filepath.Join(dir, "out", school, "odrzuceni.csv"))
		if n := strings.Count(string(csv), "PESEL_IN_OTHER_SCHOOL"); n != sum.Schools[0].Accepted || !strings.Contains(string(csv), "Także w: "+other+".") {
			t.Errorf("%s: %d PESEL_IN_OTHER_SCHOOL lines naming %s, want %d", school, n, other, sum.Schools[0].Accepted)
		}
	}
	// Each school's report names it: its full name, else its identifier
	// (zepsuta, whose only roster could not be read, too).
	for school, name := range map[string]string{"sp1": "Szkoła Podstawowa nr 1", "sp2": "Szkoła Podstawowa nr 2", "zepsuta": "zepsuta"} {
		csv, _ := os.ReadFile(filepath.Join(dir, "out", school, "odrzuceni.csv"))
		if !strings.HasSuffix(string(csv), "\r\nSzkoła;"+name+";;;;;;;\r\nStan na dzień;15.09.2026;;;;;;;\r\n") {
			t.Errorf("%s: odrzuceni.csv does not end naming %s:\n%s", school, name, csv)
		}
	}
	if m := fullPESEL.FindString(out.String() + errb.String()); m != "" {
		t.Errorf("full PESEL %s printed", m)
	}
}

func TestRunShardsThenMergeEqualsWholeDistrict(t *testing.T) {
	dir := t.TempDir()
	roster := filepath.Join(samples, "roster", "uczniowie-utf8.csv")
	var b strings.Builder
	b.WriteString("schools:\n")
	for _, id := range []string{"sp1", "sp2", "sp3", "sp4", "sp5"} {
		b.WriteString("  - id: " + id + "\n    roster: [" + roster + "]\n")
	}
	cfg := filepath.Join(dir, "powiat.yaml")
	os.WriteFile(cfg, []byte(b.String()), 0o600)
	runAll := func(out string, extra ...string) {
		t.Helper()
		var o, e bytes.Buffer
		args := append([]string{"--config", cfg, "run", "--all", "--as-of", "2026-09-15", "--out", out}, extra...)
		if code := run(context.Background(), args, &o, &e); code != exitRejected {
			t.Fatalf("%v: exit %d\n%s", extra, code, e.String())
		}
	}
	runAll(filepath.Join(dir, "whole"))
	shards := filepath.Join(dir, "shards")
	runAll(shards, "--shard", "0/2")
	runAll(shards, "--shard", "1/2")
	var o, e bytes.Buffer
	code := run(context.Background(), []string{"merge-summaries", "--out", filepath.Join(dir, "merged"),
		filepath.Join(shards, "district-summary-0of2.json"), filepath.Join(shards, "district-summary-1of2.json")}, &o, &e)
	if code != exitRejected {
		t.Fatalf("merge exit %d: %s", code, e.String())
	}
	var whole, merged map[string]any
	readJSON(filepath.Join(dir, "whole", "district-summary.json"), &whole)
	readJSON(filepath.Join(dir, "merged", "district-summary.json"), &merged)
	for _, k := range []string{"students", "accepted", "rejected", "failed"} {
		if whole[k] != merged[k] {
			t.Errorf("%s: whole %v, merged %v", k, whole[k], merged[k])
		}
	}
	wj, _ := json.Marshal(whole["cross_school"])
	mj, _ := json.Marshal(merged["cross_school"])
	if string(wj) != string(mj) || len(wj) < 10 {
		t.Errorf("cross-school differs:\n%s\n%s", wj, mj)
	}
	if n := len(merged["schools"].([]any)); n != 5 {
		t.Errorf("%d schools merged, want 5", n)
	}
	// Each school's report names all four others once the shards are merged,
	// one line per PESEL; merging again changes nothing.
	checkFlags := func() string {
		t.Helper()
		var all string
		for _, id := range []string{"sp1", "sp2", "sp3", "sp4", "sp5"} {
			var s report.Summary
			readJSON(filepath.Join(shards, id, "summary.json"), &s)
			var flags []string
			for _, r := range s.Rejections {
				if r.Code == "PESEL_IN_OTHER_SCHOOL" {
					flags = append(flags, r.PESEL+" "+r.Detail)
				}
			}
			if len(flags) != s.Accepted || len(flags) == 0 || strings.Count(flags[0], "sp") != 4 {
				t.Errorf("%s: %d flags for %d accepted, first %q", id, len(flags), s.Accepted, flags)
			}
			sort.Strings(flags)
			all += strings.Join(flags, ";")
		}
		return all
	}
	first := checkFlags()
	run(context.Background(), []string{"merge-summaries", "--out", filepath.Join(dir, "merged"),
		filepath.Join(shards, "district-summary-0of2.json"), filepath.Join(shards, "district-summary-1of2.json")}, &o, &e)
	if again := checkFlags(); again != first {
		t.Error("merging again changed the schools' reports")
	}
	// Overlapping shards are refused.
	code = run(context.Background(), []string{"merge-summaries", "--out", filepath.Join(dir, "bad"),
		filepath.Join(shards, "district-summary-0of2.json"), filepath.Join(shards, "district-summary-0of2.json")}, &o, &e)
	if code != exitUsage {
		t.Errorf("overlapping merge exit %d, want %d", code, exitUsage)
	}
}

func TestRunWarnsAboutPhotosInSubfolders(t *testing.T) {
	roster, photos, out := school(t)
	os.MkdirAll(filepath.Join(photos, "1b"), 0o700)
	nightly(t, roster, photos, out, "2026-09-15")
	for _, w := range readSummary(t, out).Warnings {
		if w.File == "1b/" && strings.Contains(w.Message, "subfolders") {
			return
		}
	}
	t.Error("no warning about the subfolder")
}

func TestRunUserProfileFromConfig(t *testing.T) {
	roster, photos, out := school(t)
	config := func(profiles string) string {
		p := filepath.Join(t.TempDir(), "c.yaml")
		os.WriteFile(p, []byte("school: sp7-demo\nprofiles:\n"+profiles), 0o600)
		return p
	}
	good := config("  duze:\n    aspect_w: 4\n    aspect_h: 5\n    min_width: 480\n    min_height: 600\n" +
		"    width: 1440\n    height: 1800\n    max_bytes: 1000000\n")
	bad := config("  zle:\n    aspect_w: 4\n    aspect_h: 5\n    width: 100\n    height: 900\n")
	run1 := func(cfg, profile, out string) int {
		var o, e bytes.Buffer
		return run(context.Background(), []string{"--config", cfg, "run", "--roster", roster, "--photos", photos,
			"--out", out, "--as-of", "2026-09-15", "--profile", profile}, &o, &e)
	}
	if code := run1(good, "duze", out); code != exitRejected {
		t.Fatalf("exit %d with a user profile", code)
	}
	if s := readSummary(t, out); s.Profile != "duze" || s.Accepted == 0 {
		t.Errorf("summary profile %q, accepted %d", s.Profile, s.Accepted)
	}
	if code := run1(bad, "zle", filepath.Join(t.TempDir(), "o")); code != exitUsage {
		t.Errorf("a profile whose size contradicts its aspect: exit %d, want %d", code, exitUsage)
	}
	if code := run1(good, "brak", filepath.Join(t.TempDir(), "o")); code != exitUsage {
		t.Errorf("an unknown profile: exit %d, want %d", code, exitUsage)
	}
}

// An error writing a student's photo (disk full, here a folder in the way
// of photos/<PESEL>.jpg) names the file on the terminal and in the log
// with its PESEL masked.
func TestRunWriteErrorMasksPESEL(t *testing.T) {
	dir := t.TempDir()
	photos := filepath.Join(dir, "zdjecia")
	os.MkdirAll(photos, 0o700)
	const p = "11210110089"
	roster := filepath.Join(dir, "lista.csv")
	os.WriteFile(roster, []byte("Nazwisko;Imię;PESEL;Numer legitymacji;Oddział\nKamiński;Paweł;"+p+";1/2024;1b\n"), 0o600)
	copyFile(t, filepath.Join(samples, "photos", "Paweł Kamiński 1b.JPG"), filepath.Join(photos, p+".jpg"))
	out := filepath.Join(dir, "out")
	if err := os.MkdirAll(filepath.Join(out, "photos", p+".jpg", "x"), 0o700); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := mlegit(t, "run", "--roster", roster, "--photos", photos, "--out", out, "--as-of", "2026-09-15", "--log-level", "debug")
	if code == exitOK {
		t.Fatalf("the photo could not be written, yet exit 0\n%s", stderr)
	}
	if strings.Contains(stdout+stderr, p) {
		t.Errorf("full PESEL on the terminal:\nstdout: %s\nstderr: %s", stdout, stderr)
	}
	if !strings.Contains(stderr, "1121*****89") {
		t.Errorf("the failing file is not named (masked):\n%s", stderr)
	}
}

// A school whose night the mass-invalidation guard holds needs a person's
// decision; nothing is broken. The district run exits 6 when no school
// failed and names the held school apart from the failed ones; a failed
// school still makes it 5.
func TestRunDistrictHeldSchool(t *testing.T) {
	dir := t.TempDir()
	rosterOK, photos, _ := school(t)
	rosterHeld, _, _ := school(t)
	out := filepath.Join(dir, "out")
	cfg := filepath.Join(dir, "powiat.yaml")
	writeCfg := func(extra string) {
		t.Helper()
		body := "out: " + out + "\nschools:\n" +
			"  - id: sp1\n    roster: [" + rosterOK + "]\n    photos: " + photos + "\n" +
			"  - id: sp2\n    name: \"Szkoła Podstawowa nr 2\"\n    roster: [" + rosterHeld + "]\n    photos: " + photos + "\n" + extra
		if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	runAll := func(asOf string) (int, string, district.Summary) {
		t.Helper()
		var o, e bytes.Buffer
		code := run(context.Background(), []string{"--config", cfg, "run", "--all", "--as-of", asOf, "--log-level", "warn"}, &o, &e)
		var sum district.Summary
		if err := readJSON(filepath.Join(out, "district-summary.json"), &sum); err != nil {
			t.Fatal(err)
		}
		return code, o.String() + e.String(), sum
	}
	writeCfg("")
	// The first night sends both schools' cards to the portal.
	if code, text, _ := runAll("2026-09-15"); code != exitRejected {
		t.Fatalf("first night: exit %d, want %d\n%s", code, exitRejected, text)
	}
	// sp2's export comes out with the header only: every card in flight
	// would go, far more than max_invalidations allows.
	keepRosterLines(t, rosterHeld, func(string) bool { return false })
	code, text, sum := runAll("2026-09-16")
	if code != exitHeld {
		t.Fatalf("one held school, one fine: exit %d, want %d\n%s", code, exitHeld, text)
	}
	if sum.Failed != 0 || sum.Held != 1 || !slices.Equal(sum.HeldSchools, []string{"sp2"}) {
		t.Errorf("failed %d, held %d %v; want 0, 1 [sp2]", sum.Failed, sum.Held, sum.HeldSchools)
	}
	status := map[string]district.SchoolResult{}
	for _, s := range sum.Schools {
		status[s.School] = s
	}
	if s := status["sp1"]; s.Status != district.StatusRejected || s.Held != nil {
		t.Errorf("sp1: %+v, want rejected (completed) and not held", s)
	}
	h := status["sp2"]
	if h.Status != district.StatusHeld || h.Error != "" || h.Held == nil || h.Held.Invalidations <= h.Held.Limit || h.Held.Limit < 5 {
		t.Fatalf("sp2: %+v, want held with more invalidations than its limit", h)
	}
	if !strings.Contains(h.Held.Komunikat, "eksport listy uczniów jest kompletny") ||
		!strings.Contains(h.Held.Komunikat, fmt.Sprintf("Liczba wstrzymanych unieważnień: %d, limit: %d.", h.Held.Invalidations, h.Held.Limit)) {
		t.Errorf("sp2 komunikat %q does not say what happened and what to do", h.Held.Komunikat)
	}
	if bad := texts.Lint(texts.StripCodes(h.Held.Komunikat)); len(bad) > 0 {
		t.Errorf("komunikat %q: %v", h.Held.Komunikat, bad)
	}
	// The terminal names the held school, how it was held and what lets it
	// through; the held school's own summary says 6.
	if !strings.Contains(text, "(0 failed, 1 held)") || !strings.Contains(text, "sp2: night HELD") ||
		!strings.Contains(text, fmt.Sprintf("--max-invalidations %d", h.Held.Invalidations)) || strings.Contains(text, "sp1: night HELD") {
		t.Errorf("terminal does not name sp2 as held:\n%s", text)
	}
	checkExitCode(t, readSummary(t, filepath.Join(out, "sp2")), exitHeld)

	// A broken school besides the held one: 5 wins, the held one is still
	// named apart.
	writeCfg("  - id: zepsuta\n    roster: [" + filepath.Join(dir, "brak.csv") + "]\n")
	code, text, sum = runAll("2026-09-16")
	if code != exitPartial {
		t.Fatalf("one held school, one broken: exit %d, want %d\n%s", code, exitPartial, text)
	}
	if sum.Failed != 1 || !slices.Equal(sum.HeldSchools, []string{"sp2"}) {
		t.Errorf("failed %d, held %v; want 1, [sp2]", sum.Failed, sum.HeldSchools)
	}
	if m := fullPESEL.FindString(text); m != "" {
		t.Errorf("full PESEL %s printed", m)
	}
}
