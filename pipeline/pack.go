package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
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

// Package implements PackStage: the upload package of send under the
// first name of the as-of date (see export.NthPackageName) that is neither
// a file in OUT/package nor taken, so no package written before is ever
// replaced.
func (p *Package) Package(ctx context.Context, send []student.Student, taken func(name string) bool) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	for seq := 1; ; seq++ {
		name := export.NthPackageName(p.School, p.AsOf, seq)
		if taken != nil && taken(name) {
			continue
		}
		path := filepath.Join(p.OutDir, export.PackageDir, name)
		if _, err := os.Lstat(path); err == nil {
			continue
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("checking %s: %w", path, err)
		}
		if err := export.WritePackageAt(path, p.AsOf, send, p.PhotoDir); err != nil {
			return "", err
		}
		return path, nil
	}
}

// List implements PackStage: OUT/sio/legitymacje.csv of every accepted
// student, so the SIO file is complete whichever night's package the
// school imports.
func (p *Package) List(ctx context.Context, accepted []student.Student) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(accepted) == 0 {
		return nil
	}
	if _, err := export.WriteSIO(p.OutDir, accepted); err != nil {
		return fmt.Errorf("writing SIO file: %w", err)
	}
	return nil
}
