package web

import (
	"cmp"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"github.com/mlegit/mlegit/codes"
	"github.com/mlegit/mlegit/lifecycle"
	"github.com/mlegit/mlegit/safefile"
	"github.com/mlegit/mlegit/state"
)

// School is one school the server shows: its state store and output
// folder, and the actions that change them.
type School struct {
	ID       string // the school identifier (names the state store)
	Name     string // the school's name for headings; ID when empty
	Out      string // output folder of its runs
	StateDir string // folder of its state store
	Photos   string // folder of the photos parents sent ("" when unknown)
	// MailPhotos is the folder of photos from e-mail nobody matched
	// (OUT/nieprzypisane); "" when none.
	MailPhotos string
	Deadlines  state.Deadlines
	Actions    Actions // nil: the school is read-only
}

// Actions are the write operations, supplied by the command line from the
// same functions its commands run. PESELs are full (they never leave the
// server). An error for the operator to read is a *Refusal; a
// *state.LockedError means a nightly run holds the school.
type Actions interface {
	// PrintSlips prints the slips of the students pesels, or of class
	// when pesels is empty, and returns the print sheet (PDF).
	PrintSlips(ctx context.Context, pesels []string, class string) ([]byte, error)
	// RecordPickup records that by collected the student's slip on date.
	RecordPickup(ctx context.Context, pesel, by string, date time.Time) (string, error)
	// Invalidate withdraws the student's card for reason (a key of
	// InvalidationReasons; text is the free text of "other").
	Invalidate(ctx context.Context, pesel, reason, text string) (string, error)
	// Reissue issues the student's card again for reason (a key of
	// ReissueReasons; text is the free text of "other"): the next nightly
	// run sends it.
	Reissue(ctx context.Context, pesel, reason, text string) (string, error)
	// WriteReports writes the register (rejestr.xlsx, rejestr.pdf) and
	// status.xlsx afresh.
	WriteReports(ctx context.Context) (string, error)
	// ImportCodes imports the portal's codes file at path.
	ImportCodes(ctx context.Context, path string) (string, error)
	// SetPhoto makes r (a JPEG) the student's source photo for the next
	// nightly run.
	SetPhoto(ctx context.Context, pesel string, r io.Reader) (string, error)
	// AssignPhoto makes the photo at path (one that matched nobody, in
	// Photos or MailPhotos) the student's source photo.
	AssignPhoto(ctx context.Context, path, pesel string) (string, error)
}

// Refusal is an action refused for a reason the operator can act on,
// with its Polish message.
type Refusal struct{ Message string }

func (r *Refusal) Error() string { return r.Message }

// choice is one reason offered by a form: the lifecycle reason's flag
// (as the CLI's --reason) and its Polish label.
type choice struct{ Key, Label string }

func choices(rs ...lifecycle.Reason) []choice {
	out := make([]choice, len(rs))
	for i, r := range rs {
		out[i] = choice{r.Flag(), r.Polish()}
		if r.AutoReissue() {
			out[i].Label += " (nową wyda nocne przetwarzanie)"
		}
	}
	return out
}

// InvalidationReasons are the procedure's reasons the invalidate form
// offers; ReissueReasons those of the reissue form.
var (
	InvalidationReasons = choices(lifecycle.ParentRequest, lifecycle.LostDevice, lifecycle.NameChange,
		lifecycle.DataCorrection, lifecycle.CardExpired, lifecycle.Transfer, lifecycle.Other)
	ReissueReasons = choices(lifecycle.ParentRequest, lifecycle.LostDevice, lifecycle.NameChange,
		lifecycle.DataCorrection, lifecycle.NewPhoto, lifecycle.CodesExpired, lifecycle.Other)
)

// school is a School with what the server keeps open for it.
type school struct {
	School
	store   *state.Store
	journal *journal
	key     []byte

	mu     sync.Mutex
	index  *index
	rowKey string      // the files' version the district row was built at
	row    districtRow // kept for the district dashboard
}

// student is one row of the search index.
type student struct {
	ID         string
	PESEL      string
	Surname    string
	FirstName  string
	SecondName string
	Class      string
	CardNumber string
	State      state.State
	hay        string // folded text searched
}

// index is the school's students at one version of the store files.
type index struct {
	version  string
	students []student // by class, surname, first name
	byID     map[string]*student
}

// idOf is a student's opaque id: the HMAC-SHA256 of the PESEL under the
// server's key, 16 base32 characters.
func idOf(key []byte, p string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(p))
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(m.Sum(nil)[:10]))
}

