// Command gota-bench measures github.com/go-gota/gota (named in the original
// design, not used by synthese) doing synthese's counting: read the wide
// survey CSV into a DataFrame, then for each closed question count answers per
// meeting with GroupBy(meeting, question) + Aggregation(COUNT). It prints wall
// time, the Go heap allocated (runtime.MemStats.TotalAlloc) and the process's
// peak resident set (getrusage maxrss) after each phase. With -collision it
// instead shows GroupBy merging two distinct groups. It is its own module so
// that synthese's go.mod never names gota.
package main

import (
	"encoding/csv"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/go-gota/gota/dataframe"
	"github.com/go-gota/gota/series"
)

func main() {
	dir := flag.String("data", "/tmp/gen1m", "project folder with responses.csv and survey.csv (synthese gen)")
	meeting := flag.String("meeting", "ville", "XLSForm name of the meeting question")
	lang := flag.String("label", "label::Français (fr)", "survey.csv column whose labels are the responses.csv headers")
	collision := flag.Bool("collision", false, "demonstrate the GroupBy key collision instead")
	flag.Parse()
	if *collision {
		demoCollision()
		return
	}

	// The closed questions, as responses.csv headers (labels), from the XLSForm.
	meetingCol, questions, multiple, err := closedQuestions(filepath.Join(*dir, "survey.csv"), *meeting, *lang)
	if err != nil {
		fail(err)
	}

	// Phase 1: load. ReadCSV reads every record first (csv.ReadAll), then
	// builds typed columns.
	start := time.Now()
	f, err := os.Open(filepath.Join(*dir, "responses.csv"))
	if err != nil {
		fail(err)
	}
	df := dataframe.ReadCSV(f)
	f.Close()
	if df.Err != nil {
		fail(df.Err)
	}
	report("load", start, df.Nrow())

	// Phase 2: per question, drop blanks, GroupBy(meeting, question), COUNT.
	start = time.Now()
	groups, answers := 0, 0
	for _, q := range questions {
		sub := df.Select([]string{meetingCol, q})
		if multiple[q] {
			sub = explode(sub, meetingCol, q) // gota has no split/explode
		}
		sub = sub.Filter(dataframe.F{Colname: q, Comparator: series.Neq, Comparando: ""})
		agg := sub.GroupBy(meetingCol, q).Aggregation(
			[]dataframe.AggregationType{dataframe.Aggregation_COUNT}, []string{q})
		if agg.Err != nil {
			fail(fmt.Errorf("%s: %w", q, agg.Err))
		}
		n := agg.Col(q + "_COUNT").Sum()
		fmt.Printf("  %-40.40s %5d groups %8.0f answers\n", q, agg.Nrow(), n)
		groups += agg.Nrow()
		answers += int(n)
	}
	report(fmt.Sprintf("group-count (%d questions, %d groups, %d answers)", len(questions), groups, answers), start, df.Nrow())
}

// closedQuestions reads survey.csv: the meeting question's header, and the
// other select_one / select_multiple questions' headers.
func closedQuestions(path, meeting, lang string) (string, []string, map[string]bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", nil, nil, err
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil || len(rows) < 2 {
		return "", nil, nil, fmt.Errorf("%s: %v", path, err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	ti, ni, li := col["type"], col["name"], col[lang]
	var meetingCol string
	var qs []string
	multi := map[string]bool{}
	for _, r := range rows[1:] {
		switch {
		case r[ni] == meeting:
			meetingCol = r[li]
		case strings.HasPrefix(r[ti], "select_"):
			qs = append(qs, r[li])
			multi[r[li]] = strings.HasPrefix(r[ti], "select_multiple")
		}
	}
	if meetingCol == "" {
		return "", nil, nil, fmt.Errorf("%s: no question named %q", path, meeting)
	}
	return meetingCol, qs, multi, nil
}

// explode turns a select_multiple column ("a, b") into one row per option,
// the way synthese counts options; gota offers no such operation.
func explode(df dataframe.DataFrame, meetingCol, q string) dataframe.DataFrame {
	m, a := df.Col(meetingCol).Records(), df.Col(q).Records()
	recs := [][]string{{meetingCol, q}}
	for i := range a {
		for _, o := range strings.Split(a[i], ",") {
			recs = append(recs, []string{m[i], strings.TrimSpace(o)})
		}
	}
	return dataframe.LoadRecords(recs, dataframe.DetectTypes(false))
}

// demoCollision groups two distinct (meeting, answer) pairs whose GroupBy keys
// are equal: gota joins the key parts with "_" (fmt "%s_%s", dataframe.go
// GroupBy), so ("beni_mellal", "oui") and ("beni", "mellal_oui") both become
// "beni_mellal_oui". XLSForm choice names use underscores routinely.
func demoCollision() {
	df := dataframe.LoadRecords([][]string{
		{"ville", "q1"},
		{"beni_mellal", "oui"},
		{"beni_mellal", "oui"},
		{"beni", "mellal_oui"},
	})
	fmt.Println("input: (beni_mellal, oui) x2, (beni, mellal_oui) x1 -> expected 2 groups: 2 and 1")
	gps := df.GroupBy("ville", "q1")
	keys := []string{}
	for k := range gps.GetGroups() {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Printf("gota GroupBy keys: %q\n", keys)
	fmt.Println(gps.Aggregation([]dataframe.AggregationType{dataframe.Aggregation_COUNT}, []string{"q1"}))

	// A related trap: "NA" (a common answer code) is read as a missing value,
	// and GroupBy then refuses the column outright.
	na := dataframe.LoadRecords([][]string{{"ville", "q1"}, {"safi", "NA"}, {"safi", "oui"}})
	fmt.Println("with an answer \"NA\":", na.GroupBy("ville", "q1").Err)
}

// report prints a phase's wall time, the Go heap allocated so far and the
// process's peak RSS so far (maxrss is in KiB on Linux).
func report(phase string, start time.Time, rows int) {
	wall := time.Since(start)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	fmt.Printf("%s: %d rows, %.2f s, TotalAlloc %d MiB (cumulative), max RSS %d MiB\n",
		phase, rows, wall.Seconds(), ms.TotalAlloc>>20, ru.Maxrss>>10)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "gota-bench:", err)
	os.Exit(1)
}
