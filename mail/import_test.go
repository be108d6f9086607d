package mail

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func collect(t *testing.T, path string, lim *Limits) []Raw {
	t.Helper()
	var got []Raw
	if err := Import(context.Background(), path, lim, func(r Raw) error { got = append(got, r); return nil }); err != nil {
		t.Fatal(err)
	}
	return got
}

func TestImportMbox(t *testing.T) {
	one := msg("b1@x", "a@b.pl", "pierwsza", day, textPart("Treść\r\nFrom here on it is quoted\r\n>From twice\r\n"))
	two := msg("b2@x", "a@b.pl", "druga", day, textPart("x"))
	// mboxrd as Thunderbird and Google Takeout write it: "From " lines of
	// the body quoted with '>', one more '>' on lines already quoted.
	quote := func(m []byte) []byte {
		var b bytes.Buffer
		for _, l := range strings.SplitAfter(string(m), "\n") {
			if strings.HasPrefix(strings.TrimLeft(l, ">"), "From ") {
				b.WriteString(">")
			}
			b.WriteString(l)
		}
		return b.Bytes()
	}
	var mbox bytes.Buffer
	mbox.WriteString("From anna@example.pl Thu Sep  3 08:15:00 2026\n")
	mbox.Write(quote(one))
	mbox.WriteString("\n\nFrom MAILER-DAEMON Fri Sep  4 10:00:00 2026\n")
	mbox.Write(quote(two))
	mbox.WriteString("\n")
	path := filepath.Join(t.TempDir(), "Inbox.mbox")
	if err := os.WriteFile(path, mbox.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	got := collect(t, path, nil)
	if len(got) != 2 {
		t.Fatalf("%d messages", len(got))
	}
	// The message comes back byte for byte (its final line break aside).
	if want := strings.TrimSuffix(string(one), "\r\n"); strings.TrimRight(string(got[0].Data), "\r\n") != strings.TrimRight(want, "\r\n") {
		t.Errorf("message 1:\n%q\nwant\n%q", got[0].Data, one)
	}
	if !got[0].Received.Equal(time.Date(2026, 9, 3, 8, 15, 0, 0, time.UTC)) || !got[1].Received.Equal(time.Date(2026, 9, 4, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("received %v %v", got[0].Received, got[1].Received)
	}
	if !bytes.Contains(got[1].Data, []byte("Subject: druga")) {
		t.Errorf("message 2 %q", got[1].Data)
	}

	// A message over the limit is passed on as too large, and the next is
	// still read.
	got = collect(t, path, &Limits{MaxMessageBytes: int64(len(one) - 10)})
	if len(got) != 2 || !got[0].TooLarge || got[0].Data != nil || got[1].TooLarge {
		t.Errorf("with a limit: %+v", got)
	}
}

func TestImportEMLFolder(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "Skrzynka odbiorcza")
	os.MkdirAll(sub, 0o700)
	os.WriteFile(filepath.Join(dir, "b.eml"), msg("e2@x", "a@b.pl", "b", day, textPart("x")), 0o600)
	os.WriteFile(filepath.Join(sub, "a.EML"), msg("e1@x", "a@b.pl", "a", day, textPart("x")), 0o600)
	os.WriteFile(filepath.Join(dir, "notatki.txt"), []byte("nie wiadomość"), 0o600)
	got := collect(t, dir, nil)
	if len(got) != 2 || !bytes.Contains(got[0].Data, []byte("Message-ID: <e1@x>")) || !bytes.Contains(got[1].Data, []byte("<e2@x>")) {
		t.Fatalf("got %d messages", len(got))
	}
	single := collect(t, filepath.Join(dir, "b.eml"), nil)
	if len(single) != 1 || !bytes.Equal(single[0].Data, msg("e2@x", "a@b.pl", "b", day, textPart("x"))) {
		t.Errorf("single .eml: %+v", single)
	}
}
