package main

import (
	"context"
	"errors"
	"path/filepath"
	"time"

	"github.com/mlegit/mlegit/config"
	"github.com/mlegit/mlegit/state"
)

// stateDir is where a school's state store lives: state_dir, or OUT/state.
func stateDir(cfg *config.Config, out string) string {
	if cfg.StateDir != "" {
		return cfg.StateDir
	}
	return filepath.Join(out, "state")
}

// openState takes the school's lock and opens its state store. The
// returned close function releases both. A lock held by another run is
// exit code 4.
func openState(cfg *config.Config, out, school string) (*state.Store, func(), error) {
	dir := stateDir(cfg, out)
	lock, err := state.Lock(dir, school)
	if err != nil {
		var le *state.LockedError
		if errors.As(err, &le) {
			return nil, nil, &exitError{code: exitLocked, err: err}
		}
		return nil, nil, err
	}
	store, err := state.Open(dir, school)
	if err != nil {
		lock.Release()
		return nil, nil, err
	}
	return store, func() { store.Close(); lock.Release() }, nil
}

// runTime is the time a command records in the store's history: the
// as-of date at the wall-clock time.
func runTime(asOf time.Time) time.Time { return state.At(asOf, time.Now()) }

// holding keeps the students whose PESEL is in one of the given states,
// as a set; unknown PESELs are left out.
func holding(ctx context.Context, s *state.Store, states ...state.State) (map[string]bool, error) {
	recs, err := s.Students(ctx, states...)
	if err != nil {
		return nil, err
	}
	in := make(map[string]bool, len(recs))
	for _, r := range recs {
		in[r.PESEL] = true
	}
	return in, nil
}
