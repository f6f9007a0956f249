package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/synthese-project/synthese/pipeline/provenance"
)

// TestMain runs the command instead of the tests when SYNTHESE_TEST_MAIN is
// set: tests start the test binary as synthese, to run two commands at
// once (each with its own process state) or kill one midway.
func TestMain(m *testing.M) {
	if os.Getenv("SYNTHESE_TEST_MAIN") == "1" {
		os.Exit(Main(context.Background(), append([]string{"synthese"}, os.Args[1:]...), os.Stdout, os.Stderr, os.Getenv))
	}
	os.Exit(m.Run())
}

// command is synthese args as another process (see TestMain).
func command(t *testing.T, args ...string) (*exec.Cmd, *syncBuffer) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), "SYNTHESE_TEST_MAIN=1", "SOURCE_DATE_EPOCH=1608768000")
	stderr := &syncBuffer{}
	cmd.Stderr = stderr
	return cmd, stderr
}

// syncBuffer is a process's stderr, read while it runs.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// leftovers lists what a command leaves in an output folder only when it
// is killed: staging folders and temporary files.
func leftovers(t *testing.T, out string) []string {
	t.Helper()
	var left []string
	filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
		if err == nil && (strings.HasPrefix(d.Name(), stagingPrefix) || strings.HasSuffix(d.Name(), ".tmp")) {
			left = append(left, p)
		}
		return err
	})
	return left
}

// consistentSet fails unless out holds one run's whole set: the manifest
// gives every output there with its true digest, the Parquet files carry
// their stage's digest in it, the PDF the run's, and nothing is left over.
func consistentSet(t *testing.T, out string) provenance.RunManifest {
	t.Helper()
	m := readManifest(t, out)
	files := hashes(t, out)
	delete(files, provenance.ManifestFile)
	for _, f := range m.Outputs {
		if files[f.Path] != f.SHA256 {
			t.Errorf("%s: sha256 %.12s…, the manifest says %.12s…", f.Path, files[f.Path], f.SHA256)
		}
		delete(files, f.Path)
		b, _ := os.ReadFile(filepath.Join(out, f.Path))
		stage := provenance.StageOf(strings.TrimSuffix(filepath.Base(f.Path), filepath.Ext(f.Path)))
		if d := provenance.CarriedDigest(f.Path, b); d != "" && d != m.Stages[stage] {
			t.Errorf("%s carries the digest %.12s…, the manifest's %s stage %.12s…", f.Path, d, stage, m.Stages[stage])
		}
	}
	for f := range files {
		t.Errorf("%s is in the folder, not in its manifest", f)
	}
	pdf, _ := os.ReadFile(filepath.Join(out, "synthese.pdf"))
	if d := provenance.PDFDigestOf(pdf); d != m.InputDigest {
		t.Errorf("the PDF carries %.12s…, the manifest %.12s…", d, m.InputDigest)
	}
	if left := leftovers(t, out); len(left) > 0 {
		t.Errorf("left over: %v", left)
	}
	return m
}

