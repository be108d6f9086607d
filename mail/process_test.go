package mail

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/mlegit/mlegit/state"
)

func newTaker(t *testing.T) (*Taker, *state.Store) {
	t.Helper()
	dir := t.TempDir()
	st, err := state.Open(filepath.Join(dir, "state"), "sp7")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return &Taker{Students: roster(t), PhotoDir: filepath.Join(dir, "zdjecia"), OutDir: filepath.Join(dir, "out"),
		Store: st, Now: func() time.Time { return day.Add(time.Hour) }}, st
}

func take(t *testing.T, tk *Taker, tally *Tally, raw []byte, received time.Time) {
	t.Helper()
	if err := tk.Take(context.Background(), Raw{Data: raw, Received: received}, tally); err != nil {
		t.Fatal(err)
	}
}

func photoFiles(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out
}

func TestTakeAssignsOnceAndKeepsTheNewest(t *testing.T) {
	tk, st := newTaker(t)
	ctx := context.Background()
	jpg := photoJPEG(t, 400, 500, 1)
	first := msg("m1@x", "Anna <anna@example.pl>", "zdjęcie", day,
		multipart("mixed", textPart("Dzień dobry"), attachment("image/jpeg", "attachment; filename=\"Jan Kowalski 2a.jpg\"", jpg)))
	var tally Tally
	take(t, tk, &tally, first, day)
	take(t, tk, &tally, first, day) // fetched again: skipped, nothing changes
	if tally.Assigned != 1 || tally.Skipped != 1 || tally.Messages != 1 {
		t.Fatalf("tally %+v", tally)
	}
	got, err := os.ReadFile(filepath.Join(tk.PhotoDir, "15211218425.jpg"))
	if err != nil || !bytes.Equal(got, jpg) {
		t.Fatalf("photo written: %v", err)
	}
	if fi, _ := os.Stat(filepath.Join(tk.PhotoDir, "15211218425.jpg")); fi.Mode().Perm() != 0o600 {
		t.Errorf("photo mode %v", fi.Mode().Perm())
	}

	// A newer HEIC from the subject replaces the JPEG.
	heic := fixture(t, "photo.heic")
	newer := msg("m2@x", "anna@example.pl", "mLegitymacja Kowalski Jan kl. 2a", day.Add(24*time.Hour),
		multipart("mixed", attachment("image/heic", "attachment; filename=IMG_0001.HEIC", heic)))
	take(t, tk, &tally, newer, day.Add(24*time.Hour))
	if files := photoFiles(t, tk.PhotoDir); strings.Join(files, ",") != "15211218425.heic" {
		t.Errorf("photos folder %v, want only the newer HEIC", files)
	}

	// An older message imported afterwards does not replace it.
	older := msg("m0@x", "anna@example.pl", "Jan Kowalski 2a", day.Add(-24*time.Hour),
		multipart("mixed", attachment("image/jpeg", "attachment; filename=stare.jpg", photoJPEG(t, 400, 500, 3))))
	take(t, tk, &tally, older, day.Add(-24*time.Hour))
	if tally.Older != 1 {
		t.Errorf("tally %+v, want one older", tally)
	}
	if files := photoFiles(t, tk.PhotoDir); strings.Join(files, ",") != "15211218425.heic" {
		t.Errorf("photos folder %v after an older message", files)
	}

	recs, err := st.MailPhotos(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 {
		t.Fatalf("%d provenance rows, want 3", len(recs))
	}
	r := recs[1] // by received: m0, m1, m2
	if r.MessageID != "m1@x" || r.Sender != "anna@example.pl" || r.PESEL != "15211218425" || r.Status != state.MailAssigned ||
		!r.Received.Equal(day) || len(r.Hash) != 64 || r.Name != "Jan Kowalski 2a.jpg" {
		t.Errorf("provenance %+v", r)
	}
	if recs[0].Status != state.MailOlder || recs[2].Status != state.MailAssigned {
		t.Errorf("statuses %s %s", recs[0].Status, recs[2].Status)
	}
}

func TestTakeUnassignedListed(t *testing.T) {
	tk, st := newTaker(t)
	ctx := context.Background()
	var tally Tally
	take(t, tk, &tally, msg("u1@x", "=?UTF-8?Q?Micha=C5=82?= <michal@wp.pl>", "=?UTF-8?Q?Zdj=C4=99cie?=", day,
		multipart("mixed", textPart("Zofia Nowak"), attachment("image/jpeg", "attachment; filename=IMG_2031.JPG", photoJPEG(t, 400, 500, 1)))), day)
	take(t, tk, &tally, msg("u2@x", "ola@example.pl", "=Zdjęcia", day,
		multipart("mixed", textPart("x"), attachment("image/gif", "attachment; filename=\"stare.gif\"",
			append([]byte("GIF89a\x90\x01\xf4\x01"), make([]byte, 3000)...)))), day)
	if tally.Unassigned != 1 || tally.Refused != 1 || tally.Assigned != 0 {
		t.Fatalf("tally %+v", tally)
	}
	kept := photoFiles(t, filepath.Join(tk.OutDir, UnassignedDir))
	if len(kept) != 1 || !strings.HasPrefix(kept[0], "20260903-") || !strings.HasSuffix(kept[0], "-IMG_2031.JPG") {
		t.Errorf("kept %v", kept)
	}
	n, err := WriteUnassigned(ctx, st, tk.OutDir)
	if err != nil || n != 2 {
		t.Fatalf("WriteUnassigned: %d, %v", n, err)
	}
	csv, _ := os.ReadFile(filepath.Join(tk.OutDir, UnassignedCSV))
	want := "\uFEFFData otrzymania;Nadawca;Temat;Załącznik;Powód;Plik do przypisania\r\n" +
		"03.09.2026;michal@wp.pl;Zdjęcie;IMG_2031.JPG;" + WhyUnknown.Polish() + ";" + filepath.Join(UnassignedDir, kept[0]) + "\r\n" +
		"03.09.2026;ola@example.pl;'=Zdjęcia;stare.gif;" + WhyFormat.Polish() + ";\r\n"
	if string(csv) != want {
		t.Errorf("nieprzypisane.csv:\n%q\nwant\n%q", csv, want)
	}
	x, err := excelize.OpenFile(filepath.Join(tk.OutDir, UnassignedXLSX))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, _ := x.GetRows("Nieprzypisane")
	if len(rows) != 3 || rows[1][0] != "03.09.2026" || rows[2][2] != "'=Zdjęcia" {
		t.Errorf("xlsx rows %q", rows)
	}
}

func TestTakeWarnsForAnIssuedCard(t *testing.T) {
	tk, _ := newTaker(t)
	var asked []string
	tk.Issued = func(_ context.Context, p string) (bool, error) { asked = append(asked, p); return true, nil }
	var tally Tally
	take(t, tk, &tally, msg("i1@x", "a@b.pl", "Paweł Żółkiewski 1b", day,
		multipart("mixed", attachment("image/jpeg", "attachment; filename=x.jpg", photoJPEG(t, 400, 500, 1)))), day)
	if len(asked) != 1 || asked[0] != "16240115686" || len(tally.Warnings) != 1 ||
		!strings.Contains(tally.Warnings[0], "Paweł Żółkiewski") || !strings.Contains(tally.Warnings[0], "reissue") {
		t.Errorf("asked %v, warnings %q", asked, tally.Warnings)
	}
	if tally.Assigned != 1 {
		t.Errorf("tally %+v", tally)
	}
}

// A message without a Message-ID that an older mlegit recorded by the hash
// of its bytes is not taken again: it is recognised, and recorded by its
// header identity from then on.
func TestTakeRecognisesAMessageRecordedByItsBytes(t *testing.T) {
	tk, st := newTaker(t)
	ctx := context.Background()
	raw := msg("", "anna@example.pl", "zdjęcie", day,
		multipart("mixed", attachment("image/jpeg", "attachment; filename=\"Jan Kowalski 2a.jpg\"", photoJPEG(t, 400, 500, 1))))
	if err := st.RecordMailMessage(ctx, wholeID(raw), day, 1, day); err != nil {
		t.Fatal(err)
	}
	var tally Tally
	take(t, tk, &tally, raw, day)
	if tally.Skipped != 1 || tally.Messages != 0 || tally.Assigned != 0 || len(photoFiles(t, tk.PhotoDir)) != 0 {
		t.Errorf("tally %+v, photos %v: want it skipped", tally, photoFiles(t, tk.PhotoDir))
	}
	m, err := Walk(raw, nil)
	if err != nil {
		t.Fatal(err)
	}
	if done, err := st.MailMessageDone(ctx, m.ID); err != nil || !done || !strings.HasPrefix(m.ID, headerIDPrefix) {
		t.Errorf("%s recorded: %v, %v", m.ID, done, err)
	}
}
