package main

import (
	"cmp"
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/synthese-project/synthese/pipeline/ingest"
	"github.com/synthese-project/synthese/pipeline/input"
	"github.com/synthese-project/synthese/pipeline/redact"
)

// validate checks a project folder and prints every problem: the errors
// that stop a report, then the rows and cells a run would reject.
func validate(c *cli.Context, stdout io.Writer, lg *logger) error {
	fsys, dir, enc, err := projectFlags(c)
	if err != nil {
		return err
	}
	name := cmp.Or(dir, "the embedded reference project")
	v := ingest.Validate(fsys, enc)
	for _, f := range v.Files {
		if f.Encoding != "" && !c.Bool("quiet") {
			lg.print("info", fmt.Sprintf("validate: %s: %d rows, read as %s (%s)", f.File, f.Rows, f.Encoding, f.EncodingWhy))
		}
	}
	for _, err := range v.Errors {
		lg.print("error", "validate: "+err.Error())
	}
	level := "error"
	if c.Bool("allow-rejects") {
		level = "warning"
	}
	redacted := 0
	for _, r := range v.Rejects {
		r, n := r.Redacted()
		redacted += n
		lg.print(level, "validate: "+rejectLine(r))
	}
	if redacted > 0 {
		lg.print("info", fmt.Sprintf("validate: %d e-mail address(es), phone number(s) or long number(s) in the values above are shown as %s, %s, %s (as in rejects.csv); find them at the file and line given",
			redacted, redact.Email, redact.Phone, redact.Number))
	}
	switch {
	case len(v.Errors) > 0:
		return &input.InputError{File: name, Msg: fmt.Sprintf("%d error(s) stop a report, and %d row(s) or cell(s) would be rejected; fix the files named above, then run synthese validate again", len(v.Errors), len(v.Rejects))}
	case len(v.Rejects) > 0 && !c.Bool("allow-rejects"):
		return &input.InputError{File: name, Msg: fmt.Sprintf("%d row(s) or cell(s) would be rejected (listed above; a run writes them to rejects.csv); fix them, or accept them with --allow-rejects", len(v.Rejects))}
	}
	if !c.Bool("quiet") {
		fmt.Fprintf(stdout, "validate: %s: ready for a report: %d response rows read, %d respondents kept, %d participant list rows, %d rejects\n",
			name, v.RowsRead, v.Kept, v.ListRows, len(v.Rejects))
	}
	return nil
}

// rejectLine is a reject as file:line: what and why (the reject redacted
// first: input.Reject.Redacted).
func rejectLine(r input.Reject) string {
	s := fmt.Sprintf("%s:%d: ", r.File, r.Line)
	if r.Column != "" {
		s += fmt.Sprintf("column %s: ", input.Excerpt(r.Column))
	}
	if r.Value != "" {
		s += input.Excerpt(r.Value) + ": "
	}
	return s + r.Reason
}
