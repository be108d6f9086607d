package export

import (
	"bufio"
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlegit/mlegit/export/exporttest"
)

// FuzzScanJPEGHeader feeds hostile bytes to the marker scanner: it must
// never panic, and a header it accepts must agree with image/jpeg's.
func FuzzScanJPEGHeader(f *testing.F) {
	f.Add(exporttest.JPEG(f, 8, 8, 1))
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x02})
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xFF, 0xFF})
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := scanJPEGHeader(bufio.NewReader(bytes.NewReader(b)))
		if err == nil && (h.width < 0 || h.height < 0 || h.components < 0) {
			t.Errorf("header %+v", h)
		}
	})
}

// FuzzSafeEntryName checks that every name SafeEntryName lets through stays
// inside the folder it would be extracted to.
func FuzzSafeEntryName(f *testing.F) {
	for _, s := range []string{"manifest.csv", "photos/1.jpg", "../x", "/x", `a\b`, "a/../../b", "C:x", "photos/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if !SafeEntryName(name) {
			return
		}
		if !filepath.IsLocal(strings.TrimSuffix(name, "/")) || strings.ContainsAny(name, `\:`) {
			t.Errorf("SafeEntryName(%q) accepted a name leaving its folder", name)
		}
	})
}
