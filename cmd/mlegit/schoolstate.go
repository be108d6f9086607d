package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/pflag"
	"github.com/spf13/viper"

	"github.com/mlegit/mlegit/config"
	"github.com/mlegit/mlegit/district"
	"github.com/mlegit/mlegit/report"
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

// schoolsIn lists the schools whose state stores are in dir, sorted.
func schoolsIn(dir string) ([]string, error) {
	found, err := filepath.Glob(filepath.Join(dir, "*.sqlite"))
	if err != nil {
		return nil, fmt.Errorf("listing state stores: %w", err)
	}
	var ids []string
	for _, f := range found {
		ids = append(ids, strings.TrimSuffix(filepath.Base(f), ".sqlite"))
	}
	slices.Sort(ids)
	return ids, nil
}

// resolveSchool sets cfg.School for a command working on a school's
// existing state: --school (or MLEGIT_SCHOOL) when given; else the one
// school whose state store is in the state folder of --out; among several,
// the config file's school if it is one of them, else a usage error naming
// them. No store leaves cfg.School as it is (the command then reports the
// missing store).
func resolveSchool(cfg *config.Config, v *viper.Viper, flags *pflag.FlagSet) error {
	if flags.Changed("school") || os.Getenv("MLEGIT_SCHOOL") != "" {
		return nil
	}
	ids, err := schoolsIn(stateDir(cfg, cfg.Out))
	if err != nil {
		return err
	}
	switch {
	case len(ids) == 1:
		cfg.School = ids[0]
	case len(ids) > 1 && !(v != nil && v.InConfig("school") && slices.Contains(ids, cfg.School)):
		return usageErrorf("%s holds the state of several schools (%s): name one with --school",
			stateDir(cfg, cfg.Out), strings.Join(ids, ", "))
	}
	return nil
}

// checkOneSchool refuses to run school into an output folder that holds
// another school's summary.json or (in the default state folder OUT/state)
// another school's state store: one school per --out.
func checkOneSchool(cfg *config.Config, out, school string) error {
	b, err := os.ReadFile(filepath.Join(out, report.SummaryFile))
	if err == nil {
		var s struct {
			School string `json:"school"`
		}
		if json.Unmarshal(b, &s) == nil && s.School != "" && s.School != school {
			return usageErrorf("%s holds the reports of school %s, not %s: give each school its own --out (or name the right --school)",
				out, s.School, school)
		}
	}
	if cfg.StateDir != "" {
		return nil // a shared state folder holds many schools by design
	}
	ids, err := schoolsIn(stateDir(cfg, out))
	if err != nil {
		return err
	}
	for _, id := range ids {
		if id != school {
			return usageErrorf("%s holds the state of school %s, not %s: give each school its own --out (or name the right --school)",
				out, id, school)
		}
	}
	return nil
}

// schoolName is the full name documents print for cfg.School: its entry
// under schools: in a district config (name, else school_name), else the
// config's school_name. Empty when neither is set.
func schoolName(cfg *config.Config, v *viper.Viper) string {
	if v != nil {
		var schools []district.School
		if err := v.UnmarshalKey("schools", &schools); err == nil {
			for _, s := range schools {
				if s.ID == cfg.School && s.Name != "" {
					return s.Name
				}
				if s.ID == cfg.School && s.SchoolName != "" {
					return s.SchoolName
				}
			}
		}
	}
	return cfg.SchoolName
}
