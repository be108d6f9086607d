// Package pesel parses and checks Polish national identification numbers
// (PESEL): eleven digits whose first six encode the date of birth (the month
// carries the century) and whose last digit is a checksum.
//
// Terms:
//   - encoded date: digits 1–6 (YYMMDD), where MM carries the century
//     (+80 1800s, +0 1900s, +20 2000s, +40 2100s, +60 2200s).
//   - control digit: digit 11, (10 - Σ dᵢ·wᵢ mod 10) mod 10 with the
//     weights 1,3,7,9,1,3,7,9,1,3.
//   - masked: the first four and last two digits kept, the rest as '*'.
package pesel

import (
	"errors"
	"fmt"
	"time"
)

// Errors returned by Parse. Callers decide by errors.Is, never by text.
var (
	// ErrLength: the value is not exactly eleven ASCII digits.
	ErrLength = errors.New("pesel: not 11 digits")
	// ErrChecksum: the control digit does not match the first ten.
	ErrChecksum = errors.New("pesel: checksum mismatch")
	// ErrDate: the first six digits do not encode a real calendar date.
	ErrDate = errors.New("pesel: impossible encoded birth date")
)

var weights = [10]int{1, 3, 7, 9, 1, 3, 7, 9, 1, 3}

// PESEL is a syntactically valid number: eleven digits with a correct
// checksum and a possible birth date.
type PESEL string

// Parse checks s and returns it as a PESEL. The checks run in the order
// length, checksum, date, so the first failing one is reported.
func Parse(s string) (PESEL, error) {
	if len(s) != 11 {
		return "", ErrLength
	}
	for i := 0; i < 11; i++ {
		if s[i] < '0' || s[i] > '9' {
			return "", ErrLength
		}
	}
	if Checksum(s[:10]) != int(s[10]-'0') {
		return "", ErrChecksum
	}
	if _, err := birthDate(s); err != nil {
		return "", err
	}
	return PESEL(s), nil
}

// Checksum returns the control digit for the first ten digits of a PESEL.
// It panics if digits is shorter than ten bytes.
func Checksum(digits string) int {
	sum := 0
	for i, w := range weights {
		sum += int(digits[i]-'0') * w
	}
	return (10 - sum%10) % 10
}

// BirthDate returns the date of birth the number encodes.
func (p PESEL) BirthDate() time.Time {
	d, _ := birthDate(string(p)) // Parse already proved it valid
	return d
}

// Male reports whether the tenth digit marks a male holder.
func (p PESEL) Male() bool { return (p[9]-'0')%2 == 1 }

// Masked returns the number with its middle hidden (e.g. "1121*****89"),
// safe for logs and reports. Any string is accepted; short values are
// masked whole.
func Masked(s string) string {
	if len(s) < 6 {
		return maskAll(len(s))
	}
	return s[:4] + maskAll(len(s)-6) + s[len(s)-2:]
}

// Masked returns the masked form of p, see the function Masked.
func (p PESEL) Masked() string { return Masked(string(p)) }

func maskAll(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = '*'
	}
	return string(b)
}

// birthDate decodes YYMMDD with the century offsets: +80 for 1800s, none
// for 1900s, +20 for 2000s, +40 for 2100s, +60 for 2200s.
func birthDate(s string) (time.Time, error) {
	yy := int(s[0]-'0')*10 + int(s[1]-'0')
	mm := int(s[2]-'0')*10 + int(s[3]-'0')
	dd := int(s[4]-'0')*10 + int(s[5]-'0')
	century := 0
	switch {
	case mm >= 81 && mm <= 92:
		century, mm = 1800, mm-80
	case mm >= 1 && mm <= 12:
		century = 1900
	case mm >= 21 && mm <= 32:
		century, mm = 2000, mm-20
	case mm >= 41 && mm <= 52:
		century, mm = 2100, mm-40
	case mm >= 61 && mm <= 72:
		century, mm = 2200, mm-60
	default:
		return time.Time{}, fmt.Errorf("month field %02d: %w", mm, ErrDate)
	}
	y := century + yy
	d := time.Date(y, time.Month(mm), dd, 0, 0, 0, 0, time.UTC)
	if dd < 1 || d.Day() != dd || int(d.Month()) != mm {
		return time.Time{}, fmt.Errorf("%04d-%02d-%02d: %w", y, mm, dd, ErrDate)
	}
	return d, nil
}

// MaskIn masks every run of exactly eleven ASCII digits in s (a PESEL inside
// a file name, e.g. "11210110089.jpg" → "1121*****89.jpg"), for text that is
// written to logs or reports.
func MaskIn(s string) string {
	var b []byte
	run := 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) && s[i] >= '0' && s[i] <= '9' {
			run++
			continue
		}
		if run == 11 {
			if b == nil {
				b = []byte(s)
			}
			copy(b[i-7:i-2], "*****")
		}
		run = 0
	}
	if b == nil {
		return s
	}
	return string(b)
}
