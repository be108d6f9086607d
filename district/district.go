// Package district runs many schools at once: a bounded number in
// parallel, each with its own output, one school's failure never stopping
// the others. It also splits a district's school list into deterministic
// shards, so any scheduler (cron on several hosts, a Kubernetes indexed
// Job, a Slurm array) can spread a region's schools, and merges the
// shards' summaries back into one.
//
// Terms:
//   - shard i/n: the schools whose ID hashes (FNV-1a) to i modulo n, with
//     i in 0..n-1. Hashing the ID, not the list position, keeps a school on
//     the same shard when others are added or removed.
//   - cross-school PESEL: a PESEL accepted in two schools of the district,
//     most likely a transfer; flagged PESEL_IN_OTHER_SCHOOL.
package district

import (
	"context"
	"fmt"
	"hash/fnv"
	"sort"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/mlegit/mlegit/pesel"
	"github.com/mlegit/mlegit/reject"
)

// School is one school of a district as config.yaml lists it.
type School struct {
	ID   string `mapstructure:"id" json:"id"`
	Name string `mapstructure:"name" json:"name"` // full name, printed on documents
	// SchoolName is the same as Name, under the key a single school's
	// config uses (school_name); Name wins when both are set.
	SchoolName string   `mapstructure:"school_name" json:"-"`
	Rosters    []string `mapstructure:"roster" json:"roster"`
	Photos     string   `mapstructure:"photos" json:"photos"`
	Profile    string   `mapstructure:"profile" json:"profile"`
	Out        string   `mapstructure:"out" json:"out"`
}

// Outcome is what running one school gave.
type Outcome struct {
	Students, Accepted, Rejected int
	// AcceptedPESELs lists the accepted students' PESELs, for the
	// cross-school check. They stay in memory and in the private
	// (0600) shard file; summaries carry them masked.
	AcceptedPESELs []string
	// Held is set when the mass-invalidation guard held the school's
	// night: nothing changed there and it needs a person's decision. A
	// held school adds no PESELs to the cross-school check.
	Held *Held
}

// Held is a school whose night the mass-invalidation guard held: it would
// have invalidated Invalidations cards, more than Limit allows.
type Held struct {
	Invalidations int `json:"invalidations"`
	Limit         int `json:"limit"`
	// Komunikat says in Polish what happened and what to do, for the
	// district office and the school's secretariat.
	Komunikat string `json:"komunikat"`
}

// Status of one school in a district run.
const (
	StatusOK       = "ok"       // every student accepted
	StatusRejected = "rejected" // completed, some students rejected
	StatusFailed   = "failed"   // the school could not be processed
	// StatusHeld: the mass-invalidation guard held the night; nothing
	// changed, a person must decide (see the school's odrzuceni.csv).
	StatusHeld = "held"
)

// SchoolResult is one school's line in the district summary.
type SchoolResult struct {
	School   string `json:"school"`
	Name     string `json:"name,omitempty"`
	Status   string `json:"status"`
	Students int    `json:"students"`
	Accepted int    `json:"accepted"`
	Rejected int    `json:"rejected"`
	Out      string `json:"out"`
	Error    string `json:"error,omitempty"`
	Held     *Held  `json:"held,omitempty"` // set when Status is held
}

// CrossSchool is a PESEL accepted in more than one school.
type CrossSchool struct {
	PESEL   string      `json:"pesel"` // masked
	Code    reject.Code `json:"code"`
	Message string      `json:"message"`
	Schools []string    `json:"schools"`
}

// Summary is district-summary.json. Held counts the schools whose night
// the mass-invalidation guard held and HeldSchools names them (IDs,
// sorted): they did not fail, each needs a person's decision.
type Summary struct {
	AsOf        string         `json:"as_of"`
	Shards      []string       `json:"shards"` // e.g. ["0/3"]; several after a merge
	Schools     []SchoolResult `json:"schools"`
	Failed      int            `json:"failed"`
	Held        int            `json:"held"`
	HeldSchools []string       `json:"held_schools"`
	Students    int            `json:"students"`
	Accepted    int            `json:"accepted"`
	Rejected    int            `json:"rejected"`
	CrossSchool []CrossSchool  `json:"cross_school"`
}

// Accepted maps a school ID to the PESELs it accepted: the private part
// of a shard's result, needed to merge shards' cross-school checks.
type Accepted map[string][]string

// RunFunc processes one school. An error means the school failed as a
// whole (missing roster, unwritable output); it is reported, not fatal.
type RunFunc func(ctx context.Context, s School) (*Outcome, error)

