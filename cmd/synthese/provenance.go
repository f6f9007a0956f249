package main

import (
	"bytes"
	"io"

	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/synthese-project/synthese/pipeline/form"
	"github.com/synthese-project/synthese/pipeline/provenance"
	"github.com/synthese-project/synthese/pipeline/stage"
)

// startProvenance starts hashing the project's inputs, files (on the
// side: the digest is needed only when the first output's metadata is
// written).
func (e *env) startProvenance(fsys fs.FS, files []string) {
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
}

// stageDigests are each stage's input digest (see Project.StageDigests).
func (e *env) stageDigests() (map[string]string, error) {
	in, err := e.inputs()
	if err != nil {
		return nil, err
	}
	return provenance.StageDigests(e.project, in)
}

// publish ends a command that succeeded: manifest.json (of the outputs as
// they will be) staged with its outputs, the set put in place (see
// outdir.go), then the inputs' digests remembered.
func (e *env) publish() error {
	in, err := e.inputs()
	if err != nil {
		return err
	}
	m, err := provenance.NewRunManifest(e.project, version, in, e.outs.FS())
	if err != nil {
		return err
	}
	if err := e.outs.Write(provenance.ManifestFile, func(b *bytes.Buffer) error { return m.Write(b) }); err != nil {
		return err
	}
	if err := e.outs.publish(); err != nil {
		return err
	}
	if e.digestCache != nil {
		return e.digestCache.save()
	}
	return nil
}

// check says whether the report in the output folder (or the one given)
// is up to date with the data: exit 0 if so, 1 naming what differs.
func check(e *env, reportPath string) error {
	var m *provenance.RunManifest
	if b, err := os.ReadFile(e.out(provenance.ManifestFile)); err == nil {
		if m, err = provenance.ReadRunManifest(b); err != nil {
			return usageError{fmt.Sprintf("%s: not a synthese manifest: %v", e.out(provenance.ManifestFile), err)}
		}
	} else if reportPath == "" {
		return usageError{fmt.Sprintf("%s: no such file: run `synthese run` (or make report) first, or give a report with --report FILE", e.out(provenance.ManifestFile))}
	}
	digests, err := e.stageDigests()
	if err != nil {
		return err
	}
	digest := digests[provenance.StageReport]
	var diffs []string
	if reportPath != "" {
		pdf, err := os.ReadFile(reportPath)
		if err != nil {
			return usageError{fmt.Sprintf("--report %s: %v", reportPath, err)}
		}
		carried := provenance.PDFDigestOf(pdf)
		if carried == "" {
			return usageError{fmt.Sprintf("%s carries no input digest: not a synthese report, or made by a version before 0.2", reportPath)}
		}
		if carried != digest {
			diffs = append(diffs, fmt.Sprintf("%s was made from other inputs (digest %.12s…, the data now gives %.12s…)", reportPath, carried, digest))
			if m != nil && m.InputDigest == carried {
				more, err := e.staleness(m)
				if err != nil {
					return err
				}
				diffs = append(diffs, more...)
			}
		}
	} else {
		if diffs, err = e.staleness(m); err != nil {
			return err
		}
		if m.InputDigest != digest && len(diffs) == 0 {
			diffs = append(diffs, fmt.Sprintf("the inputs' digest differs (%.12s…, the manifest's %.12s…)", digest, m.InputDigest))
		}
	}
	if reportPath == "" && pendingCommit(e.outDir) {
		diffs = append(diffs, fmt.Sprintf("a run was interrupted while it put its outputs in place: any synthese command writing into %s (run, or a stage) finishes it", e.outDir))
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

// staleness compares a run's manifest with the project and the outputs as
// they are now (provenance.Staleness).
func (e *env) staleness(m *provenance.RunManifest) ([]string, error) {
	now, err := e.inputs()
	if err != nil {
		return nil, err
	}
	return provenance.Staleness(e.project, m, now, os.DirFS(e.outDir))
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
			fmt.Fprintf(&b, "CHARTS_MARK := %s\n", makeQuote(stage.FirstChart(p)))
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
