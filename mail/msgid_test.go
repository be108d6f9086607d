package mail

import (
	"strings"
	"testing"
)

func TestMessageIdentity(t *testing.T) {
	const base = "From: Anna <anna@example.pl>\r\nTo: sekretariat@sp7.example.pl\r\nSubject: zdjęcie\r\n" +
		"Date: Thu, 03 Sep 2026 08:15:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
	id := headerIdentity([]byte(base))
	if !strings.HasPrefix(id, headerIDPrefix) {
		t.Fatalf("identity %q", id)
	}
	// What servers and exporting programs add or change does not change it.
	same := map[string]string{
		"LF line endings": strings.ReplaceAll(base, "\r\n", "\n"),
		"Received added":  "Received: from mx.example.pl by imap.example.pl; Thu, 03 Sep 2026 08:15:02 +0000\r\nReturn-Path: <anna@example.pl>\r\n" + base,
		"mbox status":     strings.Replace(base, "MIME-Version", "Status: RO\r\nX-Mozilla-Status: 0001\r\nX-Gmail-Labels: Skrzynka odbiorcza\r\nMIME-Version", 1),
		"refolded":        strings.Replace(base, "multipart/mixed; boundary", "multipart/mixed;\r\n\tboundary", 1),
		"fields only":     "Message-ID: \r\n" + base, // an empty Message-ID is no Message-ID
	}
	for name, h := range same {
		if got := headerIdentity([]byte(h)); got != id {
			t.Errorf("%s: identity %q, want %q", name, got, id)
		}
	}
	// Another message differs.
	other := map[string]string{
		"another second":   strings.Replace(base, "08:15:00", "08:15:01", 1),
		"another boundary": strings.Replace(base, "b1", "b2", 1),
		"another subject":  strings.Replace(base, "zdjęcie", "zdjęcie 2", 1),
		"another sender":   strings.Replace(base, "anna@", "ola@", 1),
	}
	for name, h := range other {
		if got := headerIdentity([]byte(h)); got == id || got == "" {
			t.Errorf("%s: identity %q, same as the first", name, got)
		}
	}
	if got := headerIdentity([]byte("Message-ID: <abc@example.pl>\r\n" + base)); got != "abc@example.pl" {
		t.Errorf("with a Message-ID: %q", got)
	}
	// Neither Date nor From: not enough to know it by.
	if got := headerIdentity([]byte("Subject: x\r\nContent-Type: text/plain\r\n\r\n")); got != "" {
		t.Errorf("without Date and From: %q", got)
	}
	// Walk gives the same identity from the whole message, and the hash of
	// the bytes when the header is not enough.
	m, err := Walk([]byte(base+"--b1--\r\n"), nil)
	if err != nil || m.ID != id {
		t.Errorf("Walk: %q, %v; want %q", m.ID, err, id)
	}
	raw := []byte("Subject: x\r\n\r\ntext")
	if m, err := Walk(raw, nil); err != nil || m.ID != wholeID(raw) {
		t.Errorf("Walk without Date and From: %q, %v", m.ID, err)
	}
}
