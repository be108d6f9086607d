package state

import (
	"context"
	"testing"
	"time"
)

// An unassigned mail photo is past retention the day after
// received + photo_retention_days; marking it purged takes it off the
// unassigned list, and marking it again changes nothing.
func TestUnassignedPastRetention(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	recv := time.Date(2026, 9, 3, 6, 15, 0, 0, time.UTC)
	m := MailPhoto{MessageID: "<m@x>", Hash: "ab", Name: "a.jpg", Received: recv, Status: MailUnassigned,
		File: "/out/nieprzypisane/20260903-ab-a.jpg", Recorded: recv}
	if err := s.RecordMailPhoto(ctx, m); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		asOf string
		want int
	}{{"2026-10-03", 0}, {"2026-10-04", 1}} {
		at, _ := time.Parse(time.DateOnly, c.asOf)
		due, err := s.UnassignedPastRetention(ctx, at, DefaultDeadlines)
		if err != nil || len(due) != c.want {
			t.Fatalf("%s: %d due, %v; want %d", c.asOf, len(due), err, c.want)
		}
	}
	at := time.Date(2026, 10, 4, 2, 0, 0, 0, time.UTC)
	for range 2 {
		if err := s.MarkMailPhotoPurged(ctx, m.File, at); err != nil {
			t.Fatal(err)
		}
	}
	if ms, _ := s.MailPhotos(ctx, MailUnassigned); len(ms) != 0 {
		t.Errorf("still unassigned: %+v", ms)
	}
	if ms, _ := s.MailPhotos(ctx, MailPurged); len(ms) != 1 {
		t.Errorf("purged: %+v", ms)
	}
}
