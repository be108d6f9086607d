package export

import (
	"archive/zip"
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image/jpeg"
	"io"
	"path"
	"strings"
	"time"

	"github.com/mlegit/mlegit/pesel"
)

// PhotoLimits is what a photo profile allows. A zero field means no limit.
type PhotoLimits struct {
	MaxBytes   int64
	MinW, MinH int
	MaxW, MaxH int
}

// ProblemCode names one thing VerifyPackage can find wrong with a package.
type ProblemCode string

// The problems VerifyPackage reports.
const (
	UnsafePath      ProblemCode = "PACKAGE_UNSAFE_PATH"
	UnexpectedEntry ProblemCode = "PACKAGE_UNEXPECTED_ENTRY"
	DuplicateEntry  ProblemCode = "PACKAGE_DUPLICATE_ENTRY"
	ManifestMissing ProblemCode = "MANIFEST_MISSING"
	ManifestInvalid ProblemCode = "MANIFEST_INVALID"
	ManifestColumns ProblemCode = "MANIFEST_COLUMNS"
	ManifestField   ProblemCode = "MANIFEST_FIELD_MISSING"
	ManifestDate    ProblemCode = "MANIFEST_DATE_INVALID"
	PESELInvalid    ProblemCode = "MANIFEST_PESEL_INVALID"
	PESELDuplicate  ProblemCode = "MANIFEST_PESEL_DUPLICATE"
	PhotoPathWrong  ProblemCode = "MANIFEST_PHOTO_PATH"
	PhotoMissing    ProblemCode = "PHOTO_MISSING"
	PhotoExtra      ProblemCode = "PHOTO_EXTRA"
	PhotoHash       ProblemCode = "PHOTO_HASH_MISMATCH"
	PhotoTooHeavy   ProblemCode = "PHOTO_TOO_HEAVY"
	PhotoFormat     ProblemCode = "PHOTO_FORMAT"
	PhotoUnreadable ProblemCode = "PHOTO_UNREADABLE"
	PhotoDimensions ProblemCode = "PHOTO_DIMENSIONS"
)

var problemMessages = map[ProblemCode]string{
	UnsafePath:      "Niebezpieczna ścieżka pliku w archiwum (../, ścieżka bezwzględna lub ukośnik wsteczny) — paczka odrzucona.",
	UnexpectedEntry: "Nieoczekiwany plik w paczce — dozwolone są tylko manifest.csv i photos/<PESEL>.jpg.",
	DuplicateEntry:  "Ten sam plik występuje w archiwum więcej niż raz.",
	ManifestMissing: "Brak pliku manifest.csv w paczce.",
	ManifestInvalid: "Pliku manifest.csv nie da się odczytać albo ma nieprawidłowy nagłówek.",
	ManifestColumns: "Wiersz manifestu ma złą liczbę kolumn.",
	ManifestField:   "W wierszu manifestu brakuje nazwiska, imienia, daty urodzenia lub numeru legitymacji.",
	ManifestDate:    "Nieprawidłowa data w manifeście — wymagany format RRRR-MM-DD.",
	PESELInvalid:    "Nieprawidłowy numer PESEL w manifeście.",
	PESELDuplicate:  "Ten sam PESEL występuje w manifeście więcej niż raz.",
	PhotoPathWrong:  "Ścieżka zdjęcia w manifeście nie jest równa photos/<PESEL>.jpg.",
	PhotoMissing:    "Brak w paczce zdjęcia wskazanego w manifeście.",
	PhotoExtra:      "Zdjęcie w paczce nie ma swojego wiersza w manifeście.",
	PhotoHash:       "Suma kontrolna SHA-256 zdjęcia nie zgadza się z manifestem (plik uszkodzony lub podmieniony).",
	PhotoTooHeavy:   "Zdjęcie przekracza dopuszczalny rozmiar pliku.",
	PhotoFormat:     "Zdjęcie nie jest plikiem JPEG w trybie baseline z kolorem RGB.",
	PhotoUnreadable: "Zdjęcia nie da się odczytać (plik pusty, ucięty lub uszkodzony).",
	PhotoDimensions: "Wymiary zdjęcia (w pikselach) są poza zakresem profilu.",
}

// Message returns the Polish message for the secretariat.
func (c ProblemCode) Message() string {
	if m, ok := problemMessages[c]; ok {
		return m
	}
	return string(c)
}

// Problem is one thing wrong with an upload package.
type Problem struct {
	Entry  string      `json:"entry"`           // zip entry concerned; untrusted, print with %q
	Row    int         `json:"row,omitempty"`   // manifest row (header = 1), 0 if none
	PESEL  string      `json:"pesel,omitempty"` // masked
	Code   ProblemCode `json:"code"`
	Detail string      `json:"detail,omitempty"` // English, technical
}

