package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/synthese-project/synthese/pipeline/provenance"
)

// The output folder is the tool's: one command at a time writes there
// (out/.lock), each command's outputs replace the old ones as one set (a
// staging folder, put in place by a commit that the next command finishes
// if this one is killed during it), the leftovers of a killed command are
// cleared by the next, and it may hold none of the project's inputs.
//
// A command that writes (run, count, ingest, aggregate, charts, report):
//
//  1. refuses an output folder holding any input of the project
//     (refuseInputsInOut: exit 2), before it creates anything;
//  2. takes out/.lock exclusively (lockOut; while another synthese holds
//     it, it says so on stderr and waits);
//  3. finishes or clears what a killed command left (clearLeftovers);
//  4. writes its outputs into out/.staging-PID (outputs): the stages read
//     the staged files first; identical outputs are not staged (the files
//     in place are left alone, their times too: make relies on it); the
//     charts' removals wait too;
//  5. on success, stages manifest.json (of the outputs as they will be),
//     checks that the set can be put in place (each output's folder made
//     and writable on the same disk, no folder in the way, no input
//     replaced), writes the commit journal
//     (.staging-PID/.commit: the removals), then renames each staged file
//     into place, removes the removed ones, moves manifest.json last and
//     removes the staging folder (publish, rollForward);
//  6. on failure, or when interrupted (SIGINT) between stages, removes
//     its staging folder: the outputs stay as they were, all of them.
//
// A kill before the journal is written leaves a staging folder without
// one: the next command removes it (the old set stands). A kill after it,
// during the renames, leaves some new files in place and the old
// manifest.json: the next command into the folder, under the lock, rolls
// the commit forward (the renames are idempotent) before anything else, so
// that it starts from the whole new set; until then, `synthese check`
// reports the folder stale (it names the half-published run), and a
// program reading the folder without the lock (a PDF viewer, a copy)
// may see a mix. Nothing is synced to disk: a power failure during a
// commit may leave any mix the file system kept.
const (
	lockName      = ".lock"
	stagingPrefix = ".staging-"
	journalName   = ".commit"
)

// lockPoll is how often a command waiting for the lock tries again.
const lockPoll = 50 * time.Millisecond

// outLock is a hold on an output folder's lock file.
type outLock struct{ f *os.File }

// lockOut takes the lock of the output folder dir (creating dir):
// exclusive for a command that writes there, shared for one that reads it
// whole (check). While another synthese holds it, say is told once that
// this one waits, and it waits until the lock is free or ctx is done.
func lockOut(ctx context.Context, dir string, exclusive bool, say func(string)) (*outLock, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(filepath.Join(dir, lockName), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	said := false
	for {
		ok, err := tryLock(f, exclusive)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("%s: cannot lock: %w", f.Name(), err)
		}
		if ok {
			return &outLock{f}, nil
		}
		if !said {
			say(fmt.Sprintf("waiting for another synthese run in %s to finish (%s is locked)…", dir, f.Name()))
			said = true
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("interrupted while waiting for another synthese run in %s", dir)
		case <-time.After(lockPoll):
		}
	}
}

// release lets the next command in.
func (l *outLock) release() {
	if l != nil {
		l.f.Close()
	}
}

// inputFiles are the project's input files as found on disk: an output
// never replaces one (by its path, a link to it, or the same file under
// another name).
type inputFiles []inputFile

type inputFile struct {
	path  string
	infos []os.FileInfo // the file, and the link when it is one
}

// statInputs finds the files of dataDir ("": the embedded project, none).
func statInputs(dataDir string, files []string) inputFiles {
	if dataDir == "" {
		return nil
	}
	var in inputFiles
	for _, f := range files {
		p := filepath.Join(dataDir, filepath.FromSlash(f))
		var infos []os.FileInfo
		if st, err := os.Stat(p); err == nil {
			infos = append(infos, st)
		}
		if st, err := os.Lstat(p); err == nil && st.Mode()&fs.ModeSymlink != 0 {
			infos = append(infos, st)
		}
		if len(infos) > 0 {
			in = append(in, inputFile{p, infos})
		}
	}
	return in
}

// guard refuses to replace or remove the file at path when it is one of
// the inputs.
func (in inputFiles) guard(path string) error {
	if len(in) == 0 {
		return nil
	}
	var at []os.FileInfo
	if st, err := os.Lstat(path); err == nil {
		at = append(at, st)
		if st.Mode()&fs.ModeSymlink != 0 {
			if st, err := os.Stat(path); err == nil {
				at = append(at, st)
			}
		}
	}
	for _, a := range at {
		for _, f := range in {
			for _, b := range f.infos {
				if os.SameFile(a, b) {
					return usageError{fmt.Sprintf("refusing to replace %s: it is the project's input %s", path, f.path)}
				}
			}
		}
	}
	return nil
}

