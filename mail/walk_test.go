package mail

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mlegit/mlegit/photos"
)

func TestWalkShapes(t *testing.T) {
	jpg := photoJPEG(t, 400, 500, 1)
	heic := fixture(t, "quadrants.heic")
	webp := fixture(t, "photo.webp")
	logo := logoPNG(t)
	tests := []struct {
		name    string
		raw     []byte
		subject string
		files   []string // names of the photos taken, in order
		formats []string
		lines   []string // first body lines expected (prefix)
		refused []Why
	}{
		{
			name: "UTF-8 B subject, RFC 2231 file name",
			raw: msg("a1@x", "Anna Kowalska <anna@example.pl>", "=?UTF-8?B?WmRqxJljaWUgxYF1Y2phIFdpxZtuaWV3c2th?=", day,
				multipart("mixed", textPart("Dzień dobry,\r\nw załączniku.\r\n"),
					attachment("image/jpeg", "attachment;\r\n filename*0*=UTF-8''%C5%81ucja%20Wi%C5%9Bniewska;\r\n filename*1*=%20kl.%202a.jpg", jpg))),
			subject: "Zdjęcie Łucja Wiśniewska",
			files:   []string{"Łucja Wiśniewska kl. 2a.jpg"},
			formats: []string{"jpeg"},
			lines:   []string{"Dzień dobry,", "w załączniku."},
		},
		{
			name: "ISO-8859-2 Q subject, RFC 2047 name, HEIC from an iPhone",
			raw: msg("a2@x", "=?ISO-8859-2?Q?Pawe=B3_=AF=F3=B3kiewski?= <pz@wp.pl>", "=?ISO-8859-2?Q?Legitymacja_=AF=F3=B3kiewski_Pawe=B3_1b?=", day,
				multipart("mixed", textPart("Wysłano z iPhone'a"),
					attachment("image/heic; name=\"=?UTF-8?Q?IMG=5F2031.HEIC?=\"", "attachment; filename=\"=?UTF-8?Q?IMG=5F2031.HEIC?=\"", heic))),
			subject: "Legitymacja Żółkiewski Paweł 1b",
			files:   []string{"IMG_2031.HEIC"},
			formats: []string{"heif"},
		},
		{
			name: "inline image and a signature logo",
			raw: msg("a3@x", "jan@example.pl", "mLegitymacja", day,
				multipart("related",
					part{header: "Content-Type: text/html; charset=utf-8", body: []byte("<p>mLegitymacja / Jan Kowalski / 2a</p><img src=\"cid:p1\"><br>-- <br><img src=\"cid:logo\">")},
					inlineImage("image/jpeg", "p1", jpg),
					inlineImage("image/png", "logo", logo))),
			subject: "mLegitymacja",
			files:   []string{""},
			formats: []string{"jpeg"},
			lines:   []string{"mLegitymacja / Jan Kowalski / 2a"},
		},
		{
			name: "forwarded message as an attachment, WebP sent as octet-stream",
			raw: msg("a4@x", "mama@example.pl", "Fwd: zdjęcie", day,
				multipart("mixed", textPart("Przesyłam dalej.\r\n"),
					forwarded(msg("inner@x", "tata@example.pl", "zdjęcie", day,
						multipart("mixed", textPart("Kowalski Jan kl. 2a"),
							attachment("application/octet-stream", "attachment; filename=\"jan.webp\"", webp)))))),
			subject: "Fwd: zdjęcie",
			files:   []string{"jan.webp"},
			formats: []string{"webp"},
			lines:   []string{"Przesyłam dalej."},
		},
		{
			name: "two photos and a PDF; a GIF attachment refused",
			raw: msg("a5@x", "rodzic@example.pl", "Zdjęcia", day,
				multipart("mixed", textPart("Dwoje dzieci."),
					attachment("image/jpeg", "attachment; filename=\"Jan Kowalski 2a.jpg\"", jpg),
					attachment("image/jpeg", "attachment; filename=\"Zofia Nowak 3b.jpg\"", photoJPEG(t, 400, 500, 2)),
					attachment("application/pdf", "attachment; filename=\"zgoda.pdf\"", []byte(strings.Repeat("%PDF-1.4 ", 300))),
					attachment("image/gif", "attachment; filename=\"stare.gif\"", append([]byte("GIF89a\x90\x01\xf4\x01"), make([]byte, 3000)...)))),
			subject: "Zdjęcia",
			files:   []string{"Jan Kowalski 2a.jpg", "Zofia Nowak 3b.jpg"},
			formats: []string{"jpeg", "jpeg"},
			refused: []Why{WhyFormat},
		},
		{
			name: "reply chain: quoted lines are not read",
			raw: msg("a6@x", "rodzic@example.pl", "Re: Re: brak zdjęcia", day,
				multipart("mixed", textPart("Przepraszam, teraz z załącznikiem.\r\n\r\n> Kowalski Jan 2a\r\n> Proszę o zdjęcie.\r\n"),
					attachment("image/jpeg", "attachment; filename=\"IMG_1.jpg\"", jpg))),
			subject: "Re: Re: brak zdjęcia",
			files:   []string{"IMG_1.jpg"},
			formats: []string{"jpeg"},
			lines:   []string{"Przepraszam, teraz z załącznikiem."},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Walk(tt.raw, nil)
			if err != nil {
				t.Fatal(err)
			}
			if m.Subject != tt.subject {
				t.Errorf("subject %q, want %q", m.Subject, tt.subject)
			}
			var files, formats []string
			for _, p := range m.Photos {
				files, formats = append(files, p.Name), append(formats, p.Format)
				if len(p.Hash) != 64 {
					t.Errorf("hash %q", p.Hash)
				}
			}
			if strings.Join(files, "|") != strings.Join(tt.files, "|") || strings.Join(formats, "|") != strings.Join(tt.formats, "|") {
				t.Errorf("photos %q %q, want %q %q", files, formats, tt.files, tt.formats)
			}
			for i, l := range tt.lines {
				if i >= len(m.Lines) || m.Lines[i] != l {
					t.Errorf("lines %q, want prefix %q", m.Lines, tt.lines)
					break
				}
			}
			var why []Why
			for _, r := range m.Refused {
				why = append(why, r.Why)
			}
			if len(why) != len(tt.refused) || (len(why) > 0 && why[0] != tt.refused[0]) {
				t.Errorf("refused %v, want %v", m.Refused, tt.refused)
			}
		})
	}
}

