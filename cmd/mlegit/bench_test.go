package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mlegit/mlegit/district"
	"github.com/mlegit/mlegit/pesel"
	"github.com/mlegit/mlegit/report"
)

// The benchmarks below time whole nightly runs in-process, on synthetic
// schools generated once into os.TempDir()/mlegit-<benchDataVersion> and
// reused by later benchmark runs: every roster row is valid and every
// student has one photo named by the PESEL, so a broken path (rejections,
// photos redone on an unchanged night) fails the benchmark instead of
// being timed.
//
//	go test -run '^$' -bench 'Nightly|District' -benchtime 3x ./cmd/mlegit

// benchDataVersion names the cache folder of the generated schools; change
// it whenever the generator below changes what it writes.
const benchDataVersion = "bench-v1"

// benchAsOf is the date every benchmark run is judged on.
const benchAsOf = "2026-09-15"

// District shape: benchSchools schools, each with its own students plus
// the first benchShared students of the next school (transfers, flagged
// PESEL_IN_OTHER_SCHOOL).
const (
	benchSchools = 20
	benchShared  = 5
)

// BenchmarkNightlyUnchanged1000 times the nightly re-run of a 1,000-student
// school in which nothing changed since the first night: every photo is
// recognised from the state store by name|size|mtime, so the run reads and
// validates the roster and settles the store without any photo work. The
// target is under 2 s per run on two cores.
func BenchmarkNightlyUnchanged1000(b *testing.B) {
	dir := benchData(b, "nightly1000", func(dir string) error {
		return writeBenchSchool(dir, benchPupils(0, 1000))
	})
	roster, photos := filepath.Join(dir, "uczniowie.csv"), filepath.Join(dir, "zdjecia")
	out := filepath.Join(b.TempDir(), "out")
	args := []string{"--config", filepath.Join(samples, "..", "config.yaml"), "run", "--school", "bench1000",
		"--roster", roster, "--photos", photos, "--out", out, "--as-of", benchAsOf, "--log-level", "warn"}
	benchRun(b, benchSetup, args, exitOK)
	if s := benchSummary(b, out); s.Accepted != 1000 || s.Sent != 1000 || s.New == nil || *s.New != 1000 {
		b.Fatalf("first night: %d accepted, %d sent, want 1000 new and sent; summary %+v", s.Accepted, s.Sent, s)
	}
	runs := 0
	for b.Loop() {
		benchRun(b, benchTimed, args, exitOK)
		runs++
		b.StopTimer()
		s := benchSummary(b, out)
		// The same night: nothing new is packaged, the first package is
		// still tonight's (waiting) package.
		if s.Unchanged == nil || *s.Unchanged != 1000 || *s.New != 0 || s.Sent != 1000 || len(s.WaitingPackages) != 1 || s.Students != 1000 {
			b.Fatalf("re-run: unchanged %v, new %d, sent %d, waiting %d, students %d; want 1000, 0, 1000, 1, 1000",
				s.Unchanged, *s.New, s.Sent, len(s.WaitingPackages), s.Students)
		}
		b.StartTimer()
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(runs), "s/run")
}

// BenchmarkDistrict20 times `run --all --parallel 2` over a district of 20
// schools of 100–200 students (about 3,100 rows, 100 PESELs enrolled in two
// schools): first_night processes every photo into a fresh output folder;
// unchanged re-runs the district over the store of its first night.
func BenchmarkDistrict20(b *testing.B) {
	dir := benchData(b, "district20", writeBenchDistrict)
	cfg := writeBenchConfig(b, dir)
	students, cross := benchDistrictShape()
	args := func(out string) []string {
		return []string{"--config", cfg, "run", "--all", "--parallel", "2", "--out", out,
			"--as-of", benchAsOf, "--log-level", "warn"}
	}
	check := func(b *testing.B, out string) {
		b.Helper()
		var s district.Summary
		if err := readJSON(filepath.Join(out, districtSummary+".json"), &s); err != nil {
			b.Fatal(err)
		}
		if s.Failed != 0 || s.Students != students || s.Accepted != students || len(s.CrossSchool) != cross {
			b.Fatalf("district: %d failed, %d students, %d accepted, %d cross-school; want 0, %d, %d, %d",
				s.Failed, s.Students, s.Accepted, len(s.CrossSchool), students, students, cross)
		}
	}

	b.Run("first_night", func(b *testing.B) {
		base := b.TempDir()
		runs := 0
		for b.Loop() {
			out := filepath.Join(base, fmt.Sprint(runs))
			benchRun(b, benchTimed, args(out), exitRejected) // 3: the cross-school PESELs
			runs++
			b.StopTimer()
			check(b, out)
			for i := range benchSchools {
				if s := benchSummary(b, filepath.Join(out, benchSchoolID(i))); s.Sent != s.Accepted || s.Package == "" {
					b.Fatalf("%s: sent %d of %d accepted, package %q", benchSchoolID(i), s.Sent, s.Accepted, s.Package)
				}
			}
			os.RemoveAll(out) // ~300 MB of photos and packages per run
			b.StartTimer()
		}
		benchReportDistrict(b, runs, students)
	})

	b.Run("unchanged", func(b *testing.B) {
		out := filepath.Join(b.TempDir(), "out")
		benchRun(b, benchSetup, args(out), exitRejected)
		runs := 0
		for b.Loop() {
			benchRun(b, benchTimed, args(out), exitRejected)
			runs++
			b.StopTimer()
			check(b, out)
			for i := range benchSchools {
				s := benchSummary(b, filepath.Join(out, benchSchoolID(i)))
				if s.Unchanged == nil || *s.Unchanged != s.Accepted || *s.New != 0 || len(s.WaitingPackages) != 1 {
					b.Fatalf("%s re-run: unchanged %v of %d accepted, new %d, waiting packages %d",
						benchSchoolID(i), s.Unchanged, s.Accepted, *s.New, len(s.WaitingPackages))
				}
			}
			b.StartTimer()
		}
		benchReportDistrict(b, runs, students)
	})
}

