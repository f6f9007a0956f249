// Package input reads what the user gave as tables of text: the encoding
// of a file (UTF-8, UTF-16 with BOM, Windows-1252), CSV with its delimiter
// detected, XLSX and legacy .xls (BIFF8) workbooks (with limits on size,
// rows and cells), and a record scanner over bytes for the streaming
// reader. It also holds the
// text folding every comparison of user text goes through (Fold,
// EditDistance), and the two kinds of problems an input can have: an
// InputError (fatal, naming file, line and column) and a Reject (a row or
// cell left out, with its reason), both shown with personal data redacted.
//
// It may import redact (and nothing else of this module): every other
// package may import it.
package input
