// Package responses is the reference reader of response exports (Kobo, ODK,
// Google Forms, any CSV or XLSX): it resolves each header to a question or
// a metadata column, matches each cell to a choice by name or label in any
// language, and turns each row into a Respondent or a Reject. Responses is
// what a reader makes of the files; the streaming reader (ingest) gives the
// same, and is tested against this one. It applies the form's skip logic
// (relevant, with the enclosing groups'): a question not relevant for a
// respondent was not asked (Respondent.NotAsked); a survey with skip logic
// is read by this reader only.
//
// It may import input, relevance, form, tally and store.
package responses
