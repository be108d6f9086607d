// Package config is mlegit's configuration: what config.yaml holds, the
// built-in defaults, and how flags and MLEGIT_* environment variables
// override them (flags > environment > config file > defaults).
package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"strings"

	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)

// Config is the whole configuration. Keys are the mapstructure tags; the
// same names (with '-' for '_') are the command-line flags, and MLEGIT_
// plus the upper-cased key is the environment variable.
type Config struct {
	School        string   `mapstructure:"school"`
	SchoolName    string   `mapstructure:"school_name"`
	Out           string   `mapstructure:"out"`
	Rosters       []string `mapstructure:"roster"`
	Photos        string   `mapstructure:"photos"`
	AsOf          string   `mapstructure:"as_of"`
	Profile       string   `mapstructure:"profile"`
	Workers       int      `mapstructure:"workers"`
	MaxMegapixels int      `mapstructure:"max_megapixels"`

	// Columns adds roster header names per logical field
	// (surname, first_name, second_name, birth_date, pesel, class,
	// card_number, card_issued, card_valid, disability).
	Columns map[string][]string `mapstructure:"columns"`

	CodeLifetimeDays   int    `mapstructure:"code_lifetime_days"`
	CodesDueDays       int    `mapstructure:"codes_due_days"`
	ActivationDays     int    `mapstructure:"activation_days"`
	PhotoRetentionDays int    `mapstructure:"photo_retention_days"`
	StateDir           string `mapstructure:"state_dir"`
	SlipsPerPage       int    `mapstructure:"slips_per_page"`

	// MaxInvalidations is the mass-invalidation guard: "N" or "P%" of the
	// cards in flight (never below 5 for a percentage); a night that
	// would invalidate more is held (exit code 6).
	MaxInvalidations string `mapstructure:"max_invalidations"`
	// ReissueOnNewPhoto: a new photo for an issued card reissues it at
	// once; false: a warning until mlegit reissue.
	ReissueOnNewPhoto bool `mapstructure:"reissue_on_new_photo"`
}

// Defaults are the values used when nothing else sets a key.
var Defaults = map[string]any{
	"school":               "szkola",
	"school_name":          "",
	"out":                  "out",
	"profile":              "mobywatel",
	"workers":              0, // 0: number of CPUs
	"max_megapixels":       50,
	"code_lifetime_days":   30,
	"codes_due_days":       14,
	"activation_days":      30,
	"photo_retention_days": 30,
	"state_dir":            "", // "": OUT/state
	"slips_per_page":       4,
	"max_invalidations":    "10%",
	"reissue_on_new_photo": false,
}

// ErrInvalid marks a configuration that cannot be used; main maps it to
// the usage exit code.
var ErrInvalid = errors.New("invalid configuration")

// Load reads the configuration. file is the configuration file (see
// Locate; "" for none); when explicit is false a missing file is not an
// error (the defaults apply). flags are the command's flags: those the
// user set override everything else.
//
// The file may be saved as UTF-8 (with or without a byte-order mark),
// UTF-16 or Windows-1250 (Notepad's "ANSI" on a Polish Windows): it is
// decoded as rosters are. Relative paths in it (out, roster, photos,
// state_dir) are relative to the file's folder, not to wherever the
// command was started.
func Load(file string, explicit bool, flags *pflag.FlagSet) (*Config, *viper.Viper, error) {
	v := viper.New()
	for k, d := range Defaults {
		v.SetDefault(k, d)
	}
	v.SetEnvPrefix("MLEGIT")
	v.SetEnvKeyReplacer(strings.NewReplacer("-", "_"))
	v.AutomaticEnv()
	if file != "" {
		settings, err := readFile(file)
		if errors.Is(err, fs.ErrNotExist) && !explicit {
			settings = nil
		} else if err != nil {
			return nil, nil, fmt.Errorf("%w: reading %s: %w", ErrInvalid, file, err)
		}
		if err := v.MergeConfigMap(settings); err != nil {
			return nil, nil, fmt.Errorf("%w: reading %s: %w", ErrInvalid, file, err)
		}
	}
	if flags != nil {
		var bindErr error
		flags.VisitAll(func(f *pflag.Flag) {
			key := strings.ReplaceAll(f.Name, "-", "_")
			if _, known := Defaults[key]; known || isListKey(key) {
				if err := v.BindPFlag(key, f); err != nil && bindErr == nil {
					bindErr = err
				}
			}
		})
		if bindErr != nil {
			return nil, nil, fmt.Errorf("binding flags: %w", bindErr)
		}
	}
	var c Config
	if err := v.Unmarshal(&c); err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if err := c.check(); err != nil {
		return nil, nil, err
	}
	if err := c.checkFolders(windowsDir()); err != nil {
		return nil, nil, err
	}
	if c.Workers == 0 {
		c.Workers = runtime.NumCPU()
	}
	return &c, v, nil
}

func isListKey(k string) bool { return k == "roster" || k == "photos" || k == "as_of" }

func (c *Config) check() error {
	var bad []string
	if c.MaxMegapixels <= 0 {
		bad = append(bad, "max_megapixels must be positive")
	}
	for k, n := range map[string]int{
		"code_lifetime_days": c.CodeLifetimeDays, "codes_due_days": c.CodesDueDays,
		"activation_days": c.ActivationDays, "photo_retention_days": c.PhotoRetentionDays,
	} {
		if n <= 0 {
			bad = append(bad, k+" must be positive")
		}
	}
	if c.SlipsPerPage != 2 && c.SlipsPerPage != 4 {
		bad = append(bad, "slips_per_page must be 2 or 4")
	}
	if err := CheckSchoolID(c.School); err != nil {
		bad = append(bad, err.Error())
	}
	if c.Workers < 0 {
		bad = append(bad, "workers must not be negative (0: number of CPUs)")
	}
	if len(bad) > 0 {
		return fmt.Errorf("%w: %s", ErrInvalid, strings.Join(bad, "; "))
	}
	return nil
}

// CheckSchoolID refuses a school identifier that could not be a plain file
// name (it names output files, the state store and the lock).
func CheckSchoolID(id string) error {
	if id == "" || strings.HasPrefix(id, ".") || strings.ContainsAny(id, `/\:*?"<>|`) || strings.Contains(id, "..") {
		return fmt.Errorf("school %q must be usable as a file name", id)
	}
	return nil
}

// Exists reports whether path names an existing file.
func Exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
