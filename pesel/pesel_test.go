package pesel

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

// build makes a valid PESEL for a date and serial (4 digits incl. sex).
func build(t *testing.T, y, m, d int, serial string) string {
	t.Helper()
	mm := m
	switch {
	case y >= 1800 && y < 1900:
		mm += 80
	case y >= 2000 && y < 2100:
		mm += 20
	case y >= 2100 && y < 2200:
		mm += 40
	case y >= 2200 && y < 2300:
		mm += 60
	}
	s := fmt.Sprintf("%02d%02d%02d%s", y%100, mm, d, serial)
	return s + fmt.Sprint(Checksum(s))
}

func TestParseValidAllCenturies(t *testing.T) {
	cases := []struct{ y, m, d int }{
		{1899, 12, 31}, {1800, 1, 1}, {1985, 6, 15}, {1900, 2, 28},
		{2000, 2, 29}, {2012, 11, 30}, {2105, 7, 4}, {2299, 12, 31}, {2204, 2, 29},
	}
	for _, c := range cases {
		want := time.Date(c.y, time.Month(c.m), c.d, 0, 0, 0, 0, time.UTC)
		t.Run(want.Format("2006-01-02"), func(t *testing.T) {
			s := build(t, c.y, c.m, c.d, "0123")
			p, err := Parse(s)
			if err != nil {
				t.Fatalf("Parse(%s): %v", s, err)
			}
			if got := p.BirthDate(); !got.Equal(want) {
				t.Errorf("BirthDate = %v, want %v", got, want)
			}
		})
	}
}

func TestParseKnownNumber(t *testing.T) {
	// 02270803624: born 2002-07-08, a commonly cited valid example.
	p, err := Parse("02270803624")
	if err != nil {
		t.Fatal(err)
	}
	if got := p.BirthDate().Format("2006-01-02"); got != "2002-07-08" {
		t.Errorf("birth date %s", got)
	}
	if p.Male() {
		t.Error("tenth digit 2 is female")
	}
}

func TestParseInvalid(t *testing.T) {
	valid := "02270803624"
	cases := []struct {
		name, in string
		want     error
	}{
		{"empty", "", ErrLength},
		{"ten digits", valid[:10], ErrLength},
		{"twelve digits", valid + "1", ErrLength},
		{"letter", "0227080362A", ErrLength},
		{"space", "0227080 628", ErrLength},
		{"unicode digit", "0227080362٨", ErrLength},
		{"checksum", "02270803625", ErrChecksum},
		{"transposed", "20270803624", ErrChecksum},
		{"month 13", withChecksum("8513010123"), ErrDate},
		{"month 00", withChecksum("8500010123"), ErrDate},
		{"month 33", withChecksum("8533010123"), ErrDate},
		{"feb 30", withChecksum("8502300123"), ErrDate},
		{"day 00", withChecksum("8506000123"), ErrDate},
		{"2001-02-29", withChecksum("0122290123"), ErrDate},
		{"apr 31 2100s", withChecksum("0544310123"), ErrDate},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(c.in)
			if !errors.Is(err, c.want) {
				t.Errorf("Parse(%q) = %v, want %v", c.in, err, c.want)
			}
		})
	}
}

func withChecksum(s string) string { return s + fmt.Sprint(Checksum(s)) }

func TestChecksumEveryDigitMatters(t *testing.T) {
	base := "0227080362"
	for i := 0; i < 10; i++ {
		b := []byte(base)
		b[i] = '0' + (b[i]-'0'+1)%10
		if Checksum(string(b)) == Checksum(base) {
			t.Errorf("changing digit %d does not change the checksum", i+1)
		}
	}
}

func TestMasked(t *testing.T) {
	cases := map[string]string{
		"11210110089": "1121*****89",
		"123":         "***",
		"":            "",
		"123456":      "123456"[:4] + "56",
	}
	for in, want := range cases {
		if got := Masked(in); got != want {
			t.Errorf("Masked(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"02270803624", "11210110089", "", "8513010123x", "99999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := Parse(s)
		if err != nil {
			if p != "" {
				t.Fatalf("error %v with non-empty result", err)
			}
			return
		}
		// A parsed number round-trips: its date re-encodes to its digits.
		d := p.BirthDate()
		if d.IsZero() || d.Year() < 1800 || d.Year() > 2299 {
			t.Fatalf("%s: birth date %v out of range", s, d)
		}
		again := build(t, d.Year(), int(d.Month()), d.Day(), string(p[6:10]))
		if again != string(p) {
			t.Fatalf("%s re-encodes as %s", p, again)
		}
		if m := p.Masked(); len(m) != 11 || m[4:9] != "*****" {
			t.Fatalf("mask %q", m)
		}
	})
}

func TestMaskIn(t *testing.T) {
	cases := map[string]string{
		"11210110089.jpg":             "1121*****89.jpg",
		"a 11210110089 b 02270803624": "a 1121*****89 b 0227*****24",
		"112101100891.jpg":            "112101100891.jpg", // 12 digits: not a PESEL
		"1121011008.jpg":              "1121011008.jpg",
		"Kowalski Jan 1b.jpg":         "Kowalski Jan 1b.jpg",
		"x11210110089":                "x1121*****89",
		"":                            "",
	}
	for in, want := range cases {
		if got := MaskIn(in); got != want {
			t.Errorf("MaskIn(%q) = %q, want %q", in, got, want)
		}
	}
}
