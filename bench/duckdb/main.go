// Command duckdb-bench runs the analyst's DuckDB query the synthese
// benchmarks compare with: read the wide survey CSV, unpivot the closed
// questions, count per city, question and answer, write Parquet. It is its
// own module (cgo) so that synthese stays pure Go; make bench builds it.
package main

import (
	"database/sql"
	"fmt"
	"os"
	"strings"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"
)

func main() {
	if len(os.Args) != 5 {
		fmt.Fprintln(os.Stderr, "usage: duckdb-bench responses.csv out.parquet city-column question-columns (separated by \\x1f)")
		os.Exit(2)
	}
	in, out, city, cols := os.Args[1], os.Args[2], os.Args[3], strings.Split(os.Args[4], "\x1f")
	db, err := sql.Open("duckdb", "")
	if err != nil {
		fail(err)
	}
	defer db.Close()
	quoted := make([]string, len(cols))
	for i, c := range cols {
		quoted[i] = `"` + strings.ReplaceAll(c, `"`, `""`) + `"`
	}
	// Counts per city, question and answer (blanks dropped by UNPIVOT).
	q := fmt.Sprintf(`COPY (
  SELECT city, question, answer, count(*) AS n
  FROM (UNPIVOT (SELECT "%s" AS city, %s FROM read_csv_auto('%s', header = true))
        ON %s INTO NAME question VALUE answer)
  GROUP BY ALL ORDER BY ALL
) TO '%s' (FORMAT parquet)`, strings.ReplaceAll(city, `"`, `""`), strings.Join(quoted, ", "), in, strings.Join(quoted, ", "), out)
	start := time.Now()
	if _, err := db.Exec(q); err != nil {
		fail(err)
	}
	fmt.Printf("%.3f\n", time.Since(start).Seconds())
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "duckdb-bench:", err)
	os.Exit(1)
}
