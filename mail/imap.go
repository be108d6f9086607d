package mail

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"time"

	"github.com/emersion/go-imap"
	"github.com/emersion/go-imap/client"
)

// Config is the mailbox to fetch from: the `mail:` section of config.yaml.
// The password is read from PasswordFile or the PasswordEnv variable, never
// from the command line, and is never logged.
type Config struct {
	Server string `mapstructure:"server"` // host:port, e.g. imap.gmail.com:993
	// TLS is "implicit" (TLS from the first byte, port 993; the default)
	// or "starttls" (plain connection upgraded before login, port 143).
	// There is no unencrypted mode.
	TLS          string `mapstructure:"tls"`
	User         string `mapstructure:"user"`
	Folder       string `mapstructure:"folder"` // default INBOX
	PasswordFile string `mapstructure:"password_file"`
	PasswordEnv  string `mapstructure:"password_env"`
	// TokenFile holds an OAuth 2.0 access token; when set, login is SASL
	// XOAUTH2 with it instead of a password (providers that allow only
	// OAuth). Whatever renews the token rewrites the file.
	TokenFile string `mapstructure:"token_file"`
	// CAFile: PEM certificates trusted besides the system's (a school's
	// own CA, a self-signed server).
	CAFile string `mapstructure:"ca_file"`
	// After says what happens to a message whose photos were all
	// assigned: "" leaves it, "flag" marks it \Flagged, "move" moves it
	// to MoveTo (copies it there and flags it when the server cannot
	// move). Mail is never deleted.
	After  string `mapstructure:"after"`
	MoveTo string `mapstructure:"move_to"`
	// Timeout bounds connecting and each command (default 60 s).
	Timeout time.Duration `mapstructure:"timeout"`
}

func (c Config) folder() string {
	if c.Folder == "" {
		return "INBOX"
	}
	return c.Folder
}

// Check reports the first setting that cannot work.
func (c Config) Check() error {
	switch {
	case c.Server == "":
		return errors.New("mail server not set (mail.server or --server, host:port)")
	case c.User == "":
		return errors.New("mail user not set (mail.user or --user)")
	case c.TLS != "" && c.TLS != "implicit" && c.TLS != "starttls":
		return fmt.Errorf("mail.tls %q: want implicit or starttls", c.TLS)
	case c.After != "" && c.After != "flag" && c.After != "move":
		return fmt.Errorf("mail.after %q: want flag or move (or nothing)", c.After)
	case c.After == "move" && c.MoveTo == "":
		return errors.New("mail.after is move but mail.move_to is not set")
	case c.TokenFile == "" && c.PasswordFile == "" && c.PasswordEnv == "":
		return errors.New("no mail password: set mail.password_file (or --password-file), mail.password_env, or mail.token_file for XOAUTH2")
	}
	if _, _, err := net.SplitHostPort(c.Server); err != nil {
		return fmt.Errorf("mail server %q: want host:port", c.Server)
	}
	return nil
}

// secret reads the password or token: the file's first line, or the
// environment variable.
func (c Config) secret() (string, error) {
	path := c.PasswordFile
	if c.TokenFile != "" {
		path = c.TokenFile
	}
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return "", fmt.Errorf("reading the mail password file: %w", err)
		}
		s, _, _ := strings.Cut(string(b), "\n")
		s = strings.TrimRight(s, "\r")
		if s == "" {
			return "", fmt.Errorf("mail password file %s is empty", path)
		}
		return s, nil
	}
	s := os.Getenv(c.PasswordEnv)
	if s == "" {
		return "", fmt.Errorf("environment variable %s (mail.password_env) is empty", c.PasswordEnv)
	}
	return s, nil
}

