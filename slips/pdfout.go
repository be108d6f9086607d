package slips

import (
	"bytes"
	"fmt"
	"hash/fnv"
	"io"

	"codeberg.org/go-pdf/fpdf"
)

// subsetMarker is where fpdf names an embedded font of ours: "/utf8" and
// the font key, whose family starts with "tag" (see FontSans). It is
// exactly as long as a subset tag with its slash ("/ABCDEF+"), so tagging
// rewrites the name in place and every byte offset of the file stays
// right.
const subsetMarker = "/utf8tag"

// Output renders pdf to w with each embedded font named as the subset it
// is: fpdf embeds only the glyphs used but names the font as if whole,
// and PDF (ISO 32000-1, 9.6.4) wants a subset's name to start with a tag
// of six capital letters and "+", which tells viewers and PDF/A checkers
// not to take the font for the full one. Every PDF mlegit writes with
// EmbedFonts goes out through Output.
func Output(pdf *fpdf.Fpdf, w io.Writer) error {
	var b bytes.Buffer
	if err := pdf.Output(&b); err != nil {
		return err
	}
	_, err := w.Write(tagSubsets(b.Bytes()))
	return err
}

// tagSubsets rewrites every subsetMarker in doc in place with a tag made
// from the font key that follows it: the same font gets the same tag
// wherever it is named (/BaseFont and /FontName), different fonts get
// different tags.
func tagSubsets(doc []byte) []byte {
	for i := 0; ; {
		j := bytes.Index(doc[i:], []byte(subsetMarker))
		if j < 0 {
			return doc
		}
		at := i + j
		end := at + len(subsetMarker)
		for end < len(doc) && isNameChar(doc[end]) {
			end++
		}
		copy(doc[at:], subsetTag(doc[at+len(subsetMarker):end]))
		i = at + len(subsetMarker)
	}
}

// subsetTag is "/" plus six capital letters derived from key, plus "+".
func subsetTag(key []byte) string {
	h := fnv.New64a()
	h.Write(key)
	n := h.Sum64()
	tag := make([]byte, 6)
	for k := range tag {
		tag[k] = 'A' + byte(n%26)
		n /= 26
	}
	return fmt.Sprintf("/%s+", tag)
}

func isNameChar(c byte) bool {
	return c > ' ' && c < 0x7f && !bytes.ContainsRune([]byte("/[]<>(){}%"), rune(c))
}
