// Command synthese turns survey exports and participant lists into Parquet
// tables, charts and a bilingual PDF synthesis. See README.md.
package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
)

func main() {
	// Charts and the PDF allocate many short-lived objects: collecting at
	// twice the default heap growth saves much of a small run's time
	// (BENCHMARKS.md; GOGC, when set, still decides).
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	// SYNTHESE_CPUPROFILE=file writes a CPU profile (make bench uses it to
	// say where the time goes).
	if path := os.Getenv("SYNTHESE_CPUPROFILE"); path != "" {
		if f, err := os.Create(path); err == nil {
			if pprof.StartCPUProfile(f) == nil {
				defer f.Close()
				defer pprof.StopCPUProfile()
			}
		}
	}
	// SYNTHESE_MEMPROFILE=file writes where memory was allocated (fresh
	// memory is dear on a VM: each new page is a fault).
	if path := os.Getenv("SYNTHESE_MEMPROFILE"); path != "" {
		runtime.MemProfileRate = 64 << 10
		defer func() {
			if f, err := os.Create(path); err == nil {
				pprof.Lookup("allocs").WriteTo(f, 0)
				f.Close()
			}
		}()
	}
	code := Main(ctx, os.Args, os.Stdout, os.Stderr, os.Getenv)
	stop()
	if code != exitOK {
		pprof.StopCPUProfile()
		os.Exit(code)
	}
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
	lg := &logger{w: stderr}
	format, err := logFormatOf(args)
	lg.json = format == "json"
	if err == nil {
		err = newApp(stdout, stderr, getenv, lg).RunContext(ctx, args)
	}
	if err != nil {
		code := exitCode(err)
		lg.failed(err, code)
		return code
	}
	return exitOK
}
