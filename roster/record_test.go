package roster

import (
	"errors"
	"testing"
)

func TestParseDate(t *testing.T) {
	tests := []struct{ in, want string }{
		{"01.05.2010", "2010-05-01"},
		{"1.5.2010", "2010-05-01"},
		{"2010-05-01", "2010-05-01"},
		{"2010-5-1", "2010-05-01"},
		{"01-05-2010", "2010-05-01"},
		{"2010/05/01", "2010-05-01"},
		{" 2010-05-01 00:00:00 ", "2010-05-01"},
		{"2010-05-01T00:00:00", "2010-05-01"},
		{"2010-05-01\t00:00", "2010-05-01"},
		{"01.05.2010\u00a000:00:00", "2010-05-01"},
		{"29.02.2012", "2012-02-29"},
		{"\u00a001.05.2010\u00a0", "2010-05-01"},
		{"29.02.2011", ""},
		{"31.04.2010", ""},
		{"00.05.2010", ""},
		{"01.05.10", ""},
		{"2010.05.01", ""},
		{"", ""},
		{"maj 2010", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDate(tt.in)
			if tt.want == "" {
				if !errors.Is(err, ErrDate) {
					t.Errorf("ParseDate(%q) = %v, %v; want ErrDate", tt.in, got, err)
				}
				return
			}
			if err != nil || got.Format("2006-01-02") != tt.want {
				t.Errorf("ParseDate(%q) = %v, %v; want %s", tt.in, got, err, tt.want)
			}
		})
	}
}
