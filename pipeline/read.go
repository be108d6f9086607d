package pipeline

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/mlegit/mlegit/report"
	"github.com/mlegit/mlegit/roster"
)

// readRosters streams every roster's rows into out, file after file. A file
// that cannot be read (missing, unrecognised, lacking columns) is recorded
// in its FileStatus and the others go on; rows it emitted before failing
// stay. Only a cancelled context is returned as an error.
func readRosters(ctx context.Context, cfg Config, out chan<- roster.Record) ([]report.FileStatus, error) {
	var files []report.FileStatus
	cfg.Progress.Stage("roster", -1)
	for _, path := range cfg.Rosters {
		st := report.FileStatus{File: filepath.Base(path)}
		err := roster.ReadFile(ctx, path, cfg.Roster, func(r roster.Record) error {
			st.Rows++
			cfg.Progress.Done(1)
			select {
			case out <- r:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
		if ctx.Err() != nil {
			return files, ctx.Err()
		}
		if err != nil {
			st.Error = err.Error()
			st.Komunikat = polishFileError(err)
			cfg.Log.Warn("roster file failed", "file", st.File, "err", err)
		}
		files = append(files, st)
	}
	return files, nil
}

// polishFileError explains a roster file failure to the secretariat.
func polishFileError(err error) string {
	var mc *roster.MissingColumnsError
	if errors.As(err, &mc) {
		return mc.PolishMessage()
	}
	return fmt.Sprintf("Nie udało się odczytać pliku: %v", err)
}