// refuseInputsInOut refuses an output folder that holds any input of the
// project in dataDir (files, relative to it): the folder itself, a folder
// above the project, or one that a file the manifest names is in. Paths
// are compared as the files are (the same folder through a link, "..",
// another case on a case-insensitive disk), by the input's path and by
// where a link leads. An output folder not made yet holds nothing; one
// inside the project folder is fine when no input is in it.
func refuseInputsInOut(outDir, dataDir string, files []string) error {
	if dataDir == "" {
		return nil
	}
	outSt, err := os.Stat(outDir)
	if err != nil || !outSt.IsDir() {
		return nil
	}
	// under returns the folder, dir or one above it, that is the output
	// folder ("" when none is).
	memo := map[string]string{}
	var under func(dir string) string
	under = func(dir string) string {
		if r, ok := memo[dir]; ok {
			return r
		}
		r := ""
		if st, err := os.Stat(dir); err == nil && os.SameFile(st, outSt) {
			r = dir
		} else if parent := filepath.Dir(dir); parent != dir {
			r = under(parent)
		}
		memo[dir] = r
		return r
	}
	var inside, overwritten []string
	for _, f := range files {
		p := filepath.Join(dataDir, filepath.FromSlash(f))
		paths := []string{p}
		if abs, err := filepath.Abs(p); err == nil {
			paths[0] = abs
		}
		if real, err := filepath.EvalSymlinks(p); err == nil {
			if abs, err := filepath.Abs(real); err == nil {
				paths = append(paths, abs)
			}
		}
		for _, q := range paths {
			if dir := under(filepath.Dir(q)); dir != "" {
				inside = append(inside, f)
				if rel, err := filepath.Rel(dir, q); err == nil && provenance.IsOutput(filepath.ToSlash(rel)) {
					overwritten = append(overwritten, f)
				}
				break
			}
		}
	}
	if len(inside) == 0 {
		return nil
	}
	what := fmt.Sprintf("%d input files", len(inside))
	if len(inside) == 1 {
		what = "an input file"
	}
	names := strings.Join(inside[:min(len(inside), 4)], ", ")
	if len(inside) > 4 {
		names += ", …"
	}
	msg := fmt.Sprintf("--out %s holds %s of --data %s (%s)", outDir, what, dataDir, names)
	if len(overwritten) > 0 {
		msg += fmt.Sprintf(": the outputs would write over %s", strings.Join(overwritten, ", "))
	}
	suggest := "a new folder"
	if s := filepath.Join(dataDir, "out"); filepath.Clean(s) != filepath.Clean(outDir) {
		suggest = "such as " + s + ","
	}
	return usageError{msg + ". An output folder may hold no input: choose another one, " + suggest + " or a folder beside the project"}
}