// fold lower-cases s and strips diacritics (ł → l as well), so that
// "zielinski" finds "Zieliński".
func fold(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, strings.ToLower(s))
	if err != nil {
		out = strings.ToLower(s)
	}
	return strings.NewReplacer("ł", "l").Replace(out)
}

// version identifies the state of the files the index is built from.
func (s *school) version() string {
	var b strings.Builder
	for _, p := range []string{s.store.Path(), s.store.Path() + "-wal", codes.StorePath(s.Out)} {
		if fi, err := os.Stat(p); err == nil {
			fmt.Fprintf(&b, "%d/%d;", fi.ModTime().UnixNano(), fi.Size())
		} else {
			b.WriteString("-;")
		}
	}
	return b.String()
}

// students returns the current index, rebuilt when the store or the codes
// file changed since it was built.
func (s *school) students(ctx context.Context) (*index, error) {
	v := s.version()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.index != nil && s.index.version == v {
		return s.index, nil
	}
	recs, err := s.store.Students(ctx)
	if err != nil {
		return nil, err
	}
	cards := map[string]string{}
	if cs, err := codes.Load(codes.StorePath(s.Out)); err == nil {
		for _, e := range cs.Entries {
			cards[e.PESEL] = e.CardNumber
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	ix := &index{version: v, students: make([]student, 0, len(recs)), byID: make(map[string]*student, len(recs))}
	for _, r := range recs {
		st := student{ID: idOf(s.key, r.PESEL), PESEL: r.PESEL, Surname: r.Surname, FirstName: r.FirstName,
			SecondName: r.SecondName, Class: r.Class, CardNumber: cards[r.PESEL], State: r.State}
		st.hay = fold(strings.Join([]string{st.Surname, st.FirstName, st.SecondName, st.Class, st.CardNumber}, " "))
		ix.students = append(ix.students, st)
	}
	slices.SortFunc(ix.students, func(a, b student) int {
		return cmp.Or(compareClass(a.Class, b.Class), strings.Compare(fold(a.Surname), fold(b.Surname)),
			strings.Compare(fold(a.FirstName), fold(b.FirstName)))
	})
	for i := range ix.students {
		ix.byID[ix.students[i].ID] = &ix.students[i]
	}
	s.index = ix
	return ix, nil
}

// search returns up to limit students every word of q matches (as a part
// of a name, the class or the card number), and how many matched in all.
func (ix *index) search(q string, limit int) ([]student, int) {
	words := strings.Fields(fold(q))
	var out []student
	n := 0
	for _, st := range ix.students {
		ok := true
		for _, w := range words {
			if !strings.Contains(st.hay, w) {
				ok = false
				break
			}
		}
		if ok {
			n++
			if len(out) < limit {
				out = append(out, st)
			}
		}
	}
	return out, n
}

// compareClass orders classes by their leading number, then the rest:
// 1a, 2a, 10a.
func compareClass(a, b string) int {
	na, ra := leadingNumber(a)
	nb, rb := leadingNumber(b)
	return cmp.Or(cmp.Compare(na, nb), strings.Compare(ra, rb))
}

func leadingNumber(s string) (int, string) {
	n, i := 0, 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' && i < 6 {
		n = n*10 + int(s[i]-'0')
		i++
	}
	return n, strings.ToLower(s[i:])
}

// loadKey reads the server's id key from <state dir>/web.key, creating it
// (32 random bytes, 0600) when missing.
func loadKey(stateDir string) ([]byte, error) {
	path := filepath.Join(stateDir, "web.key")
	if b, err := os.ReadFile(path); err == nil && len(b) >= 32 {
		return b, nil
	}
	key := []byte(randomToken())
	if err := safefile.MkdirAll(stateDir); err != nil {
		return nil, err
	}
	if err := safefile.WriteFile(path, key); err != nil {
		return nil, err
	}
	return key, nil
}

// openSchool opens the school's state store for reading and its journal.
func openSchool(sc School) (*school, error) {
	if sc.Name == "" {
		sc.Name = sc.ID
	}
	store, err := state.Open(sc.StateDir, sc.ID)
	if err != nil {
		return nil, err
	}
	key, err := loadKey(sc.StateDir)
	if err != nil {
		store.Close()
		return nil, err
	}
	return &school{School: sc, store: store, key: key,
		journal: &journal{path: journalPath(sc.StateDir, sc.ID)}}, nil
}

// civilDay is t's calendar date as midnight UTC.
func civilDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
