package mail

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html"
	"image"
	_ "image/gif" // sizes of GIF logos, to ignore them
	"io"
	"mime"
	"net/mail"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset" // ISO-8859-2, Windows-1250, ... in headers and bodies
	gomail "github.com/emersion/go-message/mail"

	"github.com/mlegit/mlegit/photos"
)

// Limits bound what one message may cost. A nil *Limits, or a zero field,
// means the default.
type Limits struct {
	// MaxMessageBytes: a larger message is not read (default 50 MB).
	MaxMessageBytes int64
	// MaxAttachments: photos taken from one message (default 20).
	MaxAttachments int
	// MaxAttachmentBytes: a larger photo is not taken (default 25 MB).
	MaxAttachmentBytes int64
	// MaxDepth: MIME nesting followed, forwarded messages included
	// (default 8).
	MaxDepth int
	// MinImageSide: an image whose both sides are shorter is a signature
	// logo or an icon and is ignored (default 200 pixels).
	MinImageSide int
	// MinImageBytes: a smaller image is ignored likewise (default 1 KB).
	MinImageBytes int64
	// BodyLines: the first lines of the body read to identify the student
	// (default 6).
	BodyLines int
}

// Default limits.
const (
	DefaultMaxMessageBytes    = 50 << 20
	DefaultMaxAttachments     = 20
	DefaultMaxAttachmentBytes = 25 << 20
	DefaultMaxDepth           = 8
	DefaultMinImageSide       = 200
	DefaultMinImageBytes      = 1 << 10
	DefaultBodyLines          = 6
)

func (l *Limits) withDefaults() Limits {
	var o Limits
	if l != nil {
		o = *l
	}
	def := func(v *int64, d int64) {
		if *v <= 0 {
			*v = d
		}
	}
	defi := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&o.MaxMessageBytes, DefaultMaxMessageBytes)
	defi(&o.MaxAttachments, DefaultMaxAttachments)
	def(&o.MaxAttachmentBytes, DefaultMaxAttachmentBytes)
	defi(&o.MaxDepth, DefaultMaxDepth)
	defi(&o.MinImageSide, DefaultMinImageSide)
	def(&o.MinImageBytes, DefaultMinImageBytes)
	defi(&o.BodyLines, DefaultBodyLines)
	return o
}

// Message is what Walk found in one e-mail.
type Message struct {
	// ID is the Message-ID without angle brackets or, for a message
	// without one, "hdr:" and the hash of the header fields its sender
	// wrote (see identityFields); for a message without Date and From,
	// "sha256:" and the hash of the whole message.
	ID      string
	Date    time.Time // the Date header; zero when absent or unreadable
	From    string    // sender's address (lower case)
	Subject string    // decoded (RFC 2047)
	// Lines are the first non-empty lines of the body (text/plain, else
	// text/html without tags), quoted lines ("> ...") and the signature
	// ("-- ") left out.
	Lines  []string
	Photos []Photo
	// Refused are images that could not be taken (format, size, count,
	// depth); logos and icons are not listed.
	Refused []Refused
}

// Photo is one image part of a message.
type Photo struct {
	Name   string // file name as sent (RFC 2047/2231 decoded); may be empty
	Format string // "jpeg", "png", "heif" or "webp"
	Ext    string // extension for Format: ".jpg", ".png", ".heic", ".webp"
	Data   []byte
	Width  int
	Height int
	Inline bool // inline in the body rather than attached
	Hash   string
}

// Why says why a photo was not taken or not assigned.
type Why string

// Reasons a photo was refused or left unassigned.
const (
	WhyFormat       Why = "format"        // not a format mlegit reads, or damaged
	WhyTooLarge     Why = "too_large"     // over MaxAttachmentBytes
	WhyTooMany      Why = "too_many"      // over MaxAttachments
	WhyTooDeep      Why = "too_deep"      // nested deeper than MaxDepth
	WhyUnknown      Why = "unknown"       // nobody identified
	WhyAmbiguous    Why = "ambiguous"     // more than one student fits
	WhySeveral      Why = "several"       // one student named by the message, several photos
	WhyMessageLarge Why = "message_large" // message over MaxMessageBytes
)

