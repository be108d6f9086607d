package texts

// The lifecycle states as the secretariat reads them: what has happened to
// the student's mLegitymacja, as a feminine participle agreeing with
// "mLegitymacja" ("mLegitymacja aktywowana"). Keys are the names the state
// store writes (state.State.String()).
var states = map[string]string{
	"none":           "brak",
	"new":            "nowa",
	"validated":      "zweryfikowana",
	"packaged":       "wysłana do portalu",
	"codes_received": "wygenerowana",
	"slip_printed":   "wydrukowana",
	"picked_up":      "odebrana",
	"activated":      "aktywowana",
	"expired":        "wygasła",
	"invalidated":    "unieważniona",
}

// State returns the Polish label of a lifecycle state by its stored name
// ("activated" → "aktywowana"); an unknown name is returned as it is.
func State(name string) string {
	if s, ok := states[name]; ok {
		return s
	}
	return name
}

// Register statuses: where a student's code stands in the register of
// issued codes, in the same words as State. Pending (codes ready, not yet
// picked up) has no lifecycle state of its own.
const (
	StatusPending     = "do odbioru"
	StatusPickedUp    = "odebrana"
	StatusActivated   = "aktywowana"
	StatusExpired     = "wygasła"
	StatusInvalidated = "unieważniona"
)

// Deadline kinds (state.DeadlineKind names) as the secretariat reads them.
var deadlines = map[string]string{
	"codes_due":     "kody z portalu",
	"activation":    "aktywacja kodu",
	"card_validity": "ważność legitymacji",
	"photo_purge":   "usunięcie zdjęcia",
}

// Deadline returns the Polish name of a deadline kind ("activation" →
// "aktywacja kodu"); an unknown kind is returned as it is.
func Deadline(kind string) string {
	if s, ok := deadlines[kind]; ok {
		return s
	}
	return kind
}

// Invalidation reasons (the names `mlegit invalidate --reason` takes) as
// the secretariat reads them.
var reasons = map[string]string{
	"lost-device":    "utrata lub uszkodzenie telefonu",
	"parent-request": "wniosek rodzica",
	"transfer":       "przejście do innej szkoły",
	"name-change":    "zmiana imienia lub nazwiska",
	"card-expired":   "legitymacja szkolna straciła ważność",
	"left-roster":    "uczeń zniknął z listy uczniów",
	"rejected":       "dane ucznia odrzucono",
	"data-changed":   "zmiana danych lub zdjęcia",
	"other":          "inny powód",
}

// Reason returns the Polish words of an invalidation reason name
// ("lost-device" → "utrata lub uszkodzenie telefonu"); an unknown name is
// returned as it is.
func Reason(name string) string {
	if s, ok := reasons[name]; ok {
		return s
	}
	return name
}

// Column headers of the secretariat's documents, one word for one thing
// everywhere.
const (
	ColFile        = "Plik"
	ColRow         = "Wiersz"
	ColPESEL       = "PESEL"
	ColStudent     = "Uczeń"
	ColSurname     = "Nazwisko"
	ColFirstNames  = "Imiona"
	ColClass       = "Oddział"
	ColCardNumber  = "Nr legitymacji"
	ColCode        = "Kod błędu"
	ColReason      = "Powód"
	ColAction      = "Co zrobić"
	ColDetail      = "Szczegóły"
	ColState       = "Stan mLegitymacji"
	ColGenerated   = "Data wygenerowania kodu"
	ColValidUntil  = "Kod ważny do"
	ColPickedUpAt  = "Data odbioru"
	ColPickedUpBy  = "Osoba odbierająca"
	ColDeadline    = "Termin"
	ColDue         = "Data"
	ColDaysLeft    = "Pozostało dni"
	ColOverdue     = "Po terminie"
	ColTotal       = "Razem"
	ColSchool      = "Szkoła"
	ColAsOf        = "Stan na dzień"
	ColWhat        = "Do sprawdzenia"
	ColSimulated   = "Kody z symulatora"
	SheetToCheck   = "Do sprawdzenia"
	SheetRejected  = "Odrzuceni"
	SectionToCheck = "Do sprawdzenia"
)

// Yes and No are the words a yes/no cell shows.
const (
	Yes = "tak"
	No  = "nie"
)
