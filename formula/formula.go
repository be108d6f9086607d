// Package formula guards spreadsheet cells against formula injection.
//
// A cell whose text starts with '=', '+', '-' or '@' (or a tab or carriage
// return, which some spreadsheet programs strip before parsing) is read as a
// formula by Excel and LibreOffice. Roster values that look like formulas are
// rejected by validation and never evaluated; values written to reports are
// neutralised with a leading apostrophe so they display as text.
package formula

// Looks reports whether s would be taken as a formula by a spreadsheet.
func Looks(s string) bool {
	if s == "" {
		return false
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return true
	}
	return false
}

// Neutralize returns s prefixed with an apostrophe if it Looks like a
// formula, and s unchanged otherwise.
func Neutralize(s string) string {
	if Looks(s) {
		return "'" + s
	}
	return s
}
