// Package gen writes generated projects (questionnaire, meetings and a
// responses file of any size, optionally with repeated submissions) for
// benchmarks, scale tests and `synthese gen`. Its CSV files are inputs
// that synthese reads back, made of its own word lists: they are written
// with encoding/csv as they are, not through redact.CSVWriter (a quote in
// front of a cell would change the data read).
//
// It may import form and internal/i18n.
package gen
