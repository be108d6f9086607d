package photos

import (
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/mlegit/mlegit/pesel"
	"github.com/mlegit/mlegit/reject"
	"github.com/mlegit/mlegit/student"
	"github.com/mlegit/mlegit/texts"
)

// imageExts are the extensions treated as photos. Formats Normalize cannot
// read (HEIC, GIF, WebP, ...) are still matched, so the student is told
// PHOTO_FORMAT rather than PHOTO_MISSING.
var imageExts = map[string]bool{
	".jpg": true, ".jpeg": true, ".jpe": true, ".jfif": true, ".png": true,
	".heic": true, ".heif": true, ".avif": true, ".gif": true, ".webp": true,
	".bmp": true, ".tif": true, ".tiff": true,
}

// IsImageName reports whether a file name looks like a photo: an image
// extension (any case) and not a hidden or AppleDouble ("._x.jpg") file.
func IsImageName(name string) bool {
	base := filepath.Base(name)
	if strings.HasPrefix(base, ".") {
		return false
	}
	return imageExts[strings.ToLower(filepath.Ext(base))]
}

// noiseWords are tokens people add around the class ("kl. 1b", "klasa 1b").
var noiseWords = map[string]bool{"kl": true, "klasa": true}

// Finder looks up the students a photo's file name, or any other text,
// names, by the rules of Match. It is built once per roster; Match and the
// mail import both use it.
type Finder struct {
	keys    []studentKey
	byPESEL map[string][]int
	byWord  map[string][]int // students by their rarest name word
}

// NewFinder indexes students (their order gives the indexes Find returns).
func NewFinder(students []student.Student) *Finder {
	f := &Finder{
		keys:    make([]studentKey, len(students)),
		byPESEL: make(map[string][]int, len(students)),
		byWord:  make(map[string][]int, len(students)),
	}
	freq := map[string]int{}
	for i, s := range students {
		f.keys[i] = newStudentKey(s)
		f.byPESEL[string(s.PESEL)] = append(f.byPESEL[string(s.PESEL)], i)
		for _, w := range f.keys[i].names {
			freq[w]++
		}
	}
	// Every name word must be in a matching file name, so each student is
	// looked up by its rarest name word instead of tried against every file.
	for i, k := range f.keys {
		if len(k.names) == 0 {
			continue
		}
		rare := k.names[0]
		for _, w := range k.names[1:] {
			if freq[w] < freq[rare] {
				rare = w
			}
		}
		f.byWord[rare] = append(f.byWord[rare], i)
	}
	return f
}

// Find returns, sorted, the indexes of the students a file name names: the
// students with that PESEL when the name without its extension is one
// (byPESEL true), else those whose names and class its words are.
func (f *Finder) Find(file string) (hits []int, byPESEL bool) {
	stem := strings.TrimSpace(strings.TrimSuffix(file, filepath.Ext(file)))
	if idx, ok := f.byPESEL[stem]; ok && isDigits(stem) {
		return slices.Clone(idx), true
	}
	return f.FindWords(Words(stem)), false
}

// FindWords returns, sorted, the indexes of the students whose surname,
// first name (optionally second name) and class are exactly words (as
// Words splits a text), in any order, the noise words "kl" and "klasa"
// aside.
func (f *Finder) FindWords(words []string) []int {
	var hits []int
	for j, w := range words {
		if slices.Contains(words[:j], w) {
			continue // each candidate list once
		}
		for _, i := range f.byWord[w] {
			if f.keys[i].matches(words) {
				hits = append(hits, i)
			}
		}
	}
	slices.Sort(hits)
	return hits
}

// FindPESEL returns the indexes of the students with PESEL p.
func (f *Finder) FindPESEL(p string) []int { return slices.Clone(f.byPESEL[p]) }

// Words folds s (lower case, diacritics removed, ł→l) and splits it into
// words at anything that is not a letter or digit, and where letters turn
// into digits ("Kl.1B" → "kl", "1b"), as Match compares names.
func Words(s string) []string { return tokenize(s) }

// Matched is a student with exactly one photo.
type Matched struct {
	Student student.Student
	File    string // base name in the photos folder
}

