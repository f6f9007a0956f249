package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/synthese-project/synthese/data"
	"github.com/synthese-project/synthese/pipeline/form"
	"github.com/synthese-project/synthese/pipeline/gen"
	"github.com/synthese-project/synthese/pipeline/input"
	"github.com/synthese-project/synthese/pipeline/provenance"
	"github.com/synthese-project/synthese/pipeline/stage"
	"github.com/synthese-project/synthese/pipeline/store"
)

// version is written into the outputs (Parquet created_by, PDF producer).
var version = "0.2.0"

// usageError is a command-line mistake: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func exitCode(err error) int {
	var ue usageError
	if input.IsInputError(err) || errors.As(err, &ue) {
		return exitBadInput
	}
	return exitFailure
}

// env is what a command needs: the stages' Env (the project, the outputs,
// the clock), and where the project and the outputs live, the inputs'
// digests and where to say what happened.
type env struct {
	*stage.Env
	project     *form.Project
	dataDir     string // "" for the embedded default
	outDir      string
	now         time.Time
	stdout      io.Writer
	stderr      io.Writer
	quiet       bool
	tty         bool // stderr is a terminal: progress bars are drawn
	inputs      func() ([]provenance.FileDigest, error)
	digestCache *digestCache // the inputs' digests by size and time (see digestcache.go)
	log         *logger
	outs        *outputs // the output folder (stage.Outputs)
	lock        *outLock // held on it (nil: none)
}

// outAccess is what a command does with the output folder.
type outAccess int

const (
	readOut  outAccess = iota // reads it (check): a shared lock, when it exists
	writeOut                  // writes its outputs there, as one set
)

// interrupted is the error of a command stopped (SIGINT) between its
// stages or before it publishes: its outputs are left as they were.
func interrupted(ctx context.Context) error {
	if ctx.Err() != nil {
		return errors.New("interrupted: the outputs were left as they were")
	}
	return nil
}

// close ends the command's hold on the output folder: a staging folder
// not published is removed (a failed command changes no output; one
// whose commit began is finished by the next command), then the lock is
// released.
func (e *env) close() {
	if e.Env != nil {
		e.Settle()
	}
	if o := e.outs; o != nil && o.staging != "" {
		if _, err := os.Stat(filepath.Join(o.staging, journalName)); errors.Is(err, fs.ErrNotExist) {
			os.RemoveAll(o.staging)
		}
	}
	e.lock.release()
}

// logf says what happened (not with --quiet).
func (e *env) logf(format string, a ...any) {
	if !e.quiet {
		e.log.print("info", fmt.Sprintf(format, a...))
	}
}

// errf reports a problem (even with --quiet).
func (e *env) errf(format string, a ...any) { e.log.print("error", fmt.Sprintf(format, a...)) }

// dataName names the project folder in messages.
func (e *env) dataName() string {
	if e.dataDir == "" {
		return "the embedded reference project"
	}
	return e.dataDir
}

func (e *env) out(parts ...string) string {
	return filepath.Join(append([]string{e.outDir}, parts...)...)
}

// exitCodesHelp documents the exit statuses (in every command's help).
const exitCodesHelp = `Exit status: 0 success; 1 failure (or, for check, a stale report);
2 bad input or usage (a file, line and column are named, with what was expected).`

