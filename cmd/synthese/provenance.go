package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"

	"encoding/json"
	"fmt"
	"github.com/urfave/cli/v2"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/synthese-project/synthese/pipeline/form"
	"github.com/synthese-project/synthese/pipeline/provenance"
	"github.com/synthese-project/synthese/reports"
)

// manifestFile is the provenance manifest a run leaves in the output folder.
const manifestFile = "manifest.json"

// runManifest is out/manifest.json: what a run was made from and what it
// made, each file with its SHA-256.
type runManifest struct {
	Tool        string                  `json:"tool"`
	Version     string                  `json:"version"`
	InputDigest string                  `json:"input_digest"` // the report stage's: of the whole run
	Stages      map[string]string       `json:"stages"`       // each stage's input digest
	Options     []string                `json:"options"`
	Inputs      []provenance.FileDigest `json:"inputs"`
	Outputs     []provenance.FileDigest `json:"outputs"`
}

// startProvenance starts hashing the project's inputs (on the side: the
// digest is needed only when the first output's metadata is written).
func (e *env) startProvenance(fsys fs.FS) error {
	files, err := provenance.InputFiles(e.project)
	if err != nil {
		return err
	}
	e.inputs = sync.OnceValues(func() ([]provenance.FileDigest, error) {
		if e.dataDir == "" { // the embedded project: small
			return provenance.DigestFiles(fsys, files)
		}
		cache := openDigestCache(e.outDir)
		start := time.Now()
		d, err := provenance.DigestFilesKnown(fsys, files, func(path string) (provenance.FileDigest, bool) { return cache.lookup(e.dataDir, path) })
		if err == nil {
			cache.remember(e.dataDir, d, start)
			e.digestCache = cache
		}
		return d, err
	})
	go e.inputs()
	provenance.SetInputDigest(func(file string) string {
		d, _ := e.stageDigests()
		return d[provenance.StageOf(file)]
	})
	return nil
}

// stageDigests are each stage's input digest (see Project.StageDigests).
func (e *env) stageDigests() (map[string]string, error) {
	in, err := e.inputs()
	if err != nil {
		return nil, err
	}
	return provenance.StageDigests(e.project, in)
}

// digest is the digest of the whole run (the report stage's).
func (e *env) digest() (string, error) {
	d, err := e.stageDigests()
	if err != nil {
		return "", err
	}
	return d[provenance.StageReport], nil
}

// outputNames are the files a run makes, relative to the output folder
// (charts are matched by pattern).
var outputNames = []string{"parquet/responses.parquet", "parquet/attendance.parquet", "parquet/results.parquet",
	"parquet/tests.parquet", "parquet/participants.parquet", "parquet/participation.parquet",
	"rejects.csv", "quality.json", "merges.csv", "synthese.pdf"}

// outputsIn lists the outputs present in dir.
func outputsIn(dir string) ([]string, error) {
	var out []string
	for _, n := range outputNames {
		if _, err := os.Stat(filepath.Join(dir, n)); err == nil {
			out = append(out, n)
		}
	}
	charts, err := filepath.Glob(filepath.Join(dir, "charts", "*.png"))
	if err != nil {
		return nil, err
	}
	for _, c := range charts {
		out = append(out, "charts/"+filepath.Base(c))
	}
	sort.Strings(out)
	return out, nil
}

// writeManifest writes out/manifest.json after a command.
func (e *env) writeManifest() error {
	in, err := e.inputs()
	if err != nil {
		return err
	}
	names, err := outputsIn(e.outDir)
	if err != nil {
		return err
	}
	outs, err := provenance.DigestFiles(os.DirFS(e.outDir), names)
	if err != nil {
		return err
	}
	stages, err := provenance.StageDigests(e.project, in)
	if err != nil {
		return err
	}
	if e.digestCache != nil {
		if err := e.digestCache.save(); err != nil {
			return err
		}
	}
	m := runManifest{Tool: "synthese", Version: version, InputDigest: stages[provenance.StageReport], Stages: stages,
		Options: provenance.Options(e.project), Inputs: in, Outputs: outs}
	return writeFile(e.out(manifestFile), func(b *bytes.Buffer) error {
		enc := json.NewEncoder(b)
		enc.SetIndent("", "  ")
		return enc.Encode(m)
	})
}

