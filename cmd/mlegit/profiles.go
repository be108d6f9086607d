package main

import (
	"github.com/spf13/viper"

	"github.com/mlegit/mlegit/config"
	"github.com/mlegit/mlegit/photos"
)

// allProfiles returns the built-in photo profiles with the config file's
// `profiles:` added (a user profile may replace a built-in one).
func allProfiles(v *viper.Viper) (map[string]photos.Profile, error) {
	all := photos.DefaultProfiles()
	var user map[string]photos.Profile
	if err := v.UnmarshalKey("profiles", &user); err != nil {
		return nil, usageErrorf("config profiles: %v", err)
	}
	for name, p := range user {
		p = p.WithDefaults()
		if err := p.Validate(); err != nil {
			return nil, usageErrorf("profile %q: %v", name, err)
		}
		all[name] = p
	}
	return all, nil
}

// lookupProfile returns the named profile or a usage error listing them.
func lookupProfile(v *viper.Viper, name string) (photos.Profile, error) {
	all, err := allProfiles(v)
	if err != nil {
		return photos.Profile{}, err
	}
	p, ok := all[name]
	if !ok {
		return photos.Profile{}, usageErrorf("unknown profile %q; see mlegit profiles", name)
	}
	return p, nil
}

// photoConfig is the photo stage's setting from the configuration.
func photoConfig(cfg *config.Config, dir string, p photos.Profile) photos.Config {
	return photos.Config{
		Dir:     dir,
		Profile: p,
		Workers: cfg.Workers,
		Options: &photos.Options{MaxPixels: int64(cfg.MaxMegapixels) * 1_000_000},
	}
}
