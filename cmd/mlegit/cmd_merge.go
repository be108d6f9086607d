package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mlegit/mlegit/district"
	"github.com/mlegit/mlegit/report"
)

type mergeOptions struct {
	out string
}

func newMergeCommand(g *globalOptions) *cobra.Command {
	var opts mergeOptions
	cmd := &cobra.Command{
		Use:   "merge-summaries --out DIR SHARD_SUMMARY.json...",
		Short: "Merge the district summaries of several shards into one",
		Long: `Merge the district-summary-<i>of<n>.json files that 'mlegit run --all --shard i/n'
wrote on several machines into one district-summary.json, with the totals and
the cross-school PESEL check recomputed over every shard. Each summary's
district-accepted-<i>of<n>.json must lie beside it.

Exit codes: 0 merged, all schools fine; 3 some students rejected or PESELs in
several schools; 5 some school failed; 6 no school failed but some school's
night was held by the mass-invalidation guard; 2 bad arguments or
overlapping shards; 1 unreadable input.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runMerge(cmd.Context(), opts, g, args)
		},
	}
	cmd.Flags().StringVar(&opts.out, "out", "out", "folder for the merged district-summary.json")
	return cmd
}

func runMerge(_ context.Context, opts mergeOptions, g *globalOptions, files []string) error {
	var parts []*district.Summary
	var accs []district.Accepted
	for _, f := range files {
		var s district.Summary
		if err := readJSON(f, &s); err != nil {
			return err
		}
		accFile := filepath.Join(filepath.Dir(f),
			strings.Replace(filepath.Base(f), districtSummary, districtAccepted, 1))
		var acc district.Accepted
		if err := readJSON(accFile, &acc); err != nil {
			return err
		}
		parts = append(parts, &s)
		accs = append(accs, acc)
	}
	merged, acc, err := district.Merge(parts, accs)
	if err != nil {
		return usageErrorf("%v", err)
	}
	if err := writeDistrict(opts.out, "", merged, acc); err != nil {
		return err
	}
	flagMergedSchools(g, merged, acc)
	fmt.Fprintf(g.stdout, "merged %d shards: %d schools (%d failed, %d held), %d PESELs in several schools\n",
		len(parts), len(merged.Schools), merged.Failed, merged.Held, len(merged.CrossSchool))
	printHeldSchools(g.stdout, merged)
	return districtExit(merged)
}

// flagMergedSchools adds the cross-school findings that only the merge can
// see (PESELs shared by schools of different shards) to each school's
// reports, where its output folder is reachable from here. A school whose
// folder is not (another host's disk) is named in a warning.
func flagMergedSchools(g *globalOptions, merged *district.Summary, acc district.Accepted) {
	where := district.Shared(acc)
	names := map[string]string{}
	for _, sr := range merged.Schools {
		names[sr.School] = sr.Name
	}
	for _, sr := range merged.Schools {
		if sr.Status == district.StatusFailed || sr.Out == "" {
			continue
		}
		var sum report.Summary
		if err := readJSON(filepath.Join(sr.Out, report.SummaryFile), &sum); err != nil {
			g.log.Warn("school reports not reachable; cross-school findings only in the district summary", "school", sr.School, "err", err)
			continue
		}
		if addCrossSchoolFlags(&sum, sr.School, where, nil, names) {
			if err := report.Write(sr.Out, &sum); err != nil {
				g.log.Warn("could not update school reports", "school", sr.School, "err", err)
			}
		}
	}
}

func readJSON(path string, v any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("parsing %s: %w", path, err)
	}
	return nil
}
