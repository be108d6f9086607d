package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/mlegit/mlegit/state"
)

var benchSurnames = []string{"Nowak", "Kowalski", "Wiśniewska", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowska",
	"Zieliński", "Szymańska", "Woźniak", "Dąbrowski", "Kozłowska", "Jankowski", "Mazur", "Kwiatkowska", "Krawczyk"}

// benchSchool makes a school of n students spread over 16 classes.
func benchSchool(b testing.TB, dir, id string, n int) School {
	b.Helper()
	sd := filepath.Join(dir, id, "state")
	st, err := state.Open(sd, id)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	items := make([]state.Item, n)
	for i := range items {
		items[i] = state.Item{PESEL: fmt.Sprintf("%011d", 10000000000+i*7919), RowHash: "h",
			Surname: benchSurnames[i%len(benchSurnames)], FirstName: fmt.Sprintf("Imię%d", i),
			Class: fmt.Sprintf("%d%c", 1+i%8, 'a'+rune(i/8%2)), CardValid: time.Date(2027, 8, 31, 0, 0, 0, 0, time.UTC)}
	}
	if err := st.Upsert(context.Background(), items, testNow.Add(-72*time.Hour)); err != nil {
		b.Fatal(err)
	}
	return School{ID: id, Out: filepath.Join(dir, id, "out"), StateDir: sd}
}

// benchGet serves path with a session and fails on a non-200 answer.
// before, when not nil, runs ahead of each request.
func benchGet(b *testing.B, s *Server, path string, before func()) {
	b.Helper()
	first := httptest.NewRecorder()
	s.ServeHTTP(first, httptest.NewRequest("GET", path, nil))
	cookies := first.Result().Cookies()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if before != nil {
			before()
		}
		req := httptest.NewRequest("GET", path, nil)
		for _, c := range cookies {
			req.AddCookie(c)
		}
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("%s: %d", path, w.Code)
		}
	}
}

// BenchmarkSearch2000: one search-as-you-type request in a school of 2,000
// students (target: under 50 ms).
func BenchmarkSearch2000(b *testing.B) {
	sc := benchSchool(b, b.TempDir(), "sp1", 2000)
	s, err := New(Options{Schools: []School{sc}, Now: func() time.Time { return testNow }, Log: discardLog()})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	benchGet(b, s, "/szkola/sp1/uczniowie?fragment=1&q=kowal", nil)
}

// BenchmarkDistrict20: the district dashboard of 20 schools of 500
// students (target: under 200 ms), as reloaded during the day: the rows of
// schools whose files did not change are kept.
func BenchmarkDistrict20(b *testing.B) { benchDistrict(b, false) }

// BenchmarkDistrict20Cold: the same, every school's row built afresh (the
// first load of the day, or after the nightly runs).
func BenchmarkDistrict20Cold(b *testing.B) { benchDistrict(b, true) }

func benchDistrict(b *testing.B, cold bool) {
	dir := b.TempDir()
	var schools []School
	for i := range 20 {
		schools = append(schools, benchSchool(b, dir, fmt.Sprintf("sp%02d", i+1), 500))
	}
	s, err := New(Options{Schools: schools, Now: func() time.Time { return testNow }, Log: discardLog()})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	var drop func()
	if cold {
		drop = func() {
			for _, sc := range s.schools {
				sc.mu.Lock()
				sc.rowKey = ""
				sc.mu.Unlock()
			}
		}
	}
	benchGet(b, s, "/", drop)
}

func discardLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// The district row of a school costs the same whatever the school's size:
// it is built from aggregate queries, not by reading every student (before:
// 936 allocations for 25 students, 13,291 for 500; now 242 for both).
// Allocations are counted, not time, so the machine's load does not matter.
func TestDistrictRowDoesNotGrowWithSchool(t *testing.T) {
	dir := t.TempDir()
	small, large := benchSchool(t, dir, "sp01", 25), benchSchool(t, dir, "sp02", 500)
	s := newServer(t, Options{Schools: []School{small, large}})
	ctx := context.Background()
	today := civilDay(testNow)
	allocs := func(sc *school) float64 {
		return testing.AllocsPerRun(5, func() {
			sc.mu.Lock()
			sc.rowKey = ""
			sc.mu.Unlock()
			if row := sc.districtRow(ctx, today, s.log); row.Unhealthy != "" {
				t.Fatal(row.Unhealthy)
			}
		})
	}
	a, b := allocs(s.schools[0]), allocs(s.schools[1])
	t.Logf("allocations: %.0f for 25 students, %.0f for 500", a, b)
	if b > a*1.5+50 {
		t.Errorf("district row: %.0f allocations for 25 students, %.0f for 500: it reads every student", a, b)
	}
}
