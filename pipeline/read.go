package pipeline

import (
	"context"
	"encoding/csv"
	"errors"
	"io/fs"
	"path/filepath"

	"github.com/mlegit/mlegit/reject"
	"github.com/mlegit/mlegit/report"
	"github.com/mlegit/mlegit/roster"
	"github.com/mlegit/mlegit/texts"
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
			st.Error, st.Komunikat, st.Code = err.Error(), polishFileError(st.File, err), fileCode(err)
			st.MissingColumns = st.Code == reject.FileColumnsMissing
			cfg.Log.Warn("roster file failed", "file", st.File, "err", err)
		} else {
			st.Warnings = info.Warnings
		}
		files = append(files, st)
	}
	return files, nil
}

// polishFileError explains a roster file failure to the secretariat: the
// Polish detail of the file's FILE_* rejection. The library's English
// text stays in the log and summary.json.
func polishFileError(file string, err error) string {
	var (
		mc *roster.MissingColumnsError
		ac *roster.AmbiguousColumnsError
		pe *csv.ParseError
	)
	a := texts.Args{"file": texts.Quoted(file)}
	variant := ""
	switch {
	case errors.As(err, &mc):
		cols := make([]texts.Quoted, len(mc.Missing))
		for i, f := range mc.Missing {
			cols[i] = texts.Quoted(roster.ColumnName(f))
		}
		return reject.FileColumnsMissing.Detail("", texts.Args{"columns": cols})
	case errors.As(err, &ac):
		return reject.FileColumnsAmbiguous.Detail("", texts.Args{"field": texts.Quoted(roster.ColumnName(ac.Field)),
			"first":  ac.Columns[0] + " (" + texts.Quoted(ac.Names[0]).String() + ")",
			"second": ac.Columns[1] + " (" + texts.Quoted(ac.Names[1]).String() + ")"})
	case errors.Is(err, roster.ErrNotRegular):
		variant = "not_regular"
	case errors.Is(err, roster.ErrTooManyUnreadable):
		variant = "too_many_rows"
	case errors.Is(err, roster.ErrUnsupported):
		variant = "format"
	case errors.Is(err, roster.ErrTooLarge):
		variant, a["limit"] = "unpacked", texts.Bytes(roster.MaxUnpacked)
	case errors.Is(err, roster.ErrXLSBroken):
		variant = "xls"
	case errors.Is(err, fs.ErrNotExist):
		variant = "missing"
	case errors.Is(err, fs.ErrPermission):
		variant = "permissions"
	case errors.As(err, &pe):
		variant, a["line"] = "csv", pe.StartLine
		if errors.Is(pe.Err, csv.ErrBareQuote) {
			variant = "csv_quote"
		}
	}
	return reject.FileUnreadable.Detail(variant, a)
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
		out = append(out, reject.Rejection{File: f.File, Code: code, Message: code.Message(),
			Detail: f.Error, Szczegoly: f.Komunikat})
	}
	return out
}