// String renders the problem for the secretariat: where, code, Polish
// message and detail.
func (p Problem) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%q", p.Entry)
	if p.Row > 0 {
		fmt.Fprintf(&b, " wiersz %d", p.Row)
	}
	if p.PESEL != "" {
		fmt.Fprintf(&b, " (PESEL %s)", p.PESEL)
	}
	fmt.Fprintf(&b, ": %s — %s", p.Code, p.Code.Message())
	if p.Detail != "" {
		fmt.Fprintf(&b, " [%s]", p.Detail)
	}
	return b.String()
}

// decodeMaxPixels bounds full decoding when the limits set no maximum size.
const decodeMaxPixels = 40_000_000

// VerifyPackage re-checks the upload package at path as the portal would:
// only manifest.csv and photos/*.jpg under safe names, every manifest row
// well-formed with a valid unique PESEL and exactly its photo, every photo
// listed, its SHA-256 as in the manifest, and within limits as a baseline
// RGB JPEG. Nothing is ever extracted to disk. The error is for a package
// that cannot be opened as a zip at all.
func VerifyPackage(pkgPath string, limits PhotoLimits) ([]Problem, error) {
	zr, err := openZip(pkgPath)
	if err != nil {
		return nil, err
	}
	defer zr.Close()

	var probs []Problem
	var manifests []*zip.File
	photos := map[string]*zip.File{}
	seen := map[string]bool{}
	for _, f := range zr.File {
		name := f.Name
		switch {
		case !SafeEntryName(name):
			probs = append(probs, Problem{Entry: name, Code: UnsafePath})
			continue
		case seen[name]:
			probs = append(probs, Problem{Entry: maskedEntry(name), Code: DuplicateEntry})
			continue
		}
		seen[name] = true
		switch dir, file := path.Split(name); {
		case name == ManifestName:
			manifests = append(manifests, f)
		case name == PhotosDir+"/":
		case dir == PhotosDir+"/" && strings.HasSuffix(file, ".jpg"):
			photos[name] = f
		default:
			probs = append(probs, Problem{Entry: name, Code: UnexpectedEntry})
		}
	}
	if len(manifests) == 0 {
		return append(probs, Problem{Entry: ManifestName, Code: ManifestMissing}), nil
	}
	rows, bad, err := readManifestEntry(manifests[0])
	if err != nil {
		return append(probs, Problem{Entry: ManifestName, Code: ManifestInvalid, Detail: err.Error()}), nil
	}
	probs = append(probs, bad...)

	used := map[string]bool{}
	pesels := map[string]bool{}
	for _, r := range rows {
		probs = append(probs, checkRow(r, pesels)...)
		at := Problem{Entry: maskedEntry(r.Photo), Row: r.Row, PESEL: pesel.Masked(r.PESEL)}
		f, ok := photos[r.Photo]
		if !ok || used[r.Photo] {
			at.Code = PhotoMissing
			probs = append(probs, at)
			continue
		}
		used[r.Photo] = true
		for _, p := range checkPhoto(f, r.SHA256, limits) {
			at.Code, at.Detail = p.Code, p.Detail
			probs = append(probs, at)
		}
	}
	for _, f := range zr.File {
		if photos[f.Name] == f && !used[f.Name] {
			probs = append(probs, Problem{Entry: maskedEntry(f.Name), Code: PhotoExtra})
		}
	}
	return probs, nil
}

// maskedEntry returns an entry name with the PESEL of a photo name masked.
func maskedEntry(name string) string {
	if p, ok := strings.CutPrefix(name, PhotosDir+"/"); ok {
		if p, ok := strings.CutSuffix(p, ".jpg"); ok && len(p) == 11 {
			return PhotosDir + "/" + pesel.Masked(p) + ".jpg"
		}
	}
	return name
}

// checkRow checks one manifest row's own cells; pesels collects the
// numbers seen so far.
func checkRow(r ManifestRow, pesels map[string]bool) []Problem {
	var probs []Problem
	add := func(c ProblemCode, detail string) {
		probs = append(probs, Problem{Entry: ManifestName, Row: r.Row, PESEL: pesel.Masked(r.PESEL), Code: c, Detail: detail})
	}
	if _, err := pesel.Parse(r.PESEL); err != nil {
		add(PESELInvalid, err.Error())
	} else if pesels[r.PESEL] {
		add(PESELDuplicate, "")
	}
	pesels[r.PESEL] = true
	if r.Surname == "" || r.FirstName == "" || r.BirthDate == "" || r.CardNumber == "" {
		add(ManifestField, "")
	}
	for _, d := range []struct{ name, v string }{{"data_urodzenia", r.BirthDate}, {"data_wydania", r.CardIssued}, {"data_waznosci", r.CardValid}} {
		if d.v == "" {
			continue
		}
		if _, err := time.Parse(DateLayout, d.v); err != nil {
			add(ManifestDate, d.name)
		}
	}
	if want := PhotosDir + "/" + r.PESEL + ".jpg"; r.Photo != want {
		add(PhotoPathWrong, "")
	}
	return probs
}

