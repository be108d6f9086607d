package main

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// mailJPEG is a photo-like JPEG for the mail tests.
func mailJPEG(t *testing.T, seed int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 480, 600))
	for y := 0; y < 600; y++ {
		for x := 0; x < 480; x++ {
			v := uint8((x*3 + y*5 + seed*29 + x*y%23) % 256)
			img.SetRGBA(x, y, color.RGBA{v, 128, 255 - v, 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// mailWithPhoto is an e-mail with one attached photo, as a mailer writes it.
func mailWithPhoto(id, subject, fileName string, photo []byte) string {
	return "Message-ID: <" + id + ">\r\nFrom: Rodzic <rodzic@example.pl>\r\nTo: sekretariat@sp7.example.pl\r\n" +
		"Subject: " + subject + "\r\nDate: Thu, 03 Sep 2026 08:15:00 +0200\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nDzień dobry\r\n" +
		"--b1\r\nContent-Type: image/jpeg\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"" + fileName + "\"\r\n\r\n" +
		base64.StdEncoding.EncodeToString(photo) + "\r\n--b1--\r\n"
}

// The secretariat's flow: import exported mail, one photo matched by its
// subject, one left for them; assign that one by hand; the nightly run then
// finds both photos by PESEL.
func TestMailImportAndAssign(t *testing.T) {
	dir := t.TempDir()
	out, photoDir := filepath.Join(dir, "out"), filepath.Join(dir, "zdjecia")
	roster := filepath.Join(samples, "roster", "uczniowie-utf8.csv")
	mbox := "From rodzic@example.pl Thu Sep  3 06:15:00 2026\n" +
		mailWithPhoto("m1@example.pl", "=?UTF-8?Q?mLegitymacja_Szyma=C5=84ska_Hanna_kl=2E_2a?=", "IMG_0001.jpg", mailJPEG(t, 1)) +
		"\nFrom rodzic@example.pl Thu Sep  3 07:00:00 2026\n" +
		mailWithPhoto("m2@example.pl", "zdjęcie syna", "IMG_0002.jpg", mailJPEG(t, 2)) + "\n"
	mboxPath := filepath.Join(dir, "Odebrane.mbox")
	if err := os.WriteFile(mboxPath, []byte(mbox), 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{"mail", "import", "--file", mboxPath, "--photos", photoDir, "--roster", roster, "--out", out, "--school", "sp7"}
	code, stdout, stderr := mlegit(t, args...)
	if code != exitRejected {
		t.Fatalf("exit %d, want %d (one photo not assigned); stdout %s stderr %s", code, exitRejected, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(photoDir, "17221414260.jpg")); err != nil {
		t.Fatalf("Hanna Szymańska's photo: %v", err)
	}
	csv, err := os.ReadFile(filepath.Join(out, "nieprzypisane.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(csv)), "\r\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[1], "03.09.2026;rodzic@example.pl;zdjęcie syna;IMG_0002.jpg;Nie rozpoznano ucznia") {
		t.Fatalf("nieprzypisane.csv:\n%s", csv)
	}
	kept := filepath.Join(out, strings.Split(lines[1], ";")[5])

	// Importing again changes nothing.
	code, stdout, _ = mlegit(t, args...)
	if code != exitOK || !strings.Contains(stdout, "assigned: 0") || !strings.Contains(stdout, "messages: 0 (read before, skipped: 2)") {
		t.Errorf("second import: exit %d, %s", code, stdout)
	}

	// Assign the second photo by hand.
	code, stdout, stderr = mlegit(t, "photos", "assign", "--file", kept, "--pesel", "17322414972",
		"--photos", photoDir, "--roster", roster, "--out", out, "--school", "sp7")
	if code != exitOK || !strings.Contains(stdout, "Antoni Woźniak") || strings.Contains(stdout+stderr, "17322414972") {
		t.Fatalf("assign: exit %d, stdout %s stderr %s", code, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(photoDir, "17322414972.jpg")); err != nil {
		t.Errorf("assigned photo: %v", err)
	}
	if _, err := os.Stat(kept); !os.IsNotExist(err) {
		t.Errorf("kept copy still there: %v", err)
	}
	csv, _ = os.ReadFile(filepath.Join(out, "nieprzypisane.csv"))
	if n := len(strings.Split(strings.TrimSpace(string(csv)), "\r\n")); n != 1 {
		t.Errorf("nieprzypisane.csv still lists %d photos:\n%s", n-1, csv)
	}

	// Unknown student, bad PESEL, not a photo: usage errors.
	for _, bad := range [][]string{
		{"--file", filepath.Join(photoDir, "17221414260.jpg"), "--pesel", "18230410006"},
		{"--file", filepath.Join(photoDir, "17221414260.jpg"), "--pesel", "44051401359"},
		{"--file", mboxPath, "--pesel", "17322414972"},
	} {
		code, _, stderr := mlegit(t, append([]string{"photos", "assign", "--photos", photoDir, "--roster", roster, "--out", out, "--school", "sp7"}, bad...)...)
		if code != exitUsage {
			t.Errorf("%v: exit %d (%s)", bad, code, stderr)
		}
	}

	// The nightly run reads them by PESEL.
	code, _, stderr = mlegit(t, "run", "--roster", roster, "--photos", photoDir, "--out", out, "--school", "sp7", "--as-of", "2026-09-15")
	if code != exitRejected && code != exitOK {
		t.Fatalf("run: exit %d %s", code, stderr)
	}
	s := readSummary(t, out)
	for _, r := range s.Rejections {
		if r.Name == "Hanna Szymańska" || r.Name == "Antoni Woźniak" {
			t.Errorf("%s rejected: %s %s", r.Name, r.Code, r.Detail)
		}
	}

	// A photo nobody could be matched with is also in odrzuceni.csv, to
	// check, like a photo file that matches nobody.
	eml := filepath.Join(dir, "nowa.eml")
	if err := os.WriteFile(eml, []byte(mailWithPhoto("m3@example.pl", "zdjęcie", "IMG_0003.jpg", mailJPEG(t, 3))), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := mlegit(t, "mail", "import", "--file", eml, "--photos", photoDir, "--roster", roster, "--out", out, "--school", "sp7"); code != exitRejected {
		t.Fatalf("import: exit %d %s", code, stderr)
	}
	mlegit(t, "run", "--roster", roster, "--photos", photoDir, "--out", out, "--school", "sp7", "--as-of", "2026-09-15")
	odrz, err := os.ReadFile(filepath.Join(out, "odrzuceni.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(odrz), "PHOTO_MAIL_UNASSIGNED") || !strings.Contains(string(odrz), "Wiadomość od rodzic@example.pl z 03.09.2026, załącznik „IMG_0003.jpg”") {
		t.Errorf("odrzuceni.csv does not list the unassigned mail photo:\n%s", odrz)
	}

	// The kept copy is a child's photo: kept photo_retention_days (30)
	// after it was received (03.09.2026), purged by the nightly run after.
	csv, _ = os.ReadFile(filepath.Join(out, "nieprzypisane.csv"))
	lines = strings.Split(strings.TrimSpace(string(csv)), "\r\n")
	if len(lines) != 2 {
		t.Fatalf("nieprzypisane.csv:\n%s", csv)
	}
	kept = filepath.Join(out, strings.Split(lines[1], ";")[5])
	mlegit(t, "run", "--roster", roster, "--photos", photoDir, "--out", out, "--school", "sp7", "--as-of", "2026-10-03")
	if _, err := os.Stat(kept); err != nil {
		t.Fatalf("copy purged within retention: %v", err)
	}
	for range 2 { // a second run finds nothing left to do
		mlegit(t, "run", "--roster", roster, "--photos", photoDir, "--out", out, "--school", "sp7", "--as-of", "2026-10-04")
		if _, err := os.Stat(kept); !os.IsNotExist(err) {
			t.Errorf("copy past retention still there: %v", err)
		}
		csv, _ = os.ReadFile(filepath.Join(out, "nieprzypisane.csv"))
		if n := len(strings.Split(strings.TrimSpace(string(csv)), "\r\n")); n != 1 {
			t.Errorf("nieprzypisane.csv still lists %d photos:\n%s", n-1, csv)
		}
		if odrz, _ := os.ReadFile(filepath.Join(out, "odrzuceni.csv")); strings.Contains(string(odrz), "PHOTO_MAIL_UNASSIGNED") {
			t.Errorf("odrzuceni.csv still lists the purged photo:\n%s", odrz)
		}
	}
}

func TestMailFetchNeedsSettings(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := mlegit(t, "mail", "fetch", "--photos", dir, "--out", dir, "--server", "imap.example.pl:993", "--user", "u")
	if code != exitUsage || !strings.Contains(stderr, "password") {
		t.Errorf("exit %d, %s", code, stderr)
	}
	code, _, stderr = mlegit(t, "mail", "fetch", "--photos", dir, "--out", dir, "--password", "x")
	if code != exitUsage || !strings.Contains(stderr, "unknown flag") {
		t.Errorf("a --password flag must not exist: exit %d, %s", code, stderr)
	}
}
