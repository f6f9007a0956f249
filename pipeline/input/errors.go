package input

import (
	"errors"
	"fmt"
)

// InputError is a fatal problem in a file the user gave us: the run stops,
// the command exits with status 2, and no output is changed.
type InputError struct {
	File   string
	Line   int // 1-based; 0 when the problem is the whole file
	Column int // 1-based; 0 when it concerns the whole line
	Msg    string
	Err    error
}

func (e *InputError) Error() string {
	loc := e.File
	if e.Line > 0 {
		loc = fmt.Sprintf("%s:%d", loc, e.Line)
		if e.Column > 0 {
			loc = fmt.Sprintf("%s:%d", loc, e.Column)
		}
	}
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", loc, e.Msg, e.Err)
	}
	return fmt.Sprintf("%s: %s", loc, e.Msg)
}

func (e *InputError) Unwrap() error { return e.Err }

// IsInputError reports whether err is (or wraps) an InputError.
func IsInputError(err error) bool {
	var ie *InputError
	return errors.As(err, &ie)
}

// Reject is a row or a cell of the input that was not used, and why.
type Reject struct {
	Code   string // reason category, counted in quality.json
	File   string
	Line   int
	Column string // the column's header; empty for a whole row
	Value  string
	Reason string
}

// Reject codes.
const (
	RejectUnknownColumn  = "unknown_column"
	RejectUnknownValue   = "unknown_value"
	RejectNoMeeting      = "no_meeting"
	RejectDuplicate      = "duplicate"
	RejectUnknownMeeting = "unknown_meeting"
	RejectBadWeight      = "bad_weight"
	RejectFieldCount     = "field_count" // a record whose fields do not line up with the header
	RejectBadText        = "bad_text"    // bytes that are not UTF-8 in a file read as UTF-8
)
