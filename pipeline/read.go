package pipeline

import (
	"context"
	"errors"
	"path/filepath"

	"github.com/mlegit/mlegit/reject"
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
		info, err := roster.ReadFile(ctx, path, cfg.Roster, func(r roster.Record) error {
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
			st.Error, st.Komunikat, st.Code = err.Error(), polishFileError(err), fileCode(err)
			st.MissingColumns = st.Code == reject.FileColumnsMissing
			cfg.Log.Warn("roster file failed", "file", st.File, "err", err)
		} else {
			st.Warnings = info.Warnings
		}
		files = append(files, st)
	}
	return files, nil
}

// polishFileError explains a roster file failure to the secretariat.
func polishFileError(err error) string {
	var (
		mc *roster.MissingColumnsError
		ac *roster.AmbiguousColumnsError
	)
	switch {
	case errors.As(err, &mc):
		return mc.PolishMessage() + " — nikogo z tego pliku nie przyjęto."
	case errors.As(err, &ac):
		return ac.PolishMessage()
	case errors.Is(err, roster.ErrNotRegular):
		return "To nie jest zwykły plik (folder, potok albo urządzenie) — wskaż plik CSV lub XLSX z listą uczniów."
	case errors.Is(err, roster.ErrTooManyUnreadable):
		return "Zbyt wiele wierszy pliku nie da się odczytać — plik jest uszkodzony albo to nie jest lista uczniów; zapisz go ponownie z arkusza."
	}
	return reject.FileUnreadable.Message()
}

// fileCode is the reason code of a roster file failure.
func fileCode(err error) reject.Code {
	var (
		mc *roster.MissingColumnsError
		ac *roster.AmbiguousColumnsError
	)
	switch {
	case errors.As(err, &mc):
		return reject.FileColumnsMissing
	case errors.As(err, &ac):
		return reject.FileColumnsAmbiguous
	}
	return reject.FileUnreadable
}

// fileRejections lists the roster files that could not be used, for the
// secretariat's reports (row 0: the whole file).
func fileRejections(files []report.FileStatus) []reject.Rejection {
	var out []reject.Rejection
	for _, f := range files {
		if f.Error == "" {
			continue
		}
		code := f.Code
		if code == "" {
			code = reject.FileUnreadable
		}
		out = append(out, reject.Rejection{File: f.File, Code: code, Message: f.Komunikat, Detail: f.Error})
	}
	return out
}
