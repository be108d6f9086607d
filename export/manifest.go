package export

import (
	"archive/zip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"

	"github.com/mlegit/mlegit/formula"
	"github.com/mlegit/mlegit/pesel"
)

// maxManifestBytes bounds how much of a manifest is read, so a hostile
// package cannot make mlegit read a zip bomb to its end.
const maxManifestBytes = 64 << 20

// ManifestRow is one student row of a package's manifest, as text. Cells
// neutralised against formulas are returned without their apostrophe.
type ManifestRow struct {
	Row        int // row in manifest.csv, header = 1
	PESEL      string
	Surname    string
	FirstName  string
	SecondName string
	BirthDate  string
	Class      string
	CardNumber string
	CardIssued string
	CardValid  string
	Photo      string // path inside the zip
	SHA256     string
}

// ReadManifest returns the manifest rows of the upload package at path. It
// reads nothing else from the zip and fails on a package without exactly
// one well-formed manifest.
func ReadManifest(path string) ([]ManifestRow, error) {
	zr, err := openZip(path)
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	var found []*zip.File
	for _, f := range zr.File {
		if f.Name == ManifestName {
			found = append(found, f)
		}
	}
	if len(found) != 1 {
		return nil, fmt.Errorf("paczka %s: oczekiwano jednego pliku %s, jest %d", path, ManifestName, len(found))
	}
	rows, bad, err := readManifestEntry(found[0])
	if err != nil {
		return nil, fmt.Errorf("paczka %s: %w", path, err)
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("paczka %s: %s", path, bad[0])
	}
	return rows, nil
}

// openZip opens a zip file. Entries with unsafe names do not make it fail:
// the callers check every name themselves and never extract.
func openZip(path string) (*zip.ReadCloser, error) {
	zr, err := zip.OpenReader(path)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, fmt.Errorf("otwieranie paczki %s: %w", path, err)
	}
	return zr, nil
}

func readManifestEntry(f *zip.File) ([]ManifestRow, []Problem, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, nil, fmt.Errorf("otwieranie %s: %w", ManifestName, err)
	}
	defer rc.Close()
	lr := &io.LimitedReader{R: rc, N: maxManifestBytes + 1}
	rows, bad, err := parseManifest(lr)
	if err == nil && lr.N <= 0 {
		err = fmt.Errorf("%s jest większy niż %d MiB", ManifestName, maxManifestBytes>>20)
	}
	return rows, bad, err
}

// parseManifest reads a manifest. A wrong header or broken CSV is an error;
// a row with the wrong number of cells is skipped and reported as a Problem.
func parseManifest(r io.Reader) ([]ManifestRow, []Problem, error) {
	cr := csv.NewReader(r)
	cr.Comma = ';'
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, nil, fmt.Errorf("odczyt nagłówka %s: %w", ManifestName, err)
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\uFEFF")
	}
	if !slices.Equal(header, ManifestHeader) {
		return nil, nil, fmt.Errorf("nagłówek %s to %q, oczekiwano %q", ManifestName, strings.Join(header, ";"), strings.Join(ManifestHeader, ";"))
	}
	var rows []ManifestRow
	var bad []Problem
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return rows, bad, nil
		}
		if err != nil {
			return nil, nil, fmt.Errorf("odczyt %s: %w", ManifestName, err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(ManifestHeader) {
			bad = append(bad, Problem{Entry: ManifestName, Row: line, PESEL: pesel.Masked(rec[0]), Code: ManifestColumns,
				Detail: fmt.Sprintf("%d cells, want %d", len(rec), len(ManifestHeader))})
			continue
		}
		for i := range rec {
			rec[i] = plainCell(rec[i])
		}
		rows = append(rows, ManifestRow{
			Row: line, PESEL: rec[0], Surname: rec[1], FirstName: rec[2], SecondName: rec[3],
			BirthDate: rec[4], Class: rec[5], CardNumber: rec[6], CardIssued: rec[7], CardValid: rec[8],
			Photo: rec[9], SHA256: rec[10],
		})
	}
}

// plainCell undoes formula.Neutralize.
func plainCell(s string) string {
	if rest, ok := strings.CutPrefix(s, "'"); ok && formula.Looks(rest) {
		return rest
	}
	return s
}

// SafeEntryName reports whether a zip entry name may be used as a path
// inside its folder: relative, forward slashes only, no "." or ".."
// elements, no drive letter or NUL. A trailing '/' (a folder entry) is
// allowed.
func SafeEntryName(name string) bool {
	if strings.ContainsAny(name, "\\:\x00") {
		return false
	}
	t := strings.TrimSuffix(name, "/")
	return t != "." && fs.ValidPath(t)
}
