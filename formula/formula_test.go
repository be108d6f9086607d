package formula

import "testing"

func TestNeutralize(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", ""},
		{"Kowalski", "Kowalski"},
		{"=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"},
		{"+48 600", "'+48 600"},
		{"-1+1", "'-1+1"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\tcmd", "'\tcmd"},
		{"a=b", "a=b"},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			if got := Neutralize(c.in); got != c.want {
				t.Errorf("Neutralize(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}
