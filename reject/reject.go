// Package reject names every reason a student, a photo or a portal code row
// can be turned away for, with the Polish message the secretariat reads.
//
// A Code is stable: it appears in summary.json, in the rejection reports and
// in the README table, and scripts may match on it. Messages may be improved.
package reject

import "fmt"

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
)

// Portal codes-import codes (one per bad row of a codes file).
const (
	CodesPESELUnknown Code = "CODES_PESEL_UNKNOWN"
	CodesNotInPackage Code = "CODES_NOT_IN_PACKAGE"
	CodesDuplicate    Code = "CODES_DUPLICATE"
	CodesDateInvalid  Code = "CODES_DATE_INVALID"
	CodesExpired      Code = "CODES_EXPIRED"
	CodesFieldMissing Code = "CODES_FIELD_MISSING"
	// CodesStale: the code answers an earlier issue of the card, since
	// invalidated (the student was reissued or withdrawn).
	CodesStale Code = "CODES_STALE"
	// ActivationUnexpected: the portal reports an activation for a student
	// who is not awaiting one.
	ActivationUnexpected Code = "ACTIVATION_UNEXPECTED"
)

var messages = map[Code]string{
	PESELLength:            "PESEL musi mieć dokładnie 11 cyfr.",
	PESELChecksum:          "PESEL ma błędną cyfrę kontrolną — sprawdź, czy nie ma literówki.",
	PESELBirthdateMismatch: "Data urodzenia zapisana w numerze PESEL nie zgadza się z datą urodzenia w arkuszu (albo jest niemożliwa).",
	CardMissing:            "Brak numeru legitymacji szkolnej — mLegitymację można wydać tylko do wydanej legitymacji.",
	CardExpired:            "Legitymacja szkolna straciła ważność — potwierdź jej ważność i wpisz nową datę.",
	NameMissing:            "Brak nazwiska lub imienia ucznia.",
	NameInvalid:            "Imię lub nazwisko zawiera niedozwolone znaki (albo wygląda jak formuła arkusza).",
	DateInvalid:            "Nieprawidłowa data — użyj formatu DD.MM.RRRR lub RRRR-MM-DD.",
	FieldInvalid:           "Pole zawiera niedozwoloną wartość (np. formułę arkusza albo nieznaną wartość znacznika).",
	DuplicatePESEL:         "Ten sam PESEL występuje w szkole więcej niż raz — popraw dane, wszystkie takie wiersze odrzucono.",
	PESELInOtherSchool:     "Ten PESEL przyjęto także w innej szkole — prawdopodobnie przeniesienie ucznia.",
	RowUnreadable:          "Nie udało się odczytać tego wiersza pliku — popraw go; pozostałe wiersze odczytano.",

	FileUnreadable:     "Nie udało się odczytać pliku z listą uczniów — sprawdź, czy to eksport CSV lub XLSX i czy plik nie jest uszkodzony.",
	FileColumnsMissing: "W pliku z listą uczniów brakuje wymaganych kolumn — nikogo z tego pliku nie przyjęto.",

	PhotoMissing:    "Brak zdjęcia ucznia.",
	PhotoAmbiguous:  "Nie da się jednoznacznie przypisać zdjęcia — nazwij plik numerem PESEL ucznia.",
	PhotoTooLarge:   "Zdjęcie ma zbyt wiele pikseli, by je bezpiecznie otworzyć — prześlij mniejsze.",
	PhotoUnreadable: "Pliku zdjęcia nie da się odczytać (pusty, ucięty lub uszkodzony).",
	PhotoFormat:     "Nieobsługiwany format zdjęcia — prześlij plik JPG lub PNG.",
	PhotoTooSmall:   "Zdjęcie ma zbyt małą rozdzielczość dla wybranego profilu.",
	PhotoTooHeavy:   "Nie udało się zmieścić zdjęcia w limicie rozmiaru pliku przy dopuszczalnej jakości.",

	CodesPESELUnknown:    "Nieprawidłowy numer PESEL w pliku kodów.",
	CodesNotInPackage:    "Tego numeru PESEL nie było w wysłanej paczce.",
	CodesDuplicate:       "Kod dla tego ucznia występuje w pliku więcej niż raz.",
	CodesDateInvalid:     "Nieprawidłowa data w pliku kodów.",
	CodesExpired:         "Kod aktywacyjny już wygasł.",
	CodesFieldMissing:    "Brak kodu QR lub kodu aktywacyjnego.",
	CodesStale:           "Kod dotyczy wcześniejszego, unieważnionego wydania legitymacji — nie drukuj go.",
	ActivationUnexpected: "Portal zgłosił aktywację ucznia, który nie czeka na aktywację (np. legitymacja unieważniona lub kod wygasł) — sprawdź w sekretariacie.",
}

// Message returns the Polish message for the secretariat.
func (c Code) Message() string {
	if m, ok := messages[c]; ok {
		return m
	}
	return string(c)
}

// Known reports whether c is one of the codes defined here.
func (c Code) Known() bool { _, ok := messages[c]; return ok }

// All returns every defined code, for documentation and tests.
func All() []Code {
	out := make([]Code, 0, len(messages))
	for c := range messages {
		out = append(out, c)
	}
	return out
}

// Rejection is one rejected student (or photo, or codes row), located in its
// source so the secretariat can fix it. PESEL is always masked.
type Rejection struct {
	File    string `json:"file"`
	Row     int    `json:"row"`
	PESEL   string `json:"pesel"`
	Name    string `json:"name"`
	Class   string `json:"class"`
	Code    Code   `json:"code"`
	Message string `json:"message"`
	// Detail says what exactly is wrong: the column and its value (in
	// Polish, from validation), or file names and sizes (from the photo
	// stage). The reports show it as "Szczegóły" and mask any PESEL in it.
	Detail string `json:"detail,omitempty"`
}

// Error makes a Rejection usable as an error value.
func (r Rejection) Error() string {
	return fmt.Sprintf("%s:%d: %s", r.File, r.Row, r.Code)
}
