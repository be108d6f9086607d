package lifecycle

import (
	"fmt"
	"regexp"
	"strings"
)

// Reason is why a card is invalidated or issued again. The zero Reason is
// unknown (a history text no rule recognises).
type Reason uint8

// The reasons the school's procedure names, and the run's own.
const (
	// ParentRequest: the parents asked for the card to be withdrawn.
	ParentRequest Reason = iota + 1
	// LostDevice: the phone was lost, broken or malfunctions (a parents'
	// request too, named apart because it is reissued by itself).
	LostDevice
	// NameChange: first name(s) or surname changed by a decision or ruling.
	NameChange
	// DataCorrection: another field printed on the card was corrected
	// (date of birth, card number, card issue or validity date).
	DataCorrection
	// CardExpired: the paper or plastic card is no longer valid.
	CardExpired
	// Transfer: the student moved to another school.
	Transfer
	// NewPhoto: a new photo is sent for a card already issued.
	NewPhoto
	// CodesExpired: the codes were not activated in time.
	CodesExpired
	// Other: any other reason, in the school's words.
	Other
)

var reasons = [...]struct {
	text, flag, polish string
	auto               bool
}{
	{"unknown", "", "nieznany powód", false},
	ParentRequest:  {"parent request", "parent-request", "na wniosek rodziców", false},
	LostDevice:     {"lost or broken device", "lost-device", "utrata lub uszkodzenie urządzenia", true},
	NameChange:     {"name change", "name-change", "zmiana imienia lub nazwiska", true},
	DataCorrection: {"data correction", "correction", "korekta danych na legitymacji", true},
	CardExpired:    {"card validity passed", "card-expired", "legitymacja szkolna straciła ważność", true},
	Transfer:       {"transfer", "transfer", "przejście do innej szkoły", true},
	NewPhoto:       {"new photo", "new-photo", "nowe zdjęcie", false},
	CodesExpired:   {"codes expired", "codes-expired", "kody wygasły nieaktywowane", false},
	Other:          {"other", "other", "inny powód", false},
}

// Reasons lists every reason.
func Reasons() []Reason {
	return []Reason{ParentRequest, LostDevice, NameChange, DataCorrection, CardExpired, Transfer, NewPhoto, CodesExpired, Other}
}

// String is the reason as the history records it, e.g. "transfer".
func (r Reason) String() string {
	if int(r) < len(reasons) {
		return reasons[r].text
	}
	return fmt.Sprintf("reason(%d)", uint8(r))
}

// Flag is the reason's value of --reason, e.g. "lost-device".
func (r Reason) Flag() string {
	if int(r) < len(reasons) {
		return reasons[r].flag
	}
	return ""
}

// Polish is the reason shown to the secretariat.
func (r Reason) Polish() string {
	if int(r) < len(reasons) {
		return reasons[r].polish
	}
	return r.String()
}

// AutoReissue reports whether a card invalidated for r is issued again by
// the nightly run by itself, once the student is on the roster and
// accepted: after a lost device, a transfer back, a name change or a
// correction the roster shows, or a card whose validity is confirmed.
// After a parents' request or another reason the school reissues with
// `mlegit reissue`.
func (r Reason) AutoReissue() bool {
	return int(r) < len(reasons) && reasons[r].auto
}

// Text is what the history records for r with an optional detail:
// "transfer" or "transfer: left the roster".
func (r Reason) Text(detail string) string {
	if detail == "" {
		return r.String()
	}
	return r.String() + ": " + detail
}

// legacy maps history texts written before the lifecycle package to their
// reasons (prefixes).
var legacy = []struct {
	prefix string
	r      Reason
}{
	{"left the roster", Transfer},
	{"rejected by validation", DataCorrection},
	{"name changed", NameChange},
	{"roster data", DataCorrection},
	{"photo changed", NewPhoto},
	{"codes not activated", CodesExpired},
}

// ReasonOf reads the reason back from a history text (Reason.Text), also
// from texts older mlegit versions wrote. A "reissue: ..." text gives the
// reason after the prefix.
func ReasonOf(text string) Reason {
	text = strings.TrimPrefix(text, "reissue: ")
	for _, r := range Reasons() {
		if text == r.String() || strings.HasPrefix(text, r.String()+":") || strings.HasPrefix(text, r.String()+" ") {
			return r
		}
	}
	for _, l := range legacy {
		if strings.HasPrefix(text, l.prefix) {
			return l.r
		}
	}
	return 0
}

// digitRun finds what may be a PESEL in a free-text reason.
var digitRun = regexp.MustCompile(`\d{11}`)

// ParseFlag reads a --reason value: a reason's Flag ("lost-device"),
// "other:TEXT", or, when free is true (reissue), any text, taken as Other
// with that text. It returns the reason and the detail to record. A text
// holding eleven digits in a row is refused: no PESEL in the history.
func ParseFlag(arg string, free bool) (Reason, string, error) {
	arg = strings.TrimSpace(arg)
	for _, r := range Reasons() {
		if arg == r.Flag() && r != Other {
			return r, "", nil
		}
	}
	text, ok := strings.CutPrefix(arg, "other:")
	if !ok && !free {
		return 0, "", fmt.Errorf("--reason %q: want %s or other:TEXT", arg, flagList())
	}
	if !ok {
		text = arg
	}
	text = strings.Join(strings.Fields(text), " ")
	switch {
	case text == "":
		return 0, "", fmt.Errorf("--reason other: needs a text, e.g. other:duplikat konta")
	case digitRun.MatchString(text):
		return 0, "", fmt.Errorf("--reason: keep PESELs out of the reason text")
	}
	return Other, text, nil
}

func flagList() string {
	var fs []string
	for _, r := range Reasons() {
		if r != Other && r != CodesExpired && r != NewPhoto {
			fs = append(fs, r.Flag())
		}
	}
	return strings.Join(fs, ", ")
}
