package codes

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"time"
)

// Header is the header row WriteCSV writes; Import needs the first five
// columns, in any order, and reads symulacja when present.
var Header = []string{colPESEL, colQR, colCode, colGenerated, colValidUntil, colSimulated}

const (
	colPESEL      = "pesel"
	colQR         = "kod_qr"
	colCode       = "kod_aktywacyjny"
	colGenerated  = "wygenerowano"
	colValidUntil = "wazny_do"
	colSimulated  = "symulacja"
)

// DefaultLifetimeDays is how long an activation code is valid under the
// school procedures, used when a row has no wazny_do and no other lifetime
// is configured.
const DefaultLifetimeDays = 30

// dateLayouts are the forms of wygenerowano and wazny_do, date-only first.
var dateLayouts = []string{"2006-01-02", "2006-01-02 15:04", "2006-01-02 15:04:05"}

// Row is one line of a codes file.
type Row struct {
	PESEL          string
	QR             string
	ActivationCode string
	Generated      time.Time
	ValidUntil     time.Time
	Simulated      bool
}

// WriteCSV writes rows as a codes file with the full Header. Times at
// midnight are written as dates only.
func WriteCSV(w io.Writer, rows []Row) error {
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	if err := cw.Write(Header); err != nil {
		return fmt.Errorf("writing codes header: %w", err)
	}
	for _, r := range rows {
		sim := "0"
		if r.Simulated {
			sim = "1"
		}
		if err := cw.Write([]string{r.PESEL, r.QR, r.ActivationCode, formatTime(r.Generated), formatTime(r.ValidUntil), sim}); err != nil {
			return fmt.Errorf("writing codes row: %w", err)
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteFile atomically writes rows as a codes file at path, mode 0600.
func WriteFile(path string, rows []Row) error {
	return writeAtomic(path, func(w io.Writer) error { return WriteCSV(w, rows) })
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
		return t.Format(dateLayouts[0])
	}
	return t.Format(dateLayouts[1])
}

// parseTime reads a date or date-time of the codes file as UTC wall clock.
func parseTime(s string) (time.Time, error) {
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	// The value is not quoted: a shifted row may hold a code in this cell.
	return time.Time{}, errors.New("not RRRR-MM-DD or RRRR-MM-DD HH:MM")
}
