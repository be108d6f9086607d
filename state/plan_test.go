package state

import (
	"slices"
	"testing"
	"time"

	"github.com/mlegit/mlegit/pesel"
	"github.com/mlegit/mlegit/student"
)

func testStudent() student.Student {
	return student.Student{
		PESEL:      pesel.PESEL(testPESEL(1)),
		Surname:    "Łącka",
		FirstName:  "Zofia",
		SecondName: "Anna",
		BirthDate:  time.Date(2005, 1, 1, 0, 0, 0, 0, time.UTC),
		Class:      "3b",
		CardNumber: "123/2024",
		CardIssued: time.Date(2024, 9, 2, 0, 0, 0, 0, time.UTC),
		CardValid:  time.Date(2027, 9, 30, 0, 0, 0, 0, time.UTC),
		File:       "uczniowie.csv",
		Row:        7,
	}
}

func TestRowHash(t *testing.T) {
	base := testStudent()
	// Pinned (checked against sha256 of the canonical JSON computed
	// elsewhere): a change here makes every stored student look changed on
	// the next run. Bump "v" on purpose, never by accident.
	const golden = "3f629d2a7eb3d03a3966dab5f2145f23e84eaffbf9f85cace943b94851a04f2c"
	if got := RowHash(base); got != golden {
		t.Errorf("RowHash = %s, want the pinned %s", got, golden)
	}
	same := []struct {
		name string
		edit func(*student.Student)
	}{
		{"other file and row", func(s *student.Student) { s.File, s.Row = "inne.xlsx", 99 }},
		{"decomposed Unicode", func(s *student.Student) { s.Surname = "Ła\u0328cka" }},
		{"extra spaces", func(s *student.Student) { s.FirstName = "  Zofia " }},
		{"time of day", func(s *student.Student) { s.CardValid = s.CardValid.Add(13 * time.Hour) }},
	}
	for _, c := range same {
		t.Run("same/"+c.name, func(t *testing.T) {
			s := base
			c.edit(&s)
			if RowHash(s) != RowHash(base) {
				t.Error("hash changed")
			}
		})
	}
	differ := []struct {
		name string
		edit func(*student.Student)
	}{
		{"pesel", func(s *student.Student) { s.PESEL = pesel.PESEL(testPESEL(2)) }},
		{"surname", func(s *student.Student) { s.Surname = "Łęcka" }},
		{"first name", func(s *student.Student) { s.FirstName = "Zosia" }},
		{"second name", func(s *student.Student) { s.SecondName = "" }},
		{"birth date", func(s *student.Student) { s.BirthDate = s.BirthDate.AddDate(0, 0, 1) }},
		{"class", func(s *student.Student) { s.Class = "4b" }},
		{"card number", func(s *student.Student) { s.CardNumber = "124/2024" }},
		{"card issued", func(s *student.Student) { s.CardIssued = time.Time{} }},
		{"card valid", func(s *student.Student) { s.CardValid = s.CardValid.AddDate(1, 0, 0) }},
		{"disability", func(s *student.Student) { s.Disability = true }},
		{"names swapped", func(s *student.Student) { s.FirstName, s.SecondName = s.SecondName, s.FirstName }},
	}
	for _, c := range differ {
		t.Run("differs/"+c.name, func(t *testing.T) {
			s := base
			c.edit(&s)
			if RowHash(s) == RowHash(base) {
				t.Error("hash unchanged")
			}
		})
	}
}

// TestCardHash: the class is not printed on the card, the other fields
// of RowHash but disability are.
func TestCardHash(t *testing.T) {
	base := testStudent()
	moved := base
	moved.Class = "4a"
	if CardHash(moved) != CardHash(base) {
		t.Error("a class change changed the card hash")
	}
	for name, edit := range map[string]func(*student.Student){
		"surname":     func(s *student.Student) { s.Surname = "Inna" },
		"card number": func(s *student.Student) { s.CardNumber = "999/2026" },
		"card valid":  func(s *student.Student) { s.CardValid = s.CardValid.AddDate(1, 0, 0) },
		"card issued": func(s *student.Student) { s.CardIssued = s.CardIssued.AddDate(0, 0, 1) },
	} {
		s := base
		edit(&s)
		if CardHash(s) == CardHash(base) {
			t.Errorf("%s: card hash unchanged", name)
		}
	}
}