// MatchResult is the outcome of pairing a roster with a photos folder.
type MatchResult struct {
	// Matched lists the students with one photo, in roster order.
	Matched []Matched
	// Rejected lists the students without a usable photo, in roster order
	// (PHOTO_MISSING or PHOTO_AMBIGUOUS); PESELs are masked.
	Rejected []reject.Rejection
	// Unmatched lists, sorted, the photo files that fit no student.
	Unmatched []string
}

// Match pairs students with photo files (base names). A file named by a
// student's PESEL is that student's. Otherwise a file matches a student when
// its name, split into words case- and diacritic-insensitively, holds
// exactly the surname words, the first name, optionally the second name, and
// the class (noise words "kl", "klasa" aside), in any order. Nothing is
// guessed: a file fitting two students rejects both, and two files for one
// student reject it, unless exactly one of them is named by the PESEL.
// Files that are not images are ignored.
func Match(students []student.Student, files []string) MatchResult {
	f := NewFinder(students)
	peselFiles := make([][]string, len(students))
	nameFiles := make([][]string, len(students))
	shared := make([][]string, len(students)) // files that fit this and another student
	var unmatched []string

	sorted := slices.Clone(files)
	slices.Sort(sorted)
	for _, file := range sorted {
		if !IsImageName(file) {
			continue
		}
		hits, byPESEL := f.Find(file)
		switch {
		case byPESEL:
			for _, i := range hits {
				peselFiles[i] = append(peselFiles[i], file)
			}
		case len(hits) == 0:
			unmatched = append(unmatched, file)
		case len(hits) == 1:
			nameFiles[hits[0]] = append(nameFiles[hits[0]], file)
		default:
			for _, i := range hits {
				shared[i] = append(shared[i], file)
			}
		}
	}
	byPESEL := f.byPESEL

	var res MatchResult
	res.Unmatched = unmatched
	for i, s := range students {
		rej := func(code reject.Code, detail, variant string, files []string) {
			res.Rejected = append(res.Rejected, reject.Rejection{
				File: s.File, Row: s.Row, PESEL: pesel.Masked(string(s.PESEL)),
				Name: s.FullName(), Class: s.Class, Code: code, Message: code.Message(),
				Detail: detail, Szczegoly: code.Detail(variant, texts.Args{"files": quoteFiles(files),
					"example": texts.Quoted(texts.PhotoNameExample(s.Surname, s.FirstName, s.Class))}),
			})
		}
		switch {
		case len(peselFiles[i]) == 1 && len(byPESEL[string(s.PESEL)]) == 1:
			res.Matched = append(res.Matched, Matched{Student: s, File: peselFiles[i][0]})
		case len(peselFiles[i]) > 1:
			rej(reject.PhotoAmbiguous, "several files named by the PESEL: "+maskFiles(peselFiles[i]), "pesel_files", peselFiles[i])
		case len(peselFiles[i]) == 1:
			rej(reject.PhotoAmbiguous, "the PESEL appears more than once in the roster", "pesel_twice", nil)
		case len(shared[i]) > 0:
			rej(reject.PhotoAmbiguous, "file fits more than one student: "+maskFiles(shared[i]), "shared", shared[i])
		case len(nameFiles[i]) > 1:
			rej(reject.PhotoAmbiguous, "several files fit the student: "+maskFiles(nameFiles[i]), "", nameFiles[i])
		case len(nameFiles[i]) == 1:
			res.Matched = append(res.Matched, Matched{Student: s, File: nameFiles[i][0]})
		default:
			rej(reject.PhotoMissing, "no file matches", "", nil)
		}
	}
	return res
}

var digitRun = regexp.MustCompile(`\d{11}`)

// quoteFiles quotes file names for a Polish detail, masking any PESEL in
// them.
func quoteFiles(files []string) []texts.Quoted {
	out := make([]texts.Quoted, len(files))
	for i, f := range files {
		out[i] = texts.Quoted(maskPESELs(f))
	}
	return out
}

// maskFiles joins file names for a Detail, masking any PESEL in them.
func maskFiles(files []string) string {
	out := make([]string, len(files))
	for i, f := range files {
		out[i] = maskPESELs(f)
	}
	return strings.Join(out, ", ")
}

