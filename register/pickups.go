package register

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mlegit/mlegit/codes"
	"github.com/mlegit/mlegit/pesel"
	"github.com/mlegit/mlegit/safefile"
)

// ErrPickedUp: the student's slip was already picked up.
var ErrPickedUp = errors.New("slip already picked up")

// ErrNoCodes: the codes store has no entry for the PESEL.
var ErrNoCodes = errors.New("no codes for this student")

const pickupsVersion = 1

// Pickup is one handed-over slip.
type Pickup struct {
	PESEL    string    `json:"pesel"`
	By       string    `json:"by"`       // who collected the slip
	At       time.Time `json:"at"`       // pickup date, wall clock as UTC
	Recorded time.Time `json:"recorded"` // when mlegit recorded it
}

// Pickups is the pickups file, see the package documentation.
type Pickups struct {
	Version int      `json:"version"`
	Pickups []Pickup `json:"pickups"` // in recording order
}

// PickupsPath is where the pickups file lives: OUT/register/odbiory.json.
func PickupsPath(outDir string) string {
	return filepath.Join(outDir, "register", "odbiory.json")
}

// LoadPickups reads the pickups file; a missing file is an empty one.
func LoadPickups(path string) (*Pickups, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &Pickups{Version: pickupsVersion}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading pickups %s: %w", path, err)
	}
	var p Pickups
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("parsing pickups %s: %w", path, err)
	}
	if p.Version != pickupsVersion {
		return nil, fmt.Errorf("pickups %s: version %d, want %d", path, p.Version, pickupsVersion)
	}
	return &p, nil
}

// Save writes the pickups file atomically, 0600.
func (p *Pickups) Save(path string) error {
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding pickups: %w", err)
	}
	return safefile.WriteFile(path, append(b, '\n'))
}

// Find returns the pickup of a student, if any.
func (p *Pickups) Find(pesel string) (Pickup, bool) {
	for _, pk := range p.Pickups {
		if pk.PESEL == pesel {
			return pk, true
		}
	}
	return Pickup{}, false
}

// Add appends a pickup after checking it: a valid PESEL with an entry in
// store (when store is not nil), a non-empty By, a pickup date, and no
// earlier pickup of the same student (ErrPickedUp).
func (p *Pickups) Add(store *codes.Store, pk Pickup) error {
	who := pesel.Masked(pk.PESEL)
	if _, err := pesel.Parse(pk.PESEL); err != nil {
		return fmt.Errorf("pickup of %s: %w", who, err)
	}
	pk.By = strings.Join(strings.Fields(pk.By), " ")
	if pk.By == "" {
		return fmt.Errorf("pickup of %s: who collected the slip is not given", who)
	}
	if pk.At.IsZero() {
		return fmt.Errorf("pickup of %s: no pickup date", who)
	}
	if store != nil && !hasEntry(store, pk.PESEL) {
		return fmt.Errorf("pickup of %s: %w", who, ErrNoCodes)
	}
	if prev, ok := p.Find(pk.PESEL); ok {
		return fmt.Errorf("pickup of %s: %w on %s", who, ErrPickedUp, prev.At.Format("02.01.2006"))
	}
	p.Pickups = append(p.Pickups, pk)
	return nil
}

// RecordPickup adds one pickup to OUT/register/odbiory.json (see Add) and
// saves the file. Recorded is set to now when zero.
func RecordPickup(outDir string, store *codes.Store, pk Pickup) error {
	path := PickupsPath(outDir)
	p, err := LoadPickups(path)
	if err != nil {
		return err
	}
	if pk.Recorded.IsZero() {
		pk.Recorded = time.Now().UTC().Truncate(time.Second)
	}
	if err := p.Add(store, pk); err != nil {
		return err
	}
	if err := p.Save(path); err != nil {
		return err
	}
	slog.Info("pickup recorded", "pesel", pesel.Masked(pk.PESEL), "date", pk.At.Format(time.DateOnly))
	return nil
}

func hasEntry(store *codes.Store, p string) bool {
	for _, e := range store.Entries {
		if e.PESEL == p {
			return true
		}
	}
	return false
}
