// Package reject names every reason a student, a photo or a portal code row
// can be turned away for, and every reason a pickup is refused, with the
// Polish message the secretariat reads.
//
// A Code is stable: it appears in summary.json, in the rejection reports and
// in the README table, and scripts may match on it. Messages may be improved.
package reject

import (
	"fmt"
	"slices"

	"github.com/mlegit/mlegit/texts"
)

// Code identifies one rejection reason.
type Code string

// Roster and validation codes.
const (
	PESELLength            Code = "PESEL_LENGTH"
	PESELChecksum          Code = "PESEL_CHECKSUM"
	PESELBirthdateMismatch Code = "PESEL_BIRTHDATE_MISMATCH"
	CardMissing            Code = "CARD_MISSING"
	CardExpired            Code = "CARD_EXPIRED"
	NameMissing            Code = "NAME_MISSING"
	NameInvalid            Code = "NAME_INVALID"
	DateInvalid            Code = "DATE_INVALID"
	FieldInvalid           Code = "FIELD_INVALID"
	DuplicatePESEL         Code = "DUPLICATE_PESEL"
	PESELInOtherSchool     Code = "PESEL_IN_OTHER_SCHOOL"
	// RowUnreadable: the roster row could not be parsed (a broken quote,
	// a NUL byte); the rest of the file was read.
	RowUnreadable Code = "ROW_UNREADABLE"
)

// Roster file codes: a whole file could not be used (Row 0).
const (
	FileUnreadable     Code = "FILE_UNREADABLE"
	FileColumnsMissing Code = "FILE_COLUMNS_MISSING"
	// FileColumnsAmbiguous: two columns of the header name the same field.
	FileColumnsAmbiguous Code = "FILE_COLUMNS_AMBIGUOUS"
)

// Photo codes.
const (
	PhotoMissing    Code = "PHOTO_MISSING"
	PhotoAmbiguous  Code = "PHOTO_AMBIGUOUS"
	PhotoTooLarge   Code = "PHOTO_TOO_LARGE"
	PhotoUnreadable Code = "PHOTO_UNREADABLE"
	PhotoFormat     Code = "PHOTO_FORMAT"
	PhotoTooSmall   Code = "PHOTO_TOO_SMALL"
	PhotoTooHeavy   Code = "PHOTO_TOO_HEAVY"
	PhotoBackground Code = "PHOTO_BACKGROUND"
)

// Portal codes-import codes (one per bad row of a codes file).
const (
	CodesPESELUnknown Code = "CODES_PESEL_UNKNOWN"
	CodesNotInPackage Code = "CODES_NOT_IN_PACKAGE"
	CodesDuplicate    Code = "CODES_DUPLICATE"
	CodesDateInvalid  Code = "CODES_DATE_INVALID"
	CodesExpired      Code = "CODES_EXPIRED"
	CodesFieldMissing Code = "CODES_FIELD_MISSING"
	// CodesFieldInvalid: a QR payload or activation code longer than a
	// slip can print, or holding control characters.
	CodesFieldInvalid Code = "CODES_FIELD_INVALID"
	// CodesStale: the code answers an earlier issue of the card, since
	// invalidated (the student was reissued or withdrawn).
	CodesStale Code = "CODES_STALE"
)

// Activations-report codes (one per bad row of the portal's report).
const (
	// ActivationUnexpected: the portal reports an activation for a student
	// who is not awaiting one.
	ActivationUnexpected     Code = "ACTIVATION_UNEXPECTED"
	ActivationPESELInvalid   Code = "ACTIVATION_PESEL_INVALID"
	ActivationDuplicate      Code = "ACTIVATION_DUPLICATE"
	ActivationDateInvalid    Code = "ACTIVATION_DATE_INVALID"
	ActivationStudentUnknown Code = "ACTIVATION_STUDENT_UNKNOWN"
)