func TestWalkLimits(t *testing.T) {
	jpg := photoJPEG(t, 400, 500, 1)
	three := msg("l1@x", "a@b.pl", "x", day, multipart("mixed", textPart("x"),
		attachment("image/jpeg", "attachment; filename=a.jpg", jpg),
		attachment("image/jpeg", "attachment; filename=b.jpg", jpg),
		attachment("image/jpeg", "attachment; filename=c.jpg", jpg)))

	m, err := Walk(three, &Limits{MaxAttachments: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Photos) != 2 || len(m.Refused) != 1 || m.Refused[0].Why != WhyTooMany || m.Refused[0].Name != "c.jpg" {
		t.Errorf("max attachments: %d photos, refused %+v", len(m.Photos), m.Refused)
	}

	m, err = Walk(three, &Limits{MaxAttachmentBytes: int64(len(jpg) - 1)})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Photos) != 0 || len(m.Refused) != 3 || m.Refused[0].Why != WhyTooLarge {
		t.Errorf("max attachment bytes: %d photos, refused %+v", len(m.Photos), m.Refused)
	}

	if _, err := Walk(three, &Limits{MaxMessageBytes: int64(len(three) - 1)}); err == nil {
		t.Error("message over the size limit read")
	}

	// A photo forwarded three times, nested deeper than allowed.
	inner := msg("d0@x", "a@b.pl", "x", day, multipart("mixed", attachment("image/jpeg", "attachment; filename=deep.jpg", jpg)))
	for i := 1; i <= 3; i++ {
		inner = msg("d@x", "a@b.pl", "Fwd", day, multipart("mixed", textPart("fwd"), forwarded(inner)))
	}
	if m, _ := Walk(inner, nil); len(m.Photos) != 1 {
		t.Errorf("default depth: %d photos", len(m.Photos))
	}
	m, _ = Walk(inner, &Limits{MaxDepth: 5})
	if len(m.Photos) != 0 || len(m.Refused) != 1 || m.Refused[0].Why != WhyTooDeep {
		t.Errorf("max depth: %d photos, refused %+v", len(m.Photos), m.Refused)
	}
}

