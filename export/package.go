package export

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mlegit/mlegit/formula"
	"github.com/mlegit/mlegit/pesel"
	"github.com/mlegit/mlegit/safefile"
	"github.com/mlegit/mlegit/student"
)

// Names inside and around the upload package.
const (
	// PackageDir is the folder under OUT holding upload packages.
	PackageDir = "package"
	// ManifestName is the manifest's name inside the zip.
	ManifestName = "manifest.csv"
	// PhotosDir is the folder of photos inside the zip.
	PhotosDir = "photos"
)

// ManifestHeader is the manifest's header row, column by column.
var ManifestHeader = []string{
	"pesel", "nazwisko", "imie", "drugie_imie", "data_urodzenia", "oddzial",
	"numer_legitymacji", "data_wydania", "data_waznosci", "zdjecie", "sha256",
}

// DateLayout is how every date is written in the files of this package.
const DateLayout = "2006-01-02"

// validSchool reports whether a school identifier can be part of a file
// name: not empty, no path or reserved characters, no "..", not hidden.
func validSchool(s string) bool {
	return s != "" && s[0] != '.' && !strings.Contains(s, "..") &&
		!strings.ContainsFunc(s, func(r rune) bool { return r < ' ' || r == 0x7f || strings.ContainsRune(`/\:*?"<>|`, r) })
}

// PackageName returns the file name of a school's upload package for an
// as-of date, e.g. "mlegitymacja-12345-20250901.zip".
func PackageName(school string, asOf time.Time) string {
	return packageName(school, asOf, 1)
}

// packageName is PackageName for the seq-th package of one as-of date: the
// first has no suffix, later ones "-2", "-3", ...
func packageName(school string, asOf time.Time, seq int) string {
	suffix := ""
	if seq > 1 {
		suffix = "-" + strconv.Itoa(seq)
	}
	return "mlegitymacja-" + school + "-" + asOf.Format("20060102") + suffix + ".zip"
}

// packagePath chooses where tonight's package goes: under PackageName, or,
// when a package of the same date with other students is already there (a
// second run on one day), under the next free "-N" name, so that no sent
// package is ever replaced. A package holding exactly these students is
// the same package (a re-run after a crash) and is written again in place.
func packagePath(outDir, school string, asOf time.Time, sorted []student.Student) (string, error) {
	for seq := 1; ; seq++ {
		path := filepath.Join(outDir, PackageDir, packageName(school, asOf, seq))
		rows, err := ReadManifest(path)
		if errors.Is(err, fs.ErrNotExist) {
			return path, nil
		}
		if err == nil && samePESELs(rows, sorted) {
			return path, nil
		}
		// Another package (or an unreadable file, never overwritten): next.
	}
}

func samePESELs(rows []ManifestRow, sorted []student.Student) bool {
	if len(rows) != len(sorted) {
		return false
	}
	have := make(map[string]bool, len(rows))
	for _, r := range rows {
		have[r.PESEL] = true
	}
	for _, s := range sorted {
		if !have[string(s.PESEL)] {
			return false
		}
	}
	return true
}

// PhotoPath returns the path of a student's photo inside the package.
func PhotoPath(p pesel.PESEL) string { return PhotosDir + "/" + string(p) + ".jpg" }

// WritePackage writes OUT/package/<PackageName> (or, for a second package
// of the same date, <PackageName>-N; see packagePath) holding manifest.csv and
// photos/<PESEL>.jpg for every student given, and returns its path. The
// photos are read from photoDir/<PESEL>.jpg and streamed into the zip as
// they are. school must be usable in a file name (as config.yaml's school
// must). A student without a photo, or two students with one PESEL, fail
// the whole write; the previous package, if any, stays.
func WritePackage(outDir, school string, asOf time.Time, students []student.Student, photoDir string) (string, error) {
	if !validSchool(school) {
		return "", fmt.Errorf("identyfikator szkoły %q nie nadaje się na nazwę pliku (bez / \\ : * ? \" < > | i ..)", school)
	}
	sorted, err := sortedUnique(students)
	if err != nil {
		return "", err
	}
	path, err := packagePath(outDir, school, asOf, sorted)
	if err != nil {
		return "", err
	}
	if err := writePackage(path, asOf, sorted, photoDir); err != nil {
		return "", err
	}
	return path, nil
}

// NthPackageName is the name of the seq-th package of one as-of date:
// PackageName for seq 1, then "-2", "-3", ... before ".zip".
func NthPackageName(school string, asOf time.Time, seq int) string {
	return packageName(school, asOf, seq)
}

// WritePackageAt writes the upload package of students to path exactly
// (atomically, replacing a file there), as WritePackage does under its
// chosen name. The caller picks the name (see NthPackageName); a package
// of the same students and data written for the same as-of date has the
// same bytes.
func WritePackageAt(path string, asOf time.Time, students []student.Student, photoDir string) error {
	if school, _, ok := ParsePackageName(filepath.Base(path)); !ok || !validSchool(school) {
		return fmt.Errorf("nazwa paczki %q nie ma postaci mlegitymacja-<szkoła>-<RRRRMMDD>.zip", filepath.Base(path))
	}
	sorted, err := sortedUnique(students)
	if err != nil {
		return err
	}
	return writePackage(path, asOf, sorted, photoDir)
}

