package config

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/spf13/viper"

	"github.com/mlegit/mlegit/charset"
)

// pathKeys are the settings that name files or folders.
var pathKeys = []string{"out", "roster", "photos", "state_dir"}

// readFile reads a configuration file in any of the encodings Notepad
// saves, and makes its relative paths relative to the file's folder.
func readFile(file string) (map[string]any, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	text, err := charset.Decode(data)
	if err != nil {
		return nil, err
	}
	fv := viper.New()
	typ := strings.TrimPrefix(filepath.Ext(file), ".")
	if typ == "" || typ == "yml" {
		typ = "yaml"
	}
	fv.SetConfigType(typ)
	if err := fv.ReadConfig(strings.NewReader(text)); err != nil {
		return nil, fmt.Errorf("%w%s", err, windowsPathHint(text))
	}
	settings := fv.AllSettings()
	dir, err := filepath.Abs(filepath.Dir(file))
	if err != nil {
		return nil, err
	}
	for _, k := range pathKeys {
		switch val := settings[k].(type) {
		case string:
			settings[k] = relativeTo(dir, val)
		case []any:
			for i, e := range val {
				if s, ok := e.(string); ok {
					val[i] = relativeTo(dir, s)
				}
			}
		}
	}
	return settings, nil
}

// relativeTo resolves a relative path p against dir; "" stays "".
func relativeTo(dir, p string) string {
	if p == "" || filepath.IsAbs(p) || filepath.VolumeName(p) != "" || strings.HasPrefix(p, `\`) {
		return p
	}
	return filepath.Join(dir, p)
}

// quotedBackslash finds a double-quoted YAML string holding a backslash:
// "C:\Users\..." is read with \U as an escape and fails.
var quotedBackslash = regexp.MustCompile(`"[^"\n]*\\[^"\n]*"`)

// windowsPathHint explains the usual cause of a YAML error in a config
// written on Windows.
func windowsPathHint(text string) string {
	if !quotedBackslash.MatchString(text) {
		return ""
	}
	return `; a Windows path in double quotes reads \ as an escape: write it in single quotes ('C:\Users\sekretariat\uczniowie.csv') or with / (C:/Users/sekretariat/uczniowie.csv)`
}

// checkFolders refuses output and state folders inside the Windows folder
// (windir; "" off Windows): that is where a command the Task Scheduler
// started without "Start in" would put a relative "out".
func (c *Config) checkFolders(windir string) error {
	if windir == "" {
		return nil
	}
	for key, p := range map[string]string{"out": c.Out, "state_dir": c.StateDir} {
		if p == "" {
			continue
		}
		abs, err := filepath.Abs(p)
		if err != nil {
			return fmt.Errorf("%w: %s %q: %v", ErrInvalid, key, p, err)
		}
		if within(abs, windir) {
			return fmt.Errorf("%w: %s %s is inside the Windows folder %s — started by the Task Scheduler without \"Start in\"? "+
				"Set %s in config.yaml to a full path (or the task's \"Start in\" folder)", ErrInvalid, key, abs, windir, key)
		}
	}
	return nil
}

// within reports whether path is dir or inside it, ignoring case as
// Windows does.
func within(path, dir string) bool {
	path, dir = strings.ToUpper(filepath.Clean(path)), strings.ToUpper(filepath.Clean(dir))
	sep := string(filepath.Separator)
	return path == dir || strings.HasPrefix(path, strings.TrimSuffix(dir, sep)+sep)
}