func TestWalkMessageWithoutID(t *testing.T) {
	raw := msg("", "a@b.pl", "x", day, textPart("x"))
	m, err := Walk(raw, nil)
	if err != nil {
		t.Fatal(err)
	}
	m2, _ := Walk(raw, nil)
	if !strings.HasPrefix(m.ID, headerIDPrefix) || m.ID != m2.ID {
		t.Errorf("ids %q %q", m.ID, m2.ID)
	}
}

// FuzzWalk: the MIME walk reads untrusted mail; it must never panic, and
// every photo it returns must be one photos.Probe reads.
func FuzzWalk(f *testing.F) {
	jpg := photoJPEG(f, 220, 260, 1)
	f.Add(msg("f1@x", "a@b.pl", "=?UTF-8?B?xYF1Y2ph?=", day, multipart("mixed", textPart("Jan Kowalski 2a"),
		attachment("image/jpeg", "attachment; filename*=UTF-8''%C5%81.jpg", jpg))))
	f.Add(msg("f2@x", "a@b.pl", "x", day, multipart("mixed", forwarded(msg("f3@x", "c@d.pl", "y", day, textPart("z"))))))
	f.Add([]byte("Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x--"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := Walk(raw, &Limits{MaxDepth: 4, MaxAttachments: 3, MinImageBytes: 1, MinImageSide: 1})
		if err != nil {
			return
		}
		if len(m.Photos) > 3 || m.ID == "" {
			t.Fatalf("%d photos, id %q", len(m.Photos), m.ID)
		}
		for _, p := range m.Photos {
			if _, _, _, _, err := photos.Probe(p.Data); err != nil {
				t.Fatalf("photo taken that Probe refuses: %v", err)
			}
		}
	})
}

// fileNameMessage is a message as a mail client sends it (headers folded,
// the photo in base64) with one attachment whose MIME header lines are
// attHeader; the body is ISO-8859-2 text.
const fileNameMessage = "Message-ID: <20260903081500.4F2A@poczta.example.pl>\r\n" +
	"From: =?ISO-8859-2?Q?Ma=B3gorzata_Wi=B6niewska?= <m.wisniewska@poczta.example.pl>\r\n" +
	"To: sekretariat@sp7.example.pl\r\n" +
	"Subject: =?ISO-8859-2?Q?Zdj=EAcie_do_legitymacji?=\r\n" +
	"Date: Thu, 03 Sep 2026 08:15:00 +0200\r\n" +
	"MIME-Version: 1.0\r\n" +
	"Content-Type: multipart/mixed;\r\n boundary=\"------------k7Zq0VnRrYl3Jd2e\"\r\n" +
	"\r\n" +
	"This is a multi-part message in MIME format.\r\n" +
	"--------------k7Zq0VnRrYl3Jd2e\r\n" +
	"Content-Type: text/plain; charset=ISO-8859-2; format=flowed\r\n" +
	"Content-Transfer-Encoding: 8bit\r\n" +
	"\r\n" +
	"Dzie\xf1 dobry,\r\nw za\xb3\xb1czniku zdj\xeacie.\r\n" +
	"\r\n" +
	"--------------k7Zq0VnRrYl3Jd2e\r\n" +
	"%s\r\n" +
	"Content-Transfer-Encoding: base64\r\n" +
	"\r\n" +
	"%s\r\n" +
	"--------------k7Zq0VnRrYl3Jd2e--\r\n"

