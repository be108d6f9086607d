package mail

import (
	"slices"
	"strings"

	"github.com/mlegit/mlegit/photos"
)

// Source says where a photo's student was read from.
type Source string

// Where a student can be identified, in the order they are tried.
const (
	FromFileName Source = "file_name"
	FromSubject  Source = "subject"
	FromBody     Source = "body"
)

// Polish names the source for the secretariat.
func (s Source) Polish() string {
	switch s {
	case FromFileName:
		return "nazwa pliku"
	case FromSubject:
		return "temat wiadomości"
	case FromBody:
		return "treść wiadomości"
	}
	return ""
}

// Identified is whose a photo is: Student is an index into the roster
// given to Identify, or -1 with Why saying why nobody.
type Identified struct {
	Student int
	From    Source
	Why     Why
}

// mailWords are words people put around a student's name in a subject or
// a message ("Re: Fwd: mLegitymacja – zdjęcie – Jan Kowalski kl. 2a"):
// dropped before matching, so the rest must still be exactly a student's
// names and class. Folded as photos.Words folds.
var mailWords = map[string]bool{
	"re": true, "fw": true, "fwd": true, "pd": true, "odp": true, "aw": true, "wg": true,
	"mlegitymacja": true, "mlegitymacji": true, "legitymacja": true, "legitymacji": true,
	"legitymacje": true, "szkolna": true, "szkolnej": true, "mobywatel": true, "junior": true,
	"zdjecie": true, "zdjecia": true, "foto": true, "fotografia": true, "photo": true,
	"uczen": true, "uczennica": true, "ucznia": true, "uczennicy": true, "corka": true, "syn": true,
	"imie": true, "nazwisko": true, "oddzial": true, "dla": true, "do": true,
}

// Identify decides whose each photo of m is, given a Finder over the
// roster: from the photo's file name, else the subject, else the first
// lines of the body (each line, then the first lines together). The first
// source that names anybody decides; two students there is ambiguous, and
// a student named by the subject or body for several photos at once is
// not assigned either (which photo is whose?). Nothing is guessed.
func Identify(f *photos.Finder, m *Message) []Identified {
	out := make([]Identified, len(m.Photos))
	msg := identifyMessage(f, m)
	for i, p := range m.Photos {
		if p.Name != "" {
			hits, _ := f.Find(p.Name)
			if len(hits) > 0 {
				out[i] = verdict(hits, FromFileName)
				continue
			}
		}
		out[i] = msg
		if msg.Student >= 0 && len(m.Photos) > 1 {
			out[i] = Identified{Student: -1, From: msg.From, Why: WhySeveral}
		}
	}
	return out
}

// identifyMessage reads the student from the subject, then the body.
func identifyMessage(f *photos.Finder, m *Message) Identified {
	if hits := findText(f, m.Subject); len(hits) > 0 {
		return verdict(hits, FromSubject)
	}
	var hits []int
	for _, l := range m.Lines {
		hits = append(hits, findText(f, l)...)
	}
	// "mLegitymacja\nJan Kowalski\n2a": the first lines together.
	if len(hits) == 0 && len(m.Lines) > 1 {
		hits = findText(f, strings.Join(m.Lines[:min(3, len(m.Lines))], " "))
	}
	if len(hits) > 0 {
		slices.Sort(hits)
		return verdict(slices.Compact(hits), FromBody)
	}
	return Identified{Student: -1, Why: WhyUnknown}
}

func verdict(hits []int, from Source) Identified {
	if len(hits) == 1 {
		return Identified{Student: hits[0], From: from}
	}
	return Identified{Student: -1, From: from, Why: WhyAmbiguous}
}

// findText finds the students a line of text names: by a PESEL in it, or
// by its words, the mail words aside, being exactly a student's names and
// class.
func findText(f *photos.Finder, text string) []int {
	words := photos.Words(text)
	var byPESEL []int
	kept := words[:0:0]
	for _, w := range words {
		if len(w) == 11 && isDigits(w) {
			byPESEL = append(byPESEL, f.FindPESEL(w)...)
			continue
		}
		if !mailWords[w] {
			kept = append(kept, w)
		}
	}
	if len(byPESEL) > 0 {
		return byPESEL
	}
	return f.FindWords(kept)
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