func (c Config) tlsConfig() (*tls.Config, error) {
	host, _, _ := net.SplitHostPort(c.Server)
	tc := &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	if c.CAFile != "" {
		pem, err := os.ReadFile(c.CAFile)
		if err != nil {
			return nil, fmt.Errorf("reading --ca-file: %w", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("--ca-file %s holds no PEM certificate", c.CAFile)
		}
		tc.RootCAs = pool
	}
	return tc, nil
}

// xoauth2 is the SASL XOAUTH2 mechanism (Google, Microsoft): one initial
// response carrying the user and the bearer token.
type xoauth2 struct{ user, token string }

func (x xoauth2) Start() (string, []byte, error) {
	return "XOAUTH2", []byte("user=" + x.user + "\x01auth=Bearer " + x.token + "\x01\x01"), nil
}

// Next answers the server's error challenge (a JSON status) with an empty
// response, after which the server fails the command.
func (x xoauth2) Next([]byte) ([]byte, error) { return []byte{}, nil }

// Dial connects and logs in: implicit TLS or STARTTLS, the server's
// certificate verified (system roots plus CAFile).
func Dial(ctx context.Context, c Config) (*client.Client, error) {
	if err := c.Check(); err != nil {
		return nil, err
	}
	tc, err := c.tlsConfig()
	if err != nil {
		return nil, err
	}
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = 60 * time.Second
	}
	dialer := &net.Dialer{Timeout: timeout}
	var cl *client.Client
	if c.TLS == "starttls" {
		cl, err = client.DialWithDialer(dialer, c.Server)
	} else {
		cl, err = client.DialWithDialerTLS(dialer, c.Server, tc)
	}
	if err != nil {
		return nil, fmt.Errorf("connecting to %s: %w", c.Server, err)
	}
	cl.Timeout = timeout
	stop := context.AfterFunc(ctx, func() { cl.Terminate() })
	ok := false
	defer func() {
		stop()
		if !ok {
			cl.Logout()
		}
	}()
	if c.TLS == "starttls" {
		if err := cl.StartTLS(tc); err != nil {
			return nil, fmt.Errorf("STARTTLS with %s: %w", c.Server, err)
		}
	}
	secret, err := c.secret()
	if err != nil {
		return nil, err
	}
	if c.TokenFile != "" {
		err = cl.Authenticate(xoauth2{user: c.User, token: secret})
	} else {
		err = cl.Login(c.User, secret)
	}
	if err != nil {
		// The server's words only: never the password.
		return nil, fmt.Errorf("logging in to %s as %s: %w", c.Server, c.User, err)
	}
	ok = true
	return cl, nil
}

// Fetch reads the messages of the configured folder not read to the end
// before (skip reports those, by Message.ID: the Message-ID or, without
// one, the identity of the header fields its sender wrote) and calls fn with each, one
// message in memory at a time (BODY.PEEK[]: the \Seen flag is left as it
// was). A message over lim.MaxMessageBytes is passed as TooLarge without
// being downloaded. When fn reports it done (true) and Config.After asks
// for it, the message is flagged or moved. Mail is never deleted.
func Fetch(ctx context.Context, c Config, lim *Limits, skip func(id string) (bool, error),
	fn func(Raw) (done bool, err error)) (err error) {
	l := lim.withDefaults()
	cl, err := Dial(ctx, c)
	if err != nil {
		return err
	}
	stop := context.AfterFunc(ctx, func() { cl.Terminate() })
	defer func() {
		stop()
		if lerr := cl.Logout(); lerr != nil && err == nil && ctx.Err() == nil && !errors.Is(lerr, client.ErrAlreadyLoggedOut) {
			err = fmt.Errorf("logging out: %w", lerr)
		}
		if err != nil && ctx.Err() != nil {
			err = ctx.Err()
		}
	}()
	if _, err := cl.Select(c.folder(), c.After == ""); err != nil {
		return fmt.Errorf("opening folder %s: %w", c.folder(), err)
	}
	uids, err := cl.UidSearch(imap.NewSearchCriteria())
	if err != nil {
		return fmt.Errorf("listing folder %s: %w", c.folder(), err)
	}
	if len(uids) == 0 {
		return nil
	}
	// Headers first (small): which messages are new, and how big. A
	// message is known by its identity (messageIdentity: the Message-ID,
	// else the fields its sender wrote), worked out exactly as Walk does
	// so that what a fetch or import recorded is recognised here.
	type head struct {
		uid      uint32
		size     uint32
		received time.Time
	}
	var todo []head
	all := new(imap.SeqSet)
	all.AddNum(uids...)
	idSection := &imap.BodySectionName{Peek: true,
		BodyPartName: imap.BodyPartName{Specifier: imap.HeaderSpecifier, Fields: identityFetchFields()}}
	ch := make(chan *imap.Message, 16)
	errc := make(chan error, 1)
	go func() {
		errc <- cl.UidFetch(all, []imap.FetchItem{imap.FetchUid, idSection.FetchItem(), imap.FetchRFC822Size, imap.FetchInternalDate}, ch)
	}()
	var skipErr error
	for m := range ch {
		if skipErr != nil {
			continue
		}
		if id := fetchedIdentity(m, idSection); id != "" {
			done, err := skip(id)
			if err != nil {
				skipErr = err
				continue
			}
			if done {
				continue
			}
		}
		todo = append(todo, head{uid: m.Uid, size: m.Size, received: m.InternalDate})
	}
	if err := <-errc; err != nil {
		return fmt.Errorf("reading message headers: %w", err)
	}
	if skipErr != nil {
		return skipErr
	}

	section := &imap.BodySectionName{Peek: true}
	var finished []uint32
	for _, h := range todo {
		if err := ctx.Err(); err != nil {
			return err
		}
		var done bool
		if int64(h.size) > l.MaxMessageBytes {
			if _, err := fn(Raw{TooLarge: true, Received: h.received, Where: fmt.Sprintf("%s UID %d", c.folder(), h.uid)}); err != nil {
				return err
			}
			continue
		}
		raw, err := fetchOne(cl, h.uid, section, l.MaxMessageBytes)
		if err != nil {
			return err
		}
		done, err = fn(Raw{Data: raw, Received: h.received, Where: fmt.Sprintf("%s UID %d", c.folder(), h.uid)})
		if err != nil {
			return err
		}
		if done {
			finished = append(finished, h.uid)
		}
	}
	return after(cl, c, finished)
}

