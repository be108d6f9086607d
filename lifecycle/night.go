package lifecycle

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/mlegit/mlegit/pesel"
	"github.com/mlegit/mlegit/state"
)

// RowStatus is how tonight's roster row of a student fared.
type RowStatus uint8

// The row statuses.
const (
	// Accepted: data and photo accepted (the photo normalised or reused).
	Accepted RowStatus = iota + 1
	// NoPhoto: data accepted, but no usable photo tonight (missing,
	// unmatched, unreadable, ...).
	NoPhoto
	// DataError: the row itself was rejected; only its PESEL is known.
	DataError
)

// Row is one student of tonight's roster as the nightly run saw it.
type Row struct {
	PESEL  string
	Status RowStatus
	// Item is the row's data (state.ItemOf) for Accepted and NoPhoto; for
	// NoPhoto its photo fields are empty.
	Item state.Item
}

// Night is what the nightly decision depends on besides the store and
// the roster.
type Night struct {
	AsOf time.Time
	// Complete: every roster file was read, so a student missing from the
	// roster has left the school. An empty roster never counts as complete.
	Complete bool
	// ReissueOnNewPhoto: a new photo of an issued card reissues it at once
	// (config reissue_on_new_photo); otherwise it is a warning until the
	// school runs mlegit reissue.
	ReissueOnNewPhoto bool
	// Limit is the mass-invalidation guard (config max_invalidations).
	Limit Limit
	// PhotoOnFile reports whether the normalised photo of a student is
	// still on file (kept photo_retention_days after the codes); nil: never.
	PhotoOnFile func(pesel string) bool
}

// Withdrawal is one card in flight the night invalidates.
type Withdrawal struct {
	PESEL, Class string
	Name         string // surname and first name
	Reason       Reason
	Detail       string // what the history records
}

// Note is something the night tells the school about one student (PESEL
// empty: about the whole roster). Code is its entry in the texts
// catalogue, which holds the Polish; Message is the English.
type Note struct {
	PESEL, Class string
	Code         string
	Message      string
}

// The codes of the notes (warnings of the texts catalogue).
const (
	NoteCardKept        = "CARD_KEPT_ROW_REJECTED" // a row rejected, the issued card stays
	NoteNewPhotoNotSent = "PHOTO_NEW_NOT_SENT"     // a new photo of an issued card waits for mlegit reissue
	NotePhotoOnFile     = "REISSUE_PHOTO_ON_FILE"  // reissued with the normalised photo on file
	NoteNeedsPhoto      = "REISSUE_NEEDS_PHOTO"    // to be reissued, but no photo is left
	NoteRosterEmpty     = "ROSTER_EMPTY"           // the roster lists nobody
)

// Plan is the night's decision, made before anything is written. When
// Held, Apply writes nothing.
type Plan struct {
	// Moves are applied first, in order (invalidations, reissues).
	Moves []state.Move
	// Upsert is the roster data to record after the moves.
	Upsert []state.Item
	// Validate are the students moved from new to validated after Upsert.
	Validate []string
	// Sendable: students whose upload can be built tonight (accepted with
	// their photo, or with the photo on file); a validated student goes
	// into the package only if sendable.
	Sendable map[string]bool
	// PhotoNotNeeded: students whose missing photo is no problem tonight
	// (their card is issued and stays): the run does not reject them.
	PhotoNotNeeded map[string]bool
	// Withdrawals lists tonight's invalidations of cards in flight
	// (packaged to activated); the guard counts them against Max. For an
	// empty roster it lists every card in flight although none is
	// invalidated, so that such a night is held unless let through.
	Withdrawals []Withdrawal
	Max         int  // the guard's limit for tonight
	Held        bool // more withdrawals than Max: nothing is written
	Notes       []Note
	// New, Changed, Unchanged classify tonight's accepted students
	// against the store.
	New, Changed, Unchanged int
}

