// Package texts is the one catalogue of Polish words the secretariat reads:
// every reason a student, photo or codes row is turned away for and every
// warning (a title, what to do, and detail templates with their values),
// the vocabulary of mLegitymacja states, the column headers of the
// secretariat's documents, and the formatting of values in them (dates
// DD.MM.RRRR, numbers with Polish separators, sizes as 480×600).
//
// # Adding an entry
//
// A reason or warning is one element of the table in catalogue.go, keyed by
// its code (the stable English code scripts match on, e.g. "PHOTO_MISSING"):
//
//	"PHOTO_TOO_SMALL": {
//		Title:  "Zdjęcie ma zbyt małą rozdzielczość.",
//		Action: "Prześlij zdjęcie większe, zrobione z bliska i bez powiększania.",
//		Details: map[string]string{
//			"": "Zdjęcie ma {found} px, potrzeba co najmniej {need} px.",
//		},
//		Example: Args{"found": Size{160, 200}, "need": Size{480, 600}},
//	},
//
// A detail template names its values in braces; [Fill] writes each value
// the Polish way by its type (see [Args]). Variants of one reason (two
// different situations with the same code) are further keys of Details;
// the empty key is the usual one. Example holds a value for every name any
// variant uses: the catalogue's test builds every variant with it and
// fails on an unfilled name, a missing title or action, or an English word.
//
// # Library errors
//
// An error from a library (a JPEG decoder, encoding/csv, the file system)
// never reaches a Polish document as it is: the caller chooses a reason
// and a variant describing it in Polish, and the English original goes to
// the log and to summary.json only. [Lint] finds what must not be in a
// Polish document (English words, ISO dates, raw library messages); tests
// of every document writer use it.
package texts
