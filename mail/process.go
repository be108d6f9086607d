package mail

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mlegit/mlegit/pesel"
	"github.com/mlegit/mlegit/photos"
	"github.com/mlegit/mlegit/safefile"
	"github.com/mlegit/mlegit/state"
	"github.com/mlegit/mlegit/student"
)

// UnassignedDir is the folder, inside the output folder, where unassigned
// photos are kept for the secretariat.
const UnassignedDir = "nieprzypisane"

// Taker saves the photos of messages: assigned ones into the photos folder,
// unassigned ones into OUT/nieprzypisane, each with its provenance in the
// school's state store.
type Taker struct {
	Students []student.Student // the roster matched against
	PhotoDir string            // where <PESEL>.<ext> goes (the nightly run's --photos)
	OutDir   string            // OUT: nieprzypisane/ and nieprzypisane.csv/.xlsx
	Store    *state.Store
	Limits   *Limits
	// Issued reports whether a student's card is issued (codes out): a new
	// photo for it is still saved, but is sent only after a reissue, and
	// the secretariat is warned. Nil means never.
	Issued func(ctx context.Context, pesel string) (bool, error)
	Log    *slog.Logger
	// Now gives the time recorded (nil: time.Now).
	Now func() time.Time

	finder *photos.Finder
}

// Tally counts what Take did.
type Tally struct {
	Messages int // messages read
	// Skipped are the messages read to the end by an earlier fetch or
	// import (known by Message.ID): not downloaded again over IMAP, and
	// neither processed nor flagged or moved again.
	Skipped    int
	Photos     int // photos found in them
	Assigned   int // written into the photos folder
	Unassigned int // kept for the secretariat
	Older      int // a later photo of the student is already in
	Seen       int // already taken by an earlier fetch or import
	Refused    int // images not taken (format, size, count, depth)
	Unreadable int // messages that could not be read at all
	// Warnings are for the secretariat (Polish), e.g. a new photo for a
	// student whose card is already issued.
	Warnings []string
}

func (t *Taker) now() time.Time {
	if t.Now != nil {
		return t.Now()
	}
	return time.Now()
}

func (t *Taker) log() *slog.Logger {
	if t.Log != nil {
		return t.Log
	}
	return slog.Default()
}

// Take processes one message: r.Received is when the mailbox got it (zero:
// its Date header, else now). Problems with the message are counted in
// tally; the error is for the photos folder, the output folder or the
// store.
func (t *Taker) Take(ctx context.Context, r Raw, tally *Tally) error {
	_, err := t.take(ctx, r, tally)
	return err
}

// Done is what became of one message.
type Done struct {
	ID         string // Message-ID as Walk gives it; "" for an unreadable message
	Photos     int    // photos and refused images in it
	Unassigned int    // of them, left for the secretariat now
}

