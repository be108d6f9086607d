package slips

import (
	"bytes"
	"encoding/base32"
	"encoding/binary"
	"testing"
	"time"

	"github.com/mlegit/mlegit/codes"
	"github.com/mlegit/mlegit/pesel"
)

// testPESEL returns a valid PESEL born in 2011 with serial n.
func testPESEL(t testing.TB, n int) string {
	t.Helper()
	base := "110203" + string(rune('0'+n/1000%10)) + string(rune('0'+n/100%10)) +
		string(rune('0'+n/10%10)) + string(rune('0'+n%10))
	p, err := pesel.Parse(base + string(rune('0'+pesel.Checksum(base))))
	if err != nil {
		t.Fatalf("fixture PESEL %s: %v", base, err)
	}
	return string(p)
}

// entry is a fictional student with codes from the simulator.
func entry(t testing.TB, n int, class, surname, first string) codes.Entry {
	t.Helper()
	loc := time.FixedZone("CEST", 2*3600)
	return codes.Entry{
		PESEL:          testPESEL(t, n),
		Surname:        surname,
		FirstName:      first,
		Class:          class,
		CardNumber:     "SP7/2026/" + string(rune('0'+n%10)),
		QR:             simulatedQR(n),
		ActivationCode: "K7PM9XWQ2RTD",
		Generated:      time.Date(2026, 9, 1, 10, 0, 0, 0, loc),
		ValidUntil:     time.Date(2026, 9, 30, 0, 0, 0, 0, loc),
		Simulated:      true,
	}
}

// simulatedQR is a payload shaped like portal-sim's: 32 base32 characters.
func simulatedQR(n int) string {
	var b [20]byte
	binary.BigEndian.PutUint64(b[:], uint64(n)*0x9E3779B97F4A7C15)
	binary.BigEndian.PutUint64(b[8:], uint64(n+1)*0xC2B2AE3D27D4EB4F)
	return base32.StdEncoding.EncodeToString(b[:])
}

const testSchool = "Szkoła Podstawowa nr 7 im. Marii Skłodowskiej-Curie w Łodzi"

func renderSlip(t testing.TB, e codes.Entry, opts *Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteSlip(&buf, testSchool, e, opts); err != nil {
		t.Fatalf("WriteSlip: %v", err)
	}
	return buf.Bytes()
}

func renderPrint(t testing.TB, entries []codes.Entry, opts *Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WritePrint(&buf, testSchool, entries, opts); err != nil {
		t.Fatalf("WritePrint: %v", err)
	}
	return buf.Bytes()
}
