package codes

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/mlegit/mlegit/pesel"
	"github.com/mlegit/mlegit/reject"
	"github.com/mlegit/mlegit/texts"
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
// become rejections (ACTIVATION_PESEL_INVALID, ACTIVATION_DATE_INVALID,
// ACTIVATION_DUPLICATE for every row of a PESEL given twice); the others
// are returned in file order.
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
	lines := map[string][]int{}
	for _, t := range tab {
		if p := t.cell(colPESEL); count[p] > 1 {
			lines[p] = append(lines[p], t.line)
		}
	}
	for _, t := range tab {
		p := t.cell(colPESEL)
		bad := func(code reject.Code, detail, variant string, a texts.Args) {
			rej = append(rej, reject.Rejection{File: file, Row: t.line, PESEL: pesel.Masked(p),
				Code: code, Message: code.Message(), Detail: detail, Szczegoly: code.Detail(variant, a)})
		}
		if _, err := pesel.Parse(p); err != nil {
			variant, a := peselProblem(p, err)
			bad(reject.ActivationPESELInvalid, err.Error(), variant, a)
			continue
		}
		if count[p] > 1 {
			bad(reject.ActivationDuplicate, "the PESEL is on several rows", "", texts.Args{"rows": lines[p]})
			continue
		}
		at, err := parseTime(t.cell(colActivated))
		if err != nil {
			bad(reject.ActivationDateInvalid, colActivated+": "+err.Error(), "", texts.Args{"column": texts.Quoted(colActivated)})
			continue
		}
		out = append(out, Activation{PESEL: p, At: at, Row: t.line})
	}
	return out, rej, nil
}