// Polish is the reason as the secretariat reads it in nieprzypisane.csv.
func (w Why) Polish() string {
	switch w {
	case WhyFormat:
		return "Plik nie jest zdjęciem w formacie JPG, PNG, HEIC ani WebP albo jest uszkodzony."
	case WhyTooLarge:
		return "Załącznik jest za duży."
	case WhyTooMany:
		return "Wiadomość ma za dużo załączników; pozostałe pominięto."
	case WhyTooDeep:
		return "Załącznik jest zbyt głęboko zagnieżdżony (wielokrotnie przekazana wiadomość)."
	case WhyUnknown:
		return "Nie rozpoznano ucznia: nazwa pliku, temat ani treść nie podają imienia, nazwiska i oddziału (lub numeru PESEL) ucznia z listy."
	case WhyAmbiguous:
		return "Opis pasuje do więcej niż jednego ucznia."
	case WhySeveral:
		return "Wiadomość zawiera kilka zdjęć, a uczeń jest podany tylko w temacie lub treści — nie wiadomo, które zdjęcie wybrać."
	case WhyMessageLarge:
		return "Wiadomość jest za duża, nie została odczytana."
	}
	return string(w)
}

// Refused is an image part not taken.
type Refused struct {
	Name   string
	Why    Why
	Detail string // English, for the log
}

// ErrMessageTooLarge is returned by Walk for a message over
// Limits.MaxMessageBytes.
var ErrMessageTooLarge = errors.New("message too large")

// Walk parses one message and returns its photos and the text that may
// identify the student. Only a message whose header cannot be read at all
// is an error; damaged parts are skipped or refused one by one.
func Walk(raw []byte, lim *Limits) (*Message, error) {
	l := lim.withDefaults()
	if int64(len(raw)) > l.MaxMessageBytes {
		return nil, fmt.Errorf("%d bytes, limit %d: %w", len(raw), l.MaxMessageBytes, ErrMessageTooLarge)
	}
	e, err := message.Read(bytes.NewReader(raw))
	if e == nil {
		return nil, fmt.Errorf("reading message header: %w", err)
	}
	h := gomail.Header{Header: e.Header}
	m := &Message{}
	if m.ID = messageIdentity(e.Header.Header); m.ID == "" {
		m.ID = wholeID(raw)
	}
	if d, err := h.Date(); err == nil {
		m.Date = d
	}
	if from, err := h.AddressList("From"); err == nil && len(from) > 0 {
		m.From = strings.ToLower(from[0].Address)
	} else if f, err := mail.ParseAddress(e.Header.Get("From")); err == nil {
		m.From = strings.ToLower(f.Address)
	}
	m.Subject, _ = h.Subject()
	m.Subject = strings.Join(strings.Fields(m.Subject), " ")
	w := &walker{l: l, m: m}
	w.entity(e, 0)
	if w.text == "" {
		w.text = w.html
	}
	m.Lines = firstLines(w.text, l.BodyLines)
	return m, nil
}

// walker holds the state of one Walk.
type walker struct {
	l      Limits
	m      *Message
	text   string // first text/plain body
	html   string // first text/html body, tags removed
	images int    // image parts met (taken or not), for MaxAttachments
}

// maxTextBytes bounds the body text read for identification.
const maxTextBytes = 64 << 10

func (w *walker) entity(e *message.Entity, depth int) {
	mt, _, _ := e.Header.ContentType()
	mt = strings.ToLower(mt)
	name := partName(e.Header)
	if depth > w.l.MaxDepth {
		if !strings.HasPrefix(mt, "text/") {
			w.refuse(name, WhyTooDeep, fmt.Sprintf("MIME depth over %d", w.l.MaxDepth))
		}
		return
	}
	if mr := e.MultipartReader(); mr != nil {
		for {
			p, err := mr.NextPart()
			if err == io.EOF {
				return
			}
			if p == nil {
				return // a broken multipart: what was read so far stands
			}
			w.entity(p, depth+1)
		}
	}
	disp, _, _ := e.Header.ContentDisposition()
	disp = strings.ToLower(disp)
	switch {
	case mt == "message/rfc822" || mt == "message/global":
		inner, _ := message.Read(e.Body)
		if inner != nil {
			w.entity(inner, depth+1)
		}
	case isImagePart(mt, name):
		w.image(e, name, disp != "attachment")
	case mt == "text/plain" && disp != "attachment" && w.text == "":
		w.text = readText(e.Body)
	case mt == "text/html" && disp != "attachment" && w.html == "":
		w.html = stripHTML(readText(e.Body))
	}
}

// isImagePart reports whether a part may be a photo: an image type, or a
// file name with an image extension (phones and webmail often send
// application/octet-stream).
func isImagePart(mt, name string) bool {
	return strings.HasPrefix(mt, "image/") || (name != "" && photos.IsImageName(name))
}