func newApp(stdout, stderr io.Writer, getenv func(string) string, lg *logger) *cli.App {
	store.Version = version
	logFormat := &cli.StringFlag{Name: "log-format", Value: "text", Usage: "text, or json: one JSON object per line on stderr"}
	projectFlags := []cli.Flag{
		&cli.StringFlag{Name: "data", Aliases: []string{"d"}, Usage: "project folder holding " + form.ManifestName + " (default: the embedded reference project)"},
		&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Value: "out", Usage: "output folder"},
		&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "print only errors"},
		&cli.StringFlag{Name: "languages", Usage: "report languages, one or two of fr, ar, en, comma-separated (default: the manifest's)"},
		&cli.StringFlag{Name: "encoding", Usage: "encoding of the response files: auto, utf-8, utf-16le, utf-16be, windows-1252 (default: the manifest's, else auto)"},
		logFormat,
	}
	usageErr := func(name string) cli.OnUsageErrorFunc {
		return func(_ *cli.Context, err error, _ bool) error {
			return usageError{fmt.Sprintf("%s: %v (see synthese %s --help)", name, err, name)}
		}
	}
	noArgs := func(c *cli.Context, name string) error {
		if c.NArg() > 0 {
			return usageError{fmt.Sprintf("%s takes no arguments, got %q (use --data DIR for a project folder)", name, c.Args().First())}
		}
		return nil
	}
	// The heap readied in huge pages: a full run of 10 million rows peaks
	// near 200 MiB; count's heap stays near 40 MiB whatever the rows.
	const heapAhead, countHeapAhead = 256 << 20, 64 << 20
	command := func(name, usage, examples string, steps ...func(*stage.Env) error) *cli.Command {
		return &cli.Command{
			Name: name, Usage: usage, Flags: projectFlags, OnUsageError: usageErr(name),
			Description: "Examples:\n" + examples + "\n\nOutputs go to --out (default out/), which may hold none of the project's files;\n" +
				"they replace the old ones as a set once the command has succeeded (a failed command\n" +
				"changes nothing), with out/manifest.json: the SHA-256 of every input and output. One\n" +
				"command at a time writes there: another waits, saying so.\n\n" + exitCodesHelp,
			Action: func(c *cli.Context) error {
				if err := noArgs(c, name); err != nil {
					return err
				}
				// The heap is readied (it costs a collection) while the
				// project is read.
				ahead := heapAhead
				if name == "count" {
					ahead = countHeapAhead
				}
				ready := make(chan struct{})
				go func() {
					defer close(ready)
					prepareHeap(ahead)
				}()
				e, err := newEnv(c, stdout, stderr, getenv, lg, writeOut)
				<-ready
				if err != nil {
					return err
				}
				defer e.close()
				e.Pipeline = len(steps) > 1
				for _, step := range steps {
					if err := interrupted(c.Context); err != nil {
						return err
					}
					if err := step(e.Env); err != nil {
						return err
					}
				}
				if err := interrupted(c.Context); err != nil {
					return err
				}
				return e.publish()
			},
		}
	}
	checkFlags := append(slices.Clip(projectFlags), &cli.StringFlag{Name: "report", Usage: "a report (PDF) to check, such as a committed one (default: the run in --out)"})
	validateFlags := append(slices.Clip(projectFlags), &cli.BoolFlag{Name: "allow-rejects", Usage: "rows and cells to reject are listed but do not fail the check"})
	return &cli.App{
		Name:  "synthese",
		Usage: "turn survey exports and participant lists into Parquet tables, charts and a bilingual PDF synthesis",
		Description: "Start a project with `synthese init DIR`, check it with `synthese validate --data DIR`,\n" +
			"make the report with `synthese run --data DIR` (or `make report DATA=DIR`).\n\n" + exitCodesHelp,
		Version:              version,
		Writer:               stdout,
		ErrWriter:            stderr,
		EnableBashCompletion: true,
		Flags:                []cli.Flag{logFormat},
		// Errors are printed once, by Main, with their exit status.
		ExitErrHandler: func(*cli.Context, error) {},
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return usageError{err.Error() + " (see synthese --help)"}
		},
		Commands: []*cli.Command{
			command("run", "do every stage: ingest, aggregate, charts, report",
				"  synthese run                                  the embedded reference project into out/\n"+
					"  synthese run --data surveys/2025 --out build  your project\n"+
					"  SOURCE_DATE_EPOCH=1700000000 synthese run -d surveys/2025   a fixed document date",
				stage.Ingest, stage.Aggregate, stage.Charts, stage.Report),
			command("count", "count the responses straight into results.parquet and tests.parquet (no responses.parquet, charts or PDF): a first look at a large export",
				"  synthese count --data national-2026 --out first-look", stage.Count),
			command("ingest", "read the responses and participant lists; write responses.parquet, attendance.parquet, rejects.csv",
				"  synthese ingest --data surveys/2025            then aggregate, charts, report (what make report does)", stage.Ingest),
			command("aggregate", "count answers per meeting and overall; write results.parquet",
				"  synthese aggregate --data surveys/2025         after ingest", stage.Aggregate),
			command("charts", "draw one PNG per closed question from results.parquet",
				"  synthese charts --data surveys/2025            after aggregate", stage.Charts),
			command("report", "typeset synthese.pdf from results.parquet and the charts",
				"  synthese report --data surveys/2025 --languages fr,en   after charts", stage.Report),
			{
				Name: "check", Usage: "exit 1, naming what differs, when the report is stale against its data (a CI gate)",
				Flags: checkFlags, OnUsageError: usageErr("check"),
				Description: "Compares the inputs (and options) the report was made from, as out/manifest.json and the\n" +
					"report's own metadata record them, with the project folder as it is now; and the outputs with\n" +
					"the manifest's digests.\n\nExamples:\n" +
					"  synthese check --data surveys/2025 --out build\n" +
					"  synthese check --data data --report docs/synthese.pdf    a committed report\n\n" + exitCodesHelp,
				Action: func(c *cli.Context) error {
					if err := noArgs(c, "check"); err != nil {
						return err
					}
					e, err := newEnv(c, stdout, stderr, getenv, lg, readOut)
					if err != nil {
						return err
					}
					defer e.close()
					return check(e, c.String("report"))
				},
			},
			{
				Name: "validate", Usage: "check a project folder (manifest, questionnaire, meetings, headers, values) without making a report; print every problem",
				Flags: validateFlags, OnUsageError: usageErr("validate"),
				Description: "Examples:\n" +
					"  synthese validate --data surveys/2025\n" +
					"  synthese validate --data surveys/2025 --allow-rejects   fail only on what stops a report\n\n" +
					"Each problem is printed as file:line:column: what is wrong and what was expected.\n\n" + exitCodesHelp,
				Action: func(c *cli.Context) error {
					if err := noArgs(c, "validate"); err != nil {
						return err
					}
					return validate(c, stdout, lg)
				},
			},
			initCommand(stdout),
			genCommand(stderr),
			completionCommand(stdout),
			depsCommand(stdout),
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usageError{fmt.Sprintf("unknown command %q; run synthese --help", c.Args().First())}
			}
			return cli.ShowAppHelp(c)
		},
	}
}