// A photo named after a pupil in an RFC 2231 file name in ISO-8859-2 or
// Windows-1250 (one piece or continuations, in Content-Disposition or
// Content-Type) is named and identified as a UTF-8 one is; before, the
// name was dropped for the Content-Type name ("zdjecie.jpg", nobody) or
// kept without its first section.
func TestWalkFileNameCharsets(t *testing.T) {
	jpg := base64Lines(photoJPEG(t, 400, 500, 3))
	const lucja = 1
	f := photos.NewFinder(roster(t))
	for _, tt := range []struct{ name, header, want string }{
		{"ISO-8859-2 continuations (Thunderbird)",
			"Content-Type: image/jpeg; name=\"zdjecie.jpg\"\r\n" +
				"Content-Disposition: attachment;\r\n filename*0*=ISO-8859-2''%A3ucja%20Wi%B6niewska;\r\n filename*1*=%20kl.%202a.jpg",
			"Łucja Wiśniewska kl. 2a.jpg"},
		{"Windows-1250 in one piece",
			"Content-Type: image/jpeg; name=\"zdjecie.jpg\"\r\n" +
				"Content-Disposition: attachment; filename*=windows-1250'pl'%A3ucja%20Wi%9Cniewska%202a.jpg",
			"Łucja Wiśniewska 2a.jpg"},
		{"encoded section then a quoted one",
			"Content-Type: image/jpeg; name=\"zdjecie.jpg\"\r\n" +
				"Content-Disposition: attachment;\r\n filename*0*=iso-8859-2''Wi%B6niewska%20%A3ucja;\r\n filename*1=\" 2a.JPG\"",
			"Wiśniewska Łucja 2a.JPG"},
		{"Content-Type name only, ISO-8859-2",
			"Content-Type: image/jpeg;\r\n name*0*=iso-8859-2''%A3ucja%20Wi%B6niewska;\r\n name*1*=%202a.jpg\r\n" +
				"Content-Disposition: inline",
			"Łucja Wiśniewska 2a.jpg"},
		{"UTF-8 continuations, as before",
			"Content-Type: image/jpeg; name=\"zdjecie.jpg\"\r\n" +
				"Content-Disposition: attachment;\r\n filename*0*=UTF-8''%C5%81ucja%20Wi%C5%9Bniewska;\r\n filename*1*=%202a.jpg",
			"Łucja Wiśniewska 2a.jpg"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Walk([]byte(fmt.Sprintf(fileNameMessage, tt.header, jpg)), nil)
			if err != nil {
				t.Fatal(err)
			}
			if names := photoNames(m); len(names) != 1 || names[0] != tt.want {
				t.Fatalf("photos %q, want one named %q", names, tt.want)
			}
			if got := Identify(f, m); got[0] != (Identified{Student: lucja, From: FromFileName}) {
				t.Errorf("identified %+v, want Łucja from the file name", got[0])
			}
		})
	}
	// A charset nobody knows: the Content-Type name, as go-message reads it.
	m, err := Walk([]byte(fmt.Sprintf(fileNameMessage, "Content-Type: image/jpeg; name=\"zdjecie.jpg\"\r\n"+
		"Content-Disposition: attachment; filename*=x-nieznany''%A3ucja.jpg", jpg)), nil)
	if err != nil || len(m.Photos) != 1 || m.Photos[0].Name != "zdjecie.jpg" {
		t.Errorf("unknown charset: photos %q, %v; want the Content-Type name", photoNames(m), err)
	}
}

// photoNames lists the names of m's photos.
func photoNames(m *Message) []string {
	var names []string
	if m != nil {
		for _, p := range m.Photos {
			names = append(names, p.Name)
		}
	}
	return names
}

// base64Lines is data in base64 in lines of 76, as mailers write it.
func base64Lines(data []byte) string {
	return strings.TrimSuffix(string(part{body: data, b64: true}.encoded()), "\r\n")
}
