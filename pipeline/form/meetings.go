package form

import (
	"fmt"
	"github.com/synthese-project/synthese/pipeline/input"
	"io"
	"regexp"
	"strings"
	"time"
)

// Meeting is one regional meeting.
type Meeting struct {
	ID          string
	City        Text
	Regions     Text // regions covered, "; "-separated in each language
	Start, End  time.Time
	Description Text // regional context
	// Unreviewed lists the languages whose texts are draft translations (a
	// translation_status column naming e.g. description_ar "not yet reviewed").
	Unreviewed map[string]bool
}

var langSuffix = regexp.MustCompile(`^(.+)_([a-z]{2,3})$`)

// ReadMeetings reads the meetings file: meeting_id, start_date, end_date
// (YYYY-MM-DD) and per-language columns city_<lang>, regions_<lang>,
// description_<lang>.
func ReadMeetings(file string, r io.Reader, opt input.ReadOptions) ([]Meeting, error) {
	t, err := input.ReadTable(file, r, opt)
	if err != nil {
		return nil, err
	}
	if err := t.Aligned(); err != nil {
		return nil, err
	}
	cols, err := t.Require("meeting_id", "start_date", "end_date")
	if err != nil {
		return nil, err
	}
	var out []Meeting
	seen := map[string]bool{}
	for i := range t.Records {
		m := Meeting{ID: t.Cell(i, cols[0]), City: Text{}, Regions: Text{}, Description: Text{}}
		if m.ID == "" {
			return nil, &input.InputError{File: file, Line: t.Lines[i], Column: cols[0] + 1, Msg: "empty meeting_id"}
		}
		if why := checkMeetingID(m.ID); why != "" {
			return nil, &input.InputError{File: file, Line: t.Lines[i], Column: cols[0] + 1, Msg: why}
		}
		if seen[m.ID] {
			return nil, &input.InputError{File: file, Line: t.Lines[i], Column: cols[0] + 1, Msg: fmt.Sprintf("meeting_id %s appears twice", input.Excerpt(m.ID))}
		}
		seen[m.ID] = true
		for k, c := range []int{cols[1], cols[2]} {
			d, err := time.Parse("2006-01-02", t.Cell(i, c))
			if err != nil {
				return nil, &input.InputError{File: file, Line: t.Lines[i], Column: c + 1,
					Msg: fmt.Sprintf("%s is not a date: expected YYYY-MM-DD", input.Excerpt(t.Cell(i, c)))}
			}
			if k == 0 {
				m.Start = d
			} else if m.End = d; d.Before(m.Start) {
				return nil, &input.InputError{File: file, Line: t.Lines[i], Column: c + 1,
					Msg: fmt.Sprintf("end_date %s is before start_date %s: expected the same day or later", t.Cell(i, c), m.Start.Format("2006-01-02"))}
			}
		}
		for c, h := range t.Header {
			sm := langSuffix.FindStringSubmatch(strings.ToLower(h))
			if sm == nil || t.Cell(i, c) == "" {
				continue
			}
			switch sm[1] {
			case "city":
				m.City[sm[2]] = t.Cell(i, c)
			case "regions":
				m.Regions[sm[2]] = t.Cell(i, c)
			case "description", "context":
				m.Description[sm[2]] = t.Cell(i, c)
			}
		}
		if c := t.Column("translation_status"); c >= 0 {
			m.Unreviewed = unreviewed(t.Cell(i, c))
		}
		out = append(out, m)
	}
	return out, nil
}

var statusLang = regexp.MustCompile(`(?:^|[\s,;_])([a-z]{2,3})\b`)

// unreviewed reads a translation_status cell: the languages named before a
// status that says the translation is not reviewed.
func unreviewed(status string) map[string]bool {
	out := map[string]bool{}
	for _, part := range strings.Split(status, ";") {
		names, note, ok := strings.Cut(part, ":")
		if !ok || !strings.Contains(strings.ToLower(note), "not yet reviewed") {
			continue
		}
		for _, m := range statusLang.FindAllStringSubmatch(strings.ToLower(names), -1) {
			out[m[1]] = true
		}
	}
	return out
}

// Attendance is one row of a participant list: a person at a meeting in a
// role. Contact details (e-mail, phone) are never read.
type Attendance struct {
	Meeting      string
	Name         string
	Organisation string
	City         string
	Role         string
	File         string
	Line         int
}

// ReadAttendance reads a participant list with columns meeting_id,
// full_name, organisation, org_city, role. Rows whose meeting is not in
// meetings are rejected.
func ReadAttendance(file string, r io.Reader, meetings []Meeting, opt input.ReadOptions) ([]Attendance, []input.Reject, error) {
	t, err := input.ReadTable(file, r, opt)
	if err != nil {
		return nil, nil, err
	}
	cols, err := t.Require("meeting_id", "full_name", "organisation", "org_city", "role")
	if err != nil {
		return nil, nil, err
	}
	known := map[string]bool{}
	for _, m := range meetings {
		known[m.ID] = true
	}
	var out []Attendance
	var rejects []input.Reject
	width := t.Width()
	for i := range t.Records {
		if t.Delimited {
			rec := t.Records[i]
			field := func(k int) string { return strings.TrimSpace(rec[k]) }
			if why, v := input.Misaligned(len(rec), width, field); why != "" {
				rejects = append(rejects, input.Reject{Code: input.RejectFieldCount, File: t.File, Line: t.Lines[i], Value: v, Reason: "row not used: " + why})
				continue
			}
		}
		a := Attendance{Meeting: t.Cell(i, cols[0]), Name: t.Cell(i, cols[1]), Organisation: t.Cell(i, cols[2]),
			City: t.Cell(i, cols[3]), Role: strings.ToLower(t.Cell(i, cols[4])), File: file, Line: t.Lines[i]}
		if !known[a.Meeting] {
			rejects = append(rejects, input.Reject{Code: input.RejectUnknownMeeting, File: t.File, Line: a.Line, Column: t.Header[cols[0]], Value: a.Meeting,
				Reason: "row not used: meeting_id is not in the meetings file"})
			continue
		}
		out = append(out, a)
	}
	return out, rejects, nil
}