func benchReportDistrict(b *testing.B, runs, students int) {
	secs := b.Elapsed().Seconds() / float64(runs)
	b.ReportMetric(secs, "s/run")
	b.ReportMetric(float64(students)/secs, "students/s")
}

// Phases of a benchmark, as the pprof label "bench": a CPU profile of the
// timed runs alone is go tool pprof -tagfocus bench=timed.
const (
	benchSetup = "setup"
	benchTimed = "timed"
)

// benchRun runs the command line in-process, labelled with the phase, and
// fails the benchmark unless it exits with want.
func benchRun(b *testing.B, phase string, args []string, want int) {
	b.Helper()
	var stdout, stderr bytes.Buffer
	code := 0
	pprof.Do(context.Background(), pprof.Labels("bench", phase), func(ctx context.Context) {
		code = run(ctx, args, &stdout, &stderr)
	})
	if code != want {
		b.Fatalf("mlegit %s: exit %d, want %d\n%s%s", args[2], code, want, stdout.String(), stderr.String())
	}
}

func benchSummary(b *testing.B, out string) report.Summary {
	b.Helper()
	var s report.Summary
	if err := readJSON(filepath.Join(out, report.SummaryFile), &s); err != nil {
		b.Fatal(err)
	}
	return s
}

// benchCache guards the generation of each data set within one process.
var benchCache sync.Map // name → func() (string, error)

// benchData returns the folder holding the named data set, generating it
// with gen on first use. The folder lives under os.TempDir, keyed by
// benchDataVersion, so later benchmark runs skip the seconds that
// generating thousands of JPEGs costs; it appears only complete (generated
// aside, then renamed into place).
func benchData(b *testing.B, name string, gen func(dir string) error) string {
	b.Helper()
	once, _ := benchCache.LoadOrStore(name, sync.OnceValues(func() (string, error) {
		dir := filepath.Join(os.TempDir(), "mlegit-"+benchDataVersion, name)
		if _, err := os.Stat(dir); err == nil {
			return dir, nil
		}
		if err := os.MkdirAll(filepath.Dir(dir), 0o700); err != nil {
			return "", err
		}
		tmp, err := os.MkdirTemp(filepath.Dir(dir), name+".tmp-")
		if err != nil {
			return "", err
		}
		defer os.RemoveAll(tmp)
		start := time.Now()
		if err := gen(tmp); err != nil {
			return "", fmt.Errorf("generating %s: %w", name, err)
		}
		if err := os.Rename(tmp, dir); err != nil {
			if _, serr := os.Stat(dir); serr != nil { // not a concurrent run's copy
				return "", err
			}
		}
		fmt.Fprintf(os.Stderr, "generated %s in %s (cached in %s)\n", name, time.Since(start).Round(time.Millisecond), dir)
		return dir, nil
	}))
	dir, err := once.(func() (string, error))()
	if err != nil {
		b.Fatal(err)
	}
	return dir
}

// benchPupil is one generated roster row and the index that seeds it.
type benchPupil struct {
	index                 int
	surname, first, class string
	born                  time.Time
	pesel                 string
}

