package rules

import "github.com/mlegit/mlegit/roster"

// Duplicates returns the indices of the rows whose PESEL also appears on
// another row of the same school, in order. Every such row must be
// rejected with DUPLICATE_PESEL, valid or not, because we cannot know which
// one is right. Rows without a PESEL, and rows that could not be read (their
// cells are only a guess), never count as duplicates.
func Duplicates(rows []roster.Record) []int {
	count := make(map[string]int, len(rows))
	for _, r := range rows {
		if p := CleanPESEL(r.PESEL); p != "" && r.Unreadable == "" {
			count[p]++
		}
	}
	var out []int
	for i, r := range rows {
		if count[CleanPESEL(r.PESEL)] > 1 && r.Unreadable == "" {
			out = append(out, i)
		}
	}
	return out
}