func newEnv(c *cli.Context, stdout, stderr io.Writer, getenv func(string) string, lg *logger, access outAccess) (*env, error) {
	e := &env{outDir: c.String("out"), stdout: stdout, stderr: stderr, quiet: c.Bool("quiet"), log: lg}
	if e.outDir == "" {
		return nil, usageError{"--out: expected a folder, got nothing"}
	}
	// Cleaned as written: "nx/.." is ".", whether nx exists yet or not (the
	// folder is made later, and would then lead back to where it started).
	e.outDir = filepath.Clean(e.outDir)
	if st, err := os.Stat(e.outDir); err == nil && !st.IsDir() {
		return nil, usageError{fmt.Sprintf("--out %s is a file, not a folder", e.outDir)}
	}
	e.tty = !e.quiet && !lg.json && isTerminal(stderr) && getenv("CI") == "" && getenv("TERM") != "dumb"
	fsys, dir, enc, err := projectFlags(c)
	if err != nil {
		return nil, err
	}
	e.dataDir = dir
	p, err := form.LoadProject(fsys, enc)
	if err != nil {
		return nil, err
	}
	if langs := c.String("languages"); langs != "" {
		if err := p.SetLanguages(strings.Split(strings.ReplaceAll(langs, " ", ""), ",")); err != nil {
			return nil, err
		}
	}
	e.project = p
	// The document date: SOURCE_DATE_EPOCH (reproducible builds), else the
	// manifest's date, else a fixed one: identical inputs give identical
	// files on any day.
	e.now = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	if d, ok := p.Manifest.ReportDate(); ok {
		e.now = d
	}
	if s := getenv("SOURCE_DATE_EPOCH"); s != "" {
		sec, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, usageError{fmt.Sprintf("SOURCE_DATE_EPOCH=%q: expected seconds since 1970", s)}
		}
		e.now = time.Unix(sec, 0).UTC()
	}
	files, err := provenance.InputFiles(p)
	if err != nil {
		return nil, err
	}
	if err := e.holdOut(c.Context, access, files); err != nil {
		return nil, err
	}
	e.startProvenance(fsys, files)
	e.Env = &stage.Env{Project: p, Out: e.outs, Now: e.now, Version: version, Quiet: e.quiet, Stdout: stdout,
		Logf: func(format string, a ...any) { e.log.print("info", fmt.Sprintf(format, a...)) }, Progress: e.progressBar,
		Digests: e.stageDigests, CountingGC: getenv("GOGC") == ""}
	return e, nil
}