// writePackage writes the zip of sorted (PESEL order, unique) to path.
func writePackage(path string, asOf time.Time, sorted []student.Student, photoDir string) error {
	mod := day(asOf)
	err := safefile.Write(path, func(w io.Writer) error {
		zw := zip.NewWriter(w)
		sums := make([]string, len(sorted))
		for i, s := range sorted {
			sum, err := addPhoto(zw, filepath.Join(photoDir, string(s.PESEL)+".jpg"), PhotoPath(s.PESEL), mod)
			if err != nil {
				return fmt.Errorf("uczeń %s: %w", s.PESEL.Masked(), err)
			}
			sums[i] = sum
		}
		mw, err := zw.CreateHeader(&zip.FileHeader{Name: ManifestName, Method: zip.Deflate, Modified: mod})
		if err != nil {
			return err
		}
		if err := writeManifest(mw, sorted, sums); err != nil {
			return fmt.Errorf("zapis %s: %w", ManifestName, err)
		}
		return zw.Close()
	})
	if err != nil {
		return fmt.Errorf("zapis paczki: %w", err)
	}
	return nil
}

// sortedUnique returns a copy of students in PESEL order, or an error if
// a PESEL occurs twice.
func sortedUnique(students []student.Student) ([]student.Student, error) {
	sorted := slices.Clone(students)
	slices.SortStableFunc(sorted, func(a, b student.Student) int { return strings.Compare(string(a.PESEL), string(b.PESEL)) })
	for i := 1; i < len(sorted); i++ {
		if sorted[i].PESEL == sorted[i-1].PESEL {
			return nil, fmt.Errorf("PESEL %s występuje na liście przyjętych uczniów dwukrotnie", sorted[i].PESEL.Masked())
		}
	}
	return sorted, nil
}

// addPhoto streams the file src into the zip as name and returns its
// SHA-256 in hex.
func addPhoto(zw *zip.Writer, src, name string, mod time.Time) (string, error) {
	f, err := os.Open(src)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return "", fmt.Errorf("brak zdjęcia %s", filepath.Base(src))
		}
		return "", fmt.Errorf("otwieranie zdjęcia: %w", err)
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil {
		return "", fmt.Errorf("odczyt zdjęcia: %w", err)
	} else if !st.Mode().IsRegular() {
		return "", fmt.Errorf("zdjęcie %s nie jest zwykłym plikiem", filepath.Base(src))
	}
	w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store, Modified: mod})
	if err != nil {
		return "", err
	}
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(w, h), f); err != nil {
		return "", fmt.Errorf("kopiowanie zdjęcia: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func writeManifest(w io.Writer, students []student.Student, sums []string) error {
	cw := newCSVWriter(w)
	if err := cw.Write(ManifestHeader); err != nil {
		return err
	}
	for i, s := range students {
		if err := cw.Write(neutralized(
			string(s.PESEL), s.Surname, s.FirstName, s.SecondName, date(s.BirthDate), s.Class,
			s.CardNumber, date(s.CardIssued), date(s.CardValid), PhotoPath(s.PESEL), sums[i],
		)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// newCSVWriter returns the writer every file of this package uses: ';'
// separated, LF line ends.
func newCSVWriter(w io.Writer) *csv.Writer {
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	return cw
}

func neutralized(cells ...string) []string {
	for i, c := range cells {
		cells[i] = formula.Neutralize(c)
	}
	return cells
}

// date formats t as RRRR-MM-DD, or "" for the zero time.
func date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(DateLayout)
}

// day returns midnight UTC of t's calendar date.
func day(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// ParsePackageName is the inverse of PackageName: it returns the school and
// as-of date a package's base name carries, and false for any other name.
func ParsePackageName(name string) (school string, asOf time.Time, ok bool) {
	school, asOf, _, ok = parsePackageName(name)
	return school, asOf, ok
}

// PackageSeq returns the sequence number of a package name (1 for the
// first package of its date, N for "-N"), or 0 for another name.
func PackageSeq(name string) int {
	_, _, seq, _ := parsePackageName(name)
	return seq
}

func parsePackageName(name string) (school string, asOf time.Time, seq int, ok bool) {
	rest, ok1 := strings.CutPrefix(name, "mlegitymacja-")
	rest, ok2 := strings.CutSuffix(rest, ".zip")
	if !ok1 || !ok2 {
		return "", time.Time{}, 0, false
	}
	seq = 1
	if i := strings.LastIndexByte(rest, '-'); i >= 0 {
		if n, err := strconv.Atoi(rest[i+1:]); err == nil && n > 1 && len(rest[i+1:]) < 8 {
			rest, seq = rest[:i], n
		}
	}
	i := strings.LastIndexByte(rest, '-')
	if i < 0 || !validSchool(rest[:i]) {
		return "", time.Time{}, 0, false
	}
	d, err := time.Parse("20060102", rest[i+1:])
	if err != nil {
		return "", time.Time{}, 0, false
	}
	return rest[:i], d, seq, true
}