// dropLastResponse takes the last response line out of a project's export
// (its results change).
func dropLastResponse(t *testing.T, proj string) {
	t.Helper()
	csv := filepath.Join(proj, "responses.csv")
	b, err := os.ReadFile(csv)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(strings.TrimRight(string(b), "\n"), "\n")
	if err := os.WriteFile(csv, []byte(strings.Join(lines[:len(lines)-1], "")), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestOutMayHoldNoInput: an output folder that is the project folder (by
// its name, through "..", through a link), that holds it, or that holds a
// file the manifest names, is refused before anything is written (exit 2,
// naming both folders and the input the outputs would write over); one
// inside the project folder holding no input is fine.
func TestOutMayHoldNoInput(t *testing.T) {
	proj := copyProject(t)
	merges := sha(t, filepath.Join(proj, "merges.csv"))
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(proj, link); err != nil {
		t.Fatal(err)
	}
	holder := t.TempDir() // a folder holding a project
	inner := filepath.Join(holder, "survey")
	if err := os.CopyFS(inner, os.DirFS(proj)); err != nil {
		t.Fatal(err)
	}
	// A manifest naming a file inside the folder given as --out.
	named := copyProject(t)
	os.Mkdir(filepath.Join(named, "out"), 0o755)
	os.Rename(filepath.Join(named, "merges.csv"), filepath.Join(named, "out", "merges.csv"))
	y := filepath.Join(named, "synthese.yaml")
	os.WriteFile(y, bytes.Replace(must(os.ReadFile(y)), []byte("merges: merges.csv"), []byte("merges: out/merges.csv"), 1), 0o644)

	for _, c := range []struct{ name, data, out, want string }{
		{"same folder", proj, proj, "merges.csv"},
		{"through ..", proj, filepath.Join(proj, "..", filepath.Base(proj)), "merges.csv"},
		{"through a link", proj, link, "merges.csv"},
		{"relative", proj, relative(t, proj), "merges.csv"},
		{"the project inside", inner, holder, ""},
		{"a named file inside", named, filepath.Join(named, "out"), "out/merges.csv"},
	} {
		for _, cmd := range []string{"run", "aggregate"} {
			code, _, stderr := run(t, nil, cmd, "-q", "--data", c.data, "--out", c.out)
			if code != exitBadInput || !strings.Contains(stderr, "--out "+c.out+" holds") || !strings.Contains(stderr, "--data "+c.data) ||
				(c.want != "" && !strings.Contains(stderr, "write over "+c.want)) {
				t.Errorf("%s: %s: exit %d, %q; want 2 naming --out, --data and %s", c.name, cmd, code, stderr, c.want)
			}
		}
	}
	// Through a folder that does not exist yet: "nx/.." is the project.
	if code, _, stderr := run(t, nil, "run", "-q", "--data", proj, "--out", proj+string(filepath.Separator)+"nx"+string(filepath.Separator)+".."); code != exitBadInput || !strings.Contains(stderr, "holds") {
		t.Errorf("--out PROJECT/nx/..: exit %d, %q; want 2", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(proj, "nx")); err == nil {
		t.Error("--out PROJECT/nx/.. made nx")
	}
	if got := sha(t, filepath.Join(proj, "merges.csv")); got != merges {
		t.Error("merges.csv was written over")
	}
	for _, dir := range []string{proj, holder, filepath.Join(named, "out")} {
		for _, f := range []string{lockName, "synthese.pdf", "parquet"} {
			if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
				t.Errorf("a refused command made %s in %s", f, dir)
			}
		}
	}
	// Inside the project folder, holding none of its files: fine, twice.
	for range 2 {
		if code, _, stderr := run(t, nil, "run", "-q", "--data", proj, "--out", filepath.Join(proj, "out")); code != 0 {
			t.Fatalf("--out inside --data: exit %d: %s", code, stderr)
		}
	}
	if got := sha(t, filepath.Join(proj, "merges.csv")); got != merges {
		t.Error("merges.csv was written over")
	}
}

// relative is dir as a path relative to the working folder.
func relative(t *testing.T, dir string) string {
	t.Helper()
	wd, _ := os.Getwd()
	rel, err := filepath.Rel(wd, dir)
	if err != nil {
		t.Fatal(err)
	}
	return rel
}

// TestOutputsNeverReplaceAnInput: whatever the flags, an output is not put
// over one of the project's inputs: the same file under an output's name
// (a hard link), or a link to it.
func TestOutputsNeverReplaceAnInput(t *testing.T) {
	data, out := t.TempDir(), t.TempDir()
	input := filepath.Join(data, "merges.csv")
	os.WriteFile(input, []byte("action,name_a,name_b\n"), 0o644)
	if err := os.Link(input, filepath.Join(out, "merges.csv")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(input, filepath.Join(out, "rejects.csv")); err != nil {
		t.Fatal(err)
	}
	inputs := statInputs(data, []string{"merges.csv"})
	for _, name := range []string{"merges.csv", "rejects.csv"} {
		staging, err := newStaging(out)
		if err != nil {
			t.Fatal(err)
		}
		o := &outputs{dir: out, staging: staging, inputs: inputs}
		if err := o.WriteBytes(name, []byte("person_id\n")); err != nil {
			t.Fatal(err)
		}
		if err := o.publish(); err == nil || !strings.Contains(err.Error(), "refusing to replace") {
			t.Errorf("%s: publish: %v, want a refusal", name, err)
		}
		os.RemoveAll(staging)
		inPlace := &outputs{dir: out, inputs: inputs}
		if err := inPlace.WriteBytes(name, []byte("person_id\n")); err == nil {
			t.Errorf("%s: written in place over an input", name)
		}
		if err := inPlace.Remove(name); err == nil {
			t.Errorf("%s: an input removed", name)
		}
	}
	if b, _ := os.ReadFile(input); string(b) != "action,name_a,name_b\n" {
		t.Errorf("the input was written over: %q", b)
	}
}

// TestFailedRunLeavesTheOldSet: a run that fails once it has made new
// tables and charts (the PDF cannot be put in place) changes no output,
// removes no chart of the earlier run, and leaves nothing behind.
func TestFailedRunLeavesTheOldSet(t *testing.T) {
	proj, out := ranProject(t)
	os.WriteFile(filepath.Join(out, "charts", "zz_earlier.png"), []byte("an earlier run's chart"), 0o644)
	pdf := filepath.Join(out, "synthese.pdf")
	os.Remove(pdf)
	os.MkdirAll(filepath.Join(pdf, "in-the-way"), 0o755)
	before := hashes(t, out)
	dropLastResponse(t, proj)
	code, _, stderr := run(t, nil, "run", "-q", "--data", proj, "--out", out)
	if code == 0 || !strings.Contains(stderr, "synthese.pdf") {
		t.Fatalf("run with a folder in the PDF's place: exit %d, %q", code, stderr)
	}
	if after := hashes(t, out); !equalMaps(before, after) {
		for name, h := range after {
			if before[name] != h {
				t.Errorf("%s changed", name)
			}
		}
		for name := range before {
			if after[name] == "" {
				t.Errorf("%s is gone", name)
			}
		}
	}
	if left := leftovers(t, out); len(left) > 0 {
		t.Errorf("left over: %v", left)
	}
}

// TestKilledRunLeavesTheOldSet: a run killed once it has made new tables
// leaves the earlier run's outputs, all of them; the next run clears what
// the killed one left and publishes a whole set.
func TestKilledRunLeavesTheOldSet(t *testing.T) {
	v1, v2 := filepath.Join(t.TempDir(), "v1"), filepath.Join(t.TempDir(), "v2")
	for dir, seed := range map[string]string{v1: "1", v2: "2"} {
		if code, _, stderr := run(t, nil, "gen", "--rows", "20000", "--cities", "25", "--seed", seed, dir); code != 0 {
			t.Fatalf("gen: exit %d: %s", code, stderr)
		}
	}
	out := t.TempDir()
	results := filepath.Join(out, "parquet", "results.parquet")
	for attempt := 1; ; attempt++ {
		if code, _, stderr := run(t, map[string]string{"SOURCE_DATE_EPOCH": "1608768000"}, "run", "-q", "--data", v1, "--out", out); code != 0 {
			t.Fatalf("run: exit %d: %s", code, stderr)
		}
		before := hashes(t, out)
		cmd, stderr := command(t, "run", "-q", "--data", v2, "--out", out)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		// Killed as soon as the new results are made (staged, or, without
		// staging, in place).
		killed, ended := false, error(nil)
	poll:
		for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); {
			staged, _ := filepath.Glob(filepath.Join(out, stagingPrefix+"*", "parquet", "results.parquet"))
			if len(staged) > 0 || sha(t, results) != before["parquet/results.parquet"] {
				cmd.Process.Kill()
				killed = true
				break
			}
			select {
			case ended = <-exited:
				break poll
			case <-time.After(200 * time.Microsecond):
			}
		}
		if !killed {
			if attempt < 3 {
				t.Logf("attempt %d: the run ended (%v) before it was killed: again", attempt, ended)
				continue
			}
			t.Fatalf("the run ended (%v) before it could be killed: %s", ended, stderr)
		}
		if err := <-exited; err == nil || pendingCommit(out) {
			// It had reached its commit: the kill came too late to tell.
			if attempt < 3 {
				t.Logf("attempt %d: killed too late (%v): again", attempt, err)
				continue
			}
			t.Fatalf("the run could not be killed before its commit: %s", stderr)
		}
		after := hashes(t, out)
		for name, h := range before {
			if after[name] != h {
				t.Errorf("%s changed by a killed run", name)
			}
		}
		if len(after) != len(before) {
			t.Errorf("a killed run changed the outputs: %d files before, %d after", len(before), len(after))
		}
		break
	}
	if code, _, stderr := run(t, nil, "run", "-q", "--data", v2, "--out", out); code != 0 {
		t.Fatalf("run after a killed one: exit %d: %s", code, stderr)
	}
	consistentSet(t, out)
}

// TestLeftoversAreCleared: a command into an output folder first removes
// what killed commands left there (temporary files of an output being
// written, a staging folder whose commit had not begun), and nothing else.
func TestLeftoversAreCleared(t *testing.T) {
	_, out := ranProject(t)
	before := hashes(t, out)
	planted := []string{"parquet/.responses.parquet.2718281828.tmp", "charts/.q1_levier.png.31415.tmp", ".manifest.json.42.tmp",
		".staging-99999999/parquet/results.parquet", ".cache/.digests.json.7.tmp"}
	for _, f := range planted {
		p := filepath.Join(out, filepath.FromSlash(f))
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte("half written"), 0o644)
	}
	mine := filepath.Join(out, ".notes.tmp") // not the tool's kind
	os.WriteFile(mine, []byte("the user's"), 0o644)
	if code, _, stderr := run(t, nil, "report", "-q", "--out", out); code != 0 {
		t.Fatalf("report: exit %d: %s", code, stderr)
	}
	for _, f := range planted {
		if _, err := os.Stat(filepath.Join(out, filepath.FromSlash(f))); err == nil {
			t.Errorf("%s left", f)
		}
	}
	if _, err := os.Stat(filepath.Join(out, ".staging-99999999")); err == nil {
		t.Error("the staging folder was left")
	}
	if _, err := os.Stat(mine); err != nil {
		t.Errorf("a file not the tool's was removed: %v", err)
	}
	os.Remove(mine)
	if after := hashes(t, out); !equalMaps(before, after) {
		t.Error("the outputs changed: a staging folder whose commit had not begun was published")
	}
}

// TestInterruptedCommitIsFinished: a run stopped while it puts its outputs
// in place (here a rename fails midway, as a kill would stop it) leaves
// its journal; check says so; the next command into the folder finishes
// the commit first, and the folder is then the new run's whole set.
func TestInterruptedCommitIsFinished(t *testing.T) {
	proj, out := ranProject(t)
	dropLastResponse(t, proj)
	renames := 0
	renameOutput = func(from, to string) error {
		if renames++; renames > 3 {
			return errors.New("killed")
		}
		return os.Rename(from, to)
	}
	code, _, stderr := run(t, nil, "run", "-q", "--data", proj, "--out", out)
	renameOutput = os.Rename
	if code == 0 || !strings.Contains(stderr, "finishes it") {
		t.Fatalf("run interrupted in its commit: exit %d, %q", code, stderr)
	}
	if !pendingCommit(out) {
		t.Fatal("no journal left")
	}
	if code, stdout, stderr := run(t, nil, "check", "--data", proj, "--out", out); code != 1 || !strings.Contains(stderr, "interrupted") {
		t.Errorf("check after an interrupted commit: exit %d, %q %q", code, stdout, stderr)
	}
	code, _, stderr = run(t, nil, "charts", "--data", proj, "--out", out)
	if code != 0 || !strings.Contains(stderr, "finishing the outputs of an interrupted synthese run") {
		t.Fatalf("charts after an interrupted commit: exit %d, %q", code, stderr)
	}
	consistentSet(t, out)
	if code, stdout, stderr := run(t, nil, "check", "--data", proj, "--out", out); code != 0 {
		t.Errorf("check after the commit was finished: exit %d, %q %q", code, stdout, stderr)
	}
}

// TestConcurrentRunsOneSet: two runs of two projects into one output
// folder at once: each waits for the folder (saying so) while another
// command holds it, both succeed, and the folder is then one of the two
// runs' whole sets, the one that ran last.
func TestConcurrentRunsOneSet(t *testing.T) {
	a, b := copyProject(t), copyProject(t)
	dropLastResponse(t, b)
	env := map[string]string{"SOURCE_DATE_EPOCH": "1608768000"}
	refs := map[string]map[string]string{}
	for _, proj := range []string{a, b} {
		ref := t.TempDir()
		if code, _, stderr := run(t, env, "run", "-q", "--data", proj, "--out", ref); code != 0 {
			t.Fatalf("run: exit %d: %s", code, stderr)
		}
		refs[proj] = hashes(t, ref)
	}
	out := t.TempDir()
	held, err := lockOut(context.Background(), out, true, func(string) {})
	if err != nil {
		t.Fatal(err)
	}
	type started struct {
		cmd    *exec.Cmd
		stderr *syncBuffer
		done   chan error
	}
	var runs []started
	for _, proj := range []string{a, b} {
		cmd, stderr := command(t, "run", "-q", "--data", proj, "--out", out)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		s := started{cmd, stderr, make(chan error, 1)}
		go func() { s.done <- cmd.Wait() }()
		runs = append(runs, s)
	}
	for _, s := range runs {
		for !strings.Contains(s.stderr.String(), "waiting for another synthese run in "+out) {
			select {
			case err := <-s.done:
				held.release()
				t.Fatalf("a run into a locked folder ended (%v) without waiting: %q", err, s.stderr.String())
			case <-time.After(5 * time.Millisecond):
			}
		}
	}
	held.release()
	for _, s := range runs {
		if err := <-s.done; err != nil {
			t.Errorf("run: %v: %s", err, s.stderr.String())
		}
	}
	m := consistentSet(t, out)
	got := hashes(t, out)
	last := a
	if !slices.ContainsFunc(m.Inputs, func(f provenance.FileDigest) bool {
		return f.Path == "responses.csv" && f.SHA256 == sha(t, filepath.Join(a, "responses.csv"))
	}) {
		last = b
	}
	if !equalMaps(got, refs[last]) {
		for name, h := range got {
			if refs[last][name] != h {
				t.Errorf("%s is not the last run's", name)
			}
		}
	}
}

// TestLockWaits: a command that finds the folder locked says so once and
// waits; it goes on once the lock is released, and stops when interrupted
// (SIGINT) while it waits.
func TestLockWaits(t *testing.T) {
	out := t.TempDir()
	held, err := lockOut(context.Background(), out, true, func(string) {})
	if err != nil {
		t.Fatal(err)
	}
	said := make(chan string, 2)
	ctx, cancel := context.WithCancel(context.Background())
	got := make(chan error, 1)
	go func() {
		l, err := lockOut(ctx, out, true, func(s string) { said <- s })
		l.release()
		got <- err
	}()
	if msg := <-said; !strings.Contains(msg, "waiting for another synthese run in "+out) {
		t.Errorf("the message: %q", msg)
	}
	cancel()
	if err := <-got; err == nil || !strings.Contains(err.Error(), "interrupted") {
		t.Errorf("interrupted while waiting: %v", err)
	}
	go func() {
		l, err := lockOut(context.Background(), out, true, func(s string) { said <- s })
		l.release()
		got <- err
	}()
	<-said
	held.release()
	if err := <-got; err != nil {
		t.Errorf("once the lock was released: %v", err)
	}
	if len(said) > 0 {
		t.Errorf("said more than once: %q", <-said)
	}
}

// TestCommitCheckedFirst: when an output folder's charts are on another
// disk (a link), where a rename cannot put them, the run fails before its
// commit begins: nothing changed, nothing left to finish.
func TestCommitCheckedFirst(t *testing.T) {
	shm, err := os.MkdirTemp("/dev/shm", "synthese-test-")
	if err != nil {
		t.Skip("no /dev/shm:", err)
	}
	defer os.RemoveAll(shm)
	proj, out := ranProject(t)
	charts := filepath.Join(out, "charts")
	if err := os.CopyFS(filepath.Join(shm, "charts"), os.DirFS(charts)); err != nil {
		t.Fatal(err)
	}
	os.RemoveAll(charts)
	os.Symlink(filepath.Join(shm, "charts"), charts)
	probe := filepath.Join(out, "probe")
	os.WriteFile(probe, nil, 0o644)
	if err := os.Rename(probe, filepath.Join(charts, "probe")); err == nil {
		t.Skip("/dev/shm is on the same disk as", out)
	}
	os.Remove(probe)
	before, beforeCharts := hashes(t, out), hashes(t, filepath.Join(shm, "charts"))
	dropLastResponse(t, proj)
	code, _, stderr := run(t, nil, "run", "-q", "--data", proj, "--out", out)
	if code == 0 || !strings.Contains(stderr, "cannot be put in "+charts) {
		t.Fatalf("run with charts on another disk: exit %d, %q", code, stderr)
	}
	if !equalMaps(before, hashes(t, out)) || len(beforeCharts) == 0 || !equalMaps(beforeCharts, hashes(t, filepath.Join(shm, "charts"))) || pendingCommit(out) {
		t.Error("the outputs changed, or a commit was left to finish")
	}
}

// An output name that would leave the output folder is refused by the
// folder itself, whatever the stage gives it.
func TestOutputNamesStayInside(t *testing.T) {
	dir := t.TempDir()
	o := &outputs{dir: filepath.Join(dir, "out")}
	for _, name := range []string{"../x.png", "charts/../../x.png", "/etc/x", "", ".", "charts//x.png"} {
		if err := o.WriteBytes(name, []byte("x")); err == nil {
			t.Errorf("%q: written", name)
		}
		if _, err := o.Create(name); err == nil {
			t.Errorf("%q: created", name)
		}
		if err := o.Remove(name); err == nil {
			t.Errorf("%q: removed", name)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "x.png")); err == nil {
		t.Error("a file was written outside the output folder")
	}
}

// gen writes a new project folder, never over a project; --out must be a
// folder: both are usage errors (exit 2) that change nothing.
func TestGenAndOutRefuseFiles(t *testing.T) {
	dir := t.TempDir()
	manifest := filepath.Join(dir, "synthese.yaml")
	if err := os.WriteFile(manifest, []byte("mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := run(t, nil, "gen", "--rows", "5", dir); code != exitBadInput || !strings.Contains(stderr, "not empty") {
		t.Errorf("gen into a project: exit %d, %s", code, stderr)
	}
	if b, _ := os.ReadFile(manifest); string(b) != "mine\n" {
		t.Error("gen wrote over a project's manifest")
	}
	file := filepath.Join(dir, "out.txt")
	os.WriteFile(file, []byte("x"), 0o644)
	for _, out := range []string{file, ""} {
		if code, _, stderr := run(t, nil, "run", "-q", "--out", out); code != exitBadInput || !strings.Contains(stderr, "--out") {
			t.Errorf("--out %q: exit %d, %s", out, code, stderr)
		}
	}
}
