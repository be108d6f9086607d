package register

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/mlegit/mlegit/codes"
	"github.com/mlegit/mlegit/pesel"
	"github.com/mlegit/mlegit/state"
)

func testPESEL(t *testing.T, serial string) string {
	t.Helper()
	base := "110203" + serial
	p, err := pesel.Parse(base + string(rune('0'+pesel.Checksum(base))))
	if err != nil {
		t.Fatalf("fixture PESEL: %v", err)
	}
	return string(p)
}

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// fixture: Żaneta (1b) and Jan (1a), codes valid until 30.09.2026; Ewa (1a)
// until 10.09.2026.
func fixture(t *testing.T) (*codes.Store, [3]string) {
	t.Helper()
	p := [3]string{testPESEL(t, "1234"), testPESEL(t, "0011"), testPESEL(t, "0025")}
	e := func(pesel, class, surname, first string, until string) codes.Entry {
		return codes.Entry{PESEL: pesel, Class: class, Surname: surname, FirstName: first,
			CardNumber: "SP7/" + first, QR: "Q", ActivationCode: "SECRETCODE1",
			Generated: day("2026-09-01"), ValidUntil: day(until), Simulated: true}
	}
	return &codes.Store{SchoolName: "Szkoła Podstawowa nr 7 w Łodzi", Entries: []codes.Entry{
		e(p[0], "1b", "Łęcka-Źdźbło", "Żaneta", "2026-09-30"),
		e(p[1], "1a", "=Nowak", "Jan", "2026-09-30"),
		e(p[2], "1a", "Lis", "Ewa", "2026-09-10"),
	}}, p
}

// TestEachIssueWithItsPickup: after a reissue the current issue's row
// shows its own pickup (none yet), and the earlier issue follows with the
// pickup it had.
func TestEachIssueWithItsPickup(t *testing.T) {
	store, p := fixture(t)
	src := Sources{Store: store, Issues: map[string]int{p[0]: 2},
		Pickups: []state.Pickup{{PESEL: p[0], By: "Anna", At: day("2026-09-16"), Issue: 1}}}
	rows := Build(src, day("2026-09-20"))
	if len(rows) != 4 {
		t.Fatalf("%d rows, want 3 current issues and 1 earlier: %+v", len(rows), rows)
	}
	var cur, old *Row
	for i := range rows {
		if rows[i].MaskedPESEL == pesel.Masked(p[0]) {
			if rows[i].Replaced {
				old = &rows[i]
			} else {
				cur = &rows[i]
			}
		}
	}
	if cur == nil || old == nil {
		t.Fatalf("rows of the reissued student: current %v, earlier %v", cur, old)
	}
	if cur.Issue != 2 || !cur.PickedUpAt.IsZero() || cur.Status != Pending {
		t.Errorf("current issue row %+v: want issue 2, not picked up, pending", *cur)
	}
	if old.Issue != 1 || old.PickedUpBy != "Anna" || old.Status != Invalidated {
		t.Errorf("earlier issue row %+v: want issue 1 picked up by Anna, invalidated", *old)
	}
	if c := old.cells(0); !strings.Contains(c[len(c)-1], "wydanie 1") {
		t.Errorf("earlier issue's note %q", c[len(c)-1])
	}
}

