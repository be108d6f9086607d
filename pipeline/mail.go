package pipeline

import (
	"context"
	"fmt"

	"github.com/mlegit/mlegit/mail"
	"github.com/mlegit/mlegit/report"
	"github.com/mlegit/mlegit/state"
	"github.com/mlegit/mlegit/texts"
)

// mailWarnings lists, for odrzuceni.* ("Do sprawdzenia"), every photo
// taken from e-mail (mlegit mail) still waiting to be assigned, as the
// photos that match nobody in --photos are listed.
func mailWarnings(ctx context.Context, st *state.Store) ([]report.Warning, error) {
	ms, err := st.MailPhotos(ctx, state.MailUnassigned)
	if err != nil {
		return nil, fmt.Errorf("listing unassigned mail photos: %w", err)
	}
	out := make([]report.Warning, 0, len(ms))
	for _, m := range ms {
		name := m.Name
		if name == "" {
			name = "(bez nazwy)"
		}
		w := report.NewWarning(report.WarnMailUnassigned,
			fmt.Sprintf("photo from e-mail not assigned (%s): %s", m.Why, name), "",
			texts.Args{"sender": m.Sender, "date": m.Received, "file": texts.Quoted(name), "why": mail.Why(m.Why).Polish()})
		w.File = mail.UnassignedCSV
		out = append(out, w)
	}
	return out, nil
}
