// Package student defines a student who passed roster validation: parsed,
// typed fields ready for the photo, package and slip stages.
package student

import (
	"time"

	"github.com/mlegit/mlegit/pesel"
)

// Student is an accepted roster row.
type Student struct {
	PESEL      pesel.PESEL
	Surname    string
	FirstName  string
	SecondName string
	BirthDate  time.Time // from the roster, or from the PESEL when absent
	Class      string
	CardNumber string
	CardIssued time.Time // zero when the roster has no issue date
	CardValid  time.Time // zero when the roster has no validity date
	Disability bool

	File string // roster file the row came from
	Row  int    // its row there
}

// FullName returns "First Second Surname" as printed on documents.
func (s Student) FullName() string {
	n := s.FirstName
	if s.SecondName != "" {
		n += " " + s.SecondName
	}
	return n + " " + s.Surname
}
