package state_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/mlegit/mlegit/pesel"
	"github.com/mlegit/mlegit/state"
	"github.com/mlegit/mlegit/student"
)

// One nightly run: lock, plan against the roster, act on the plan, record
// the roster, move students on, and list what is due. (Errors of the
// store's methods are left unchecked here for brevity; a run checks them.)
func Example() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "state-example")
	defer os.RemoveAll(dir)
	asOf := time.Date(2026, 9, 15, 0, 0, 0, 0, time.UTC)
	at := state.At(asOf, time.Date(2026, 9, 15, 23, 0, 0, 0, time.UTC))

	lock, err := state.Lock(dir, "szkola")
	var locked *state.LockedError
	if errors.As(err, &locked) {
		fmt.Println("another run holds the school") // main: exit code 4
		return
	} else if err != nil {
		fmt.Println(err)
		return
	}
	defer lock.Release()
	st, err := state.Open(dir, "szkola")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer st.Close()

	roster := []student.Student{{PESEL: pesel.PESEL("05210100016"), Surname: "Nowak", FirstName: "Jan", Class: "1a"}}
	var items []state.Item
	for _, s := range roster {
		items = append(items, state.ItemOf(s, state.PhotoHash([]byte("photo bytes"))))
	}
	plan, _ := st.Plan(ctx, items)
	for _, r := range plan.Left {
		st.Transition(ctx, r.PESEL, state.Invalidated, at, "transfer")
	}
	for _, c := range plan.Changed {
		if c.Name {
			st.Transition(ctx, c.PESEL, state.Invalidated, at, "name change")
			st.Transition(ctx, c.PESEL, state.New, at, "reissue")
		}
	}
	st.Upsert(ctx, items, at)
	st.TransitionAll(ctx, []string{"05210100016"}, state.Validated, at, "validated")
	st.TransitionAll(ctx, []string{"05210100016"}, state.Packaged, at, "package")

	due, _ := st.Due(ctx, asOf.AddDate(0, 0, 15), state.Deadlines{CodesDueDays: 14})
	for _, d := range due {
		fmt.Println(pesel.Masked(d.PESEL), d.Kind, d.DaysLeft, d.Overdue)
	}
	counts, _ := st.Counts(ctx)
	fmt.Println(len(plan.New), "new;", counts.ByState[state.Packaged], state.Packaged.Polish())
	// Output:
	// 0521*****16 codes_due -1 true
	// 1 new; 1 wysłana do portalu
}