// holdOut readies the output folder: for a command that writes there, the
// folder checked to hold no input, locked, cleared of what a killed
// command left, and given a staging folder; for one that reads it, locked
// (shared) when it exists. See outdir.go.
func (e *env) holdOut(ctx context.Context, access outAccess, files []string) error {
	e.outs = &outputs{dir: e.outDir, inputs: statInputs(e.dataDir, files)}
	// The wait is said even with --quiet: a command waiting in silence
	// looks stuck.
	say := func(msg string) { e.log.print("warning", msg) }
	if access == readOut {
		if st, err := os.Stat(e.outDir); err == nil && st.IsDir() {
			// A folder the user may not write to is still read, unlocked.
			e.lock, _ = lockOut(ctx, e.outDir, false, say)
		}
		return nil
	}
	if err := refuseInputsInOut(e.outDir, e.dataDir, files); err != nil {
		return err
	}
	var err error
	if e.lock, err = lockOut(ctx, e.outDir, true, say); err != nil {
		return err
	}
	if err = clearLeftovers(e.outDir, e.outs.inputs, e.logf); err == nil {
		e.outs.staging, err = newStaging(e.outDir)
	}
	if err != nil {
		e.lock.release()
		e.lock = nil
	}
	return err
}

// projectFlags reads --data (a folder, or "" for the embedded reference
// project) and --encoding.
func projectFlags(c *cli.Context) (fs.FS, string, input.Encoding, error) {
	var fsys fs.FS = data.FS
	dir := c.String("data")
	if dir != "" {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return nil, "", "", usageError{fmt.Sprintf("--data %s: not a folder (start one with `synthese init %s`)", dir, dir)}
		}
		fsys = os.DirFS(dir)
	}
	enc, err := input.ParseEncoding(c.String("encoding"))
	if err != nil {
		return nil, "", "", usageError{"--encoding: " + err.Error()}
	}
	return fsys, dir, enc, nil
}

// genCommand writes a generated survey project (benchmarks, tests, demos).
func genCommand(stderr io.Writer) *cli.Command {
	return &cli.Command{
		Name:      "gen",
		Usage:     "write a generated survey project folder (reference questionnaire, any size), for benchmarks and trials",
		ArgsUsage: "DIR",
		Description: "Examples:\n  synthese gen --rows 1000000 --cities 25 /tmp/big && synthese run --data /tmp/big --out /tmp/big-out\n" +
			"  synthese gen --rows 10000000 --questions 30 /tmp/national\n\n" +
			"The same options and seed always give the same bytes.\n\n" + exitCodesHelp,
		Flags: []cli.Flag{
			&cli.IntFlag{Name: "rows", Value: 1000, Usage: "responses to write"},
			&cli.IntFlag{Name: "cities", Value: 25, Usage: "meetings (cities)"},
			&cli.IntFlag{Name: "questions", Value: 6, Usage: "closed questions besides the city (the reference form has 6)"},
			&cli.Uint64Flag{Name: "seed", Value: 1, Usage: "random seed"},
			&cli.Float64Flag{Name: "repeats", Value: 0, Usage: "share of rows (0 to 1) that repeat the row before: submissions sent twice, left out as duplicates"},
		},
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return usageError{fmt.Sprintf("gen: %v (see synthese gen --help)", err)}
		},
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usageError{"gen: expected one argument, the folder to write (see synthese gen --help)"}
			}
			if c.Int("rows") < 0 || c.Int("cities") < 1 || c.Int("questions") < 1 || c.Int("questions") > 200 || !(c.Float64("repeats") >= 0 && c.Float64("repeats") < 1) {
				return usageError{"gen: --rows must be 0 or more, --cities 1 or more, --questions between 1 and 200, --repeats from 0 to below 1"}
			}
			dir := c.Args().First()
			if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
				return usageError{fmt.Sprintf("gen: %s is not empty: gen writes a new project folder, never over files (nothing was written)", dir)}
			} else if err == nil || !errors.Is(err, fs.ErrNotExist) {
				if st, serr := os.Stat(dir); serr == nil && !st.IsDir() {
					return usageError{fmt.Sprintf("gen: %s is a file, not a folder", dir)}
				}
			}
			opt := gen.GenOptions{Rows: c.Int("rows"), Cities: c.Int("cities"), Questions: c.Int("questions"), Seed: c.Uint64("seed"), Repeats: c.Float64("repeats")}
			if err := gen.GenerateProject(dir, opt); err != nil {
				return err
			}
			fmt.Fprintf(stderr, "gen: %d responses, %d cities, %d questions in %s (next: synthese run --data %s)\n", opt.Rows, opt.Cities, opt.Questions, dir, dir)
			return nil
		},
	}
}