// Decide makes the night's plan from the store's records, the reason of
// each invalidated student's invalidation (reasons, by PESEL; see
// LastReasons) and tonight's roster rows. It changes nothing; see
// Apply. The rules are those of the package documentation.
func (n Night) Decide(stored []state.Record, reasons map[string]Reason, rows []Row) *Plan {
	plan := &Plan{Sendable: map[string]bool{}, PhotoNotNeeded: map[string]bool{}}
	recs := make(map[string]state.Record, len(stored))
	inFlight := 0
	for _, r := range stored {
		recs[r.PESEL] = r
		if InFlight.Has(r.State) {
			inFlight++
		}
	}
	plan.Max = n.Limit.Of(inFlight)
	today := civil(n.AsOf)
	onRoster := make(map[string]bool, len(rows))
	withdrawn := map[string]bool{}
	withdraw := func(r state.Record, reason Reason, detail string) {
		text := reason.Text(detail)
		plan.Moves = append(plan.Moves, state.Move{PESEL: r.PESEL, To: state.Invalidated, Reason: text})
		withdrawn[r.PESEL] = true
		if InFlight.Has(r.State) {
			plan.Withdrawals = append(plan.Withdrawals, Withdrawal{PESEL: r.PESEL, Class: r.Class,
				Name: strings.TrimSpace(r.Surname + " " + r.FirstName), Reason: reason, Detail: text})
		}
	}
	reissue := func(p string, reason Reason, detail string) {
		plan.Moves = append(plan.Moves, state.Move{PESEL: p, To: state.New, Reason: "reissue: " + reason.Text(detail)})
	}
	note := func(r Row, class, code, en string) {
		plan.Notes = append(plan.Notes, Note{PESEL: r.PESEL, Class: class, Code: code, Message: en})
	}
	photoOnFile := func(p string) bool { return n.PhotoOnFile != nil && n.PhotoOnFile(p) }

	for _, row := range rows {
		onRoster[row.PESEL] = true
		rec, known := recs[row.PESEL]
		if row.Status == DataError {
			if known && Issued.Has(rec.State) {
				note(row, rec.Class, NoteCardKept, "row rejected tonight; the issued card stays valid")
			}
			continue
		}
		it := row.Item
		accepted := row.Status == Accepted
		if !known {
			plan.Upsert = append(plan.Upsert, it)
			if accepted {
				plan.New++
				plan.Validate = append(plan.Validate, it.PESEL)
				plan.Sendable[it.PESEL] = true
			}
			continue
		}
		name := it.Surname != rec.Surname || it.FirstName != rec.FirstName || it.SecondName != rec.SecondName
		card := name || (rec.CardHash != "" && it.CardHash != rec.CardHash)
		rowChanged := it.RowHash != rec.RowHash
		photo := accepted && rec.PhotoHash != "" && it.PhotoHash != rec.PhotoHash
		if !accepted {
			// No photo tonight: the stored photo identity stays.
			it.PhotoHash, it.PhotoStat = rec.PhotoHash, rec.PhotoStat
		}
		if accepted {
			if rowChanged || photo {
				plan.Changed++
			} else {
				plan.Unchanged++
			}
		}
		// send makes the student validated and sendable when it has a
		// photo tonight or on file; else it waits for one.
		send := func() {
			switch {
			case accepted:
				plan.Validate = append(plan.Validate, it.PESEL)
				plan.Sendable[it.PESEL] = true
			case photoOnFile(it.PESEL):
				plan.Validate = append(plan.Validate, it.PESEL)
				plan.Sendable[it.PESEL] = true
				note(row, it.Class, NotePhotoOnFile, "sent again with the normalised photo on file")
			default:
				note(row, it.Class, NoteNeedsPhoto, "card to be issued again, but no photo is left: a new photo is needed")
			}
		}
		switch st := rec.State; {
		case InFlight.Has(st) && card:
			reason, what := DataCorrection, "printed data corrected in the roster"
			if name {
				reason, what = NameChange, "name changed in the roster"
			}
			withdraw(rec, reason, what)
			reissue(rec.PESEL, reason, what)
			send()
		case InFlight.Has(st) && photo:
			// Not yet issued (packaged): the new photo replaces the one
			// sent; an issued card is replaced only when the school says.
			if n.ReissueOnNewPhoto || !Issued.Has(st) {
				withdraw(rec, NewPhoto, "new photo")
				reissue(rec.PESEL, NewPhoto, "")
				send()
				break
			}
			// Not taken: the stored photo identity stays, so the warning
			// repeats until the school decides.
			it.PhotoHash, it.PhotoStat = rec.PhotoHash, rec.PhotoStat
			note(row, it.Class, NoteNewPhotoNotSent, "new photo for an issued card: not sent; mlegit reissue sends it")
		case InFlight.Has(st):
			if !accepted {
				plan.PhotoNotNeeded[rec.PESEL] = true
			}
		case st == state.Invalidated:
			reason := reasons[rec.PESEL]
			ok := reason.AutoReissue()
			switch reason {
			case NameChange:
				ok = name
			case DataCorrection:
				ok = rowChanged || card
			}
			if ok {
				reissue(rec.PESEL, reason, "back on the roster and accepted")
				send()
			}
		case st == state.Expired:
			// Reissued on request only (mlegit reissue).
			if !accepted {
				plan.PhotoNotNeeded[rec.PESEL] = true
			}
		case Pending.Has(st):
			if accepted || photoOnFile(it.PESEL) {
				send()
			}
		}
		plan.Upsert = append(plan.Upsert, it)
	}

	// Card validity, judged on tonight's row when it has valid data, else
	// on the stored date.
	valid := map[string]time.Time{}
	for _, row := range rows {
		if row.Status != DataError {
			valid[row.PESEL] = row.Item.CardValid
		}
	}
	for _, r := range stored {
		if r.State == state.Invalidated || withdrawn[r.PESEL] {
			continue
		}
		if !onRoster[r.PESEL] {
			switch {
			case len(rows) == 0 && InFlight.Has(r.State):
				// An empty or header-only roster never invalidates
				// anybody; it is listed (and held) as if it would, so
				// that the school sees the broken export.
				plan.Withdrawals = append(plan.Withdrawals, Withdrawal{PESEL: r.PESEL, Class: r.Class,
					Name: strings.TrimSpace(r.Surname + " " + r.FirstName), Reason: Transfer,
					Detail: Transfer.Text("not on the roster, which lists no student")})
			case n.Complete && len(rows) > 0:
				withdraw(r, Transfer, "left the roster")
			}
			continue
		}
		v, ok := valid[r.PESEL]
		if !ok {
			v = r.CardValid
		}
		if !v.IsZero() && civil(v).Before(today) {
			withdraw(r, CardExpired, "valid until "+v.Format(time.DateOnly))
		}
	}
	if len(rows) == 0 && len(stored) > 0 {
		plan.Notes = append(plan.Notes, Note{Code: NoteRosterEmpty,
			Message: "the roster lists no student: nobody is treated as having left"})
	}
	plan.Held = len(plan.Withdrawals) > plan.Max
	return plan
}