// fetchedIdentity is the identity of a message from its fetched identity
// fields ("" when the server sent none). A server may name the section
// differently from the request (field order, case): there is only one.
func fetchedIdentity(m *imap.Message, section *imap.BodySectionName) string {
	body := m.GetBody(section)
	if body == nil {
		for _, b := range m.Body {
			body = b
		}
	}
	if body == nil {
		return ""
	}
	raw, err := io.ReadAll(body)
	if err != nil {
		return ""
	}
	return headerIdentity(raw)
}

// fetchOne downloads one message's BODY.PEEK[].
func fetchOne(cl *client.Client, uid uint32, section *imap.BodySectionName, max int64) ([]byte, error) {
	set := new(imap.SeqSet)
	set.AddNum(uid)
	ch := make(chan *imap.Message, 1)
	errc := make(chan error, 1)
	go func() { errc <- cl.UidFetch(set, []imap.FetchItem{section.FetchItem()}, ch) }()
	var raw []byte
	var readErr error
	for m := range ch {
		body := m.GetBody(section)
		if body == nil || raw != nil {
			continue
		}
		// The client holds the literal in memory already: use it rather
		// than a second copy.
		if b, ok := body.(interface{ Bytes() []byte }); ok && int64(body.Len()) <= max {
			raw = b.Bytes()
			continue
		}
		raw, readErr = io.ReadAll(io.LimitReader(body, max+1))
	}
	if err := <-errc; err != nil {
		return nil, fmt.Errorf("fetching UID %d: %w", uid, err)
	}
	if readErr != nil {
		return nil, fmt.Errorf("reading UID %d: %w", uid, readErr)
	}
	return raw, nil
}

// after flags or moves the messages whose photos were all assigned.
func after(cl *client.Client, c Config, uids []uint32) error {
	if c.After == "" || len(uids) == 0 {
		return nil
	}
	set := new(imap.SeqSet)
	set.AddNum(uids...)
	flag := func() error {
		item := imap.FormatFlagsOp(imap.AddFlags, true)
		if err := cl.UidStore(set, item, []interface{}{imap.FlaggedFlag}, nil); err != nil {
			return fmt.Errorf("flagging messages: %w", err)
		}
		return nil
	}
	if c.After == "flag" {
		return flag()
	}
	if ok, _ := cl.Support("MOVE"); ok {
		// Some servers announce MOVE for folders that cannot: copy then.
		if err := cl.UidMove(set, c.MoveTo); err == nil {
			return nil
		}
	}
	if err := cl.UidCopy(set, c.MoveTo); err != nil {
		return fmt.Errorf("copying messages to %s: %w", c.MoveTo, err)
	}
	return flag()
}