var (
	benchSurnames = []string{"Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski",
		"Zieliński", "Szymański", "Woźniak", "Dąbrowski", "Kozłowski", "Jankowski", "Mazur", "Kwiatkowski",
		"Krawczyk", "Piotrowski", "Grabowski", "Pawłowski", "Michalski", "Król", "Wieczorek", "Jabłoński",
		"Wróbel", "Majewski", "Olszewski", "Stępień", "Malinowski", "Dudek", "Górecki", "Pietrzak", "Sikora",
		"Żak", "Łuczak", "Ślusarczyk", "Gołębiowski", "Pawłowski-Żuk", "Chmielewski", "Źrałek", "Bąk"}
	benchBoys = []string{"Jakub", "Antoni", "Jan", "Szymon", "Franciszek", "Aleksander", "Filip", "Mikołaj",
		"Wojciech", "Kacper", "Stanisław", "Józef", "Łukasz", "Maciej", "Tymoteusz", "Ignacy"}
	benchGirls = []string{"Zofia", "Zuzanna", "Hanna", "Łucja", "Julia", "Maja", "Oliwia", "Alicja",
		"Małgorzata", "Gabriela", "Pola", "Lena", "Wiktoria", "Jadwiga", "Ewa", "Róża"}
)

// benchPupils invents n students with the global indices first..first+n-1
// (below 5,000): valid, unique PESELs, Polish names, 40 classes (1a–8e).
// The same index always gives the same student.
func benchPupils(first, n int) []benchPupil {
	ps := make([]benchPupil, n)
	for k := range ps {
		i := first + k
		rng := rand.New(rand.NewPCG(uint64(i), 0x6d6c65676974))
		grade := 1 + rng.IntN(8)
		male := rng.IntN(2) == 1
		p := benchPupil{index: i, class: fmt.Sprintf("%d%c", grade, 'a'+rng.IntN(5)),
			surname: benchSurnames[rng.IntN(len(benchSurnames))]}
		p.first = benchGirls[rng.IntN(len(benchGirls))]
		if male {
			p.first = benchBoys[rng.IntN(len(benchBoys))]
		} else if s, ok := strings.CutSuffix(p.surname, "ki"); ok {
			p.surname = s + "ka"
		}
		p.born = time.Date(2019-grade, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(365))
		// Serial: three digits and a sex digit, together unique per index.
		sex := 2 * (i % 5)
		if male {
			sex++
		}
		base := fmt.Sprintf("%02d%02d%02d%03d%d", p.born.Year()%100, int(p.born.Month())+20, p.born.Day(), i/5%1000, sex)
		p.pesel = base + fmt.Sprint(pesel.Checksum(base))
		ps[k] = p
	}
	return ps
}

// writeBenchSchool writes a school into dir: uczniowie.csv (UTF-8, ';')
// and zdjecia/<PESEL>.jpg for every student.
func writeBenchSchool(dir string, ps []benchPupil) error {
	photos := filepath.Join(dir, "zdjecia")
	if err := os.MkdirAll(photos, 0o700); err != nil {
		return err
	}
	var csv strings.Builder
	csv.WriteString("Nazwisko;Imię;Data urodzenia;PESEL;Oddział;Numer legitymacji;Data wydania legitymacji;Data ważności legitymacji\n")
	for _, p := range ps {
		entered := p.born.Year() + 7
		fmt.Fprintf(&csv, "%s;%s;%s;%s;%s;%d/%d;01.09.%d;30.09.2027\n", p.surname, p.first,
			p.born.Format("02.01.2006"), p.pesel, p.class, p.index+1, entered, entered)
		if err := os.WriteFile(filepath.Join(photos, p.pesel+".jpg"), benchPhoto(p.index), 0o600); err != nil {
			return err
		}
	}
	return os.WriteFile(filepath.Join(dir, "uczniowie.csv"), []byte(csv.String()), 0o600)
}

// writeBenchDistrict writes the district's schools into dir/<school ID>.
func writeBenchDistrict(dir string) error {
	for i := range benchSchools {
		if err := writeBenchSchool(filepath.Join(dir, benchSchoolID(i)), benchDistrictPupils(i)); err != nil {
			return err
		}
	}
	return nil
}

// benchDistrictSizes are the numbers of own students of the district's schools.
func benchDistrictSizes() []int {
	rng := rand.New(rand.NewPCG(20, 26))
	sizes := make([]int, benchSchools)
	for i := range sizes {
		sizes[i] = 100 + rng.IntN(101)
	}
	return sizes
}

// benchDistrictPupils are school i's roster: its own students, then the first
// benchShared students of the next school.
func benchDistrictPupils(i int) []benchPupil {
	sizes := benchDistrictSizes()
	first := 1000 // after the nightly school's indices, for good measure
	for _, n := range sizes[:i] {
		first += n
	}
	next := (i + 1) % benchSchools
	nextFirst := first + sizes[i]
	if next == 0 {
		nextFirst = 1000
	}
	return append(benchPupils(first, sizes[i]), benchPupils(nextFirst, benchShared)...)
}

