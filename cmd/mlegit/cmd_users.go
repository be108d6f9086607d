package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/mlegit/mlegit/web"
)

const usersLong = `Manage who may log in to the web page (mlegit serve). Users are kept in
STATE_DIR/web-users.json (0600; default OUT/state) with a bcrypt hash of the
password, never the password itself. With at least one user, every page
needs a login; serve on any address but 127.0.0.1 needs one.

The password is asked for twice on a terminal; otherwise the first line of
standard input is the password (for scripts). At least 10 characters.

Exit codes: 0 done, 2 usage error (bad name, short password, user exists
or unknown), 1 fatal.`

func newUsersCommand(g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "users",
		Short: "Manage the web page's users (add, passwd, remove, list)",
		Long:  usersLong,
		Args:  cobra.NoArgs,
	}
	add := func(f *pflag.FlagSet) {
		f.String("out", "out", "output folder")
		f.String("state-dir", "", "folder of the per-school state stores (default OUT/state)")
	}
	for _, sub := range []*cobra.Command{
		{Use: "add NAME", Short: "Add a user (asks for the password)", Args: cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error { return runUsersSet(g, cmd, args[0], false) }},
		{Use: "passwd NAME", Short: "Set a user's new password", Args: cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error { return runUsersSet(g, cmd, args[0], true) }},
		{Use: "remove NAME", Short: "Remove a user", Args: cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error { return runUsersRemove(g, cmd, args[0]) }},
		{Use: "list", Short: "List the users", Args: cobra.NoArgs,
			RunE: func(cmd *cobra.Command, args []string) error { return runUsersList(g, cmd) }},
	} {
		add(sub.Flags())
		cmd.AddCommand(sub)
	}
	return cmd
}

// usersFile loads the users file of the configured state folder.
func usersFile(g *globalOptions, cmd *cobra.Command) (*web.Users, string, error) {
	cfg, _, err := g.loadConfig(cmd.Flags())
	if err != nil {
		return nil, "", err
	}
	path := web.UsersPath(stateDir(cfg, cfg.Out))
	u, err := web.LoadUsers(path)
	return u, path, err
}

func runUsersSet(g *globalOptions, cmd *cobra.Command, name string, replace bool) error {
	users, path, err := usersFile(g, cmd)
	if err != nil {
		return err
	}
	if !replace {
		for _, u := range users.Users {
			if u.Name == name {
				return usageErrorf("user %q exists; change the password with: mlegit users passwd %s", name, name)
			}
		}
	} else if !hasUser(users, name) {
		return usageErrorf("no user %q", name)
	}
	password, err := readPassword(cmd.InOrStdin(), g.stderr)
	if err != nil {
		return err
	}
	switch err := users.Add(name, password, replace); {
	case errors.Is(err, web.ErrBadUserName), errors.Is(err, web.ErrShortPassword), errors.Is(err, web.ErrUserExists):
		return &exitError{code: exitUsage, err: err}
	case err != nil:
		return err
	}
	if err := users.Save(path); err != nil {
		return err
	}
	fmt.Fprintf(g.stdout, "user %s saved in %s\n", name, path)
	return nil
}

func hasUser(u *web.Users, name string) bool {
	for _, x := range u.Users {
		if x.Name == name {
			return true
		}
	}
	return false
}

// readPassword asks twice on a terminal, else reads one line of in.
func readPassword(in io.Reader, prompt io.Writer) (string, error) {
	if f, ok := in.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(prompt, "password: ")
		p1, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(prompt)
		if err != nil {
			return "", fmt.Errorf("reading the password: %w", err)
		}
		fmt.Fprint(prompt, "again: ")
		p2, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(prompt)
		if err != nil {
			return "", fmt.Errorf("reading the password: %w", err)
		}
		if string(p1) != string(p2) {
			return "", usageErrorf("the passwords differ")
		}
		return string(p1), nil
	}
	line, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("reading the password: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func runUsersRemove(g *globalOptions, cmd *cobra.Command, name string) error {
	users, path, err := usersFile(g, cmd)
	if err != nil {
		return err
	}
	if !users.Remove(name) {
		return usageErrorf("no user %q", name)
	}
	if err := users.Save(path); err != nil {
		return err
	}
	fmt.Fprintf(g.stdout, "user %s removed\n", name)
	return nil
}

func runUsersList(g *globalOptions, cmd *cobra.Command) error {
	users, _, err := usersFile(g, cmd)
	if err != nil {
		return err
	}
	for _, u := range users.Users {
		fmt.Fprintln(g.stdout, u.Name)
	}
	return nil
}
