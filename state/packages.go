package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/mlegit/mlegit/failpoint"
	"github.com/mlegit/mlegit/pesel"
)

// Crash points of the store (see package failpoint and
// docs/crash-points.md).
const (
	// PointCommit is hit inside every write transaction, after its last
	// statement and before its commit.
	PointCommit = "state.commit"
	// PointPackageStudents is hit inside RecordPackage's transaction after
	// the first student was added to the package and moved to packaged.
	PointPackageStudents = "state.package-students"
)

// Who confirmed a package (Package.ConfirmedBy).
const (
	ConfirmedByCodes    = "codes import" // the portal's codes for its students were imported
	ConfirmedByUploaded = "uploaded"     // mlegit package uploaded NAME
	ConfirmedByAdopted  = "adopted"      // written by an older mlegit, its students already past packaged
)

// ErrNoPackage is returned for a package name the store does not hold.
var ErrNoPackage = errors.New("state: no such upload package")

// Package is the store's record of one upload package written to
// OUT/package.
type Package struct {
	Name        string    // base name, e.g. mlegitymacja-sp7-20260915.zip
	SHA256      string    // of the zip file, hex
	Created     time.Time // the run's time when it was recorded
	Confirmed   time.Time // zero while the portal is not known to have it
	ConfirmedBy string    // one of the ConfirmedBy constants
	// Students counts the students in the package; Waiting those whose
	// current card issue is this package and who still wait (packaged)
	// for their codes.
	Students, Waiting int
}

// IsWaiting reports whether the package still waits to be uploaded: not
// confirmed, and some student in it still waits for its codes.
func (p Package) IsWaiting() bool { return p.Confirmed.IsZero() && p.Waiting > 0 }

// AgeDays is the number of whole calendar days from the package's creation
// to asOf.
func (p Package) AgeDays(asOf time.Time) int {
	return int(civil(asOf).Sub(civil(p.Created)).Hours() / 24)
}

// RecordPackage records, in one transaction, the upload package name (of
// the given sha256, written to disk before the call) with its students,
// and moves them to packaged at at. Each student's entry keeps the issue
// of its card (Record.Issue) the package asks for. Recording a name already recorded with the same hash does
// nothing; with another hash it is an error.
func (s *Store) RecordPackage(ctx context.Context, name, sha string, pesels []string, at time.Time) error {
	return inTx(ctx, s.db, func(tx *sql.Tx) error {
		var have string
		err := tx.QueryRowContext(ctx, `SELECT sha256 FROM packages WHERE name = ?`, name).Scan(&have)
		switch {
		case err == nil && have == sha:
			return nil
		case err == nil:
			return fmt.Errorf("recording package %s: already recorded with another content", name)
		case !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("recording package %s: %w", name, err)
		}
		if err := insertPackage(ctx, tx, name, sha, at, pesels); err != nil {
			return err
		}
		for i, p := range pesels {
			if err := move(ctx, tx, p, Packaged, at, "upload package "+name); err != nil {
				return err
			}
			if i == 0 {
				failpoint.Hit(PointPackageStudents)
			}
		}
		return nil
	})
}

// AdoptPackage records a package that an older mlegit wrote without a
// record, with those of pesels the store holds, leaving their states
// alone. created is when the file was written. It is confirmed (by
// "adopted") unless one of its students still waits in packaged. Adopting
// a recorded name does nothing.
func (s *Store) AdoptPackage(ctx context.Context, name, sha string, pesels []string, created time.Time) error {
	return inTx(ctx, s.db, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM packages WHERE name = ?`, name).Scan(&n); err != nil {
			return fmt.Errorf("adopting package %s: %w", name, err)
		}
		if n > 0 {
			return nil
		}
		var known []string
		waiting := false
		for _, p := range pesels {
			st, err := stateOf(ctx, tx, p)
			if errors.Is(err, ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			known = append(known, p)
			waiting = waiting || st == Packaged
		}
		if err := insertPackage(ctx, tx, name, sha, created, known); err != nil {
			return err
		}
		if waiting {
			return nil
		}
		_, err := tx.ExecContext(ctx, `UPDATE packages SET confirmed = ?, confirmed_by = ? WHERE name = ?`,
			stamp(created), ConfirmedByAdopted, name)
		return err
	})
}

// insertPackage adds the package row and its students, each with the
// current issue of its card; PESELs the store does not hold are skipped.
func insertPackage(ctx context.Context, tx *sql.Tx, name, sha string, at time.Time, pesels []string) error {
	if at.IsZero() {
		return fmt.Errorf("recording package %s: %w", name, ErrNoTime)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO packages (name, sha256, created) VALUES (?, ?, ?)`,
		name, sha, stamp(at)); err != nil {
		return fmt.Errorf("recording package %s: %w", name, err)
	}
	for _, p := range pesels {
		_, err := tx.ExecContext(ctx, `INSERT INTO package_students (package, pesel, issue)
			SELECT ?1, pesel, issue FROM students WHERE pesel = ?2`, name, p)
		if err != nil {
			return fmt.Errorf("recording %s in package %s: %w", pesel.Masked(p), name, err)
		}
	}
	return nil
}