// check says whether the report in the output folder (or the one given)
// is up to date with the data: exit 0 if so, 1 naming what differs.
func check(e *env, reportPath string) error {
	var m *runManifest
	if b, err := os.ReadFile(e.out(manifestFile)); err == nil {
		m = &runManifest{}
		if err := json.Unmarshal(b, m); err != nil {
			return usageError{fmt.Sprintf("%s: not a synthese manifest: %v", e.out(manifestFile), err)}
		}
	} else if reportPath == "" {
		return usageError{fmt.Sprintf("%s: no such file: run `synthese run` (or make report) first, or give a report with --report FILE", e.out(manifestFile))}
	}
	digest, err := e.digest()
	if err != nil {
		return err
	}
	var diffs []string
	if reportPath != "" {
		pdf, err := os.ReadFile(reportPath)
		if err != nil {
			return usageError{fmt.Sprintf("--report %s: %v", reportPath, err)}
		}
		carried := reports.InputDigestOf(pdf)
		if carried == "" {
			return usageError{fmt.Sprintf("%s carries no input digest: not a synthese report, or made by a version before 0.2", reportPath)}
		}
		if carried != digest {
			diffs = append(diffs, fmt.Sprintf("%s was made from other inputs (digest %.12s…, the data now gives %.12s…)", reportPath, carried, digest))
			if m != nil && m.InputDigest == carried {
				more, err := staleness(e, m)
				if err != nil {
					return err
				}
				diffs = append(diffs, more...)
			}
		}
	} else {
		if diffs, err = staleness(e, m); err != nil {
			return err
		}
		if m.InputDigest != digest && len(diffs) == 0 {
			diffs = append(diffs, fmt.Sprintf("the inputs' digest differs (%.12s…, the manifest's %.12s…)", digest, m.InputDigest))
		}
	}
	if m != nil && m.Version != version {
		e.logf("check: note: the report was made by synthese %s, this is %s", m.Version, version)
	}
	if len(diffs) > 0 {
		for _, d := range diffs {
			e.errf("check: %s", d)
		}
		what := e.outDir
		if reportPath != "" {
			what = reportPath
		}
		return fmt.Errorf("check: %s is stale against %s (%d difference(s)): regenerate it with `make report` or `synthese run`", what, e.dataName(), len(diffs))
	}
	if !e.quiet {
		fmt.Fprintf(e.stdout, "check: up to date: %s matches %s (input digest %.12s…)\n", firstNonEmpty(reportPath, e.outDir), e.dataName(), digest)
	}
	return nil
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// staleness compares a run's manifest with the project as it is now and
// the outputs as they are; it returns what differs, one line each.
func staleness(e *env, m *runManifest) ([]string, error) {
	var diffs []string
	now, err := e.inputs()
	if err != nil {
		return nil, err
	}
	expected, err := provenance.StageDigests(e.project, now)
	if err != nil {
		return nil, err
	}
	was := map[string]provenance.FileDigest{}
	for _, f := range m.Inputs {
		was[f.Path] = f
	}
	for _, f := range now {
		old, ok := was[f.Path]
		switch {
		case !ok:
			diffs = append(diffs, fmt.Sprintf("input %s is new (not in the report's inputs)", f.Path))
		case old.SHA256 != f.SHA256:
			diffs = append(diffs, fmt.Sprintf("input %s changed (%d bytes, was %d; sha256 %.12s…, was %.12s…)", f.Path, f.Bytes, old.Bytes, f.SHA256, old.SHA256))
		}
		delete(was, f.Path)
	}
	for _, f := range m.Inputs {
		if _, ok := was[f.Path]; ok {
			diffs = append(diffs, fmt.Sprintf("input %s is gone (the report was made with it)", f.Path))
		}
	}
	if opts := provenance.Options(e.project); !slices.Equal(opts, m.Options) {
		diffs = append(diffs, fmt.Sprintf("options differ: now %s, the report's %s", strings.Join(opts, " "), strings.Join(m.Options, " ")))
	}
	for _, f := range m.Outputs {
		b, err := os.ReadFile(e.out(f.Path))
		if err != nil {
			diffs = append(diffs, fmt.Sprintf("output %s is missing", f.Path))
			continue
		}
		if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != f.SHA256 {
			diffs = append(diffs, fmt.Sprintf("output %s was changed after the run (sha256 %.12s…, the manifest says %.12s…)", f.Path, hex.EncodeToString(sum[:]), f.SHA256))
			continue
		}
		stage := provenance.StageOf(strings.TrimSuffix(filepath.Base(f.Path), filepath.Ext(f.Path)))
		if carried := carriedDigest(f.Path, b); carried != "" && carried != expected[stage] {
			diffs = append(diffs, fmt.Sprintf("output %s was made from other inputs (digest %.12s…, now %.12s…): run `synthese %s` again", f.Path, carried, expected[stage], stage))
		}
	}
	return diffs, nil
}

// carriedDigest is the input digest an output carries in its metadata
// (Parquet key-value metadata, PDF document information), or "".
func carriedDigest(path string, b []byte) string {
	switch filepath.Ext(path) {
	case ".pdf":
		return reports.InputDigestOf(b)
	case ".parquet":
		f, err := parquet.OpenFile(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return ""
		}
		d, _ := f.Lookup(provenance.InputDigestKey)
		return d
	}
	return ""
}

// depsCommand prints, as make variables, the project files each stage
// reads: the Makefile includes them, so that changing a file redoes only
// the stages that read it (and those after).
func depsCommand(stdout io.Writer) *cli.Command {
	return &cli.Command{
		Name:        "deps",
		Usage:       "print the project files each stage reads, as make variables (the Makefile includes them)",
		Flags:       []cli.Flag{&cli.StringFlag{Name: "data", Aliases: []string{"d"}, Usage: "project folder holding " + form.ManifestName, Required: true}},
		Description: "Example:\n  synthese deps --data data > out/.stamps/deps.mk\n\n" + exitCodesHelp,
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return usageError{fmt.Sprintf("deps: %v (see synthese deps --help)", err)}
		},
		Action: func(c *cli.Context) error {
			dir := c.String("data")
			p, err := form.LoadProject(os.DirFS(dir))
			if err != nil {
				return err
			}
			var b strings.Builder
			fmt.Fprintf(&b, "# The files of %s each stage reads (written by synthese deps).\n", dir)
			for _, st := range provenance.Stages {
				files, err := provenance.StageFiles(p, st)
				if err != nil {
					return err
				}
				for i, f := range files {
					files[i] = makeQuote(filepath.Join(dir, filepath.FromSlash(f)))
				}
				fmt.Fprintf(&b, "%s_INPUTS := %s\n", strings.ToUpper(st), strings.Join(files, " "))
			}
			// The chart the charts stage always writes: the Makefile runs the
			// stage again when it is gone.
			fmt.Fprintf(&b, "CHARTS_MARK := %s\n", makeQuote(firstChart(p)))
			_, err = io.WriteString(stdout, b.String())
			return err
		},
	}
}

// makeQuote escapes the characters make would split or expand.
func makeQuote(s string) string {
	r := strings.NewReplacer(" ", `\ `, "$", "$$", "#", `\#`, ":", `\:`)
	return r.Replace(s)
}
