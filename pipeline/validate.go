package pipeline

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/mlegit/mlegit/reject"
	"github.com/mlegit/mlegit/roster"
	"github.com/mlegit/mlegit/rules"
	"github.com/mlegit/mlegit/texts"
)

// validate checks each row as it arrives, then — once the roster is
// complete — rejects duplicate PESELs across the whole school, and sends
// every verdict on in row order.
func validate(ctx context.Context, asOf time.Time, in <-chan roster.Record, out chan<- *Verdict) error {
	var all []*Verdict
	var recs []roster.Record
	for r := range in {
		s, rej := rules.Check(r, asOf)
		all = append(all, &Verdict{Record: r, Student: s, Rejections: rej})
		recs = append(recs, r)
	}
	dups := rules.Duplicates(recs)
	rowsOf := map[string][]roster.Record{}
	for _, i := range dups {
		p := rules.CleanPESEL(recs[i].PESEL)
		rowsOf[p] = append(rowsOf[p], recs[i])
	}
	for _, i := range dups {
		rows := rowsOf[rules.CleanPESEL(recs[i].PESEL)]
		rej := rules.Reject(recs[i], reject.DuplicatePESEL, fmt.Sprintf("%d rows hold this PESEL", len(rows)))
		rej.Szczegoly = reject.DuplicatePESEL.Detail("", texts.Args{"rows": rowNames(rows)})
		all[i].Rejections = append(all[i].Rejections, rej)
	}
	for _, v := range all {
		v.dataOK = v.Accepted()
	}
	return sendAll(ctx, out, all)
}

// rowNames locates rows for the secretariat: their numbers, each with its
// file when the rows come from more than one file.
func rowNames(rows []roster.Record) []string {
	files := map[string]bool{}
	for _, r := range rows {
		files[r.File] = true
	}
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = strconv.Itoa(r.Row)
		if len(files) > 1 {
			out[i] = r.File + ", wiersz " + out[i]
		}
	}
	return out
}
