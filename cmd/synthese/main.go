// Command synthese turns survey exports and participant lists into Parquet
// tables, charts and a bilingual PDF synthesis. See README.md.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := Main(ctx, os.Args, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// Exit statuses.
const (
	exitOK       = 0
	exitFailure  = 1
	exitBadInput = 2
)

// Main runs the command line and returns the exit status; tests call it
// in-process.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	app := newApp(stdout, stderr, getenv)
	if err := app.RunContext(ctx, args); err != nil {
		fmt.Fprintln(stderr, "synthese:", err)
		return exitCode(err)
	}
	return exitOK
}