// take is Take, also saying what became of the message.
func (t *Taker) take(ctx context.Context, r Raw, tally *Tally) (Done, error) {
	var done Done
	if t.finder == nil {
		t.finder = photos.NewFinder(t.Students)
	}
	if r.TooLarge {
		tally.Messages++
		tally.Unreadable++
		t.log().Warn("mail message too large, not read", "where", r.Where)
		return done, nil
	}
	m, err := Walk(r.Data, t.Limits)
	if err != nil {
		tally.Messages++
		tally.Unreadable++
		t.log().Warn("mail message skipped", "where", r.Where, "err", err)
		return done, nil
	}
	received := r.Received
	if received.IsZero() {
		received = m.Date
	}
	if received.IsZero() {
		received = t.now()
	}
	if read, err := t.readBefore(ctx, m, r.Data, received); err != nil || read {
		if read {
			tally.Skipped++
		}
		return done, err
	}
	tally.Messages++
	done.ID, done.Photos = m.ID, len(m.Photos)+len(m.Refused)
	log := t.log().With("message", m.ID)
	tally.Photos += len(m.Photos)
	rec := func(hash, name string) state.MailPhoto {
		return state.MailPhoto{MessageID: m.ID, Hash: hash, Name: name, Received: received,
			Sender: m.From, Subject: m.Subject, Recorded: t.now()}
	}
	for i, r := range m.Refused {
		// Listed for the secretariat like an unassigned photo, without a
		// copy: there is nothing usable to assign.
		key := fmt.Sprintf("refused-%d", i)
		if seen, err := t.Store.MailPhotoSeen(ctx, m.ID, key); err != nil {
			return done, err
		} else if seen {
			continue
		}
		log.Info("mail image not taken", "why", r.Why, "detail", pesel.MaskIn(r.Detail))
		mp := rec(key, r.Name)
		mp.Status, mp.Why = state.MailUnassigned, string(r.Why)
		if err := t.Store.RecordMailPhoto(ctx, mp); err != nil {
			return done, err
		}
		tally.Refused++
		done.Unassigned++
	}
	ids := Identify(t.finder, m)
	for i, p := range m.Photos {
		if seen, err := t.Store.MailPhotoSeen(ctx, m.ID, p.Hash); err != nil {
			return done, err
		} else if seen {
			tally.Seen++
			continue
		}
		mp := rec(p.Hash, p.Name)
		id := ids[i]
		if id.Student < 0 {
			if err := t.keepUnassigned(ctx, &mp, p, id.Why); err != nil {
				return done, err
			}
			tally.Unassigned++
			done.Unassigned++
			log.Info("mail photo not assigned", "why", id.Why)
			continue
		}
		s := t.Students[id.Student]
		if err := t.assign(ctx, &mp, s, p.Data, p.Ext, tally); err != nil {
			return done, err
		}
		log.Info("mail photo taken", "pesel", pesel.Masked(string(s.PESEL)), "from", id.From, "status", mp.Status)
	}
	return done, t.Store.RecordMailMessage(ctx, m.ID, received, len(m.Photos), t.now())
}

// readBefore reports whether an earlier fetch or import read the message
// to the end. A message without a Message-ID read before its header
// identity existed was recorded by the hash of its bytes: it is
// recognised by that too, and recorded by its identity now, so that a
// fetch skips it before downloading it from then on.
func (t *Taker) readBefore(ctx context.Context, m *Message, raw []byte, received time.Time) (bool, error) {
	read, err := t.Store.MailMessageDone(ctx, m.ID)
	if err != nil || read || !strings.HasPrefix(m.ID, headerIDPrefix) {
		return read, err
	}
	if read, err = t.Store.MailMessageDone(ctx, wholeID(raw)); err != nil || !read {
		return false, err
	}
	return true, t.Store.RecordMailMessage(ctx, m.ID, received, len(m.Photos), t.now())
}

// assign writes a photo for student s, unless a later one is already in.
func (t *Taker) assign(ctx context.Context, rec *state.MailPhoto, s student.Student, data []byte, ext string, tally *Tally) error {
	p := string(s.PESEL)
	rec.PESEL = p
	latest, err := t.Store.LatestMailPhoto(ctx, p)
	if err != nil {
		return err
	}
	if !latest.IsZero() && rec.Received.Truncate(time.Second).Before(latest) {
		rec.Status = state.MailOlder
		tally.Older++
		return t.Store.RecordMailPhoto(ctx, *rec)
	}
	dst, err := WritePhoto(t.PhotoDir, p, ext, data)
	if err != nil {
		return err
	}
	rec.Status, rec.File = state.MailAssigned, dst
	tally.Assigned++
	if t.Issued != nil {
		issued, err := t.Issued(ctx, p)
		if err != nil {
			return err
		}
		if issued {
			tally.Warnings = append(tally.Warnings, fmt.Sprintf(
				"%s (%s): nowe zdjęcie z poczty od %s — legitymacja jest już wydana, więc zdjęcie zostanie wysłane dopiero po ponownym wydaniu (mlegit reissue).",
				s.FullName(), s.Class, rec.Sender))
		}
	}
	return t.Store.RecordMailPhoto(ctx, *rec)
}