// Nightly-run codes.
const (
	// InvalidationHeld: the mass-invalidation guard held the night; the
	// student's card would have been invalidated.
	InvalidationHeld Code = "INVALIDATION_HELD"
)

// Pickup refusals: the slip of the student's current issue must not be
// handed over (or not yet); lifecycle.Pickup refuses with them.
const (
	PickupInvalidated  Code = "PICKUP_INVALIDATED"
	PickupCodesExpired Code = "PICKUP_CODES_EXPIRED"
	PickupNotPrinted   Code = "PICKUP_NOT_PRINTED"
	PickupAlreadyDone  Code = "PICKUP_ALREADY_DONE"
	PickupActivated    Code = "PICKUP_ACTIVATED"
	PickupNoCodes      Code = "PICKUP_NO_CODES"
)

// all lists the codes in the order the README table shows them.
var all = []Code{
	PESELLength, PESELChecksum, PESELBirthdateMismatch, CardMissing, CardExpired,
	NameMissing, NameInvalid, DateInvalid, FieldInvalid, DuplicatePESEL, PESELInOtherSchool, RowUnreadable,
	FileUnreadable, FileColumnsMissing, FileColumnsAmbiguous,
	PhotoMissing, PhotoAmbiguous, PhotoTooLarge, PhotoUnreadable, PhotoFormat, PhotoTooSmall, PhotoTooHeavy, PhotoBackground,
	CodesPESELUnknown, CodesNotInPackage, CodesDuplicate, CodesDateInvalid, CodesExpired, CodesFieldMissing, CodesFieldInvalid, CodesStale,
	ActivationPESELInvalid, ActivationDuplicate, ActivationDateInvalid, ActivationStudentUnknown, ActivationUnexpected,
	InvalidationHeld,
	PickupInvalidated, PickupCodesExpired, PickupNotPrinted, PickupAlreadyDone, PickupActivated, PickupNoCodes,
}

// Title is what is wrong, in Polish (from the texts catalogue).
func (c Code) Title() string { return c.entry().Title }

// Action is what to do about it, in Polish.
func (c Code) Action() string { return c.entry().Action }

// Message returns the Polish message for the secretariat: the title, then
// what to do.
func (c Code) Message() string {
	if e, ok := texts.Lookup(string(c)); ok {
		return e.Message()
	}
	return string(c)
}

// Detail returns the Polish detail ("Szczegóły") of the variant of c with
// its values; variant "" is the usual one. See package texts.
func (c Code) Detail(variant string, a texts.Args) string {
	return c.entry().Detail(variant, a)
}

func (c Code) entry() texts.Entry {
	e, _ := texts.Lookup(string(c))
	return e
}

// Known reports whether c is one of the codes defined here.
func (c Code) Known() bool { return slices.Contains(all, c) }

// All returns every defined code, in documentation order.
func All() []Code { return slices.Clone(all) }

// Rejection is one rejected student (or photo, or codes row), located in its
// source so the secretariat can fix it. PESEL is always masked.
type Rejection struct {
	File  string `json:"file"`
	Row   int    `json:"row"`
	PESEL string `json:"pesel"`
	Name  string `json:"name"`
	Class string `json:"class"`
	Code  Code   `json:"code"`
	// Message is the Polish title and what to do (Code.Message).
	Message string `json:"message"`
	// Detail says what exactly is wrong in English, for the log and for
	// scripts reading summary.json (a library's error text stays here).
	Detail string `json:"detail,omitempty"`
	// Szczegoly says the same in Polish, with the values the secretariat
	// needs to fix it (sizes, file names, allowed values): the
	// "Szczegóły" column of the secretariat's documents. Built with
	// Code.Detail; any PESEL in it is masked by the reports.
	Szczegoly string `json:"szczegoly,omitempty"`
}

// Error makes a Rejection usable as an error value.
func (r Rejection) Error() string {
	return fmt.Sprintf("%s:%d: %s", r.File, r.Row, r.Code)
}
