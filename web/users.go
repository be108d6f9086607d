package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/crypto/bcrypt"

	"github.com/mlegit/mlegit/safefile"
)

// UsersFile is the name of the users file in the state folder.
const UsersFile = "web-users.json"

// Users are the people who may log in, kept in <state dir>/web-users.json
// (0600): a name and a bcrypt hash of the password per user. bcrypt (from
// golang.org/x/crypto) salts each hash and is slow on purpose.
type Users struct {
	Users []User `json:"users"`
}

// User is one login.
type User struct {
	Name string `json:"name"`
	Hash string `json:"hash"` // bcrypt
}

// ErrUserExists is returned by Add for a name already taken.
var ErrUserExists = errors.New("web: user already exists")

// ErrBadUserName is returned for a name that cannot be a login.
var ErrBadUserName = errors.New("web: a user name is 1-40 letters, digits, '.', '-' or '_'")

// ErrShortPassword is returned for a password shorter than MinPassword.
var ErrShortPassword = fmt.Errorf("web: a password has at least %d characters", MinPassword)

// MinPassword is the shortest password Add accepts.
const MinPassword = 10

// UsersPath returns the users file of a state folder.
func UsersPath(stateDir string) string { return filepath.Join(stateDir, UsersFile) }

// LoadUsers reads the users file; a missing file has no users.
func LoadUsers(path string) (*Users, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &Users{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading users: %w", err)
	}
	var u Users
	if err := json.Unmarshal(b, &u); err != nil {
		return nil, fmt.Errorf("reading users %s: %w", path, err)
	}
	return &u, nil
}

// Save writes the users file atomically, 0600.
func (u *Users) Save(path string) error {
	b, err := json.MarshalIndent(u, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding users: %w", err)
	}
	if err := safefile.MkdirAll(filepath.Dir(path)); err != nil {
		return err
	}
	return safefile.WriteFile(path, append(b, '\n'))
}

func validName(name string) bool {
	if name == "" || len(name) > 40 {
		return false
	}
	for _, r := range name {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune(".-_", r)) {
			return false
		}
	}
	return true
}

// Add adds a user with a new password, or replaces the password of an
// existing one when replace is true.
func (u *Users) Add(name, password string, replace bool) error {
	if !validName(name) {
		return ErrBadUserName
	}
	if len([]rune(password)) < MinPassword {
		return ErrShortPassword
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return fmt.Errorf("hashing the password: %w", err)
	}
	i := slices.IndexFunc(u.Users, func(x User) bool { return x.Name == name })
	switch {
	case i >= 0 && !replace:
		return fmt.Errorf("%q: %w", name, ErrUserExists)
	case i >= 0:
		u.Users[i].Hash = string(hash)
	default:
		u.Users = append(u.Users, User{Name: name, Hash: string(hash)})
	}
	return nil
}

// Remove removes a user; it reports whether the user existed.
func (u *Users) Remove(name string) bool {
	n := len(u.Users)
	u.Users = slices.DeleteFunc(u.Users, func(x User) bool { return x.Name == name })
	return len(u.Users) < n
}

// dummyHash is compared against when the name is unknown, so that a wrong
// name takes as long as a wrong password.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("mlegit-no-such-user"), bcrypt.MinCost)

// Check reports whether name and password match a user.
func (u *Users) Check(name, password string) bool {
	hash := dummyHash
	found := false
	for _, x := range u.Users {
		if x.Name == name {
			hash, found = []byte(x.Hash), true
			break
		}
	}
	ok := bcrypt.CompareHashAndPassword(hash, []byte(password)) == nil
	return ok && found
}
