// Package redact is what user text goes through before the tool writes it
// out: Text replaces personal data (e-mail addresses, phone numbers, long
// digit runs such as ids) by a marker and says how many it replaced; Cell
// and CSVWriter neutralise the cells a spreadsheet would run as formulas.
//
// Values are kept as typed in memory (the two response readers are
// compared on them); redaction happens where a value leaves the tool:
// rejects.csv, quality.json, the messages of validate and of input errors.
//
// It imports nothing of this module: every other package may import it.
package redact