// LastReasons reads, for every invalidated student of recs, the reason of
// the invalidation.
func LastReasons(ctx context.Context, st *state.Store, recs []state.Record) (map[string]Reason, error) {
	out := map[string]Reason{}
	for _, r := range recs {
		if r.State != state.Invalidated {
			continue
		}
		reason, _, err := lastReason(ctx, st, r.PESEL)
		if err != nil {
			return nil, err
		}
		out[r.PESEL] = reason
	}
	return out, nil
}

// Apply writes a plan that is not held: the moves in one transaction, the
// roster data, then the validations. Each step is safe to repeat: a run
// killed between them decides again from what was written.
func (p *Plan) Apply(ctx context.Context, st *state.Store, at time.Time) error {
	if p.Held {
		return nil
	}
	if err := st.Apply(ctx, at, p.Moves...); err != nil {
		return fmt.Errorf("applying tonight's lifecycle moves: %w", err)
	}
	if err := st.Upsert(ctx, p.Upsert, at); err != nil {
		return err
	}
	var moves []state.Move
	for _, ps := range p.Validate {
		moves = append(moves, state.Move{PESEL: ps, To: state.Validated, Reason: "accepted"})
	}
	return st.Apply(ctx, at, moves...)
}

// Limit is the mass-invalidation guard: at most N withdrawals a night, or
// Percent of the cards in flight (never below MinLimit).
type Limit struct {
	N       int
	Percent float64
	IsN     bool // N is meant, not Percent
}

// MinLimit is the least number of withdrawals a percentage limit allows.
const MinLimit = 5

// DefaultLimit is 10% of the cards in flight, never below MinLimit.
var DefaultLimit = Limit{Percent: 10}

// ParseLimit reads max_invalidations / --max-invalidations: "N" or "P%".
// "" is DefaultLimit.
func ParseLimit(s string) (Limit, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return DefaultLimit, nil
	}
	if num, ok := strings.CutSuffix(s, "%"); ok {
		p, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
		if err != nil || p < 0 || p > 100 || math.IsNaN(p) {
			return Limit{}, fmt.Errorf("max_invalidations %q: want a number or a percentage 0%%..100%%", s)
		}
		return Limit{Percent: p}, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return Limit{}, fmt.Errorf("max_invalidations %q: want a number or a percentage like 10%%", s)
	}
	return Limit{N: n, IsN: true}, nil
}

// Of is the limit for a school with inFlight cards in flight.
func (l Limit) Of(inFlight int) int {
	if l.IsN {
		return l.N
	}
	if l.Percent >= 100 {
		return max(inFlight, MinLimit)
	}
	return max(int(math.Ceil(l.Percent*float64(inFlight)/100)), MinLimit)
}

// String is the limit as configured: "12" or "10%".
func (l Limit) String() string {
	if l.IsN {
		return strconv.Itoa(l.N)
	}
	return strconv.FormatFloat(l.Percent, 'f', -1, 64) + "%"
}

// Masked is the withdrawal's PESEL, masked.
func (w Withdrawal) Masked() string { return pesel.Masked(w.PESEL) }

// civil is t's calendar date as midnight UTC.
func civil(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
