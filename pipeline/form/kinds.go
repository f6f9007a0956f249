package form

import (
	"regexp"
	"sort"
	"strings"
)

// The type column of an XLSForm survey sheet, read as pyxform reads it
// (xls2json.workbook_to_json, aliases.py, question_type_dictionary.py):
// spaces collapsed, the type word matched without regard to case, list and
// file names kept as written.

// rowType is what a survey row's type cell says.
type rowType struct {
	control string // "begin" or "end" for a group row, "" for a question
	kind    string // group: group, repeat, loop, kobomatrix, score, rank; question: its canonical type word
	list    string // a select's list (or file); a loop's, score's or rank's list
	orOther bool   // "select_one LIST or_other" (also "or specify other", "or other")
	typ     QuestionType
}

// controlType matches begin/end rows: "begin group", "begin_repeat",
// "begin loop over LIST", and Kobo's "begin_kobomatrix", "begin_score",
// "begin_rank". pyxform's "lgroup" and "looped group" are repeats.
var controlType = regexp.MustCompile(`(?i)^(begin|end)[ _](group|repeat|lgroup|looped group|loop|kobomatrix|score|rank)(?: (?:over )?(\S+))?$`)

// selectCommands maps every spelling of a select pyxform knows to its kind.
var selectCommands = map[string]string{
	"select_one": "select_one", "select one": "select_one", "select1": "select_one", "select one from": "select_one",
	"select one using": "select_one", "add select one prompt using": "select_one", "q select1": "select_one",
	"select_multiple": "select_multiple", "select all that apply": "select_multiple",
	"select all that apply from": "select_multiple", "select multiple from": "select_multiple",
	"select multiple using": "select_multiple", "add select multiple prompt using": "select_multiple", "q select": "select_multiple",
	"select_one_external": "select_one_external", "select one external": "select_one_external",
	"select_one_from_file": "select_one_from_file", "select one from file": "select_one_from_file",
	"select_multiple_from_file": "select_multiple_from_file", "select multiple from file": "select_multiple_from_file",
	"rank": "rank",
}

// selectType matches "COMMAND LIST [or_other]", longest command first.
var selectType = func() *regexp.Regexp {
	var cmds []string
	for c := range selectCommands {
		cmds = append(cmds, regexp.QuoteMeta(c))
	}
	sort.Slice(cmds, func(a, b int) bool {
		if len(cmds[a]) != len(cmds[b]) {
			return len(cmds[a]) > len(cmds[b])
		}
		return cmds[a] < cmds[b]
	})
	return regexp.MustCompile(`(?i)^(` + strings.Join(cmds, "|") + `) (\S+)(?: (or specify other|or_other|or other))?$`)
}()

