// Package tally counts answers (Tally: per question, meeting and choice,
// weighted or not, mergeable across workers) and derives results.parquet's
// rows from the counts by one documented rule (Aggregate, Results: shares,
// largest-remainder percentages, Wilson intervals, small cells), and the
// tests of independence between meeting and answer (tests.parquet).
//
// It may import form and stats.
package tally