// maskPESELs masks every run of eleven digits in s.
func maskPESELs(s string) string { return digitRun.ReplaceAllStringFunc(s, pesel.Masked) }

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// studentKey is a student's name and class as match tokens.
type studentKey struct {
	names  []string // surname words, then the first-name words
	second []string // second-name words (optional in a file name)
	class  string   // class letters and digits, folded, concatenated
}

func newStudentKey(s student.Student) studentKey {
	k := studentKey{
		names:  append(tokenize(s.Surname), tokenize(s.FirstName)...),
		second: tokenize(s.SecondName),
		class:  strings.Join(tokenize(s.Class), ""),
	}
	return k
}

// matches reports whether file tokens are exactly the student's names (with
// or without the second name) plus the class, noise words aside.
func (k studentKey) matches(toks []string) bool {
	if len(k.names) == 0 || k.class == "" {
		return false
	}
	if rest, ok := without(toks, k.names); ok {
		if k.classIs(rest) {
			return true
		}
		if len(k.second) > 0 {
			if rest2, ok := without(rest, k.second); ok && k.classIs(rest2) {
				return true
			}
		}
	}
	return false
}

// classIs reports whether the leftover tokens spell the class ("1b", "1 b",
// "kl. 1b", "klasa 1 B").
func (k studentKey) classIs(rest []string) bool {
	var b strings.Builder
	for _, t := range rest {
		if noiseWords[t] && !strings.Contains(k.class, t) {
			continue
		}
		b.WriteString(t)
	}
	return b.String() == k.class
}

// without removes one occurrence of each of want from toks, keeping order.
// It fails if some wanted token is missing.
func without(toks, want []string) ([]string, bool) {
	rest := slices.Clone(toks)
	for _, w := range want {
		i := slices.Index(rest, w)
		if i < 0 {
			return nil, false
		}
		rest = slices.Delete(rest, i, i+1)
	}
	return rest, true
}

// tokenize folds s (lower case, Polish and common Latin diacritics removed,
// ł→l) and splits it into words at anything that is not a letter or digit,
// and where letters turn into digits ("kl1b" → "kl", "1b").
func tokenize(s string) []string {
	var toks []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			toks = append(toks, string(cur))
			cur = cur[:0]
		}
	}
	for _, r := range strings.ToLower(s) {
		r = fold(r)
		switch {
		case unicode.Is(unicode.Mn, r):
			// combining accent of a decomposed (NFD, macOS) name: drop it
			continue
		case unicode.IsDigit(r):
			if len(cur) > 0 && !unicode.IsDigit(cur[len(cur)-1]) {
				flush()
			}
			cur = append(cur, r)
		case unicode.IsLetter(r):
			cur = append(cur, r)
		default:
			flush()
		}
	}
	flush()
	return toks
}

// foldMap takes lower-case letters with diacritics to their base letter.
var foldMap = map[rune]rune{
	'ą': 'a', 'ć': 'c', 'ę': 'e', 'ł': 'l', 'ń': 'n', 'ó': 'o', 'ś': 's', 'ź': 'z', 'ż': 'z',
	'á': 'a', 'à': 'a', 'â': 'a', 'ä': 'a', 'ã': 'a', 'å': 'a', 'ă': 'a',
	'č': 'c', 'ç': 'c', 'ď': 'd', 'đ': 'd',
	'é': 'e', 'è': 'e', 'ê': 'e', 'ë': 'e', 'ě': 'e',
	'í': 'i', 'ì': 'i', 'î': 'i', 'ï': 'i',
	'ľ': 'l', 'ĺ': 'l', 'ň': 'n', 'ñ': 'n',
	'ô': 'o', 'ö': 'o', 'õ': 'o', 'ő': 'o', 'ò': 'o', 'ø': 'o',
	'ř': 'r', 'ŕ': 'r', 'š': 's', 'ş': 's', 'ș': 's', 'ť': 't', 'ţ': 't', 'ț': 't',
	'ú': 'u', 'ù': 'u', 'û': 'u', 'ü': 'u', 'ů': 'u', 'ű': 'u',
	'ý': 'y', 'ÿ': 'y', 'ž': 'z',
}

func fold(r rune) rune {
	if f, ok := foldMap[r]; ok {
		return f
	}
	return r
}
