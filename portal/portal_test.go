package portal

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mlegit/mlegit/codes"
	"github.com/mlegit/mlegit/export"
	"github.com/mlegit/mlegit/export/exporttest"
)

var asOf = time.Date(2025, time.September, 15, 0, 0, 0, 0, time.UTC)

func writePackage(t *testing.T, n int) string {
	t.Helper()
	students := exporttest.Students(n)
	photos := filepath.Join(t.TempDir(), "photos")
	exporttest.WritePhotos(t, photos, students)
	pkg, err := export.WritePackage(t.TempDir(), "12345", asOf, students, photos)
	if err != nil {
		t.Fatal(err)
	}
	return pkg
}

func assertAlphabet(t *testing.T, what, v string, length int, alphabet string) {
	t.Helper()
	if len(v) != length || strings.Trim(v, alphabet) != "" {
		t.Errorf("%s %q: want %d characters of %q", what, v, length, alphabet)
	}
}

func TestSimulatorCodes(t *testing.T) {
	const n = 60
	pkg := writePackage(t, n)
	sim := &Simulator{AsOf: asOf, LifetimeDays: 20}
	rows, err := sim.Submit(context.Background(), pkg)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != n {
		t.Fatalf("%d rows, want %d", len(rows), n)
	}
	seen := map[string]bool{}
	for _, r := range rows {
		assertAlphabet(t, "QR", r.QR, QRLength, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
		assertAlphabet(t, "activation code", r.ActivationCode, ActivationCodeLength, ActivationAlphabet)
		if strings.ContainsAny(r.ActivationCode, "0O1I") {
			t.Errorf("ambiguous character in %q", r.ActivationCode)
		}
		if seen[r.QR] || seen[r.ActivationCode] {
			t.Errorf("code issued twice")
		}
		seen[r.QR], seen[r.ActivationCode] = true, true
		if !r.Simulated || !r.Generated.Equal(asOf) || !r.ValidUntil.Equal(asOf.AddDate(0, 0, 20)) {
			t.Errorf("row %+v", r)
		}
	}
}

func TestSimulatorRoundTripsThroughImport(t *testing.T) {
	pkg := writePackage(t, 5)
	rows, err := (&Simulator{AsOf: asOf}).Submit(context.Background(), pkg)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "kody.csv")
	if err := codes.WriteFile(file, rows); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(file); st.Mode().Perm() != 0o600 {
		t.Errorf("codes file mode %v", st.Mode().Perm())
	}
	store, rej, err := codes.Import(file, []string{pkg}, asOf, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rej) > 0 || len(store.Entries) != len(rows) {
		t.Fatalf("import: %d entries, rejections %v", len(store.Entries), rej)
	}
	for i, e := range store.Entries {
		r := rows[i]
		if e.PESEL != r.PESEL || e.QR != r.QR || e.ActivationCode != r.ActivationCode || !e.Simulated ||
			!e.ValidUntil.Equal(asOf.AddDate(0, 0, codes.DefaultLifetimeDays)) || e.Surname == "" {
			t.Errorf("entry %d does not match its row", i)
		}
	}
}

func TestSimulatorRandomness(t *testing.T) {
	pkg := writePackage(t, 3)
	submit := func(r *rand.ChaCha8) []codes.Row {
		t.Helper()
		sim := &Simulator{AsOf: asOf}
		if r != nil {
			sim.Rand = r
		}
		rows, err := sim.Submit(context.Background(), pkg)
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	seed := [32]byte{1, 2, 3}
	if a, b := submit(rand.NewChaCha8(seed)), submit(rand.NewChaCha8(seed)); !slices.Equal(a, b) {
		t.Error("the same seed gave different codes")
	}
	if a, b := submit(nil), submit(nil); slices.Equal(a, b) {
		t.Error("crypto/rand gave the same codes twice")
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

func TestSimulatorErrors(t *testing.T) {
	pkg := writePackage(t, 2)
	t.Run("repeating randomness", func(t *testing.T) {
		if _, err := (&Simulator{AsOf: asOf, Rand: zeros{}}).Submit(context.Background(), pkg); err == nil {
			t.Error("no error when every draw is the same")
		}
	})
	t.Run("package over the limits", func(t *testing.T) {
		_, err := (&Simulator{AsOf: asOf, Limits: export.PhotoLimits{MinW: 480}}).Submit(context.Background(), pkg)
		var re *RejectedError
		if !errors.As(err, &re) || len(re.Problems) != 2 || re.Problems[0].Code != export.PhotoDimensions {
			t.Errorf("error %v, want a rejection for both photos", err)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := (&Simulator{AsOf: asOf}).Submit(ctx, pkg); !errors.Is(err, context.Canceled) {
			t.Errorf("error %v, want context.Canceled", err)
		}
	})
	t.Run("not a package", func(t *testing.T) {
		if _, err := (&Simulator{AsOf: asOf}).Submit(context.Background(), filepath.Join(t.TempDir(), "none.zip")); err == nil {
			t.Error("no error for a missing package")
		}
	})
}
