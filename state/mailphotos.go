package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// MailStatus is what became of a photo taken from e-mail.
type MailStatus string

// The statuses of a MailPhoto.
const (
	// MailAssigned: written into the photos folder as <PESEL>.<ext>.
	MailAssigned MailStatus = "assigned"
	// MailUnassigned: nobody identified; the copy in File waits for the
	// secretariat.
	MailUnassigned MailStatus = "unassigned"
	// MailOlder: identified, but a photo received later for the same
	// student is already in the folder, so this one was not written.
	MailOlder MailStatus = "older"
	// MailAssignedByHand: an unassigned photo the secretariat assigned
	// (mlegit photos assign).
	MailAssignedByHand MailStatus = "assigned_by_hand"
	// MailPurged: an unassigned photo nobody assigned within
	// photo_retention_days; its kept copy was deleted (children's photos
	// are not kept longer than that).
	MailPurged MailStatus = "purged"
)

// MailPhoto is the provenance of one photo taken from e-mail.
type MailPhoto struct {
	MessageID string // Message-ID (or "sha256:..." of a message without one)
	Hash      string // sha256 of the photo's bytes, hex
	Name      string // attachment file name as sent
	Received  time.Time
	Sender    string
	Subject   string
	Status    MailStatus
	PESEL     string // "" while unassigned
	File      string // photo written, or the unassigned copy kept
	Why       string // why unassigned
	Recorded  time.Time
}

// MailPhotoSeen reports whether the photo with this hash from this message
// was already recorded (whatever became of it).
func (s *Store) MailPhotoSeen(ctx context.Context, messageID, hash string) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM mail_photos WHERE message_id = ? AND hash = ?`,
		messageID, hash).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("looking up mail photo: %w", err)
	}
	return n > 0, nil
}

// LatestMailPhoto returns the time the newest photo written for a student
// was received (zero when none was).
func (s *Store) LatestMailPhoto(ctx context.Context, p string) (time.Time, error) {
	var v sql.NullString
	err := s.db.QueryRowContext(ctx, `SELECT MAX(received) FROM mail_photos WHERE pesel = ? AND status IN (?, ?)`,
		p, MailAssigned, MailAssignedByHand).Scan(&v)
	if err != nil {
		return time.Time{}, fmt.Errorf("looking up mail photos: %w", err)
	}
	if !v.Valid || v.String == "" {
		return time.Time{}, nil
	}
	return time.Parse(time.RFC3339, v.String)
}

// RecordMailPhoto records one photo's provenance (Received kept to the
// second, in UTC); recording the same message-id and hash again replaces
// the row (a re-run after a crash).
func (s *Store) RecordMailPhoto(ctx context.Context, m MailPhoto) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO mail_photos
		(message_id, hash, name, received, sender, subject, status, pesel, file, why, recorded_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (message_id, hash) DO UPDATE SET name = excluded.name, received = excluded.received,
			sender = excluded.sender, subject = excluded.subject, status = excluded.status,
			pesel = excluded.pesel, file = excluded.file, why = excluded.why, recorded_at = excluded.recorded_at`,
		m.MessageID, m.Hash, m.Name, m.Received.UTC().Format(time.RFC3339), m.Sender, m.Subject,
		string(m.Status), m.PESEL, m.File, m.Why, stamp(m.Recorded))
	if err != nil {
		return fmt.Errorf("recording mail photo: %w", err)
	}
	return nil
}

// ErrNoMailPhoto is returned by AssignMailPhoto when no unassigned photo
// was kept at that file.
var ErrNoMailPhoto = errors.New("no unassigned mail photo at that file")

// AssignMailPhoto records that the unassigned photo kept at file was
// assigned by hand to student p and written to dst.
func (s *Store) AssignMailPhoto(ctx context.Context, file, p, dst string, at time.Time) error {
	res, err := s.db.ExecContext(ctx, `UPDATE mail_photos SET status = ?, pesel = ?, file = ?, why = '', recorded_at = ?
		WHERE file = ? AND status = ?`, MailAssignedByHand, p, dst, stamp(at), file, MailUnassigned)
	if err != nil {
		return fmt.Errorf("assigning mail photo: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNoMailPhoto
	}
	return nil
}

// MailPhotos returns the recorded photos in the given statuses (all when
// none is given), oldest received first.
func (s *Store) MailPhotos(ctx context.Context, statuses ...MailStatus) ([]MailPhoto, error) {
	q := `SELECT message_id, hash, name, received, sender, subject, status, pesel, file, why, recorded_at FROM mail_photos`
	var args []any
	if len(statuses) > 0 {
		q += ` WHERE status IN (?` + strings.Repeat(`, ?`, len(statuses)-1) + `)`
		for _, st := range statuses {
			args = append(args, string(st))
		}
	}
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY received, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("listing mail photos: %w", err)
	}
	defer rows.Close()
	var out []MailPhoto
	for rows.Next() {
		var m MailPhoto
		var recv, rec, status string
		if err := rows.Scan(&m.MessageID, &m.Hash, &m.Name, &recv, &m.Sender, &m.Subject, &status,
			&m.PESEL, &m.File, &m.Why, &rec); err != nil {
			return nil, fmt.Errorf("reading mail photo: %w", err)
		}
		m.Status = MailStatus(status)
		m.Received, _ = time.Parse(time.RFC3339, recv)
		m.Recorded, _ = time.Parse(stampLayout, rec)
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing mail photos: %w", err)
	}
	return out, nil
}

// MailMessageDone reports whether a message was read to the end before.
func (s *Store) MailMessageDone(ctx context.Context, messageID string) (bool, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM mail_messages WHERE message_id = ?`, messageID).Scan(&n); err != nil {
		return false, fmt.Errorf("looking up mail message: %w", err)
	}
	return n > 0, nil
}

// RecordMailMessage records that a message was read to the end (its
// photos, if any, recorded before with RecordMailPhoto).
func (s *Store) RecordMailMessage(ctx context.Context, messageID string, received time.Time, photos int, at time.Time) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO mail_messages (message_id, received, photos, recorded_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (message_id) DO NOTHING`, messageID, received.UTC().Format(time.RFC3339), photos, stamp(at))
	if err != nil {
		return fmt.Errorf("recording mail message: %w", err)
	}
	return nil
}

// UnassignedPastRetention returns the unassigned photos whose kept copy is
// past photo_retention_days on the as-of date: received (or, without a
// date received, recorded) more than PhotoRetentionDays calendar days
// before asOf, as the source photos' purge counts days.
func (s *Store) UnassignedPastRetention(ctx context.Context, asOf time.Time, cfg Deadlines) ([]MailPhoto, error) {
	cfg = cfg.withDefaults()
	ms, err := s.MailPhotos(ctx, MailUnassigned)
	if err != nil {
		return nil, err
	}
	today := civil(asOf)
	var out []MailPhoto
	for _, m := range ms {
		from := m.Received
		if from.IsZero() {
			from = m.Recorded
		}
		if due := addDays(from.UTC(), cfg.PhotoRetentionDays); !due.IsZero() && today.After(due) {
			out = append(out, m)
		}
	}
	return out, nil
}

// MarkMailPhotoPurged records that the unassigned copy kept at file was
// deleted at at. Repeating it changes nothing.
func (s *Store) MarkMailPhotoPurged(ctx context.Context, file string, at time.Time) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE mail_photos SET status = ?, recorded_at = ? WHERE file = ? AND status = ?`,
		MailPurged, stamp(at), file, MailUnassigned); err != nil {
		return fmt.Errorf("recording purged mail photo: %w", err)
	}
	return nil
}