// WritePhoto writes a student's photo into dir as <PESEL><ext>, atomically,
// and removes any other photo of the student named by the PESEL (another
// extension), so the nightly run finds exactly one. It returns the path.
func WritePhoto(dir, p, ext string, data []byte) (string, error) {
	if err := safefile.MkdirAll(dir); err != nil {
		return "", err
	}
	dst := filepath.Join(dir, p+ext)
	if err := safefile.WriteFile(dst, data); err != nil {
		return "", fmt.Errorf("writing photo %s: %w", pesel.Masked(p)+ext, err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", fmt.Errorf("listing photos: %w", err)
	}
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || n == p+ext || !photos.IsImageName(n) || strings.TrimSuffix(n, filepath.Ext(n)) != p {
			continue
		}
		if err := os.Remove(filepath.Join(dir, n)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return "", fmt.Errorf("removing the older photo %s: %w", pesel.MaskIn(n), err)
		}
	}
	return dst, nil
}

// keepUnassigned saves an unassigned photo into OUT/nieprzypisane as
// <received date>-<hash prefix>-<name>.
func (t *Taker) keepUnassigned(ctx context.Context, rec *state.MailPhoto, p Photo, why Why) error {
	dir := filepath.Join(t.OutDir, UnassignedDir)
	if err := safefile.MkdirAll(dir); err != nil {
		return err
	}
	name := safeName(p.Name)
	if name == "" {
		name = "zdjecie"
	}
	if strings.TrimSuffix(name, filepath.Ext(name)) == name || !photos.IsImageName(name) {
		name += p.Ext
	}
	file, err := filepath.Abs(filepath.Join(dir, rec.Received.UTC().Format("20060102")+"-"+p.Hash[:10]+"-"+name))
	if err != nil {
		return fmt.Errorf("keeping unassigned photo: %w", err)
	}
	if err := safefile.WriteFile(file, p.Data); err != nil {
		return fmt.Errorf("keeping unassigned photo: %w", err)
	}
	rec.Status, rec.File, rec.Why = state.MailUnassigned, file, string(why)
	return t.Store.RecordMailPhoto(ctx, *rec)
}

// safeName keeps a sender's file name usable on every system: no path, no
// characters Windows refuses, at most 80 characters.
func safeName(name string) string {
	name = strings.Map(func(r rune) rune {
		if r < 32 || strings.ContainsRune(`/\:*?"<>|`, r) {
			return '_'
		}
		return r
	}, filepath.Base(name))
	name = strings.Trim(name, ". ")
	if r := []rune(name); len(r) > 80 {
		ext := filepath.Ext(name)
		name = string(r[:80-len([]rune(ext))]) + ext
	}
	return name
}

// ImportFile takes the photos of exported mail at path (see Import).
func (t *Taker) ImportFile(ctx context.Context, path string, tally *Tally) error {
	return Import(ctx, path, t.Limits, func(r Raw) error { return t.Take(ctx, r, tally) })
}

// FetchMailbox takes the photos of the messages in the mailbox c names
// that no earlier fetch or import read to the end (see Fetch). A message
// whose photos were all assigned is then flagged or moved as c.After says.
func (t *Taker) FetchMailbox(ctx context.Context, c Config, tally *Tally) error {
	skip := func(id string) (bool, error) {
		read, err := t.Store.MailMessageDone(ctx, id)
		if read {
			tally.Skipped++
		}
		return read, err
	}
	return Fetch(ctx, c, t.Limits, skip, func(r Raw) (bool, error) {
		d, err := t.take(ctx, r, tally)
		return d.Photos > 0 && d.Unassigned == 0, err
	})
}