func TestItemOf(t *testing.T) {
	s := testStudent()
	s.Surname = " Ła\u0328cka "
	it := ItemOf(s, PhotoHash([]byte("jpeg")))
	want := Item{PESEL: testPESEL(1), RowHash: RowHash(s), CardHash: CardHash(s), Surname: "Łącka", FirstName: "Zofia",
		SecondName: "Anna", Class: "3b", CardValid: s.CardValid,
		PhotoHash: "41e5787e9f28562d07b891b1816b492309d646c0f2829743fa4963a9f9cc1d61"}
	if it != want {
		t.Errorf("ItemOf = %+v, want %+v", it, want)
	}
	if len(it.PhotoHash) != 64 || it.PhotoHash == PhotoHash([]byte("png")) {
		t.Errorf("PhotoHash %q", it.PhotoHash)
	}
}

func TestPlan(t *testing.T) {
	s := openTest(t)
	var (
		same, row, photo, name, left, leftInv, purged, gone, fresh = testPESEL(1), testPESEL(2),
			testPESEL(3), testPESEL(4), testPESEL(5), testPESEL(6), testPESEL(7), testPESEL(8), testPESEL(9)
	)
	for _, p := range []string{same, row, photo, name, left, leftInv, purged, gone} {
		seed(t, s, p, "1a", Validated)
	}
	noErr(t, s.Transition(t.Context(), leftInv, Invalidated, day0, "transfer"))
	noErr(t, s.MarkPhotoPurged(t.Context(), purged, day0))
	noErr(t, s.MarkPhotoPurged(t.Context(), gone, day0)) // purged, and a new photo came

	cur := func(p string, edit func(*Item)) Item {
		it := item(p, "1a")
		if edit != nil {
			edit(&it)
		}
		return it
	}
	current := []Item{
		cur(fresh, nil),
		cur(same, nil),
		cur(row, func(it *Item) { it.RowHash, it.Class = "row-new", "2a" }),
		cur(photo, func(it *Item) { it.PhotoHash = "photo-new" }),
		cur(name, func(it *Item) { it.RowHash, it.Surname = "row-new", "Kowalska" }),
		cur(purged, func(it *Item) { it.PhotoHash = "" }),
		cur(gone, func(it *Item) { it.PhotoHash = "photo-new" }),
	}
	plan, err := s.Plan(t.Context(), current)
	noErr(t, err)

	if len(plan.New) != 1 || plan.New[0].PESEL != fresh {
		t.Errorf("New = %+v, want %s", plan.New, fresh)
	}
	var unchanged []string
	for _, r := range plan.Unchanged {
		unchanged = append(unchanged, r.PESEL)
	}
	if !slices.Equal(unchanged, []string{same, purged}) {
		t.Errorf("Unchanged = %v, want [%s %s]", unchanged, same, purged)
	}
	type flags struct{ row, photo, name bool }
	wantChanged := map[string]flags{
		row:   {row: true},
		photo: {photo: true},
		name:  {row: true, name: true},
		gone:  {photo: true},
	}
	if len(plan.Changed) != len(wantChanged) {
		t.Errorf("Changed has %d, want %d: %+v", len(plan.Changed), len(wantChanged), plan.Changed)
	}
	for _, c := range plan.Changed {
		if got := (flags{c.Row, c.Photo, c.Name}); got != wantChanged[c.PESEL] {
			t.Errorf("%s: changed %+v, want %+v", c.PESEL, got, wantChanged[c.PESEL])
		}
		if c.Was.PESEL != c.PESEL || c.Was.State != Validated {
			t.Errorf("%s: Was = %+v", c.PESEL, c.Was)
		}
		if c.PESEL == name && c.Was.Surname != "Nowak" {
			t.Errorf("old surname %q, want Nowak", c.Was.Surname)
		}
	}
	if len(plan.Left) != 1 || plan.Left[0].PESEL != left {
		t.Errorf("Left = %+v, want only %s (%s is already invalidated)", plan.Left, left, leftInv)
	}

	t.Run("plan changes nothing", func(t *testing.T) {
		again, err := s.Plan(t.Context(), current)
		noErr(t, err)
		if len(again.New) != 1 || len(again.Changed) != 4 || len(again.Left) != 1 {
			t.Errorf("second plan differs: %+v", again)
		}
	})
	t.Run("after Upsert everything is unchanged", func(t *testing.T) {
		noErr(t, s.Upsert(t.Context(), current, day(1)))
		after, err := s.Plan(t.Context(), current)
		noErr(t, err)
		if len(after.New) != 0 || len(after.Changed) != 0 || len(after.Unchanged) != len(current) {
			t.Errorf("plan after upsert: %+v", after)
		}
		if r, _ := s.Get(t.Context(), purged); r.PhotoHash != "photo-"+purged {
			t.Errorf("purged student's photo hash %q was overwritten", r.PhotoHash)
		}
	})
	t.Run("duplicate PESEL", func(t *testing.T) {
		if _, err := s.Plan(t.Context(), []Item{cur(same, nil), cur(same, nil)}); err == nil {
			t.Error("Plan accepted a PESEL twice")
		}
	})
}
