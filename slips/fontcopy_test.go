package slips

import (
	"bytes"
	"io"
	"testing"

	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/gomonobold"
	"golang.org/x/image/font/gofont/goregular"

	"github.com/mlegit/mlegit/codes"
)

// Rendering must leave the process-wide gofont bytes untouched: fpdf
// writes into the font data it subsets, and slips render concurrently.
func TestRenderingLeavesSharedFontsIntact(t *testing.T) {
	before := [][]byte{bytes.Clone(goregular.TTF), bytes.Clone(gobold.TTF), bytes.Clone(gomonobold.TTF)}
	entries := []codes.Entry{entry(t, 1, "1b", "Łęcka", "Żaneta"), entry(t, 2, "2a", "Nowak", "Jan")}
	if err := WritePrint(io.Discard, "Szkoła", entries, nil); err != nil {
		t.Fatal(err)
	}
	for i, now := range [][]byte{goregular.TTF, gobold.TTF, gomonobold.TTF} {
		if !bytes.Equal(before[i], now) {
			t.Errorf("font %d changed by rendering", i)
		}
	}
}
