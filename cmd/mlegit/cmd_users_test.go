package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlegit/mlegit/web"
)

// users runs mlegit users ARGS with stdin as the typed password.
func users(t *testing.T, stdin string, args ...string) (int, string) {
	t.Helper()
	var out bytes.Buffer
	g := &globalOptions{configFile: filepath.Join(samples, "..", "config.yaml"), stdout: &out, stderr: io.Discard,
		log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	cmd := newUsersCommand(g)
	cmd.SetArgs(args)
	cmd.SetIn(strings.NewReader(stdin))
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	return exitCode(cmd.ExecuteContext(context.Background())), out.String()
}

func TestUsersCommand(t *testing.T) {
	out := t.TempDir()
	if code, _ := users(t, "krotkie\n", "add", "ania", "--out", out); code != exitUsage {
		t.Errorf("short password: exit %d, want %d", code, exitUsage)
	}
	if code, _ := users(t, "dobre-haslo-123\n", "add", "ania", "--out", out); code != exitOK {
		t.Fatalf("add: exit %d", code)
	}
	path := web.UsersPath(filepath.Join(out, "state"))
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("users file: %v, mode %v", err, fi.Mode().Perm())
	}
	if code, _ := users(t, "inne-haslo-456\n", "add", "ania", "--out", out); code != exitUsage {
		t.Errorf("adding ania again: exit %d, want %d", code, exitUsage)
	}
	if code, _ := users(t, "nowe-haslo-789\n", "passwd", "ania", "--out", out); code != exitOK {
		t.Errorf("passwd: exit %d", code)
	}
	u, err := web.LoadUsers(path)
	if err != nil || !u.Check("ania", "nowe-haslo-789") || u.Check("ania", "dobre-haslo-123") {
		t.Errorf("after passwd the new password must work and the old not (%v)", err)
	}
	if code, list := users(t, "", "list", "--out", out); code != exitOK || strings.TrimSpace(list) != "ania" {
		t.Errorf("list: exit %d, %q", code, list)
	}
	if code, _ := users(t, "", "remove", "ania", "--out", out); code != exitOK {
		t.Errorf("remove: exit %d", code)
	}
	if code, _ := users(t, "", "remove", "ania", "--out", out); code != exitUsage {
		t.Errorf("removing an unknown user: exit %d, want %d", code, exitUsage)
	}
}
