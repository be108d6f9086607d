package mail

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap"
	"github.com/emersion/go-imap/backend/memory"
	"github.com/emersion/go-imap/server"
	"github.com/emersion/go-sasl"
)

// selfSigned makes a certificate for 127.0.0.1 and localhost and writes it
// as a PEM CA file (for --ca-file).
func selfSigned(t testing.TB) (tls.Certificate, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: "mlegit test IMAP"},
		NotBefore:    time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:        true, BasicConstraintsValid: true,
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder})
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(ca, certPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "key.pem"), keyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	return cert, ca
}

// memServer starts go-imap's in-memory server on a loopback port, with
// implicit TLS or (starttls) STARTTLS, user "username", password
// "password", and the XOAUTH2 token "token-123".
func memServer(t *testing.T, starttls bool) (addr, caFile string) {
	t.Helper()
	cert, ca := selfSigned(t)
	be := memory.New()
	s := server.New(be)
	s.ErrorLog = nopLogger{}
	tc := &tls.Config{Certificates: []tls.Certificate{cert}}
	s.TLSConfig = tc
	s.EnableAuth("XOAUTH2", func(conn server.Conn) sasl.Server {
		return xoauth2Server(func(user, token string) error {
			if token != "token-123" {
				return errors.New("invalid token")
			}
			u, err := be.Login(conn.Info(), user, "password")
			if err != nil {
				return err
			}
			conn.Context().State = imap.AuthenticatedState
			conn.Context().User = u
			return nil
		})
	})
	var l net.Listener
	var err error
	if starttls {
		l, err = net.Listen("tcp", "127.0.0.1:0")
	} else {
		l, err = tls.Listen("tcp", "127.0.0.1:0", tc)
	}
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve(l)
	t.Cleanup(func() { s.Close() })
	return l.Addr().String(), ca
}

type nopLogger struct{}

func (nopLogger) Printf(string, ...interface{}) {}
func (nopLogger) Println(...interface{})        {}

// xoauth2Server checks an XOAUTH2 initial response.
type xoauth2Server func(user, token string) error

func (f xoauth2Server) Next(resp []byte) ([]byte, bool, error) {
	var user, token string
	for _, kv := range strings.Split(string(resp), "\x01") {
		if v, ok := strings.CutPrefix(kv, "user="); ok {
			user = v
		}
		if v, ok := strings.CutPrefix(kv, "auth=Bearer "); ok {
			token = v
		}
	}
	return nil, true, f(user, token)
}

