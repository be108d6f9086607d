package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

func writeAt(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// userConfigHome points os.UserConfigDir at a fresh folder and returns it.
func userConfigHome(t *testing.T) string {
	t.Helper()
	home := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", home) // Linux
	t.Setenv("AppData", home)         // Windows
	t.Setenv("HOME", home)            // macOS: ~/Library/Application Support
	dir, err := os.UserConfigDir()
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// Locate's order: --config, MLEGIT_CONFIG, the current folder, beside the
// executable, the user's config folder; none found is no file at all.
func TestLocate(t *testing.T) {
	t.Chdir(t.TempDir())
	t.Setenv(EnvFile, "")
	userDir := userConfigHome(t)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	beside := filepath.Join(filepath.Dir(exe), FileName)
	if _, err := os.Stat(beside); err == nil {
		t.Skipf("%s exists; not touching it", beside)
	}
	check := func(flag, wantPath string, wantExplicit bool) {
		t.Helper()
		got, explicit := Locate(flag)
		if got != wantPath || explicit != wantExplicit {
			t.Errorf("Locate(%q) = %q, %v; want %q, %v", flag, got, explicit, wantPath, wantExplicit)
		}
	}
	check("", "", false)
	user := filepath.Join(userDir, "mlegit", FileName)
	writeAt(t, user, []byte("school: z-profilu\n"))
	check("", user, false)
	writeAt(t, beside, []byte("school: obok-programu\n"))
	defer os.Remove(beside)
	check("", beside, false)
	writeAt(t, FileName, []byte("school: z-folderu\n"))
	check("", FileName, false)
	t.Setenv(EnvFile, filepath.Join("gdzies", "mlegit.yaml"))
	check("", filepath.Join("gdzies", "mlegit.yaml"), true)
	check("inny.yaml", "inny.yaml", true)
}

// A config saved by Notepad as ANSI (Windows-1250) or "Unicode" (UTF-16
// with a byte-order mark), or as UTF-8 with a mark, reads the same.
func TestLoadEncodings(t *testing.T) {
	const text = "school: sp7\nschool_name: \"Szkoła Podstawowa nr 7 w Łodzi — Źródła\"\n"
	want := "Szkoła Podstawowa nr 7 w Łodzi — Źródła"
	cp1250, err := charmap.Windows1250.NewEncoder().Bytes([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	utf16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"utf-8": []byte(text), "utf-8 with BOM": append([]byte("\uFEFF"), text...),
		"cp1250": cp1250, "utf-16le": utf16,
	} {
		t.Run(name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), FileName)
			writeAt(t, file, data)
			cfg, _, err := Load(file, true, flags(t))
			if err != nil {
				t.Fatal(err)
			}
			if cfg.SchoolName != want || cfg.School != "sp7" {
				t.Errorf("school %q name %q", cfg.School, cfg.SchoolName)
			}
		})
	}
}

// Relative paths in the file are relative to the file's folder; on the
// command line they stay relative to the current folder.
func TestLoadPathsRelativeToFile(t *testing.T) {
	dir := t.TempDir()
	abs := filepath.Join(t.TempDir(), "zdjecia")
	file := filepath.Join(dir, "conf", FileName)
	writeAt(t, file, []byte("out: wyniki\nroster: [uczniowie.csv, ../inne/b.xlsx]\nphotos: '"+abs+"'\nstate_dir: stan\n"))
	t.Chdir(t.TempDir())
	cfg, _, err := Load(file, true, flags(t))
	if err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(dir, "conf")
	want := []string{filepath.Join(conf, "uczniowie.csv"), filepath.Join(dir, "inne", "b.xlsx")}
	if cfg.Out != filepath.Join(conf, "wyniki") || cfg.StateDir != filepath.Join(conf, "stan") || cfg.Photos != abs ||
		len(cfg.Rosters) != 2 || cfg.Rosters[0] != want[0] || cfg.Rosters[1] != want[1] {
		t.Errorf("out %q state %q photos %q rosters %q", cfg.Out, cfg.StateDir, cfg.Photos, cfg.Rosters)
	}
	cfg, _, err = Load(file, true, flags(t, "--roster", "z-linii.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Rosters) != 1 || cfg.Rosters[0] != "z-linii.csv" {
		t.Errorf("flag roster %q, want it as given", cfg.Rosters)
	}
}

// "C:\Users\..." in double quotes is a YAML escape error: the message says
// what to write instead.
func TestLoadWindowsPathHint(t *testing.T) {
	file := filepath.Join(t.TempDir(), FileName)
	writeAt(t, file, []byte("roster: \"C:\\Users\\sekretariat\\uczniowie.csv\"\n"))
	_, _, err := Load(file, true, flags(t))
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "single quotes") || !strings.Contains(err.Error(), "C:/Users") {
		t.Errorf("err = %v, want ErrInvalid with the single-quote hint", err)
	}
	writeAt(t, file, []byte("roster: 'C:\\Users\\sekretariat\\uczniowie.csv'\n"))
	cfg, _, err := Load(file, true, flags(t))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(cfg.Rosters[0], `C:\Users\sekretariat\uczniowie.csv`) {
		t.Errorf("roster %q", cfg.Rosters)
	}
	writeAt(t, file, []byte("workers: [\n"))
	if _, _, err := Load(file, true, flags(t)); err == nil || strings.Contains(err.Error(), "single quotes") {
		t.Errorf("err = %v: a YAML error without a Windows path gets no hint", err)
	}
}

func TestCheckFolders(t *testing.T) {
	win := filepath.Join(t.TempDir(), "Windows")
	for _, c := range []struct {
		out, state string
		refused    bool
	}{
		{filepath.Join(win, "System32", "out"), "", true},
		{filepath.Join(strings.ToLower(win), "system32", "out"), "", true},
		{filepath.Join(win+"Apps", "out"), "", false},
		{filepath.Join(filepath.Dir(win), "mlegit", "out"), filepath.Join(win, "state"), true},
		{filepath.Join(filepath.Dir(win), "mlegit", "out"), "", false},
	} {
		err := (&Config{Out: c.out, StateDir: c.state}).checkFolders(win)
		if refused := errors.Is(err, ErrInvalid); refused != c.refused {
			t.Errorf("out %s state %s: err %v, want refused %v", c.out, c.state, err, c.refused)
		}
	}
	if err := (&Config{Out: filepath.Join(win, "out")}).checkFolders(""); err != nil {
		t.Errorf("no Windows folder, yet refused: %v", err)
	}
}
