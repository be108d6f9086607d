package texts

import (
	"regexp"
	"strings"
)

// englishWords are words of the program's English (log and error
// messages) that are not Polish words too. "to", "a", "on", "one", "zero",
// "format", "minimum" and "student" are left out: they are Polish as well.
var englishWords = []string{
	"the", "is", "are", "of", "and", "or", "not", "with", "than", "more", "below", "above",
	"exceeds", "empty", "invalid", "missing", "error", "file", "files", "decoding", "parse",
	"line", "column", "columns", "bytes", "valid", "until", "stored", "restored", "required",
	"header", "unsupported", "truncated", "reading", "opening", "failed", "due", "overdue",
	"since", "left", "days", "photo", "photos", "roster", "quality", "cropped", "leaves",
	"pixels", "cannot", "unknown", "expected", "want", "got", "several", "fits",
	"number", "leading", "activated", "expired", "invalidated", "picked", "pending",
	"class", "name", "school", "state", "before", "after", "package", "codes", "withdrawn",
	"being", "issued", "again", "date", "none", "true", "false", "null", "nil",
}

var (
	englishRe = regexp.MustCompile(`(?i)\b(` + strings.Join(englishWords, "|") + `)\b`)
	// isoDateRe: a date written RRRR-MM-DD (the documents use DD.MM.RRRR).
	isoDateRe = regexp.MustCompile(`\b\d{4}-\d{2}-\d{2}\b`)
	// rawRe: fragments of library and Go error text.
	rawRe = regexp.MustCompile(`(?i)(%!|\bEOF\b|no such file|permission denied|bare "|Huffman|invalid JPEG|jpeg:|png:|strconv\.|parsing time|\bunexpected\b|\berr(or)?:|<nil>|0x[0-9a-f]{2,}|\bx509\b|\bzip:)`)
	// quotedRe: a value quoted the Polish way.
	quotedRe = regexp.MustCompile(`„[^”]*”`)
	// wordRe: one word, letters, digits and '_'.
	wordRe = regexp.MustCompile(`[\p{L}\p{N}_]+`)
)

// Lint returns what must not appear in a Polish document: English words of
// the program's messages, ISO dates, and raw library error text, each as
// it stands in s. Reason codes (PHOTO_MISSING, shown in their own column)
// and file names are fine: pass only the text meant to be Polish, or strip
// them first with StripCodes.
//
// Text in Polish quotation marks („…”) is a value quoted as it stands (a
// file name, a command, a cell's content) and is not checked.
func Lint(s string) []string {
	s = quotedRe.ReplaceAllString(s, "„”")
	var out []string
	out = append(out, englishRe.FindAllString(s, -1)...)
	out = append(out, isoDateRe.FindAllString(s, -1)...)
	out = append(out, rawRe.FindAllString(s, -1)...)
	return out
}

// StripCodes removes from s every reason code of the catalogue and every
// word joined by underscores (file and column names of the portal's
// files, such as kod_qr), which Lint would otherwise read as words.
func StripCodes(s string) string {
	return wordRe.ReplaceAllStringFunc(s, func(w string) string {
		if strings.Contains(w, "_") {
			return " "
		}
		return w
	})
}
