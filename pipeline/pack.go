package pipeline

import (
	"context"
	"fmt"
	"time"

	"github.com/mlegit/mlegit/export"
	"github.com/mlegit/mlegit/student"
)

// Package is the package stage: the upload package for the national portal
// (OUT/package/*.zip) and the SIO import file (OUT/sio/legitymacje.csv).
type Package struct {
	OutDir   string
	School   string
	AsOf     time.Time
	PhotoDir string // where the photo stage wrote <PESEL>.jpg
}

// Pack implements PackStage: the package of the students to send (none
// when send is empty) and OUT/sio/legitymacje.csv of every accepted
// student, so the SIO file is complete whichever night's package the
// school imports.
func (p *Package) Pack(ctx context.Context, send, accepted []student.Student) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	path := ""
	if len(send) > 0 {
		var err error
		if path, err = export.WritePackage(p.OutDir, p.School, p.AsOf, send, p.PhotoDir); err != nil {
			return "", err
		}
	}
	if len(accepted) > 0 {
		if _, err := export.WriteSIO(p.OutDir, accepted); err != nil {
			return "", fmt.Errorf("writing SIO file: %w", err)
		}
	}
	return path, nil
}
