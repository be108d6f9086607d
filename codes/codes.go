// Package codes holds what the national portal returns for each packaged
// student — the QR payload and the activation code — joined with the
// student's data, as stored after `mlegit codes import` and read by the
// slip printer.
//
// Activation codes are secrets: the store file is written 0600 and no
// code is ever logged, not even masked.
//
// The codes file (what the portal returns, or portal-sim writes) is UTF-8,
// ';'-separated, with a header row naming the columns (any order, a BOM is
// ignored):
//
//	pesel;kod_qr;kod_aktywacyjny;wygenerowano;wazny_do[;symulacja]
//
// wygenerowano and wazny_do are RRRR-MM-DD or RRRR-MM-DD HH:MM; an empty
// wazny_do means wygenerowano plus the code lifetime (DefaultLifetimeDays
// unless configured). symulacja is 1 for codes from the simulator; a missing
// or empty column, 0, "nie" or "false" mean real codes, anything else is
// taken as simulated so that slips printed from it are marked.
//
// The store (OUT/codes/codes.json) is JSON, the type Store, written 0600.
// All times in both files are wall-clock times stored as UTC.
package codes

import "time"

// Limits of what a slip prints. The slip's layout holds a QR symbol of
// version 1 to 10 (33–40 mm wide at error correction level M, see
// slips.qrBoxMM); version 10-M carries 213 bytes, so a longer payload is
// no code from the portal (a shifted column, a damaged file) and would
// stop the slips from printing.
const (
	MaxQRPayload      = 213
	MaxActivationCode = 64
)

// Entry is one student's codes.
type Entry struct {
	PESEL          string    `json:"pesel"`
	Surname        string    `json:"surname"`
	FirstName      string    `json:"first_name"`
	SecondName     string    `json:"second_name,omitempty"`
	Class          string    `json:"class"`
	CardNumber     string    `json:"card_number"`
	QR             string    `json:"qr"`              // payload to encode in the QR code
	ActivationCode string    `json:"activation_code"` // typed by the student in the app
	Generated      time.Time `json:"generated"`
	ValidUntil     time.Time `json:"valid_until"`
	Simulated      bool      `json:"simulated"` // from portal-sim: slips print a watermark
}

// Store is the file `mlegit codes import` writes (OUT/codes/codes.json).
type Store struct {
	School     string    `json:"school"`
	SchoolName string    `json:"school_name"`
	Package    string    `json:"package"` // base name of the newest upload package the codes were joined with
	Imported   time.Time `json:"imported"`
	Entries    []Entry   `json:"entries"`
}
