// Package responses is the reference reader of response exports (Kobo, ODK,
// Google Forms, any CSV or XLSX): it resolves each header to a question or
// a metadata column, matches each cell to a choice by name or label in any
// language, and turns each row into a Respondent or a Reject. Responses is
// what a reader makes of the files; the streaming reader (ingest) gives the
// same, and is tested against this one.
//
// It may import input, form, tally and store.
package responses