// plainKinds maps the other type words (and pyxform's aliases of them,
// folded to lower case) to their canonical kind. Their answers are kept
// out of the counts (Type Other).
var plainKinds = map[string]string{
	// questions
	"text": "text", "string": "text", "q string": "text", "add text prompt": "text", "phone number": "text",
	"integer": "integer", "int": "integer", "q int": "integer", "add integer prompt": "integer", "percentage": "integer",
	"number of days in last month": "integer", "number of days in last six months": "integer", "number of days in last year": "integer",
	"decimal": "decimal", "q decimal": "decimal", "add decimal prompt": "decimal",
	"range": "range",
	"date":  "date", "q date": "date", "add date prompt": "date",
	"time":     "time",
	"datetime": "datetime", "date time": "datetime", "q datetime": "datetime", "add datetime prompt": "datetime", "add date time prompt": "datetime", "q date time": "datetime",
	"geopoint": "geopoint", "gps": "geopoint", "location": "geopoint", "q geopoint": "geopoint", "q location": "geopoint", "add location prompt": "geopoint",
	"geotrace": "geotrace", "geoshape": "geoshape",
	"image": "image", "photo": "image", "q image": "image", "q picture": "image", "add image prompt": "image", "add photo prompt": "image",
	"audio": "audio", "q audio": "audio", "add audio prompt": "audio",
	"video": "video", "q video": "video", "add video prompt": "video",
	"file": "file", "add file prompt": "file",
	"barcode": "barcode", "q barcode": "barcode", "add barcode prompt": "barcode",
	"note": "note", "q note": "note", "add note prompt": "note",
	"calculate": "calculate", "q calculate": "calculate", "add calculate prompt": "calculate",
	"hidden":      "hidden",
	"acknowledge": "acknowledge", "q acknowledge": "acknowledge", "add acknowledge prompt": "acknowledge", "trigger": "acknowledge",
	"osm": "osm", "xml-external": "xml-external", "csv-external": "csv-external",
	// metadata
	"start": "start", "start time": "start", "get start time": "start",
	"end": "end", "end time": "end", "get end time": "end",
	"today": "today", "get today": "today",
	"deviceid": "deviceid", "device id": "deviceid", "get device id": "deviceid", "imei": "deviceid", "uri:deviceid": "deviceid",
	"phonenumber": "phonenumber", "get phone number": "phonenumber", "uri:phonenumber": "phonenumber",
	"username": "username", "uri:username": "username",
	"simserial": "simserial", "sim id": "simserial", "get sim id": "simserial", "uri:simserial": "simserial",
	"subscriberid": "subscriberid", "subscriber id": "subscriberid", "get subscriber id": "subscriberid", "uri:subscriberid": "subscriberid",
	"email": "email", "uri:email": "email",
	"audit": "audit", "start-geopoint": "start-geopoint", "background-geopoint": "background-geopoint", "background-audio": "background-audio",
	// Kobo's score and rank rows (inside begin_score / begin_rank)
	"score__row": "score__row", "rank__level": "rank__level",
}

// knownTypes lists the type words for messages.
const knownTypes = "text, integer, decimal, range, date, time, datetime, geopoint, geotrace, geoshape, image, audio, video, file, barcode, note, calculate, hidden, acknowledge, " +
	"start, end, today, deviceid, phonenumber, username, simserial, subscriberid, email, audit, start-geopoint, " +
	"select_one <list>, select_multiple <list> (or_other), select_one_from_file <file>, rank <list>, begin_group/end_group, begin_repeat/end_repeat"

// parseType reads a type cell (already trimmed); ok is false when it is
// not a type XLSForm knows.
func parseType(cell string) (rowType, bool) {
	s := strings.Join(strings.Fields(cell), " ")
	if m := controlType.FindStringSubmatch(s); m != nil {
		rt := rowType{control: strings.ToLower(m[1]), kind: strings.ToLower(m[2]), list: m[3]}
		switch rt.kind {
		case "lgroup", "looped group":
			rt.kind = "repeat"
		}
		if rt.control == "end" && rt.list != "" {
			return rowType{}, false // "end group X" is no type pyxform knows
		}
		return rt, true
	}
	if m := selectType.FindStringSubmatch(s); m != nil {
		rt := rowType{kind: selectCommands[strings.ToLower(m[1])], list: m[2], orOther: m[3] != "", typ: Other}
		switch rt.kind {
		case "select_one", "select_multiple":
			rt.typ = QuestionType(rt.kind)
		}
		return rt, true
	}
	if k, ok := plainKinds[strings.ToLower(s)]; ok {
		return rowType{kind: k, typ: Other}, true
	}
	if strings.HasPrefix(strings.ToLower(s), "osm ") && len(strings.Fields(s)) == 2 {
		return rowType{kind: "osm", typ: Other}, true
	}
	return rowType{}, false
}

// metadataKinds are the kinds of the form's metadata questions: what the
// device records (times, ids, the user), not what a respondent answers.
var metadataKinds = map[string]bool{"start": true, "end": true, "today": true, "deviceid": true, "phonenumber": true,
	"username": true, "simserial": true, "subscriberid": true, "email": true, "audit": true, "start-geopoint": true,
	"background-geopoint": true, "background-audio": true}

// Metadata reports whether the question is one of the form's metadata
// (start, end, deviceid…), recorded by the device, not answered.
func (q Question) Metadata() bool { return metadataKinds[q.Kind] }
