// Package pipeline holds the domain types that flow between the stages of
// synthese (questionnaire, respondents, attendance, meetings, result rows)
// and the stages themselves: reading the inputs (ingest), counting and
// deriving shares, percentages and intervals (aggregate), and the Parquet
// files that carry them from one stage to the next.
//
// Readers take an io.Reader and the file name to quote in messages; nothing
// here opens files, reads the environment or exits.
package pipeline
