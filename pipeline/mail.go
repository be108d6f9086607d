package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

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

// purgeMailPhotos deletes the copies of e-mailed photos nobody was matched
// with (OUT/nieprzypisane) once they are past photo_retention_days, as the
// source photos are purged, and records each in the store, so the lists
// and the Do poprawy page stop offering them. The file goes first and the
// record after: a run killed in between finds the row still unassigned,
// the file already gone, and records it. nieprzypisane.csv/.xlsx, when
// present in outDir, are written again from the store (a list another
// program holds open is logged, not fatal).
func (n *Nightly) purgeMailPhotos(ctx context.Context, asOf time.Time, outDir string, log *slog.Logger) error {
	due, err := n.Store.UnassignedPastRetention(ctx, asOf, n.Deadlines)
	if err != nil {
		return fmt.Errorf("listing unassigned mail photos: %w", err)
	}
	for _, m := range due {
		// Only a copy mail kept: never a file elsewhere a row might name.
		if m.File != "" && filepath.Base(filepath.Dir(m.File)) == mail.UnassignedDir {
			if err := os.Remove(m.File); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("purging unassigned mail photo %s: %w", filepath.Base(m.File), err)
			}
		}
		if err := n.Store.MarkMailPhotoPurged(ctx, m.File, n.at); err != nil {
			return err
		}
	}
	if _, err := os.Stat(filepath.Join(outDir, mail.UnassignedCSV)); err != nil {
		return nil // no list yet: mlegit mail writes it
	}
	if _, err := mail.WriteUnassigned(ctx, n.Store, outDir); err != nil {
		log.Warn("could not rewrite the unassigned mail photos list", "err", err)
	}
	return nil
}
