package input

import (
	"errors"
	"fmt"

	"github.com/synthese-project/synthese/pipeline/redact"
)

// InputError is a fatal problem in a file the user gave us: the run stops,
// the command exits with status 2, and no output is changed. Its message
// may quote a cell: Error redacts personal data in Msg (redact.Text).
type InputError struct {
	File   string
	Line   int // 1-based; 0 when the problem is the whole file
	Column int // 1-based; 0 when it concerns the whole line
	Msg    string
	Err    error
}

func (e *InputError) Error() string {
	msg, _ := redact.Text(e.Msg)
	loc := e.File
	if e.Line > 0 {
		loc = fmt.Sprintf("%s:%d", loc, e.Line)
		if e.Column > 0 {
			loc = fmt.Sprintf("%s:%d", loc, e.Column)
		}
	}
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", loc, msg, e.Err)
	}
	return fmt.Sprintf("%s: %s", loc, msg)
}

func (e *InputError) Unwrap() error { return e.Err }

// IsInputError reports whether err is (or wraps) an InputError.
func IsInputError(err error) bool {
	var ie *InputError
	return errors.As(err, &ie)
}

// Reject is a row or a cell of the input that was not used, and why. Its
// Value is as typed (both response readers give the same); what shows it
// (rejects.csv, validate) shows Redacted.
type Reject struct {
	Code   string // reason category, counted in quality.json
	File   string
	Line   int
	Column string // the column's header; empty for a whole row
	Value  string
	Reason string
}

// Redacted returns r with personal data in its Column, Value and Reason
// replaced by redact.Text's markers, and how many were replaced.
func (r Reject) Redacted() (Reject, int) {
	var a, b, c int
	r.Column, a = redact.Text(r.Column)
	r.Value, b = redact.Text(r.Value)
	r.Reason, c = redact.Text(r.Reason)
	return r, a + b + c
}

// Reject codes.
const (
	RejectUnknownColumn  = "unknown_column"
	RejectUnknownValue   = "unknown_value"
	RejectNoMeeting      = "no_meeting"
	RejectDuplicate      = "duplicate"
	RejectUnknownMeeting = "unknown_meeting"
	RejectBadWeight      = "bad_weight"
	RejectFieldCount     = "field_count"  // a record whose fields do not line up with the header
	RejectBadText        = "bad_text"     // bytes that are not UTF-8 in a file read as UTF-8
	RejectNotRelevant    = "not_relevant" // an answer to a question the respondent was not asked (its relevant was false)
)