func passwordFile(t *testing.T, pw string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "haslo")
	if err := os.WriteFile(p, []byte(pw+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// appendAll puts messages into a folder (creating it) as a mail client would.
func appendAll(t *testing.T, c Config, folder string, msgs ...[]byte) {
	t.Helper()
	cl, err := Dial(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Logout()
	if folder != "INBOX" {
		cl.Create(folder)
	}
	for i, m := range msgs {
		if err := cl.Append(folder, nil, day.Add(time.Duration(i)*time.Minute), bytes.NewReader(m)); err != nil {
			t.Fatal(err)
		}
	}
}

func TestFetchInMemoryServer(t *testing.T) {
	for _, mode := range []string{"implicit", "starttls"} {
		t.Run(mode, func(t *testing.T) {
			addr, ca := memServer(t, mode == "starttls")
			c := Config{Server: addr, TLS: mode, User: "username", PasswordFile: passwordFile(t, "password"),
				CAFile: ca, After: "move", MoveTo: "Zdjecia", Timeout: 10 * time.Second}
			jpg := photoJPEG(t, 400, 500, 1)
			appendAll(t, c, "Zdjecia")
			appendAll(t, c, "INBOX",
				msg("f1@x", "a@b.pl", "zdjęcie", day, multipart("mixed", textPart("x"),
					attachment("image/jpeg", "attachment; filename=\"Jan Kowalski 2a.jpg\"", jpg))),
				msg("f2@x", "c@d.pl", "=?UTF-8?Q?zdj=C4=99cie?=", day, multipart("mixed", textPart("x"),
					attachment("image/jpeg", "attachment; filename=IMG_1.jpg", photoJPEG(t, 400, 500, 2)))),
			)
			tk, _ := newTaker(t)
			var tally Tally
			if err := tk.FetchMailbox(context.Background(), c, &tally); err != nil {
				t.Fatal(err)
			}
			// INBOX also holds the memory backend's own greeting message.
			if tally.Messages != 3 || tally.Assigned != 1 || tally.Unassigned != 1 {
				t.Fatalf("tally %+v", tally)
			}
			if got, err := os.ReadFile(filepath.Join(tk.PhotoDir, "15211218425.jpg")); err != nil || !bytes.Equal(got, jpg) {
				t.Fatalf("photo: %v", err)
			}
			// Again: every message was read to the end, none is fetched.
			var again Tally
			if err := tk.FetchMailbox(context.Background(), c, &again); err != nil {
				t.Fatal(err)
			}
			if again.Messages != 0 {
				t.Errorf("second fetch read %d messages", again.Messages)
			}
			// The assigned message went to Zdjecia (copied and flagged: the
			// memory backend cannot move); nothing was deleted.
			cl, err := Dial(context.Background(), c)
			if err != nil {
				t.Fatal(err)
			}
			defer cl.Logout()
			st, err := cl.Select("Zdjecia", true)
			if err != nil || st.Messages != 1 {
				t.Fatalf("Zdjecia: %v, %+v", err, st)
			}
			st, err = cl.Select("INBOX", true)
			if err != nil || st.Messages != 3 {
				t.Fatalf("INBOX: %v, %+v", err, st)
			}
			crit := imap.NewSearchCriteria()
			crit.WithFlags = []string{imap.FlaggedFlag}
			flagged, err := cl.Search(crit)
			if err != nil || len(flagged) != 1 {
				t.Errorf("flagged %v, %v", flagged, err)
			}
		})
	}
}

func TestFetchTLSAndLogin(t *testing.T) {
	addr, ca := memServer(t, false)
	base := Config{Server: addr, User: "username", PasswordFile: passwordFile(t, "password"), Timeout: 5 * time.Second}
	ctx := context.Background()

	// Without the school's CA the self-signed certificate is refused.
	if _, err := Dial(ctx, base); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("untrusted certificate: err = %v", err)
	}
	withCA := base
	withCA.CAFile = ca
	cl, err := Dial(ctx, withCA)
	if err != nil {
		t.Fatal(err)
	}
	cl.Logout()

	// A wrong password fails without the password in the error.
	wrong := withCA
	wrong.PasswordFile = passwordFile(t, "Tajne-Haslo-42")
	if _, err := Dial(ctx, wrong); err == nil || strings.Contains(err.Error(), "Tajne-Haslo-42") {
		t.Errorf("wrong password: err = %v", err)
	}

	// XOAUTH2 with a token file.
	oauth := withCA
	oauth.PasswordFile, oauth.TokenFile = "", passwordFile(t, "token-123")
	cl, err = Dial(ctx, oauth)
	if err != nil {
		t.Fatalf("XOAUTH2: %v", err)
	}
	cl.Logout()
	oauth.TokenFile = passwordFile(t, "expired")
	if _, err := Dial(ctx, oauth); err == nil {
		t.Error("XOAUTH2 with a bad token logged in")
	}

	// Password from the environment.
	env := withCA
	env.PasswordFile, env.PasswordEnv = "", "MLEGIT_TEST_IMAP_PASSWORD"
	t.Setenv("MLEGIT_TEST_IMAP_PASSWORD", "password")
	cl, err = Dial(ctx, env)
	if err != nil {
		t.Fatalf("password_env: %v", err)
	}
	cl.Logout()
}

func TestConfigCheck(t *testing.T) {
	ok := Config{Server: "imap.gmail.com:993", User: "sekretariat@sp7.pl", PasswordFile: "/etc/mlegit/haslo"}
	if err := ok.Check(); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]Config{
		"no port":     {Server: "imap.gmail.com", User: "u", PasswordFile: "p"},
		"no user":     {Server: "h:993", PasswordFile: "p"},
		"no password": {Server: "h:993", User: "u"},
		"plain text":  {Server: "h:143", User: "u", PasswordFile: "p", TLS: "none"},
		"move where":  {Server: "h:993", User: "u", PasswordFile: "p", After: "move"},
	} {
		if err := c.Check(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// A message without a Message-ID is known by the header fields its sender
// wrote: the second night's fetch neither downloads nor processes it, and
// does not move it again; a copy imported from an mbox before is known
// the same way.
func TestFetchWithoutMessageIDTwice(t *testing.T) {
	addr, ca := memServer(t, false)
	c := Config{Server: addr, User: "username", PasswordFile: passwordFile(t, "password"),
		CAFile: ca, After: "move", MoveTo: "Zdjecia", Timeout: 10 * time.Second}
	assigned := msg("", "a@b.pl", "zdjęcie", day, multipart("mixed", textPart("x"),
		attachment("image/jpeg", "attachment; filename=\"Jan Kowalski 2a.jpg\"", photoJPEG(t, 400, 500, 1))))
	unassigned := msg("", "c@d.pl", "zdjęcie", day, multipart("mixed", textPart("x"),
		attachment("image/jpeg", "attachment; filename=IMG_1.jpg", photoJPEG(t, 400, 500, 2))))
	text := msg("", "e@f.pl", "pytanie", day, textPart("Kiedy będą kody?"))
	imported := msg("", "g@h.pl", "Zofia Nowak 3b", day.Add(time.Hour), multipart("mixed",
		attachment("image/jpeg", "attachment; filename=IMG_2.jpg", photoJPEG(t, 400, 500, 3))))
	appendAll(t, c, "Zdjecia")
	appendAll(t, c, "INBOX", assigned, unassigned, text, imported)

	tk, st := newTaker(t)
	ctx := context.Background()
	// The last one was exported by Thunderbird before: LF line endings, its
	// own status headers.
	mbox := "From g@h.pl Thu Sep  3 09:15:00 2026\nX-Mozilla-Status: 0001\nStatus: RO\n" +
		strings.ReplaceAll(string(imported), "\r\n", "\n") + "\n"
	path := filepath.Join(t.TempDir(), "Odebrane.mbox")
	if err := os.WriteFile(path, []byte(mbox), 0o600); err != nil {
		t.Fatal(err)
	}
	var imp Tally
	if err := tk.ImportFile(ctx, path, &imp); err != nil || imp.Messages != 1 || imp.Assigned != 1 {
		t.Fatalf("import: %+v, %v", imp, err)
	}

	var first Tally
	if err := tk.FetchMailbox(ctx, c, &first); err != nil {
		t.Fatal(err)
	}
	// Three new messages and the memory backend's greeting (it has a
	// Message-ID); the imported one is not read again.
	if first.Messages != 4 || first.Skipped != 1 || first.Assigned != 1 || first.Unassigned != 1 {
		t.Fatalf("first fetch %+v", first)
	}
	var second Tally
	if err := tk.FetchMailbox(ctx, c, &second); err != nil {
		t.Fatal(err)
	}
	if second.Messages != 0 || second.Skipped != 5 || second.Seen != 0 {
		t.Errorf("second fetch %+v: want nothing read, 5 skipped", second)
	}
	// Skipped before downloading: no message reaches fn.
	var downloaded int
	err := Fetch(ctx, c, nil, func(id string) (bool, error) { return st.MailMessageDone(ctx, id) },
		func(Raw) (bool, error) { downloaded++; return false, nil })
	if err != nil || downloaded != 0 {
		t.Errorf("third fetch downloaded %d messages (%v)", downloaded, err)
	}
	// The message whose photo was assigned was copied to Zdjecia once.
	cl, err := Dial(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Logout()
	if st, err := cl.Select("Zdjecia", true); err != nil || st.Messages != 1 {
		t.Errorf("Zdjecia: %v, %+v; want the one message copied once", err, st)
	}
}
