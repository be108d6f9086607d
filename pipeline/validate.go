package pipeline

import (
	"context"
	"time"

	"github.com/mlegit/mlegit/reject"
	"github.com/mlegit/mlegit/roster"
	"github.com/mlegit/mlegit/rules"
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
	for _, i := range rules.Duplicates(recs) {
		all[i].Rejections = append(all[i].Rejections, rules.Reject(recs[i], reject.DuplicatePESEL, ""))
	}
	return sendAll(ctx, out, all)
}
