package mail

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// dovecot is a real Dovecot IMAP server started by a test on loopback
// ports, with a throw-away configuration, mail folder and self-signed
// certificate. The user is "sekretariat" with password "haslo-testowe".
type dovecot struct {
	imaps, imap string // host:port, implicit TLS and STARTTLS
	ca          string // the certificate, for --ca-file
}

// startDovecot starts Dovecot for the test (and stops it at the end). It
// skips the test when dovecot is not installed, unless CI is set: then
// .ci/run must have installed it and its absence fails.
func startDovecot(t testing.TB) *dovecot {
	t.Helper()
	bin, err := exec.LookPath("dovecot")
	if err != nil {
		bin = "/usr/sbin/dovecot"
		if _, serr := os.Stat(bin); serr != nil {
			if os.Getenv("CI") != "" {
				t.Fatal("dovecot not installed (.ci/run installs dovecot-imapd)")
			}
			t.Skip("dovecot not installed (apt-get install dovecot-imapd); CI would fail here")
		}
	}
	dir := t.TempDir()
	// Dovecot's processes run as other users: they must reach the folder.
	for d := dir; d != os.TempDir() && d != "/" && d != "."; d = filepath.Dir(d) {
		os.Chmod(d, 0o755)
	}
	_, ca := selfSigned(t)
	certDir := filepath.Dir(ca)
	os.Chmod(certDir, 0o755)
	os.Chmod(filepath.Join(certDir, "key.pem"), 0o644)
	os.Chmod(ca, 0o644)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	mailDir := filepath.Join(dir, "mail")
	must(os.MkdirAll(mailDir, 0o755))
	must(os.WriteFile(filepath.Join(dir, "users"), []byte("sekretariat:{PLAIN}haslo-testowe::::::\n"), 0o644))

	// As root, mail belongs to nobody and the package's dovecot/dovenull
	// users run the services; otherwise everything runs as the caller.
	uid, gid := os.Getuid(), os.Getgid()
	extra := ""
	if uid == 0 {
		uid, gid = 65534, 65534
		must(os.Chown(mailDir, uid, gid))
	} else {
		u, err := user.Current()
		must(err)
		extra = fmt.Sprintf("default_login_user = %s\ndefault_internal_user = %s\n"+
			"service anvil {\n  chroot =\n}\nservice imap-login {\n  chroot =\n}\n", u.Username, u.Username)
	}
	ports := freePorts(t, 2)
	conf := fmt.Sprintf(`base_dir = %[1]s/run
state_dir = %[1]s/state
log_path = %[1]s/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <%[2]s
ssl_key = <%[3]s
mail_location = maildir:%[4]s/%%u
first_valid_uid = 1
first_valid_gid = 1
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%%u %[1]s/users
}
userdb {
  driver = static
  args = uid=%[5]d gid=%[6]d home=%[4]s/%%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = %[7]d
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = %[8]d
    ssl = yes
  }
}
%[9]s`, dir, ca, filepath.Join(certDir, "key.pem"), mailDir, uid, gid, ports[0], ports[1], extra)
	confPath := filepath.Join(dir, "dovecot.conf")
	must(os.WriteFile(confPath, []byte(conf), 0o644))
	cmd := exec.Command(bin, "-F", "-c", confPath)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	must(cmd.Start())
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		cmd.Wait()
	})
	d := &dovecot{imap: "127.0.0.1:" + strconv.Itoa(ports[0]), imaps: "127.0.0.1:" + strconv.Itoa(ports[1]), ca: ca}
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", d.imaps, 200*time.Millisecond)
		if err == nil {
			c.Close()
			return d
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "dovecot.log"))
			t.Fatalf("dovecot did not start: %v\n%s\n%s", err, stderr.String(), log)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// freePorts finds n free loopback TCP ports.
func freePorts(t testing.TB, n int) []int {
	t.Helper()
	var ports []int
	var ls []net.Listener
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	for _, l := range ls {
		l.Close()
	}
	return ports
}

func (d *dovecot) config(t testing.TB) Config {
	return Config{Server: d.imaps, User: "sekretariat", PasswordFile: passwordFileTB(t, "haslo-testowe"),
		CAFile: d.ca, Timeout: 30 * time.Second}
}

