package slips

import (
	"bytes"
	"regexp"
	"testing"
)

// Every font embedded in a slip is named as a subset: six capital letters
// and "+" (ISO 32000-1, 9.6.4), the same tag in /BaseFont and /FontName
// of one font, different tags for different fonts; and the file still
// parses (its byte offsets did not move).
func TestFontSubsetsTagged(t *testing.T) {
	pdf := renderSlip(t, entry(t, 2, "2a", "Sowa", "Ola"), nil)
	if bytes.Contains(pdf, []byte("/utf8")) {
		t.Error("a font keeps fpdf's untagged name")
	}
	base := regexp.MustCompile(`/BaseFont /([A-Z]{6})\+(\w+)`).FindAllSubmatch(pdf, -1)
	names := regexp.MustCompile(`/FontName /([A-Z]{6})\+(\w+)`).FindAllSubmatch(pdf, -1)
	if len(base) < 2 || len(names) < 2 {
		t.Fatalf("tagged /BaseFont %d, /FontName %d; want every embedded font tagged", len(base), len(names))
	}
	tags := map[string]string{}
	for _, m := range append(base, names...) {
		font, tag := string(m[2]), string(m[1])
		if prev, ok := tags[font]; ok && prev != tag {
			t.Errorf("font %s tagged %s and %s", font, prev, tag)
		}
		tags[font] = tag
	}
	seen := map[string]bool{}
	for _, tag := range tags {
		if seen[tag] {
			t.Errorf("two fonts share the tag %s", tag)
		}
		seen[tag] = true
	}
	if texts := popplerText(t, pdf); len(texts) == 0 {
		t.Error("the tagged PDF yields no text")
	}
}