// clearLeftovers finishes or clears what a command killed in the output
// folder dir left (under the lock, before anything else): a staging
// folder with a commit journal is published (its commit had begun), any
// other removed (the old outputs stand), and the temporary files of an
// interrupted write (".name.123.tmp", as earlier versions left beside
// responses.parquet) are removed.
func clearLeftovers(dir string, inputs inputFiles, logf func(string, ...any)) error {
	stagings, err := filepath.Glob(filepath.Join(dir, stagingPrefix+"*"))
	if err != nil {
		return err
	}
	for _, s := range stagings {
		if _, err := os.Stat(filepath.Join(s, journalName)); err == nil {
			logf("finishing the outputs of an interrupted synthese run in %s", dir)
			if err := rollForward(dir, s, inputs); err != nil {
				return fmt.Errorf("finishing the outputs of an interrupted run (%s): %w", s, err)
			}
			continue
		}
		if err := os.RemoveAll(s); err != nil {
			return err
		}
	}
	for _, sub := range []string{".", "parquet", "charts", ".cache"} {
		ents, err := os.ReadDir(filepath.Join(dir, sub))
		if err != nil {
			continue
		}
		for _, d := range ents {
			if d.Type().IsRegular() && isTemp(d.Name()) {
				if err := os.Remove(filepath.Join(dir, sub, d.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
					return err
				}
			}
		}
	}
	return nil
}

// pendingCommit tells whether a commit in dir was interrupted (its journal
// is there).
func pendingCommit(dir string) bool {
	j, _ := filepath.Glob(filepath.Join(dir, stagingPrefix+"*", journalName))
	return len(j) > 0
}

// newStaging makes the staging folder of this command in dir.
func newStaging(dir string) (string, error) {
	s := filepath.Join(dir, fmt.Sprintf("%s%d", stagingPrefix, os.Getpid()))
	if err := os.Mkdir(s, 0o755); err != nil {
		return "", err
	}
	return s, nil
}

// journal is a commit's record: what it removes (what it puts in place is
// what the staging folder holds).
type journal struct {
	Remove []string `json:"remove"`
}

// publish puts the staged outputs in place as one set (see the top of
// this file); nothing is changed when it fails before the journal.
func (o *outputs) publish() error {
	moves, err := stagedFiles(o.staging)
	if err != nil {
		return err
	}
	o.mu.Lock()
	var j journal
	for name := range o.removed {
		j.Remove = append(j.Remove, name)
	}
	o.mu.Unlock()
	slices.Sort(j.Remove)
	// What could stop the commit midway is checked before it starts (once
	// the journal is written, a commit that fails is tried again by every
	// command into the folder).
	dirs := map[string]bool{}
	for _, m := range moves {
		target := o.Path(m)
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		if st, err := os.Lstat(target); err == nil && st.IsDir() {
			return fmt.Errorf("%s is a folder: the output cannot be put there (remove it, or choose another --out)", target)
		}
		if err := o.inputs.guard(target); err != nil {
			return err
		}
		dirs[filepath.Dir(target)] = true
	}
	for _, r := range j.Remove {
		if err := o.inputs.guard(o.Path(r)); err != nil {
			return err
		}
		dirs[filepath.Dir(o.Path(r))] = true
	}
	for dir := range dirs {
		if err := o.probe(dir); err != nil {
			return err
		}
	}
	b, err := json.Marshal(j)
	if err != nil {
		return err
	}
	if err := writeBytes(filepath.Join(o.staging, journalName), b); err != nil {
		return err
	}
	if err := rollForward(o.dir, o.staging, o.inputs); err != nil {
		return fmt.Errorf("putting the outputs in place in %s: %w (the next synthese command into %s finishes it)", o.dir, err, o.dir)
	}
	return nil
}

// probe checks that a file of the staging folder can be renamed into dir
// (dir is writable, on the same disk: not a link to another).
func (o *outputs) probe(dir string) error {
	f, err := os.CreateTemp(o.staging, ".probe.*.tmp")
	if err != nil {
		return err
	}
	f.Close()
	target := filepath.Join(dir, filepath.Base(f.Name()))
	err = os.Rename(f.Name(), target)
	os.Remove(f.Name())
	os.Remove(target)
	if err != nil {
		return fmt.Errorf("the outputs cannot be put in %s: %w", dir, err)
	}
	return nil
}

// renameOutput moves a staged output into place (a variable: tests make it
// fail midway, as a kill would).
var renameOutput = os.Rename

// rollForward carries out the commit of the staging folder in dir whose
// journal is written: each staged file renamed into place, the removals,
// manifest.json last, then the staging folder removed. Done again after
// an interruption, it finishes the same commit.
func rollForward(dir, staging string, inputs inputFiles) error {
	b, err := os.ReadFile(filepath.Join(staging, journalName))
	if err != nil {
		return err
	}
	var j journal
	if err := json.Unmarshal(b, &j); err != nil {
		return fmt.Errorf("%s: %w", filepath.Join(staging, journalName), err)
	}
	moves, err := stagedFiles(staging)
	if err != nil {
		return err
	}
	move := func(name string) error {
		target := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		if err := inputs.guard(target); err != nil {
			return err
		}
		return renameOutput(filepath.Join(staging, filepath.FromSlash(name)), target)
	}
	for _, m := range moves {
		if m != provenance.ManifestFile {
			if err := move(m); err != nil {
				return err
			}
		}
	}
	for _, r := range j.Remove {
		target := filepath.Join(dir, filepath.FromSlash(r))
		if err := inputs.guard(target); err != nil {
			return err
		}
		if err := os.Remove(target); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	if slices.Contains(moves, provenance.ManifestFile) {
		if err := move(provenance.ManifestFile); err != nil {
			return err
		}
	}
	return os.RemoveAll(staging)
}

// stagedFiles lists the outputs in a staging folder (slash-separated,
// sorted), without its journal and temporary files.
func stagedFiles(staging string) ([]string, error) {
	var names []string
	err := filepath.WalkDir(staging, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || isTemp(d.Name()) {
			return err
		}
		rel, err := filepath.Rel(staging, p)
		if err != nil {
			return err
		}
		if rel = filepath.ToSlash(rel); rel != journalName {
			names = append(names, rel)
		}
		return nil
	})
	slices.Sort(names)
	return names, err
}
