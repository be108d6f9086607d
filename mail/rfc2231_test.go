package mail

import (
	"testing"
	"unicode/utf8"
)

func TestRFC2231Param(t *testing.T) {
	for _, tt := range []struct {
		value, want string
		ok          bool
	}{
		{"attachment; filename*=iso-8859-2''%B3%F3d%BC.jpg", "łódź.jpg", true},
		{"attachment; FILENAME*=Windows-1250''%9Cwi%EAto.jpg", "święto.jpg", true},
		{"attachment;\r\n\tfilename*0*=iso-8859-2''%A3ucja;\r\n\tfilename*1*=%20Nowak;\r\n\tfilename*2=\".jpg\"", "Łucja Nowak.jpg", true},
		// Sections joined by number, not by the order they come in.
		{"attachment; filename*1*=%20Nowak.jpg; filename*0*=iso-8859-2''%A3ucja", "Łucja Nowak.jpg", true},
		// A quoted value holding what looks like a parameter is a value.
		{"attachment; title=\"a; filename*=iso-8859-2''%B3.jpg\"", "", false},
		{"attachment; filename=\"plain.jpg\"", "", false},
		{"attachment; filename*1*=%B3.jpg", "", false},                     // no section 0
		{"attachment; filename*=iso-8859-2''%G1.jpg", "", false},           // bad escape
		{"attachment; filename*=''%B3.jpg", "", false},                     // no charset
		{"attachment; filename*=x-nieznany''%B3.jpg", "", false},           // unknown charset
		{"attachment; filename*0*=iso-8859-2'pl'%B3%F3d%BC", "łódź", true}, // language kept out
		{"attachment; filename*0=\"x\"; filename*1*=%B3", "", false},       // section 0 not encoded: no charset
	} {
		got, ok := rfc2231Param(tt.value, "filename")
		if got != tt.want || ok != tt.ok {
			t.Errorf("%q: %q, %v; want %q, %v", tt.value, got, ok, tt.want, tt.ok)
		}
	}
}

// FuzzRFC2231Param: any header value decodes without a panic, and a value
// found is valid UTF-8 text.
func FuzzRFC2231Param(f *testing.F) {
	f.Add("attachment;\r\n filename*0*=iso-8859-2''%A3ucja;\r\n filename*1*=%20Nowak.jpg")
	f.Add("attachment; filename*=windows-1250'pl'%9C.jpg; name=\"a\\\"b\"")
	f.Fuzz(func(t *testing.T, v string) {
		if got, ok := rfc2231Param(v, "filename"); ok && !utf8.ValidString(got) {
			t.Errorf("%q gave invalid UTF-8 %q", v, got)
		}
	})
}
