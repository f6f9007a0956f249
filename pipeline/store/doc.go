// Package store writes and reads the files that carry rows from one stage
// to the next: results, tests, attendance, participants and participation
// as Parquet through parquet-go, responses.parquet through this package's
// own encoder (pqwrite.go, respwrite.go: see the README's "Dependencies"
// for why), and merges.csv (through redact.CSVWriter, as every CSV the tool
// writes).
//
// It may import redact, form, tally, people and provenance.
package store
