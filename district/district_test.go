package district

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"
)

func schools(n int) []School {
	var out []School
	for i := range n {
		out = append(out, School{ID: fmt.Sprintf("sp%03d", i+1)})
	}
	return out
}

func TestShardsCoverEverySchoolOnce(t *testing.T) {
	all := schools(60)
	for n := 1; n <= 7; n++ {
		t.Run(fmt.Sprintf("n=%d", n), func(t *testing.T) {
			seen := map[string]int{}
			for i := range n {
				for _, s := range Shard(all, i, n) {
					seen[s.ID]++
				}
			}
			if len(seen) != len(all) {
				t.Errorf("%d schools covered, want %d", len(seen), len(all))
			}
			for id, c := range seen {
				if c != 1 {
					t.Errorf("%s in %d shards", id, c)
				}
			}
		})
	}
}

func TestShardStableWhenListChanges(t *testing.T) {
	all := schools(30)
	before := ShardOf("sp007", 4)
	all = append(all[:3], all[4:]...) // a school leaves the district
	for _, s := range Shard(all, before, 4) {
		if s.ID == "sp007" {
			return
		}
	}
	t.Error("sp007 moved to another shard when another school was removed")
}

func TestParseShard(t *testing.T) {
	good := map[string][2]int{"0/1": {0, 1}, "2/3": {2, 3}}
	for s, want := range good {
		i, n, err := ParseShard(s)
		if err != nil || i != want[0] || n != want[1] {
			t.Errorf("ParseShard(%q) = %d,%d,%v", s, i, n, err)
		}
	}
	for _, s := range []string{"", "1", "3/3", "-1/2", "a/b", "1/0"} {
		if _, _, err := ParseShard(s); err == nil {
			t.Errorf("ParseShard(%q) accepted", s)
		}
	}
}

func TestRunOneBrokenSchoolDoesNotStopOthers(t *testing.T) {
	var running, peak atomic.Int32
	run := func(ctx context.Context, s School) (*Outcome, error) {
		n := running.Add(1)
		defer running.Add(-1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(5 * time.Millisecond)
		switch s.ID {
		case "sp002":
			return nil, errors.New("roster missing")
		case "sp003":
			panic("broken roster reader")
		case "sp004":
			return &Outcome{Students: 3, Accepted: 2, Rejected: 1, AcceptedPESELs: []string{"11210110089", "02270803624"}}, nil
		}
		return &Outcome{Students: 2, Accepted: 2, AcceptedPESELs: []string{"11210110089", s.ID + "x"}}, nil
	}
	sum, acc, err := Run(context.Background(), schools(6), 2, run)
	if err != nil {
		t.Fatal(err)
	}
	if peak.Load() > 2 {
		t.Errorf("%d schools at once, limit 2", peak.Load())
	}
	status := map[string]string{}
	for _, r := range sum.Schools {
		status[r.School] = r.Status
	}
	want := map[string]string{"sp001": StatusOK, "sp002": StatusFailed, "sp003": StatusFailed,
		"sp004": StatusRejected, "sp005": StatusOK, "sp006": StatusOK}
	for id, st := range want {
		if status[id] != st {
			t.Errorf("%s: %s, want %s", id, status[id], st)
		}
	}
	if sum.Failed != 2 || sum.Students != 9 || sum.Accepted != 8 || sum.Rejected != 1 {
		t.Errorf("totals %+v", sum)
	}
	if len(sum.CrossSchool) != 1 || len(sum.CrossSchool[0].Schools) != 4 || sum.CrossSchool[0].PESEL != "1121*****89" {
		t.Errorf("cross-school %+v", sum.CrossSchool)
	}
	if len(acc) != 4 {
		t.Errorf("accepted lists for %d schools, want 4", len(acc))
	}
}

func TestMergeShards(t *testing.T) {
	a := &Summary{AsOf: "2026-09-15", Shards: []string{"0/2"}, Schools: []SchoolResult{{School: "sp1", Status: StatusOK, Students: 1, Accepted: 1}}}
	b := &Summary{AsOf: "2026-09-15", Shards: []string{"1/2"}, Schools: []SchoolResult{{School: "sp2", Status: StatusFailed}}}
	m, _, err := Merge([]*Summary{a, b}, []Accepted{{"sp1": {"11210110089"}}, {"sp2": {"11210110089"}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Schools) != 2 || m.Failed != 1 || m.Accepted != 1 || len(m.Shards) != 2 {
		t.Errorf("merged %+v", m)
	}
	if len(m.CrossSchool) != 1 {
		t.Errorf("cross-school across shards not found: %+v", m.CrossSchool)
	}
	if _, _, err := Merge([]*Summary{a, a}, nil); err == nil {
		t.Error("overlapping shards merged")
	}
	c := *b
	c.AsOf = "2026-09-16"
	if _, _, err := Merge([]*Summary{a, &c}, nil); err == nil {
		t.Error("shards of different dates merged")
	}
}

// A held school is neither failed nor completed: it is counted and named
// apart, keeps its counts and Polish message, stays out of the
// cross-school check, and a merge of shards keeps it held.
func TestRunHeldSchoolNamedApart(t *testing.T) {
	held := &Held{Invalidations: 40, Limit: 5, Komunikat: "Wstrzymano."}
	run := func(_ context.Context, s School) (*Outcome, error) {
		switch s.ID {
		case "sp002":
			return &Outcome{Students: 3, Held: held, AcceptedPESELs: []string{"02270803624"}}, nil
		case "sp003":
			return nil, errors.New("roster missing")
		}
		return &Outcome{Students: 2, Accepted: 2, AcceptedPESELs: []string{"02270803624"}}, nil
	}
	sum, acc, err := Run(context.Background(), schools(3), 2, run)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Failed != 1 || sum.Held != 1 || len(sum.HeldSchools) != 1 || sum.HeldSchools[0] != "sp002" {
		t.Fatalf("failed %d, held %d %v; want 1, 1 [sp002]", sum.Failed, sum.Held, sum.HeldSchools)
	}
	if r := sum.Schools[1]; r.Status != StatusHeld || r.Held != held || r.Students != 3 || r.Error != "" {
		t.Errorf("held school's line %+v", r)
	}
	if _, ok := acc["sp002"]; ok || len(sum.CrossSchool) != 0 {
		t.Errorf("held school in the cross-school check: %v %v", acc, sum.CrossSchool)
	}
	merged, _, err := Merge([]*Summary{sum}, []Accepted{acc})
	if err != nil || merged.Held != 1 || merged.HeldSchools[0] != "sp002" || merged.Failed != 1 {
		t.Errorf("merged: %+v, %v", merged, err)
	}
}
