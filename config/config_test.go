package config

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/spf13/pflag"
)

func flags(t *testing.T, args ...string) *pflag.FlagSet {
	t.Helper()
	fs := pflag.NewFlagSet("run", pflag.ContinueOnError)
	fs.Int("workers", 0, "")
	fs.String("profile", "mobywatel", "")
	fs.String("school", "szkola", "")
	fs.StringSlice("roster", nil, "")
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return fs
}

func writeConfig(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPrecedence(t *testing.T) {
	file := writeConfig(t, "workers: 3\nprofile: zpe\nschool: z-pliku\nroster: [a.csv, b.xlsx]\n")
	cases := []struct {
		name    string
		env     map[string]string
		args    []string
		workers int
		profile string
		school  string
	}{
		{"file over defaults", nil, nil, 3, "zpe", "z-pliku"},
		{"env over file", map[string]string{"MLEGIT_WORKERS": "5", "MLEGIT_PROFILE": "uonet"}, nil, 5, "uonet", "z-pliku"},
		{"flag over env", map[string]string{"MLEGIT_WORKERS": "5"}, []string{"--workers", "7", "--school", "z-flagi"}, 7, "zpe", "z-flagi"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for k, v := range c.env {
				t.Setenv(k, v)
			}
			cfg, _, err := Load(file, true, flags(t, c.args...))
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Workers != c.workers || cfg.Profile != c.profile || cfg.School != c.school {
				t.Errorf("got workers=%d profile=%s school=%s", cfg.Workers, cfg.Profile, cfg.School)
			}
			if len(cfg.Rosters) != 2 {
				t.Errorf("rosters from file: %v", cfg.Rosters)
			}
		})
	}
}

func TestDefaultsWithoutFile(t *testing.T) {
	cfg, _, err := Load(filepath.Join(t.TempDir(), "absent.yaml"), false, flags(t))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Profile != "mobywatel" || cfg.CodeLifetimeDays != 30 || cfg.Workers < 1 || cfg.SlipsPerPage != 4 {
		t.Errorf("defaults: %+v", cfg)
	}
}

func TestInvalid(t *testing.T) {
	cases := map[string]string{
		"missing explicit file": "",
		"bad yaml":              "workers: [\n",
		"negative lifetime":     "code_lifetime_days: -1\n",
		"three slips":           "slips_per_page: 3\n",
		"school with slash":     "school: ../x\n",
		"workers not a number":  "workers: many\n",
		"negative workers":      "workers: -3\n",
		"hidden school":         "school: .x\n",
	}
	for name, text := range cases {
		t.Run(name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "absent.yaml")
			if text != "" {
				file = writeConfig(t, text)
			}
			_, _, err := Load(file, true, flags(t))
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("err = %v, want ErrInvalid", err)
			}
		})
	}
}
