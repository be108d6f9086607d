// Package charset turns the bytes of a text file a Polish school saved —
// a roster exported from UONET+ or SIO, a config.yaml saved by Notepad —
// into UTF-8, whatever of the usual encodings it was saved in.
package charset

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// polishLetters are the letters that tell the Polish 8-bit code pages apart.
const polishLetters = "ąćęłńóśźżĄĆĘŁŃÓŚŹŻ"

// Decode turns the bytes of a text file into UTF-8 text. The rule:
//
//  1. A UTF-8 byte-order mark means UTF-8 (the mark is dropped); a UTF-16
//     mark (Excel's "Unicode text") means UTF-16 of that byte order.
//  2. Valid UTF-8 is UTF-8.
//  3. Otherwise the bytes are decoded both as Windows-1250 and as
//     ISO-8859-2, and each result scores one point per Polish letter and
//     loses one per C1 control or undecodable byte. The higher score
//     wins; a tie goes to Windows-1250, what Windows exports default to.
//
// The two code pages place ś ź Ś Ź ą Ą at different bytes
// (Windows-1250 0x9C 0x9F 0x8C 0x8F 0xB9 0xA5, ISO-8859-2 0xB6 0xBC 0xA6
// 0xAC 0xB1 0xA1), and 0x80–0x9F are controls in ISO-8859-2, so Polish
// text scores clearly higher in its own code page.
func Decode(b []byte) (string, error) {
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		return string(b[3:]), nil
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		return decodeWith(unicode.UTF16(unicode.LittleEndian, unicode.UseBOM), b)
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return decodeWith(unicode.UTF16(unicode.BigEndian, unicode.UseBOM), b)
	case utf8.Valid(b):
		return string(b), nil
	}
	win, err := decodeWith(charmap.Windows1250, b)
	if err != nil {
		return "", err
	}
	iso, err := decodeWith(charmap.ISO8859_2, b)
	if err != nil {
		return "", err
	}
	if polishScore(iso) > polishScore(win) {
		return iso, nil
	}
	return win, nil
}

func decodeWith(e encoding.Encoding, b []byte) (string, error) {
	out, err := e.NewDecoder().Bytes(b)
	return string(out), err
}

// polishScore counts Polish letters minus C1 controls and replacement
// characters in s.
func polishScore(s string) int {
	n := 0
	for _, r := range s {
		switch {
		case strings.ContainsRune(polishLetters, r):
			n++
		case r >= 0x80 && r <= 0x9F, r == utf8.RuneError:
			n--
		}
	}
	return n
}
