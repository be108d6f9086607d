package slips

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"
)

// pageTexts extracts the text of each page of an uncompressed fpdf document
// (Options.plain): every "(…) Tj" string of the page's content stream,
// unescaped and decoded from UTF-16BE, one string per line. It needs no
// external tool, so the text checks run on any machine.
func pageTexts(t *testing.T, pdf []byte) []string {
	t.Helper()
	var pages []string
	chunks := bytes.Split(pdf, []byte("<</Type /Page\n"))
	for _, c := range chunks[1:] {
		start := bytes.Index(c, []byte("stream\n"))
		end := bytes.Index(c, []byte("endstream"))
		if start < 0 || end < start {
			t.Fatalf("page without a content stream")
		}
		content := c[start+len("stream\n") : end]
		if bytes.HasPrefix(content, []byte("x\x9c")) || bytes.HasPrefix(content, []byte("x\xda")) {
			t.Fatalf("page content is compressed; render with Options{plain: true}")
		}
		pages = append(pages, strings.Join(tjStrings(t, content), "\n"))
	}
	return pages
}

// tjStrings returns the decoded operands of the Tj operators in content.
func tjStrings(t *testing.T, content []byte) []string {
	t.Helper()
	var out []string
	for i := 0; i < len(content); i++ {
		if content[i] != '(' {
			continue
		}
		var raw []byte
		j := i + 1
		for ; j < len(content) && content[j] != ')'; j++ {
			if content[j] == '\\' && j+1 < len(content) {
				j++
				switch content[j] {
				case 'r':
					raw = append(raw, '\r')
				case 'n':
					raw = append(raw, '\n')
				default:
					raw = append(raw, content[j])
				}
				continue
			}
			raw = append(raw, content[j])
		}
		if !bytes.HasPrefix(content[j:], []byte(") Tj")) {
			t.Fatalf("unexpected string operand at %d: %q", i, content[i:min(j+8, len(content))])
		}
		if len(raw)%2 != 0 {
			t.Fatalf("odd-length UTF-16 string %q", raw)
		}
		u := make([]uint16, len(raw)/2)
		for k := range u {
			u[k] = uint16(raw[2*k])<<8 | uint16(raw[2*k+1])
		}
		out = append(out, string(utf16.Decode(u)))
		i = j
	}
	return out
}

// popplerText runs pdftotext on pdf and returns its pages, or skips the
// calling sub-test when poppler-utils is not installed. -raw keeps content
// stream order, so the rotated watermark comes out as one line.
func popplerText(t *testing.T, pdf []byte) []string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftotext is missing; .ci/run installs poppler-utils")
		}
		t.Skip("pdftotext not installed (apt-get install poppler-utils)")
	}
	f := filepath.Join(t.TempDir(), "in.pdf")
	if err := os.WriteFile(f, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-raw", "-enc", "UTF-8", f, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return strings.Split(strings.TrimRight(string(out), "\f"), "\f")
}
