package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/mlegit/mlegit/config"
	"github.com/mlegit/mlegit/district"
	"github.com/mlegit/mlegit/pesel"
	"github.com/mlegit/mlegit/pipeline"
	"github.com/mlegit/mlegit/reject"
	"github.com/mlegit/mlegit/report"
	"github.com/mlegit/mlegit/safefile"
	"github.com/mlegit/mlegit/student"
	"github.com/mlegit/mlegit/texts"
)

// District output files; with --shard i/n they carry a "-<i>of<n>" suffix
// so shards may share one folder.
const (
	districtSummary  = "district-summary"
	districtAccepted = "district-accepted" // private: full PESELs, for merging
)

func shardSuffix(shard string) string {
	if shard == "" {
		return ""
	}
	i, n, _ := district.ParseShard(shard)
	return fmt.Sprintf("-%dof%d", i, n)
}

// runDistrict runs the schools of the config (or one shard of them).
func runDistrict(ctx context.Context, opts runOptions, e *schoolEnv) error {
	var schools []district.School
	if err := e.v.UnmarshalKey("schools", &schools); err != nil {
		return usageErrorf("config schools: %v", err)
	}
	if len(schools) == 0 {
		return usageErrorf("--all: the config lists no schools")
	}
	seen := map[string]bool{}
	for i := range schools {
		s := &schools[i]
		if err := config.CheckSchoolID(s.ID); err != nil || seen[s.ID] {
			return usageErrorf("schools[%d]: missing, repeated or unusable id %q", i, s.ID)
		}
		seen[s.ID] = true
		if s.Name == "" {
			s.Name = s.SchoolName
		}
		if s.Out == "" {
			s.Out = filepath.Join(e.cfg.Out, s.ID)
		}
	}
	shards := []string{"0/1"}
	if opts.shard != "" {
		i, n, err := district.ParseShard(opts.shard)
		if err != nil {
			return usageErrorf("--shard: %v", err)
		}
		schools = district.Shard(schools, i, n)
		shards = []string{fmt.Sprintf("%d/%d", i, n)}
	}
	var mu sync.Mutex
	done := map[string]schoolDone{}
	sum, acc, err := district.Run(ctx, schools, opts.parallel, func(ctx context.Context, s district.School) (*district.Outcome, error) {
		if len(s.Rosters) == 0 {
			return nil, fmt.Errorf("school %s: no roster files", s.ID)
		}
		res, err := e.runSchool(ctx, s, false)
		if err != nil {
			return nil, err
		}
		if res.Held {
			return heldOutcome(res), nil
		}
		mu.Lock()
		done[s.ID] = schoolDone{out: s.Out, res: res}
		mu.Unlock()
		o := &district.Outcome{Students: res.Summary.Students, Accepted: res.Summary.Accepted,
			Rejected: res.Summary.Rejected + res.FilesFailed}
		for _, st := range res.Accepted {
			o.AcceptedPESELs = append(o.AcceptedPESELs, string(st.PESEL))
		}
		return o, nil
	})
	if err != nil {
		return err
	}
	names := map[string]string{}
	for _, s := range schools {
		names[s.ID] = s.Name
	}
	if err := flagCrossSchool(acc, done, names); err != nil {
		return err
	}
	sum.AsOf = e.asOf.Format(time.DateOnly)
	sum.Shards = shards
	suffix := shardSuffix(opts.shard)
	if err := writeDistrict(e.cfg.Out, suffix, sum, acc); err != nil {
		return err
	}
	fmt.Fprintf(e.g.stdout, "district: %d schools (%d failed, %d held), %d students, %d accepted, %d rejected, %d PESELs in several schools; %s\n",
		len(sum.Schools), sum.Failed, sum.Held, sum.Students, sum.Accepted, sum.Rejected, len(sum.CrossSchool),
		filepath.Join(e.cfg.Out, districtSummary+suffix+".json"))
	printHeldSchools(e.g.stdout, sum)
	return districtExit(sum)
}

// heldOutcome is the district's view of a school whose night the
// mass-invalidation guard held: nothing changed there, so it adds no
// PESELs to the cross-school check, and it needs a decision, not a repair.
func heldOutcome(res *pipeline.Result) *district.Outcome {
	sum := &res.Summary
	code := reject.InvalidationHeld
	return &district.Outcome{Students: sum.Students, Accepted: sum.Accepted, Rejected: sum.Rejected + res.FilesFailed,
		Held: &district.Held{Invalidations: sum.Held.Invalidations, Limit: sum.Held.Limit,
			Komunikat: code.Message() + " " + code.Detail("school", texts.Args{"count": sum.Held.Invalidations, "limit": sum.Held.Limit})}}
}