// Run processes schools with at most parallel at once and returns the
// summary and the accepted PESELs per school. It returns an error only if
// ctx is cancelled.
func Run(ctx context.Context, schools []School, parallel int, run RunFunc) (*Summary, Accepted, error) {
	if parallel < 1 {
		parallel = 1
	}
	results := make([]SchoolResult, len(schools))
	acc := Accepted{}
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(parallel)
	for i, s := range schools {
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				return err
			}
			r := SchoolResult{School: s.ID, Name: s.Name, Out: s.Out}
			o, err := runSafely(gctx, s, run)
			switch {
			case err != nil:
				r.Status, r.Error = StatusFailed, err.Error()
			default:
				r.Students, r.Accepted, r.Rejected = o.Students, o.Accepted, o.Rejected
				switch {
				case o.Held != nil:
					r.Status, r.Held = StatusHeld, o.Held
				case o.Rejected > 0:
					r.Status = StatusRejected
				default:
					r.Status = StatusOK
				}
				if o.Held == nil {
					mu.Lock()
					acc[s.ID] = o.AcceptedPESELs
					mu.Unlock()
				}
			}
			results[i] = r
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	sum := &Summary{Schools: results}
	sum.finish(acc)
	return sum, acc, nil
}

// runSafely turns a panic in one school's run into that school's failure,
// so one broken school never takes the district down.
func runSafely(ctx context.Context, s School, run RunFunc) (o *Outcome, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("school %s crashed: %v", s.ID, p)
		}
	}()
	o, err = run(ctx, s)
	if err == nil && o == nil {
		err = fmt.Errorf("school %s: no outcome", s.ID)
	}
	return o, err
}

// finish computes the totals and the cross-school PESELs.
func (s *Summary) finish(acc Accepted) {
	sort.Slice(s.Schools, func(i, j int) bool { return s.Schools[i].School < s.Schools[j].School })
	s.Failed, s.Students, s.Accepted, s.Rejected = 0, 0, 0, 0
	s.Held, s.HeldSchools = 0, []string{}
	for _, r := range s.Schools {
		switch r.Status {
		case StatusFailed:
			s.Failed++
		case StatusHeld:
			s.Held++
			s.HeldSchools = append(s.HeldSchools, r.School)
		}
		s.Students += r.Students
		s.Accepted += r.Accepted
		s.Rejected += r.Rejected
	}
	s.CrossSchool = CrossSchools(acc)
}

// Shared maps each PESEL accepted in more than one school to those
// schools, sorted. The PESELs are full: keep the result in memory.
func Shared(acc Accepted) map[string][]string {
	where := map[string][]string{}
	for school, ps := range acc {
		for _, p := range ps {
			where[p] = append(where[p], school)
		}
	}
	for p, schools := range where {
		if len(schools) < 2 {
			delete(where, p)
			continue
		}
		sort.Strings(schools)
	}
	return where
}

// CrossSchools lists the PESELs accepted in more than one school, masked,
// each with the schools that accepted it, in a stable order.
func CrossSchools(acc Accepted) []CrossSchool {
	out := []CrossSchool{}
	for p, schools := range Shared(acc) {
		out = append(out, CrossSchool{PESEL: pesel.Masked(p), Code: reject.PESELInOtherSchool,
			Message: reject.PESELInOtherSchool.Message(), Schools: schools})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Schools[0] != out[j].Schools[0] {
			return out[i].Schools[0] < out[j].Schools[0]
		}
		return out[i].PESEL < out[j].PESEL
	})
	return out
}

// ParseShard reads "i/n" (0 ≤ i < n).
func ParseShard(s string) (i, n int, err error) {
	a, b, ok := strings.Cut(s, "/")
	if ok {
		i, err = strconv.Atoi(a)
		if err == nil {
			n, err = strconv.Atoi(b)
		}
	}
	if !ok || err != nil || n < 1 || i < 0 || i >= n {
		return 0, 0, fmt.Errorf("shard %q: want i/n with 0 ≤ i < n", s)
	}
	return i, n, nil
}

// Shard returns the schools of shard i of n, in their original order.
func Shard(schools []School, i, n int) []School {
	var out []School
	for _, s := range schools {
		if ShardOf(s.ID, n) == i {
			out = append(out, s)
		}
	}
	return out
}

// ShardOf returns the shard (0..n-1) a school ID belongs to.
func ShardOf(id string, n int) int {
	h := fnv.New32a()
	h.Write([]byte(id))
	return int(h.Sum32() % uint32(n))
}

// Merge combines shard summaries (and their accepted PESELs) into one
// district summary, recomputing totals and the cross-school check across
// every shard. A school present in two inputs is an error: shards overlap.
func Merge(parts []*Summary, accs []Accepted) (*Summary, Accepted, error) {
	out := &Summary{}
	all := Accepted{}
	seen := map[string]bool{}
	for k, p := range parts {
		if out.AsOf == "" {
			out.AsOf = p.AsOf
		} else if p.AsOf != out.AsOf {
			return nil, nil, fmt.Errorf("shard summaries have different as-of dates: %s and %s", out.AsOf, p.AsOf)
		}
		out.Shards = append(out.Shards, p.Shards...)
		for _, r := range p.Schools {
			if seen[r.School] {
				return nil, nil, fmt.Errorf("school %s appears in more than one shard", r.School)
			}
			seen[r.School] = true
			out.Schools = append(out.Schools, r)
		}
		if k < len(accs) {
			for school, ps := range accs[k] {
				all[school] = ps
			}
		}
	}
	sort.Strings(out.Shards)
	out.finish(all)
	return out, all, nil
}
