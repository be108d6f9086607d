// Package portal is mlegit's side of the national mLegitymacja portal. No
// public bulk API exists, so the portal hides behind the Portal interface:
// it takes an upload package (see package export) and answers with one
// codes row per student (see package codes). Simulator is the one
// implementation today; a real client can be added beside it.
//
// Simulated codes: the QR payload is 32 characters of base32 (A–Z, 2–7)
// from 20 random bytes; the activation code is 12 characters from
// ActivationAlphabet (no 0, O, 1 or I); both come from crypto/rand and are
// unique within a package. Rows are generated on the as-of date, valid for
// the code lifetime, and marked symulacja = 1 so slips printed from them
// say so.
package portal

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"io"
	"time"

	"github.com/mlegit/mlegit/codes"
	"github.com/mlegit/mlegit/export"
)

// Portal accepts upload packages and issues codes.
type Portal interface {
	// Submit sends the upload package at packagePath and returns a codes
	// row for every student in it. A package the portal refuses gives a
	// *RejectedError.
	Submit(ctx context.Context, packagePath string) ([]codes.Row, error)
}

// RejectedError is a package the portal refused, with every reason.
type RejectedError struct {
	Problems []export.Problem
}

// Error tells how many problems there were and shows the first.
func (e *RejectedError) Error() string {
	if len(e.Problems) == 0 {
		return "portal odrzucił paczkę"
	}
	return fmt.Sprintf("portal odrzucił paczkę (liczba problemów: %d), pierwszy: %s", len(e.Problems), e.Problems[0])
}

// Shape of simulated codes.
const (
	QRLength             = 32
	ActivationCodeLength = 12
	// ActivationAlphabet has 32 symbols, so one random byte's low five
	// bits pick a symbol without bias.
	ActivationAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
)

// Simulator stands in for the portal: it checks a package as the portal
// would (export.VerifyPackage) and issues random codes for it.
type Simulator struct {
	AsOf         time.Time          // the codes' generation date
	LifetimeDays int                // code validity; codes.DefaultLifetimeDays if not positive
	Limits       export.PhotoLimits // the photo profile the package must meet
	// Rand is the source of randomness; nil means crypto/rand. Tests may
	// set a deterministic reader; nothing else should.
	Rand io.Reader
}

var _ Portal = (*Simulator)(nil)

// Submit verifies the package and returns one simulated row per manifest
// row, in manifest (PESEL) order.
func (s *Simulator) Submit(ctx context.Context, packagePath string) ([]codes.Row, error) {
	probs, err := export.VerifyPackage(packagePath, s.Limits)
	if err != nil {
		return nil, err
	}
	if len(probs) > 0 {
		return nil, &RejectedError{Problems: probs}
	}
	manifest, err := export.ReadManifest(packagePath)
	if err != nil {
		return nil, err
	}
	days := s.LifetimeDays
	if days <= 0 {
		days = codes.DefaultLifetimeDays
	}
	gen := time.Date(s.AsOf.Year(), s.AsOf.Month(), s.AsOf.Day(), 0, 0, 0, 0, time.UTC)
	rnd := s.Rand
	if rnd == nil {
		rnd = rand.Reader
	}
	issued := map[string]bool{}
	rows := make([]codes.Row, 0, len(manifest))
	for _, m := range manifest {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		qr, err := unique(issued, func() (string, error) { return qrPayload(rnd) })
		if err != nil {
			return nil, err
		}
		code, err := unique(issued, func() (string, error) { return activationCode(rnd) })
		if err != nil {
			return nil, err
		}
		rows = append(rows, codes.Row{
			PESEL: m.PESEL, QR: qr, ActivationCode: code,
			Generated: gen, ValidUntil: gen.AddDate(0, 0, days), Simulated: true,
		})
	}
	return rows, nil
}

// unique draws from next until it gets a value not yet issued.
func unique(issued map[string]bool, next func() (string, error)) (string, error) {
	for range 8 {
		v, err := next()
		if err != nil {
			return "", fmt.Errorf("losowanie kodu: %w", err)
		}
		if !issued[v] {
			issued[v] = true
			return v, nil
		}
	}
	return "", fmt.Errorf("losowanie kodu: źródło losowości powtarza wartości")
}

func qrPayload(r io.Reader) (string, error) {
	var b [QRLength * 5 / 8]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return "", err
	}
	return base32.StdEncoding.EncodeToString(b[:]), nil
}

func activationCode(r io.Reader) (string, error) {
	var b [ActivationCodeLength]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return "", err
	}
	for i, v := range b {
		b[i] = ActivationAlphabet[v&31]
	}
	return string(b[:]), nil
}
