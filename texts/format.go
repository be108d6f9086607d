package texts

import (
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Args are the values of a detail template, by the name used in braces.
// Each is written by its type: string as it is; int, int64 and Int with
// Polish grouping (12 345); float64 with a decimal comma; time.Time as
// DD.MM.RRRR; Size as 480×600; Bytes as 1 MB or 60 kB; []string as a
// comma-separated list; Quoted in Polish quotes; anything else with
// fmt's %v.
type Args map[string]any

// Size is an image size in pixels, written "480×600".
type Size struct{ W, H int }

func (s Size) String() string { return strconv.Itoa(s.W) + "×" + strconv.Itoa(s.H) }

// Bytes is a file size, written in decimal units (1 MB = 1 000 000 B, the
// reading the profiles use).
type Bytes int64

func (b Bytes) String() string { return FormatBytes(int64(b)) }

// Quoted is a value printed in Polish quotation marks: „2a”.
type Quoted string

func (q Quoted) String() string { return "„" + string(q) + "”" }

// Date writes a date as DD.MM.RRRR in its own location, "—" when zero.
func Date(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.Format("02.01.2006")
}

// nbsp is the thousands separator: a space that does not break a number
// across lines.
const nbsp = "\u00a0"

// Int writes n with Polish digit grouping: numbers of five or more digits
// are grouped in threes by a non-breaking space (12 345, 1 000 000); four
// digits stay together (2500), as Polish typography has it.
func Int(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	if len(s) > 4 {
		var b strings.Builder
		for i, r := range s {
			if i > 0 && (len(s)-i)%3 == 0 {
				b.WriteString(nbsp)
			}
			b.WriteRune(r)
		}
		s = b.String()
	}
	if neg {
		s = "-" + s
	}
	return s
}

// Decimal writes f with at most prec decimals and a decimal comma, dropping
// trailing zeros: 1.5 → "1,5", 2.0 → "2".
func Decimal(f float64, prec int) string {
	s := strconv.FormatFloat(f, 'f', prec, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	whole, frac, _ := strings.Cut(s, ".")
	if n, err := strconv.ParseInt(whole, 10, 64); err == nil {
		whole = Int(n)
	}
	if frac == "" {
		return whole
	}
	return whole + "," + frac
}

// FormatBytes writes a file size in decimal units: 512 B, 60 kB, 1 MB,
// 2,5 MB.
func FormatBytes(n int64) string {
	switch {
	case n >= 1_000_000:
		return Decimal(float64(n)/1e6, 1) + " MB"
	case n >= 1_000:
		return Decimal(float64(n)/1e3, 1) + " kB"
	}
	return Int(n) + " B"
}

// List joins values with commas, each as Fill would write it.
func List[T any](vals []T) string {
	parts := make([]string, len(vals))
	for i, v := range vals {
		parts[i] = value(v)
	}
	return strings.Join(parts, ", ")
}

// value writes one template value the Polish way.
func value(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case int:
		return Int(int64(x))
	case int64:
		return Int(x)
	case float64:
		return Decimal(x, 2)
	case time.Time:
		return Date(x)
	case fmt.Stringer:
		return x.String()
	}
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Slice {
		parts := make([]string, rv.Len())
		for i := range parts {
			parts[i] = value(rv.Index(i).Interface())
		}
		return strings.Join(parts, ", ")
	}
	return fmt.Sprint(v)
}

var placeholder = regexp.MustCompile(`\{([a-z_]+)\}`)

// Fill writes template with each {name} replaced by its value from a. A
// name a lacks is left as it stands, so a test finds it (see Missing).
func Fill(template string, a Args) string {
	return placeholder.ReplaceAllStringFunc(template, func(m string) string {
		v, ok := a[m[1:len(m)-1]]
		if !ok {
			return m
		}
		return value(v)
	})
}

// Names lists the value names template uses, sorted, each once.
func Names(template string) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range placeholder.FindAllStringSubmatch(template, -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			out = append(out, m[1])
		}
	}
	sort.Strings(out)
	return out
}

// Capital returns s with its first letter upper-cased, for a vocabulary
// word that starts a sentence ("aktywacja kodu" → "Aktywacja kodu").
func Capital(s string) string {
	for i, r := range s {
		return string(unicode.ToUpper(r)) + s[i+utf8.RuneLen(r):]
	}
	return s
}
