package input

import (
	"errors"
	"testing"
)

// TestMessagesRedactPersonalData: an InputError quoting a cell and a
// Reject show e-mail addresses, phone numbers and long digit runs as
// markers; the file, line and wrapped error are left as they are, and the
// reject's code and location too.
func TestMessagesRedactPersonalData(t *testing.T) {
	e := &InputError{File: "meetings_123456789.csv", Line: 3, Column: 6, Msg: `"ali@example.org, 06 12 34 56 78" is not a date: expected YYYY-MM-DD`, Err: errors.New("id 987654321")}
	want := `meetings_123456789.csv:3:6: "[e-mail], [phone]" is not a date: expected YYYY-MM-DD: id 987654321`
	if got := e.Error(); got != want {
		t.Errorf("Error() = %q; want %q", got, want)
	}
	r := Reject{Code: RejectUnknownValue, File: "r_123456789.csv", Line: 123456789, Column: "Tél. 0612345678",
		Value: "+212 6 12 34 56 78", Reason: `matches no choice of "q1"; closest is "Oui"`}
	got, n := r.Redacted()
	want2 := Reject{Code: RejectUnknownValue, File: "r_123456789.csv", Line: 123456789, Column: "Tél. [phone]", Value: "[phone]", Reason: r.Reason}
	if got != want2 || n != 2 {
		t.Errorf("Redacted() = %+v, %d; want %+v, 2", got, n, want2)
	}
}
