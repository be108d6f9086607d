// Package mail takes the photos parents send by e-mail: it reads messages
// from the school's mailbox over IMAP (Fetch) or from exported mail (Import:
// an mbox file, one .eml or a folder of them), finds the photos in each
// (Walk), works out whose they are (Identify) and saves each one into the
// photos folder the nightly run reads, as <PESEL>.<ext>, with its
// provenance in the school's state store.
//
// Terms:
//   - photo: an image part of a message, attached or inline, in a format
//     mlegit reads (JPEG, PNG, HEIC/HEIF, WebP), and not a signature logo
//     or icon (both sides under Limits.MinImageSide pixels, or under
//     Limits.MinImageBytes).
//   - identification: in order, the photo's file name (exactly as
//     mlegit run --photos matches files: PESEL, or names and class), the
//     message's subject, the first lines of its body. The first of these
//     that names anybody decides; two students, or a subject naming one
//     student for several photos, is ambiguous. Nothing is guessed.
//   - message identity: the Message-ID or, for a message without one, a
//     hash of the header fields its sender wrote (Date, From, To, Subject,
//     Content-Type with its boundary, ...), which no server or export
//     rewrites; a message read to the end is recorded by it and skipped
//     from then on (over IMAP before it is downloaded), so fetching or
//     importing again changes nothing.
//   - provenance: the message identity, date received, sender and the
//     photo's SHA-256 kept for every photo taken; a photo of a message
//     already recorded (a run stopped half-way) is not taken twice.
//   - unassigned: a photo nobody could be identified for. It is kept in
//     OUT/nieprzypisane/ and listed for the secretariat in
//     nieprzypisane.csv/.xlsx until someone assigns it
//     (mlegit photos assign --file F --pesel P).
//
// Limits: a message over Limits.MaxMessageBytes is not read; at most
// Limits.MaxAttachments photos per message and Limits.MaxAttachmentBytes
// per photo are taken; MIME nesting deeper than Limits.MaxDepth (forwarded
// messages count) is not followed. One message is held in memory at a time.
// Mail is never deleted from the mailbox.
package mail