func passwordFileTB(t testing.TB, pw string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "haslo")
	if err := os.WriteFile(p, []byte(pw+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// shape is one message of the integration mailbox and what must become
// of it: the PESELs its photos are written for, and how many photos are
// left unassigned.
type shape struct {
	name       string
	raw        []byte
	assigned   []string
	unassigned int
}

// mailbox30 builds the 30 messages of the shapes.
func mailbox30(t testing.TB) []shape {
	jpg := func(seed int) []byte { return photoJPEG(t, 420, 520, seed) }
	heic, webp, logo := fixture(t, "photo.heic"), fixture(t, "photo.webp"), logoPNG(t)
	const (
		kowalski = "15211218425"
		lucja    = "15230319136"
		zofia3b  = "15250519842"
		zofia4c  = "15270720552"
		pawel    = "16240115686"
	)
	d := func(i int) time.Time { return day.Add(time.Duration(i) * time.Hour) }
	att := func(name string, data []byte) part {
		return attachment("image/jpeg", "attachment; filename=\""+name+"\"", data)
	}
	var s []shape
	add := func(name string, raw []byte, unassigned int, assigned ...string) {
		s = append(s, shape{name: name, raw: raw, assigned: assigned, unassigned: unassigned})
	}
	add("UTF-8 B subject", msg("s1@wp.pl", "a@wp.pl", "=?UTF-8?B?WmRqxJljaWUgxYF1Y2phIE1hcmlhIFdpxZtuaWV3c2thIDJh?=", d(1),
		multipart("mixed", textPart("Dzień dobry"), att("IMG_0001.JPG", jpg(1)))), 0, lucja)
	add("ISO-8859-2 Q subject", msg("s2@wp.pl", "=?ISO-8859-2?Q?Pawe=B3?= <p@wp.pl>", "=?ISO-8859-2?Q?=AF=F3=B3kiewski_Pawe=B3_kl=2E_1b?=", d(2),
		multipart("mixed", textPart("W załączniku"), att("zdj.jpg", jpg(2)))), 0, pawel)
	add("RFC 2231 file name", msg("s3@gmail.com", "b@gmail.com", "zdjęcie", d(3),
		multipart("mixed", textPart("x"), attachment("image/jpeg", "attachment;\r\n filename*0*=UTF-8''%C5%81ucja%20Maria%20Wi%C5%9B;\r\n filename*1*=niewska%202a.jpg", jpg(3)))), 0, lucja)
	add("HEIC from an iPhone", msg("s4@icloud.com", "c@icloud.com", "mLegitymacja – Kowalski Jan – 2a", d(4),
		multipart("mixed", textPart("Wysłane z iPhone’a"), attachment("image/heic", "attachment; filename=IMG_4031.HEIC", heic))), 0, kowalski)
	add("WebP from Android", msg("s5@gmail.com", "d@gmail.com", "foto", d(5),
		multipart("mixed", textPart("Nowak Zofia kl. 3b"), attachment("image/webp", "attachment; filename=IMG-20260901-WA0003.webp", webp))), 0, zofia3b)
	add("forwarded message", msg("s6@wp.pl", "sekretariat@sp7.pl", "Fwd: zdjęcie", d(6),
		multipart("mixed", textPart("Przekazuję."), forwarded(msg("s6-inner@wp.pl", "mama@wp.pl", "zdjęcie", d(0),
			multipart("mixed", textPart("x"), att("Nowak Zofia 4c.jpg", jpg(6))))))), 0, zofia4c)
	add("reply chain", msg("s7@wp.pl", "e@wp.pl", "Re: Re: prośba o zdjęcie", d(7),
		multipart("mixed", textPart("Przesyłam.\r\n\r\n> Kowalski Jan 2a\r\n> Prosimy o zdjęcie\r\n"), att("IMG_7.jpg", jpg(7)))), 1)
	add("two children's photos", msg("s8@wp.pl", "f@wp.pl", "zdjęcia dzieci", d(8),
		multipart("mixed", textPart("x"), att("Jan Kowalski 2a.jpg", jpg(8)), att("Zofia Nowak 3b.jpg", jpg(9)))), 0, kowalski, zofia3b)
	add("inline image", msg("s9@o2.pl", "g@o2.pl", "legitymacja", d(9),
		multipart("related", part{header: "Content-Type: text/html; charset=utf-8", body: []byte("<div>Legitymacja szkolna, Paweł Żółkiewski, klasa 1b</div><img src=\"cid:x\">")},
			inlineImage("image/jpeg", "x", jpg(10)))), 0, pawel)
	add("signature logo", msg("s10@interia.pl", "h@interia.pl", "Żółkiewski Paweł 1b", d(10),
		multipart("related", multipart("mixed", textPart("Pozdrawiam\r\n-- \r\nFirma X"), att("portret.jpg", jpg(11))),
			inlineImage("image/png", "logo", logo))), 0, pawel)
	// The rest: everyday variations.
	for i := 11; i <= 30; i++ {
		id := fmt.Sprintf("s%d@wp.pl", i)
		if i == 11 || i == 12 {
			id = "" // no Message-ID: known by its header fields, left in INBOX
		}
		switch i % 5 {
		case 0: // named by the PESEL
			add("PESEL file name", msg(id, "r@wp.pl", "zdjęcie", d(i), multipart("mixed", att(kowalski+".jpg", jpg(i)))), 0, kowalski)
		case 1: // no class: never guessed
			add("no class", msg(id, "r@wp.pl", "Zofia Nowak", d(i), multipart("mixed", att("IMG.jpg", jpg(i)))), 1)
		case 2: // a text-only message
			add("no photo", msg(id, "r@wp.pl", "pytanie o legitymację", d(i), textPart("Kiedy będą kody?")), 0)
		case 3: // body lines spread over three lines
			add("body lines", msg(id, "r@wp.pl", "(bez tematu)", d(i),
				multipart("mixed", textPart("mLegitymacja\r\nJan Kowalski\r\n2a\r\n"), att("DSC_0001.JPG", jpg(i)))), 0, kowalski)
		case 4: // a GIF: listed, not a photo mlegit reads
			add("GIF", msg(id, "r@wp.pl", "Kowalski Jan 2a", d(i), multipart("mixed",
				attachment("image/gif", "attachment; filename=zdjecie.gif", append([]byte("GIF89a\x90\x01\xf4\x01"), make([]byte, 3000)...)))), 1)
		}
	}
	return s
}

func TestFetchDovecot(t *testing.T) {
	dv := startDovecot(t)
	c := dv.config(t)
	shapes := mailbox30(t)
	if len(shapes) != 30 {
		t.Fatalf("%d messages", len(shapes))
	}
	raws := make([][]byte, len(shapes))
	for i, s := range shapes {
		raws[i] = s.raw
	}
	appendAll(t, c, "mLegitymacja")
	appendAll(t, c, "INBOX", raws...)

	c.After, c.MoveTo = "move", "mLegitymacja"
	tk, st := newTaker(t)
	var tally Tally
	if err := tk.FetchMailbox(context.Background(), c, &tally); err != nil {
		t.Fatal(err)
	}
	wantAssigned, wantUnassigned, wantMoved := 0, 0, 0
	for _, s := range shapes {
		wantAssigned += len(s.assigned)
		wantUnassigned += s.unassigned
		if len(s.assigned) > 0 && s.unassigned == 0 {
			wantMoved++
		}
	}
	if tally.Messages != 30 || tally.Assigned+tally.Older != wantAssigned || tally.Unassigned+tally.Refused != wantUnassigned {
		t.Errorf("tally %+v; want 30 messages, %d assigned, %d unassigned", tally, wantAssigned, wantUnassigned)
	}
	// Every expected student got a photo, and only they did.
	files := photoFiles(t, tk.PhotoDir)
	want := map[string]bool{}
	for _, s := range shapes {
		for _, p := range s.assigned {
			want[p] = true
		}
	}
	got := map[string]bool{}
	for _, f := range files {
		got[strings.TrimSuffix(f, filepath.Ext(f))] = true
	}
	if len(got) != len(want) || len(files) != len(want) {
		t.Errorf("photos %v, want one each for %v", files, want)
	}
	for p := range want {
		if !got[p] {
			t.Errorf("no photo for %s", p)
		}
	}
	// Provenance: one row per photo or refused image, the HEIC's among them.
	recs, err := st.MailPhotos(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != wantAssigned+wantUnassigned {
		t.Errorf("%d provenance rows, want %d", len(recs), wantAssigned+wantUnassigned)
	}
	heic := false
	for _, r := range recs {
		if r.MessageID == "s4@icloud.com" && r.PESEL == "15211218425" && r.Sender == "c@icloud.com" && r.Name == "IMG_4031.HEIC" {
			heic = true
		}
	}
	if !heic {
		t.Error("the iPhone's HEIC has no provenance row")
	}

	// A second fetch reads nothing; nothing was deleted; the messages whose
	// photos were all assigned were moved.
	var again Tally
	if err := tk.FetchMailbox(context.Background(), c, &again); err != nil {
		t.Fatal(err)
	}
	if again.Messages != 0 {
		t.Errorf("second fetch read %d messages", again.Messages)
	}
	// Not even downloaded: the two without a Message-ID are known by the
	// header fields Dovecot sends for BODY.PEEK[HEADER.FIELDS (...)].
	downloaded := 0
	err = Fetch(context.Background(), c, nil, func(id string) (bool, error) { return st.MailMessageDone(context.Background(), id) },
		func(Raw) (bool, error) { downloaded++; return false, nil })
	if err != nil || downloaded != 0 {
		t.Errorf("third fetch downloaded %d messages (%v)", downloaded, err)
	}
	cl, err := Dial(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Logout()
	moved, err := cl.Select("mLegitymacja", true)
	if err != nil {
		t.Fatal(err)
	}
	inbox, err := cl.Select("INBOX", true)
	if err != nil {
		t.Fatal(err)
	}
	if moved.Messages != uint32(wantMoved) || inbox.Messages+moved.Messages != 30 {
		t.Errorf("moved %d (want %d), left in INBOX %d: 30 must remain", moved.Messages, wantMoved, inbox.Messages)
	}

	// STARTTLS on the plain port works the same.
	s := dv.config(t)
	s.Server, s.TLS = dv.imap, "starttls"
	cl2, err := Dial(context.Background(), s)
	if err != nil {
		t.Fatalf("STARTTLS: %v", err)
	}
	cl2.Logout()
}
