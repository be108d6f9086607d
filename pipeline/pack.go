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

// Pack implements PackStage and returns the package's path.
func (p *Package) Pack(ctx context.Context, accepted []student.Student) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	path, err := export.WritePackage(p.OutDir, p.School, p.AsOf, accepted, p.PhotoDir)
	if err != nil {
		return "", err
	}
	if _, err := export.WriteSIO(p.OutDir, accepted); err != nil {
		return "", fmt.Errorf("writing SIO file: %w", err)
	}
	return path, nil
}
