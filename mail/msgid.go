package mail

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/emersion/go-message"
	gomail "github.com/emersion/go-message/mail"
	"github.com/emersion/go-message/textproto"
)

// identityFields are the header fields a message without a Message-ID is
// known by: the ones the sender's mail program writes (RFC 5322
// originator, destination and informational fields, and the MIME
// Content-Type with its random multipart boundary). Servers deliver,
// store, flag and move a message without rewriting them, and exported
// copies (.eml, mbox) carry them unchanged, so the same message has the
// same identity on every night's fetch and in an import. Fields added on
// the way or by the exporting program (Received, Return-Path, Status,
// X-Mozilla-*, X-Gmail-Labels) and the body's line endings play no part.
var identityFields = []string{"Date", "From", "Sender", "Reply-To", "To", "Cc", "Subject", "In-Reply-To", "References", "Content-Type"}

// headerIDPrefix starts the identity of a message without a Message-ID.
const headerIDPrefix = "hdr:"

// messageIdentity is the message's Message-ID (without angle brackets) or,
// for a message without a usable one, "hdr:" and the SHA-256 of its
// identity fields. It is "" when the header has neither Date nor From
// (not enough to tell two such messages apart): the caller then knows the
// message only by the hash of its bytes (wholeID).
func messageIdentity(h textproto.Header) string {
	mh := gomail.Header{Header: message.Header{Header: h}}
	if id, err := mh.MessageID(); err == nil && id != "" {
		return id
	}
	if !h.Has("Date") && !h.Has("From") {
		return ""
	}
	sum := sha256.New()
	for _, k := range identityFields {
		for _, v := range h.Values(k) {
			// Unfolded, runs of white space as one space: how a field is
			// folded is the writer's choice, not the message's.
			sum.Write([]byte(strings.ToLower(k) + ":" + strings.Join(strings.Fields(v), " ") + "\n"))
		}
	}
	return headerIDPrefix + hex.EncodeToString(sum.Sum(nil))
}

// wholeID is the identity of a message known only by its bytes: "sha256:"
// and their hash. Before the header identity existed every message
// without a Message-ID was recorded by it.
func wholeID(raw []byte) string {
	sum := sha256.Sum256(raw)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// headerIdentity reads a header as the server sends it for
// BODY.PEEK[HEADER.FIELDS (...)] and returns its messageIdentity ("" when
// it cannot be read).
func headerIdentity(raw []byte) string {
	h, err := textproto.ReadHeader(bufio.NewReader(bytes.NewReader(raw)))
	if err != nil {
		return ""
	}
	return messageIdentity(h)
}

// identityFetchFields are the fields fetched to work out a message's
// identity before downloading it.
func identityFetchFields() []string {
	return append([]string{"Message-ID"}, identityFields...)
}
