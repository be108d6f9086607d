package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/mlegit/mlegit/failpoint"
)

// ErrNewerSchema is returned by Open for a store written by a newer mlegit
// (its user_version is above the last migration this one knows).
var ErrNewerSchema = errors.New("state: store written by a newer mlegit")

// migrations is the schema, one step per version: migrations[i] takes a
// store from user_version i to i+1. Append only; never edit a released step.
var migrations = []string{
	// 1: students and their transition history.
	`CREATE TABLE students (
		pesel             TEXT PRIMARY KEY,
		state             TEXT NOT NULL,
		since             TEXT NOT NULL,
		surname           TEXT NOT NULL,
		first_name        TEXT NOT NULL,
		second_name       TEXT NOT NULL DEFAULT '',
		class             TEXT NOT NULL DEFAULT '',
		card_valid        TEXT NOT NULL DEFAULT '',
		row_hash          TEXT NOT NULL,
		photo_hash        TEXT NOT NULL DEFAULT '',
		output_photo_hash TEXT NOT NULL DEFAULT '',
		packaged_at       TEXT NOT NULL DEFAULT '',
		codes_generated   TEXT NOT NULL DEFAULT '',
		codes_valid_until TEXT NOT NULL DEFAULT '',
		codes_simulated   INTEGER NOT NULL DEFAULT 0,
		picked_up_by      TEXT NOT NULL DEFAULT '',
		picked_up_at      TEXT NOT NULL DEFAULT '',
		photo_purged_at   TEXT NOT NULL DEFAULT ''
	) STRICT;
	CREATE INDEX students_state ON students(state);
	CREATE TABLE history (
		id         INTEGER PRIMARY KEY,
		pesel      TEXT NOT NULL,
		from_state TEXT NOT NULL,
		to_state   TEXT NOT NULL,
		at         TEXT NOT NULL,
		reason     TEXT NOT NULL
	) STRICT;
	CREATE INDEX history_pesel ON history(pesel, id);`,
	// 2: the source photo's file identity (name, size, modification time),
	// so an unchanged photo is recognised without reading and hashing it.
	`ALTER TABLE students ADD COLUMN photo_stat TEXT NOT NULL DEFAULT '';`,
	// 3: the issue number of each student's card (1 for the first, one more
	// at each reissue), the hash of the fields printed on the card, and the
	// pickups of every issue: the store is the only pickup ledger.
	`ALTER TABLE students ADD COLUMN issue INTEGER NOT NULL DEFAULT 1;
	ALTER TABLE students ADD COLUMN card_hash TEXT NOT NULL DEFAULT '';
	CREATE TABLE pickups (
		pesel    TEXT NOT NULL,
		issue    INTEGER NOT NULL,
		by       TEXT NOT NULL,
		at       TEXT NOT NULL,
		PRIMARY KEY (pesel, issue)
	) STRICT;
	INSERT INTO pickups (pesel, issue, by, at)
		SELECT pesel, 1, picked_up_by, picked_up_at FROM students WHERE picked_up_at != '';`,
	// 4: upload packages and the students (per issue of their card) in
	// each, so that a package not yet confirmed is never forgotten.
	`CREATE TABLE packages (
		name         TEXT PRIMARY KEY,
		sha256       TEXT NOT NULL,
		created      TEXT NOT NULL,
		confirmed    TEXT NOT NULL DEFAULT '',
		confirmed_by TEXT NOT NULL DEFAULT ''
	) STRICT;
	CREATE TABLE package_students (
		package TEXT NOT NULL REFERENCES packages(name),
		pesel   TEXT NOT NULL,
		issue   INTEGER NOT NULL,
		PRIMARY KEY (package, pesel)
	) STRICT;
	CREATE INDEX package_students_pesel ON package_students(pesel, issue);`,
	// 5: provenance of the photos taken from e-mail (see MailPhoto).
	`CREATE TABLE mail_photos (
		id          INTEGER PRIMARY KEY,
		message_id  TEXT NOT NULL,
		hash        TEXT NOT NULL,
		name        TEXT NOT NULL,
		received    TEXT NOT NULL,
		sender      TEXT NOT NULL,
		subject     TEXT NOT NULL,
		status      TEXT NOT NULL,
		pesel       TEXT NOT NULL DEFAULT '',
		file        TEXT NOT NULL DEFAULT '',
		why         TEXT NOT NULL DEFAULT '',
		recorded_at TEXT NOT NULL,
		UNIQUE (message_id, hash)
	) STRICT;
	CREATE INDEX mail_photos_pesel ON mail_photos(pesel, received);
	CREATE INDEX mail_photos_status ON mail_photos(status);
	CREATE TABLE mail_messages (
		message_id  TEXT PRIMARY KEY,
		received    TEXT NOT NULL,
		photos      INTEGER NOT NULL,
		recorded_at TEXT NOT NULL
	) STRICT;`,
}

// migrate brings db up to len(steps) in one transaction. The version is
// read inside the (immediate) transaction, so two processes opening a new
// store at once apply the steps exactly once.
func migrate(ctx context.Context, db *sql.DB, steps []string) error {
	return inTx(ctx, db, func(tx *sql.Tx) error {
		var v int
		if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
			return fmt.Errorf("reading schema version: %w", err)
		}
		if v > len(steps) {
			return fmt.Errorf("schema version %d, this mlegit knows %d: %w", v, len(steps), ErrNewerSchema)
		}
		if v == len(steps) {
			return nil
		}
		for i := v; i < len(steps); i++ {
			if _, err := tx.ExecContext(ctx, steps[i]); err != nil {
				return fmt.Errorf("migrating to schema version %d: %w", i+1, err)
			}
		}
		// PRAGMA takes no bound parameters; len(steps) is ours, not input.
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", len(steps))); err != nil {
			return fmt.Errorf("recording schema version %d: %w", len(steps), err)
		}
		return nil
	})
}

// inTx runs fn in a transaction and commits it, or rolls it back when fn
// (or the commit) fails. The DSN makes every write transaction BEGIN
// IMMEDIATE, so it waits (busy timeout) for another writer up front
// instead of failing on upgrade.
func inTx(ctx context.Context, db *sql.DB, fn func(*sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("beginning transaction: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	// Every write is done, none is committed: a kill here must leave the
	// store as it was before the call.
	failpoint.Hit(PointCommit)
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("committing: %w", err)
	}
	return nil
}
