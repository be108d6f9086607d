package charset

import (
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

func encodeWith(t *testing.T, enc interface{ Bytes([]byte) ([]byte, error) }, b []byte) []byte {
	t.Helper()
	out, err := enc.Bytes(b)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestDecodeText(t *testing.T) {
	const polish = "Gęślą Jaźń, Łódź, Śląsk, Źródło, Ąb"
	tests := []struct {
		name string
		in   []byte
	}{
		{"utf8", []byte(polish)},
		{"cp1250", encodeWith(t, charmap.Windows1250.NewEncoder(), []byte(polish))},
		{"iso88592", encodeWith(t, charmap.ISO8859_2.NewEncoder(), []byte(polish))},
		{"iso88592 only Łódź", encodeWith(t, charmap.ISO8859_2.NewEncoder(), []byte("Łódź"))},
		{"utf16le with BOM", encodeWith(t, unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder(), []byte(polish))},
		{"utf16be with BOM", encodeWith(t, unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewEncoder(), []byte(polish))},
		{"utf8 with BOM", append([]byte{0xEF, 0xBB, 0xBF}, polish...)},
		{"cp1250 only Łódź", encodeWith(t, charmap.Windows1250.NewEncoder(), []byte("Łódź"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Decode(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			want := polish
			if strings.Contains(tt.name, "Łódź") {
				want = "Łódź"
			}
			if got != want {
				t.Errorf("Decode = %q, want %q", got, want)
			}
		})
	}
}