func (w *walker) image(e *message.Entity, name string, inline bool) {
	w.images++
	if w.images > w.l.MaxAttachments {
		w.refuse(name, WhyTooMany, fmt.Sprintf("more than %d images in the message", w.l.MaxAttachments))
		return
	}
	data, err := io.ReadAll(io.LimitReader(e.Body, w.l.MaxAttachmentBytes+1))
	if err != nil && len(data) == 0 {
		w.refuse(name, WhyFormat, "reading the part: "+err.Error())
		return
	}
	if int64(len(data)) > w.l.MaxAttachmentBytes {
		w.refuse(name, WhyTooLarge, fmt.Sprintf("over %d bytes", w.l.MaxAttachmentBytes))
		return
	}
	if int64(len(data)) < w.l.MinImageBytes {
		return // an icon
	}
	format, ext, width, height, err := photos.Probe(data)
	if err != nil {
		// A GIF or BMP logo in a signature is decoration, not a photo
		// sent in the wrong format.
		if cfg, _, cerr := image.DecodeConfig(bytes.NewReader(data)); cerr == nil &&
			cfg.Width < w.l.MinImageSide && cfg.Height < w.l.MinImageSide {
			return
		}
		if inline && name == "" {
			return
		}
		w.refuse(name, WhyFormat, err.Error())
		return
	}
	if width < w.l.MinImageSide && height < w.l.MinImageSide {
		return // a signature logo
	}
	sum := sha256.Sum256(data)
	w.m.Photos = append(w.m.Photos, Photo{Name: name, Format: format, Ext: ext, Data: data,
		Width: width, Height: height, Inline: inline, Hash: hex.EncodeToString(sum[:])})
}

func (w *walker) refuse(name string, why Why, detail string) {
	w.m.Refused = append(w.m.Refused, Refused{Name: name, Why: why, Detail: detail})
}

// partName is a part's file name: Content-Disposition filename, else
// Content-Type name; RFC 2231 (continuations included, in any charset
// go-message knows: ISO-8859-2, Windows-1250, UTF-8, ...) and RFC 2047
// encoded words, which many mailers put there, decoded. Only the base name
// is kept.
func partName(h message.Header) string {
	name := paramName(h)
	if name == "" {
		return ""
	}
	if dec, err := new(mime.WordDecoder).DecodeHeader(name); err == nil {
		name = dec
	}
	name = strings.ReplaceAll(name, "\\", "/")
	name = filepath.Base(filepath.FromSlash(name))
	if name == "." || name == "/" {
		return ""
	}
	return name
}

// paramName is the raw file name parameter of a part: each header's
// RFC 2231 form first (rfc2231Param), which go-message leaves out unless
// it is UTF-8, then its plain form as go-message reads it.
func paramName(h message.Header) string {
	if name, ok := rfc2231Param(h.Get("Content-Disposition"), "filename"); ok {
		return name
	}
	if _, p, _ := h.ContentDisposition(); p["filename"] != "" {
		return p["filename"]
	}
	if name, ok := rfc2231Param(h.Get("Content-Type"), "name"); ok {
		return name
	}
	_, p, _ := h.ContentType()
	return p["name"]
}

func readText(r io.Reader) string {
	b, _ := io.ReadAll(io.LimitReader(r, maxTextBytes))
	return string(b)
}

var (
	tagRE   = regexp.MustCompile(`(?s)<(script|style)\b.*?</(script|style)\s*>|<!--.*?-->`)
	blockRE = regexp.MustCompile(`(?i)<(br|/p|/div|/tr|/li|/h[1-6])\b[^>]*>`)
	anyTag  = regexp.MustCompile(`(?s)<[^>]*>`)
)

// stripHTML turns an HTML body into lines of text: block ends become line
// breaks, tags go, entities are decoded.
func stripHTML(s string) string {
	s = tagRE.ReplaceAllString(s, "")
	s = blockRE.ReplaceAllString(s, "\n")
	s = anyTag.ReplaceAllString(s, "")
	return html.UnescapeString(s)
}

// firstLines returns up to n non-empty lines of a body, stopping at the
// signature delimiter or at the quoted original of a reply.
func firstLines(body string, n int) []string {
	var out []string
	sc := bufio.NewScanner(strings.NewReader(body))
	sc.Buffer(make([]byte, 0, 4096), maxTextBytes)
	for sc.Scan() && len(out) < n {
		line := strings.TrimRight(sc.Text(), " \t\r")
		switch {
		case line == "--" || line == "-- ":
			return out
		case strings.HasPrefix(strings.TrimSpace(line), ">"):
			continue
		}
		line = strings.Join(strings.Fields(strings.ReplaceAll(line, "\u00a0", " ")), " ")
		if line != "" {
			out = append(out, line)
		}
	}
	return out
}
