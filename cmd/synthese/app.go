package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/synthese-project/synthese/data"
	"github.com/synthese-project/synthese/pipeline"
)

// version is written into the outputs (Parquet created_by, PDF producer).
var version = "0.1.0"

// usageError is a command-line mistake: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func exitCode(err error) int {
	var ue usageError
	if pipeline.IsInputError(err) || errors.As(err, &ue) {
		return exitBadInput
	}
	return exitFailure
}

// env is what every stage needs: where the project is, where outputs go,
// the clock, and where to say what happened.
type env struct {
	project  *pipeline.Project
	dataDir  string // "" for the embedded default
	outDir   string
	now      time.Time
	stdout   io.Writer
	stderr   io.Writer
	quiet    bool
	tally    *pipeline.Tally // the counts, when ingest ran in this process
	tty      bool            // stderr is a terminal: progress bars are drawn
	pipeline bool            // run: the report starts while the charts are drawn
	pending  *pendingCharts  // the charts being drawn (run)
}

func (e *env) logf(format string, a ...any) {
	if !e.quiet {
		fmt.Fprintf(e.stderr, format+"\n", a...)
	}
}

func (e *env) out(parts ...string) string {
	return filepath.Join(append([]string{e.outDir}, parts...)...)
}

func newApp(stdout, stderr io.Writer, getenv func(string) string) *cli.App {
	pipeline.Version = version
	flags := []cli.Flag{
		&cli.StringFlag{Name: "data", Aliases: []string{"d"}, Usage: "project folder holding " + pipeline.ManifestName + " (default: the embedded reference project)"},
		&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Value: "out", Usage: "output folder"},
		&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "print only errors"},
		&cli.StringFlag{Name: "languages", Usage: "report languages, one or two of fr, ar, en, comma-separated (default: the manifest's)"},
		&cli.StringFlag{Name: "encoding", Usage: "encoding of the response files: auto, utf-8, utf-16le, utf-16be, windows-1252 (default: the manifest's, else auto)"},
	}
	stage := func(name, usage string, steps ...func(*env) error) *cli.Command {
		return &cli.Command{
			Name: name, Usage: usage, Flags: flags,
			OnUsageError: func(_ *cli.Context, err error, _ bool) error {
				return usageError{fmt.Sprintf("%s: %v (see synthese %s --help)", name, err, name)}
			},
			Action: func(c *cli.Context) error {
				if c.NArg() > 0 {
					return usageError{fmt.Sprintf("%s takes no arguments, got %q (use --data DIR for a project folder)", name, c.Args().First())}
				}
				e, err := newEnv(c, stdout, stderr, getenv)
				if err != nil {
					return err
				}
				e.pipeline = len(steps) > 1
				for _, step := range steps {
					if err := step(e); err != nil {
						return err
					}
				}
				return nil
			},
		}
	}
	return &cli.App{
		Name:      "synthese",
		Usage:     "turn survey exports and participant lists into Parquet tables, charts and a bilingual PDF synthesis",
		Version:   version,
		Writer:    stdout,
		ErrWriter: stderr,
		// Errors are printed once, by Main, with their exit status.
		ExitErrHandler: func(*cli.Context, error) {},
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return usageError{err.Error()}
		},
		Commands: []*cli.Command{
			stage("run", "do every stage: ingest, aggregate, charts, report", ingest, aggregate, drawCharts, report),
			stage("count", "count the responses straight into results.parquet and tests.parquet (no responses.parquet, charts or PDF): a first look at a large export", count),
			stage("ingest", "read the responses and participant lists; write responses.parquet, attendance.parquet, rejects.csv", ingest),
			stage("aggregate", "count answers per meeting and overall; write results.parquet", aggregate),
			stage("charts", "draw one PNG per closed question from results.parquet", drawCharts),
			stage("report", "typeset synthese.pdf from results.parquet and the charts", report),
			genCommand(stderr),
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usageError{fmt.Sprintf("unknown command %q; run synthese --help", c.Args().First())}
			}
			return cli.ShowAppHelp(c)
		},
	}
}

func newEnv(c *cli.Context, stdout, stderr io.Writer, getenv func(string) string) (*env, error) {
	e := &env{outDir: c.String("out"), stdout: stdout, stderr: stderr, quiet: c.Bool("quiet")}
	e.tty = !e.quiet && isTerminal(stderr) && getenv("CI") == "" && getenv("TERM") != "dumb"
	var fsys fs.FS = data.FS
	if dir := c.String("data"); dir != "" {
		st, err := os.Stat(dir)
		if err != nil || !st.IsDir() {
			return nil, usageError{fmt.Sprintf("--data %s: not a folder", dir)}
		}
		e.dataDir = dir
		fsys = os.DirFS(dir)
	}
	// SOURCE_DATE_EPOCH fixes the document date (reproducible builds); without
	// it the date is fixed too, so identical inputs give identical files.
	e.now = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	if s := getenv("SOURCE_DATE_EPOCH"); s != "" {
		sec, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, usageError{fmt.Sprintf("SOURCE_DATE_EPOCH=%q: expected seconds since 1970", s)}
		}
		e.now = time.Unix(sec, 0).UTC()
	}
	enc, err := pipeline.ParseEncoding(c.String("encoding"))
	if err != nil {
		return nil, usageError{"--encoding: " + err.Error()}
	}
	p, err := pipeline.LoadProject(fsys, enc)
	if err != nil {
		return nil, err
	}
	if langs := c.String("languages"); langs != "" {
		if err := p.SetLanguages(strings.Split(strings.ReplaceAll(langs, " ", ""), ",")); err != nil {
			return nil, err
		}
	}
	e.project = p
	return e, nil
}

// genCommand writes a generated survey project (benchmarks, tests, demos).
func genCommand(stderr io.Writer) *cli.Command {
	return &cli.Command{
		Name:      "gen",
		Usage:     "write a generated survey project folder (reference questionnaire, any size), for benchmarks and trials",
		ArgsUsage: "DIR",
		Description: "Example: synthese gen --rows 1000000 --cities 25 /tmp/big && synthese run --data /tmp/big --out /tmp/big-out\n" +
			"The same options and seed always give the same bytes.",
		Flags: []cli.Flag{
			&cli.IntFlag{Name: "rows", Value: 1000, Usage: "responses to write"},
			&cli.IntFlag{Name: "cities", Value: 25, Usage: "meetings (cities)"},
			&cli.IntFlag{Name: "questions", Value: 6, Usage: "closed questions besides the city (the reference form has 6)"},
			&cli.Uint64Flag{Name: "seed", Value: 1, Usage: "random seed"},
		},
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return usageError{fmt.Sprintf("gen: %v (see synthese gen --help)", err)}
		},
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usageError{"gen: expected one argument, the folder to write (see synthese gen --help)"}
			}
			if c.Int("rows") < 0 || c.Int("cities") < 1 || c.Int("questions") < 1 || c.Int("questions") > 200 {
				return usageError{"gen: --rows must be 0 or more, --cities 1 or more, --questions between 1 and 200"}
			}
			dir := c.Args().First()
			opt := pipeline.GenOptions{Rows: c.Int("rows"), Cities: c.Int("cities"), Questions: c.Int("questions"), Seed: c.Uint64("seed")}
			if err := pipeline.GenerateProject(dir, opt); err != nil {
				return err
			}
			fmt.Fprintf(stderr, "gen: %d responses, %d cities, %d questions in %s\n", opt.Rows, opt.Cities, opt.Questions, dir)
			return nil
		},
	}
}