// benchDistrictShape returns the district's roster rows and its number of
// PESELs enrolled in two schools.
func benchDistrictShape() (students, cross int) {
	for _, n := range benchDistrictSizes() {
		students += n + benchShared
	}
	return students, benchSchools * benchShared
}

func benchSchoolID(i int) string { return fmt.Sprintf("sp%02d", i+1) }

// writeBenchConfig writes a config listing the district's schools.
func writeBenchConfig(b *testing.B, dir string) string {
	b.Helper()
	var y strings.Builder
	y.WriteString("profile: mobywatel\nschools:\n")
	for i := range benchSchools {
		id := benchSchoolID(i)
		fmt.Fprintf(&y, "  - id: %s\n    name: Szkoła Podstawowa nr %d (dane fikcyjne)\n    roster: [%q]\n    photos: %q\n",
			id, i+1, filepath.Join(dir, id, "uczniowie.csv"), filepath.Join(dir, id, "zdjecia"))
	}
	path := filepath.Join(b.TempDir(), "powiat.yaml")
	if err := os.WriteFile(path, []byte(y.String()), 0o600); err != nil {
		b.Fatal(err)
	}
	return path
}

// benchPortraits is how many distinct portraits are drawn; the students'
// files reuse them with a comment segment that makes each file's bytes
// (and hash) its own, since drawing and encoding thousands of images
// would cost half a minute and decoding costs the same either way.
const benchPortraits = 64

// benchPortraitJPEGs draws the portraits once per process.
var benchPortraitJPEGs = sync.OnceValue(func() [][]byte {
	out := make([][]byte, benchPortraits)
	var wg sync.WaitGroup
	for i := range out {
		wg.Go(func() {
			var buf bytes.Buffer
			if err := jpeg.Encode(&buf, benchPortrait(600, 800, i), &jpeg.Options{Quality: 85}); err != nil {
				panic(err) // encoding into memory cannot fail
			}
			out[i] = buf.Bytes()
		})
	}
	wg.Wait()
	return out
})

// benchPhoto is the JPEG of the student with the given index: a portrait
// with a COM segment naming the index after the SOI marker.
func benchPhoto(index int) []byte {
	src := benchPortraitJPEGs()[index%benchPortraits]
	com := fmt.Sprintf("mlegit bench %d", index)
	seg := []byte{0xFF, 0xFE, byte((len(com) + 2) >> 8), byte(len(com) + 2)}
	data := append(append([]byte{}, src[:2]...), seg...)
	data = append(data, com...)
	return append(data, src[2:]...)
}

// benchPortrait draws an invented passport-style portrait: a graded
// background, shoulders, a shaded face and hair, with sensor-like noise
// so the JPEG is as large as a phone's downscaled photo (30–60 kB).
func benchPortrait(w, h, seed int) *image.RGBA {
	rng := rand.New(rand.NewPCG(uint64(seed), 85))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	hue := rng.Float64()
	shirt := [3]float64{60 + 150*hue, 70 + 60*rng.Float64(), 200 - 120*hue}
	skin := [3]float64{215 + 25*rng.Float64(), 175 + 20*rng.Float64(), 145 + 20*rng.Float64()}
	hair := [3]float64{30 + 120*rng.Float64(), 25 + 60*rng.Float64(), 15 + 20*rng.Float64()}
	cx, cy := float64(w)/2+rng.NormFloat64()*8, float64(h)*(0.40+0.04*rng.Float64())
	rx, ry := float64(w)*(0.19+0.05*rng.Float64()), float64(h)*(0.18+0.04*rng.Float64())
	for y := range h {
		for x := range w {
			fx, fy := float64(x), float64(y)
			c := [3]float64{225 + 20*fy/float64(h), 230 + 10*fx/float64(w), 238}
			dx, dy := (fx-cx)/rx, (fy-cy)/ry
			if fy > float64(h)*0.72 && math.Abs(fx-cx) < float64(w)*0.45-(float64(h)-fy)*0.3 {
				c = shirt
			}
			if d := dx*dx + dy*dy; d < 1 {
				shade := 1 - 0.25*d
				c = [3]float64{skin[0] * shade, skin[1] * shade, skin[2] * shade}
				if dy < -0.45 || (d > 0.8 && dy < 0.1) {
					c = hair
				}
			}
			n := rng.NormFloat64() * 2.5
			o := img.PixOffset(x, y)
			for k := range 3 {
				img.Pix[o+k] = uint8(max(0, min(255, c[k]+n)))
			}
			img.Pix[o+3] = 255
		}
	}
	return img
}