// checkPhoto checks one photo entry against its manifest hash and the
// limits. Only Code and Detail of the problems returned are set.
func checkPhoto(f *zip.File, wantSum string, limits PhotoLimits) []Problem {
	var probs []Problem
	add := func(c ProblemCode, detail string) { probs = append(probs, Problem{Code: c, Detail: detail}) }

	hdr, hdrErr := readJPEGHeader(f)
	switch {
	case errors.Is(hdrErr, errNotJPEG):
		add(PhotoFormat, hdrErr.Error())
	case hdrErr != nil:
		add(PhotoUnreadable, hdrErr.Error())
	case !hdr.baselineRGB():
		add(PhotoFormat, fmt.Sprintf("SOF 0x%02X with %d components", hdr.sof, hdr.components))
	}
	fits := hdrErr == nil && limits.fit(hdr.width, hdr.height)
	if hdrErr == nil && !fits {
		add(PhotoDimensions, fmt.Sprintf("%dx%d", hdr.width, hdr.height))
	}

	rc, err := f.Open()
	if err != nil {
		add(PhotoUnreadable, err.Error())
		return probs
	}
	defer rc.Close()
	h := sha256.New()
	n := &countingWriter{}
	var r io.Reader = rc
	if limits.MaxBytes > 0 {
		r = io.LimitReader(rc, limits.MaxBytes+1)
	}
	r = io.TeeReader(r, io.MultiWriter(h, n))
	var readErr error
	if fits && hdr.baselineRGB() && hdr.width*hdr.height <= decodeMaxPixels {
		_, readErr = jpeg.Decode(r)
	}
	if _, err := io.Copy(io.Discard, r); err != nil && readErr == nil {
		readErr = err
	}
	switch {
	case limits.MaxBytes > 0 && n.n > limits.MaxBytes:
		// Not read to its end: neither its hash nor its decoding can tell.
		add(PhotoTooHeavy, fmt.Sprintf("more than %d bytes", limits.MaxBytes))
	case readErr != nil:
		add(PhotoUnreadable, readErr.Error())
	case !strings.EqualFold(hex.EncodeToString(h.Sum(nil)), wantSum):
		add(PhotoHash, "")
	}
	return probs
}

type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// fit reports whether a w×h image is within the limits.
func (l PhotoLimits) fit(w, h int) bool {
	return w >= l.MinW && h >= l.MinH && (l.MaxW == 0 || w <= l.MaxW) && (l.MaxH == 0 || h <= l.MaxH)
}

// jpegHeader is what the frame header (SOFn) of a JPEG says.
type jpegHeader struct {
	sof           byte // marker: 0xC0 baseline, 0xC2 progressive, ...
	width, height int
	components    int
}

func (h jpegHeader) baselineRGB() bool { return h.sof == 0xC0 && h.components == 3 }

var errNotJPEG = errors.New("not a JPEG (no SOI marker)")

// readJPEGHeader reads a JPEG's markers up to its frame header.
func readJPEGHeader(f *zip.File) (jpegHeader, error) {
	rc, err := f.Open()
	if err != nil {
		return jpegHeader{}, err
	}
	defer rc.Close()
	return scanJPEGHeader(bufio.NewReader(rc))
}

func scanJPEGHeader(r *bufio.Reader) (jpegHeader, error) {
	var soi [2]byte
	if _, err := io.ReadFull(r, soi[:]); err != nil || soi != [2]byte{0xFF, 0xD8} {
		return jpegHeader{}, errNotJPEG
	}
	for {
		b, err := r.ReadByte()
		if err != nil {
			return jpegHeader{}, fmt.Errorf("reading markers: %w", err)
		}
		if b != 0xFF {
			return jpegHeader{}, fmt.Errorf("byte 0x%02X where a marker was expected", b)
		}
		m, err := r.ReadByte()
		for err == nil && m == 0xFF { // fill bytes
			m, err = r.ReadByte()
		}
		if err != nil {
			return jpegHeader{}, fmt.Errorf("reading markers: %w", err)
		}
		if m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7) { // no length
			continue
		}
		if m == 0xD9 || m == 0xDA {
			return jpegHeader{}, fmt.Errorf("marker 0x%02X before any frame header", m)
		}
		var l [2]byte
		if _, err := io.ReadFull(r, l[:]); err != nil {
			return jpegHeader{}, fmt.Errorf("reading segment length: %w", err)
		}
		n := int(l[0])<<8 | int(l[1])
		if n < 2 {
			return jpegHeader{}, fmt.Errorf("segment length %d", n)
		}
		if m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC {
			var sof [6]byte
			if n < 8 {
				return jpegHeader{}, fmt.Errorf("frame header length %d", n)
			}
			if _, err := io.ReadFull(r, sof[:]); err != nil {
				return jpegHeader{}, fmt.Errorf("reading frame header: %w", err)
			}
			return jpegHeader{
				sof:        m,
				height:     int(sof[1])<<8 | int(sof[2]),
				width:      int(sof[3])<<8 | int(sof[4]),
				components: int(sof[5]),
			}, nil
		}
		if _, err := r.Discard(n - 2); err != nil {
			return jpegHeader{}, fmt.Errorf("skipping segment 0x%02X: %w", m, err)
		}
	}
}