func TestStatus(t *testing.T) {
	store, p := fixture(t)
	pickups := []state.Pickup{{PESEL: p[0], By: "Anna", At: day("2026-09-16"), Issue: 1}}
	for _, tc := range []struct {
		name      string
		asOf      string
		activated map[string]time.Time
		revoked   map[string]time.Time
		want      map[string]Status
	}{
		{"before expiry", "2026-09-10", nil, nil,
			map[string]Status{p[0]: PickedUp, p[1]: Pending, p[2]: Pending}},
		{"day after Ewa's valid until", "2026-09-11", nil, nil,
			map[string]Status{p[0]: PickedUp, p[1]: Pending, p[2]: Expired}},
		{"all expired, picked up or not", "2026-10-01", nil, nil,
			map[string]Status{p[0]: Expired, p[1]: Expired, p[2]: Expired}},
		{"activated never expires", "2026-10-01", map[string]time.Time{p[0]: day("2026-09-17")}, nil,
			map[string]Status{p[0]: Active, p[1]: Expired, p[2]: Expired}},
		{"invalidated wins", "2026-09-01", map[string]time.Time{p[0]: day("2026-09-17")}, map[string]time.Time{p[0]: day("2026-09-20")},
			map[string]Status{p[0]: Invalidated, p[1]: Pending, p[2]: Pending}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows := Build(Sources{Store: store, Pickups: pickups, Activated: tc.activated, Invalidated: tc.revoked}, day(tc.asOf))
			if len(rows) != 3 {
				t.Fatalf("%d rows, want 3", len(rows))
			}
			for _, r := range rows {
				for pes, want := range tc.want {
					if pesel.Masked(pes) == r.MaskedPESEL && r.Status != want {
						t.Errorf("%s %s: %s, want %s", r.FirstNames, r.Surname, r.Status, want)
					}
				}
			}
		})
	}
	t.Run("sorted by class then surname", func(t *testing.T) {
		rows := Build(Sources{Store: store}, day("2026-09-01"))
		var got []string
		for _, r := range rows {
			got = append(got, r.Class+" "+r.Surname)
		}
		if want := "1a =Nowak|1a Lis|1b Łęcka-Źdźbło"; strings.Join(got, "|") != want {
			t.Errorf("order %v, want %s", got, want)
		}
	})
}

func TestWrite(t *testing.T) {
	store, p := fixture(t)
	out := t.TempDir()
	pickups := []state.Pickup{{PESEL: p[0], By: "@Anna Łęcka", At: day("2026-09-16"), Issue: 1}}
	w, err := Write(context.Background(), out, Sources{Store: store, Pickups: pickups}, day("2026-09-20"))
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{w.XLSX, w.PDF} {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		fi, _ := os.Stat(path)
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v", path, fi.Mode().Perm())
		}
		for _, secret := range append(p[:], "SECRETCODE1") {
			if bytes.Contains(b, []byte(secret)) {
				t.Errorf("%s holds %s", filepath.Base(path), pesel.Masked(secret))
			}
		}
	}

	t.Run("xlsx reads back", func(t *testing.T) {
		f, err := excelize.OpenFile(w.XLSX)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, err := f.GetRows(sheetName)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != headerRow+3 {
			t.Fatalf("%d rows, want %d", len(rows), headerRow+3)
		}
		if got := strings.Join(rows[headerRow-1], "|"); got != strings.Join(columns, "|") {
			t.Errorf("header %q", got)
		}
		byName := map[string][]string{}
		for _, r := range rows[headerRow:] {
			byName[r[2]] = r
		}
		for _, tc := range []struct {
			name string
			col  int
			want string
		}{
			{"Żaneta", 1, "Łęcka-Źdźbło"},
			{"Żaneta", 4, pesel.Masked(p[0])},
			{"Żaneta", 7, "30.09.2026"},
			{"Żaneta", 8, "16.09.2026"},
			{"Żaneta", 9, "'@Anna Łęcka"},
			{"Żaneta", 10, "odebrana"},
			{"Jan", 1, "'=Nowak"},
			{"Jan", 10, "do odbioru"},
			{"Ewa", 10, "wygasła"},
		} {
			if r := byName[tc.name]; len(r) <= tc.col || r[tc.col] != tc.want {
				t.Errorf("%s column %q: got row %q, want %q", tc.name, columns[tc.col], r, tc.want)
			}
		}
	})
	t.Run("pdf text", func(t *testing.T) {
		if _, err := exec.LookPath("pdftotext"); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatal("pdftotext is missing; .ci/run installs poppler-utils")
			}
			t.Skip("pdftotext not installed")
		}
		text, err := exec.Command("pdftotext", "-enc", "UTF-8", w.PDF, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"Rejestr kodów mLegitymacji", "Łęcka-Źdźbło", pesel.Masked(p[0]), "odebrana", "wygasła", "do odbioru", "Data odbioru", "Osoba odbierająca", "strona 1 z 1", "Razem: 3"} {
			if !strings.Contains(string(text), want) {
				t.Errorf("register PDF lacks %q", want)
			}
		}
	})
}
