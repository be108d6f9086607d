package mail

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mlegit/mlegit/pesel"
	"github.com/mlegit/mlegit/student"
)

// photoJPEG is a w x h JPEG with enough texture to weigh what a photo does.
func photoJPEG(t testing.TB, w, h int, seed int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := uint8((x*7 + y*13 + seed*31 + (x*y)%17) % 256)
			img.SetRGBA(x, y, color.RGBA{v, uint8(seed * 40), 255 - v, 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// logoPNG is a small signature logo.
func logoPNG(t testing.TB) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 120, 40))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 7919 % 251)
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "photos", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// part is one MIME part of a test message.
type part struct {
	header string // header lines, CRLF-separated, without the blank line
	body   []byte // raw body; base64-encoded when b64
	b64    bool
}

func textPart(s string) part {
	return part{header: "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit", body: []byte(s)}
}

// attachment is an image attachment; disposition carries the filename
// parameter(s) as written (so tests can use RFC 2231 and RFC 2047 forms).
func attachment(ctype, disposition string, data []byte) part {
	return part{header: "Content-Type: " + ctype + "\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: " + disposition,
		body: data, b64: true}
}

func inlineImage(ctype, cid string, data []byte) part {
	return part{header: "Content-Type: " + ctype + "\r\nContent-Transfer-Encoding: base64\r\nContent-ID: <" + cid + ">\r\nContent-Disposition: inline",
		body: data, b64: true}
}

var boundaryN int

// multipart renders parts as one multipart body under a top header.
func multipart(sub string, parts ...part) part {
	boundaryN++
	bd := fmt.Sprintf("=_b%d_%d", boundaryN, time.Now().UnixNano()%1000)
	var b bytes.Buffer
	b.WriteString("This is a multi-part message in MIME format.\r\n")
	for _, p := range parts {
		b.WriteString("--" + bd + "\r\n" + p.header + "\r\n\r\n")
		b.Write(p.encoded())
		b.WriteString("\r\n")
	}
	b.WriteString("--" + bd + "--\r\n")
	return part{header: "Content-Type: multipart/" + sub + "; boundary=\"" + bd + "\"", body: b.Bytes()}
}

// forwarded wraps a whole message as a message/rfc822 part.
func forwarded(msg []byte) part {
	return part{header: "Content-Type: message/rfc822\r\nContent-Disposition: attachment", body: msg}
}

func (p part) encoded() []byte {
	if !p.b64 {
		return p.body
	}
	enc := base64.StdEncoding.EncodeToString(p.body)
	var b strings.Builder
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc)
	return []byte(b.String())
}

// msg renders a whole message: headers (already encoded as a mailer
// would), then the body part.
func msg(id, from, subject string, date time.Time, body part) []byte {
	var b bytes.Buffer
	if id != "" {
		b.WriteString("Message-ID: <" + id + ">\r\n")
	}
	b.WriteString("From: " + from + "\r\nTo: sekretariat@sp7.example.pl\r\nSubject: " + subject + "\r\n")
	b.WriteString("Date: " + date.Format(time.RFC1123Z) + "\r\nMIME-Version: 1.0\r\n")
	b.WriteString(body.header + "\r\n\r\n")
	b.Write(body.encoded())
	return b.Bytes()
}

var day = time.Date(2026, 9, 3, 8, 15, 0, 0, time.UTC)

// roster is the class the tests identify against. PESELs are valid.
func roster(t testing.TB) []student.Student {
	t.Helper()
	mk := func(p, sur, first, second, class string) student.Student {
		if _, err := pesel.Parse(p); err != nil {
			t.Fatalf("test PESEL %s: %v", p, err)
		}
		return student.Student{PESEL: pesel.PESEL(p), Surname: sur, FirstName: first, SecondName: second, Class: class}
	}
	return []student.Student{
		mk("15211218425", "Kowalski", "Jan", "", "2a"),
		mk("15230319136", "Wiśniewska", "Łucja", "Maria", "2a"),
		mk("15250519842", "Nowak", "Zofia", "", "3b"),
		mk("15270720552", "Nowak", "Zofia", "", "4c"),
		mk("16240115686", "Żółkiewski", "Paweł", "", "1b"),
	}
}