// ConfirmPackage records that the portal has the package name (uploaded
// by hand, or its codes arrived). A package confirmed already keeps its
// first confirmation. An unknown name is ErrNoPackage.
func (s *Store) ConfirmPackage(ctx context.Context, name string, at time.Time, by string) error {
	res, err := s.db.ExecContext(ctx, `UPDATE packages SET
		confirmed_by = CASE WHEN confirmed = '' THEN ?1 ELSE confirmed_by END,
		confirmed = CASE WHEN confirmed = '' THEN ?2 ELSE confirmed END
		WHERE name = ?3`, by, stamp(at), name)
	if err != nil {
		return fmt.Errorf("confirming package %s: %w", name, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return fmt.Errorf("package %s: %w", name, ErrNoPackage)
	}
	return nil
}

// confirmPackagesOf confirms, inside tx, every unconfirmed package that
// holds the current card issue of one of pesels.
func confirmPackagesOf(ctx context.Context, tx *sql.Tx, pesels []string, at time.Time, by string) error {
	for _, p := range pesels {
		_, err := tx.ExecContext(ctx, `UPDATE packages SET confirmed = ?1, confirmed_by = ?2
			WHERE confirmed = '' AND name IN (SELECT ps.package FROM package_students ps
			JOIN students s ON s.pesel = ps.pesel AND s.issue = ps.issue WHERE ps.pesel = ?3)`,
			stamp(at), by, p)
		if err != nil {
			return fmt.Errorf("confirming the package of %s: %w", pesel.Masked(p), err)
		}
	}
	return nil
}

// Packages returns every recorded package, oldest first; packages created
// in the same second come in the order they were recorded, so the last one
// is the newest (a second package of one night is named "-2", which sorts
// before the first by name).
func (s *Store) Packages(ctx context.Context) ([]Package, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT p.name, p.sha256, p.created, p.confirmed, p.confirmed_by,
		(SELECT COUNT(*) FROM package_students ps WHERE ps.package = p.name),
		(SELECT COUNT(*) FROM package_students ps JOIN students s ON s.pesel = ps.pesel AND s.issue = ps.issue
			WHERE ps.package = p.name AND s.state = ?)
		FROM packages p ORDER BY p.created, p.rowid`, Packaged.String())
	if err != nil {
		return nil, fmt.Errorf("listing packages: %w", err)
	}
	defer rows.Close()
	var out []Package
	for rows.Next() {
		var p Package
		var created, confirmed string
		if err := rows.Scan(&p.Name, &p.SHA256, &created, &confirmed, &p.ConfirmedBy, &p.Students, &p.Waiting); err != nil {
			return nil, fmt.Errorf("listing packages: %w", err)
		}
		if p.Created, err = time.Parse(stampLayout, created); err != nil {
			return nil, fmt.Errorf("package %s: %w", p.Name, err)
		}
		if confirmed != "" {
			if p.Confirmed, err = time.Parse(stampLayout, confirmed); err != nil {
				return nil, fmt.Errorf("package %s: %w", p.Name, err)
			}
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing packages: %w", err)
	}
	return out, nil
}

// WaitingPackages returns the packages that wait to be uploaded (see
// Package.IsWaiting), oldest first.
func (s *Store) WaitingPackages(ctx context.Context) ([]Package, error) {
	all, err := s.Packages(ctx)
	if err != nil {
		return nil, err
	}
	var out []Package
	for _, p := range all {
		if p.IsWaiting() {
			out = append(out, p)
		}
	}
	return out, nil
}

// PackageStudents returns the PESELs in package name, ordered.
func (s *Store) PackageStudents(ctx context.Context, name string) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT pesel FROM package_students WHERE package = ? ORDER BY pesel`, name)
	if err != nil {
		return nil, fmt.Errorf("listing package %s: %w", name, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, fmt.Errorf("listing package %s: %w", name, err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// IntegrityCheck runs SQLite's PRAGMA integrity_check and returns an error
// unless it answers "ok".
func (s *Store) IntegrityCheck(ctx context.Context) error {
	var res string
	if err := s.db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res); err != nil {
		return fmt.Errorf("checking the store: %w", err)
	}
	if res != "ok" {
		return fmt.Errorf("state store %s damaged: %s", s.path, res)
	}
	return nil
}
