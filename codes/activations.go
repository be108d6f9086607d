package codes

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/mlegit/mlegit/pesel"
	"github.com/mlegit/mlegit/reject"
)

// The activations file: which students activated their code in the app,
// as the portal reports it. UTF-8, ';', a header row with (at least)
// pesel;aktywowano — the date (RRRR-MM-DD, optionally with HH:MM) when the
// student activated the mLegitymacja.
const colActivated = "aktywowano"

// Activation is one student's code activated in the app.
type Activation struct {
	PESEL string
	At    time.Time
	Row   int // line in the file (header = 1)
}

// ReadActivations reads an activations file. Rows that cannot be used
// become rejections (invalid PESEL, malformed date, a PESEL twice — every
// such row); the others are returned in file order.
func ReadActivations(path string) ([]Activation, []reject.Rejection, error) {
	tab, err := readTable(path, []string{colPESEL, colActivated})
	if err != nil {
		return nil, nil, fmt.Errorf("reading activations: %w", err)
	}
	count := map[string]int{}
	for _, t := range tab {
		count[t.cell(colPESEL)]++
	}
	file := filepath.Base(path)
	var out []Activation
	var rej []reject.Rejection
	for _, t := range tab {
		p := t.cell(colPESEL)
		bad := func(code reject.Code) {
			rej = append(rej, reject.Rejection{File: file, Row: t.line, PESEL: pesel.Masked(p),
				Code: code, Message: code.Message()})
		}
		if _, err := pesel.Parse(p); err != nil {
			bad(reject.CodesPESELUnknown)
			continue
		}
		if count[p] > 1 {
			bad(reject.CodesDuplicate)
			continue
		}
		at, err := parseTime(t.cell(colActivated))
		if err != nil {
			bad(reject.CodesDateInvalid)
			continue
		}
		out = append(out, Activation{PESEL: p, At: at, Row: t.line})
	}
	return out, rej, nil
}