// printHeldSchools names, apart from the failed ones, each school whose
// night was held, and what lets it through.
func printHeldSchools(w io.Writer, sum *district.Summary) {
	for _, r := range sum.Schools {
		if r.Status != district.StatusHeld {
			continue
		}
		fmt.Fprintf(w, "%s: night HELD: it would invalidate %d cards, more than the limit of %d; nothing changed there. "+
			"Check its roster export (held invalidations in %s); if they are real, run that school with --max-invalidations %d.\n",
			r.School, r.Held.Invalidations, r.Held.Limit, filepath.Join(r.Out, "odrzuceni.csv"), r.Held.Invalidations)
	}
}

// schoolDone is a school of the district run that completed.
type schoolDone struct {
	out string
	res *pipeline.Result
}

// flagCrossSchool adds PESEL_IN_OTHER_SCHOOL to the reports of every school
// of this run that accepted a PESEL another school accepted too, naming the
// other schools, so that each secretariat sees the likely transfer. The
// students stay accepted: which school is right is for people to settle.
func flagCrossSchool(acc district.Accepted, done map[string]schoolDone, names map[string]string) error {
	where := district.Shared(acc)
	for school, d := range done {
		byPESEL := map[string]student.Student{}
		for _, st := range d.res.Accepted {
			byPESEL[string(st.PESEL)] = st
		}
		if addCrossSchoolFlags(&d.res.Summary, school, where, byPESEL, names) {
			if err := report.Write(d.out, &d.res.Summary); err != nil {
				return fmt.Errorf("school %s: %w", school, err)
			}
		}
	}
	return nil
}

// addCrossSchoolFlags puts into a school's summary one PESEL_IN_OTHER_SCHOOL
// line per PESEL it shares with other schools, naming them all; a line an
// earlier run or merge added for the same PESEL is replaced (a merge of
// shards knows more schools), so merging again changes nothing. students
// gives the name and class where known, else the earlier line's are kept.
// It reports whether the summary changed.
//
// names gives the schools' full names (config name / school_name) by id,
// for the secretariat's Polish detail; a school without one is named by id.
func addCrossSchoolFlags(sum *report.Summary, school string, where map[string][]string, students map[string]student.Student, names map[string]string) bool {
	code := reject.PESELInOtherSchool
	earlier := map[string]reject.Rejection{}
	kept := sum.Rejections[:0:0]
	for _, r := range sum.Rejections {
		if r.Code == code {
			earlier[r.PESEL] = r
			continue
		}
		kept = append(kept, r)
	}
	changed := false
	var flags []reject.Rejection
	for p, schools := range where {
		if !slices.Contains(schools, school) {
			continue
		}
		others := slices.DeleteFunc(slices.Clone(schools), func(x string) bool { return x == school })
		full := make([]string, len(others))
		for i, o := range others {
			full[i] = o
			if n := names[o]; n != "" {
				full[i] = n
			}
		}
		r := reject.Rejection{PESEL: pesel.Masked(p), Code: code, Message: code.Message(),
			Detail: "also in: " + strings.Join(others, ", "), Szczegoly: code.Detail("", texts.Args{"schools": full})}
		if st, ok := students[p]; ok {
			r.File, r.Row, r.Name, r.Class = st.File, st.Row, st.Surname+" "+st.FirstName, st.Class
		} else if e, ok := earlier[r.PESEL]; ok {
			r.File, r.Row, r.Name, r.Class = e.File, e.Row, e.Name, e.Class
		}
		if e, ok := earlier[r.PESEL]; !ok || e != r {
			changed = true
		}
		delete(earlier, r.PESEL)
		flags = append(flags, r)
	}
	// Flags for PESELs this call knows nothing about stay as they were.
	for _, e := range earlier {
		flags = append(flags, e)
	}
	sum.Rejections = append(kept, flags...)
	return changed
}

// districtExit maps a district summary to the run's exit code: 5 when a
// school failed, else 6 when a school's night was held, else 3 when
// students were rejected or PESELs are in several schools.
func districtExit(sum *district.Summary) error {
	switch {
	case sum.Failed > 0:
		return &exitError{code: exitPartial, err: errSchoolsFailed}
	case sum.Held > 0:
		return &exitError{code: exitHeld, err: fmt.Errorf("%w: %s", errSchoolsHeld, strings.Join(sum.HeldSchools, ", "))}
	case sum.Rejected > 0 || len(sum.CrossSchool) > 0:
		return errRejected
	}
	return nil
}

func writeDistrict(dir, suffix string, sum *district.Summary, acc district.Accepted) error {
	for name, v := range map[string]any{districtSummary: sum, districtAccepted: acc} {
		data, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			return fmt.Errorf("encoding %s: %w", name, err)
		}
		if err := safefile.WriteFile(filepath.Join(dir, name+suffix+".json"), append(data, '\n')); err != nil {
			return err
		}
	}
	return nil
}
