package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/synthese-project/synthese/pipeline/stage"
)

// writeFile writes path atomically: the content goes to a temporary file in
// the same folder, which replaces path only once complete, so a failure never
// leaves a partial output. A file whose content is already that is left
// alone (its time too: make then knows that nothing after it needs redoing).
func writeFile(path string, write func(*bytes.Buffer) error) error {
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return writeBytes(path, buf.Bytes())
}

// writeBytes is writeFile of content made already (the PDF: no copy of it).
func writeBytes(path string, content []byte) error {
	if same, err := holds(path, content); err == nil && same {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	if _, err := tmp.Write(content); err != nil {
		tmp.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// holds tells whether the file at path holds content, read a block at a
// time (an earlier run's PDF or chart is not read whole into fresh
// memory to be compared).
func holds(path string, content []byte) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil || st.Size() != int64(len(content)) {
		return false, err
	}
	block := compareBlocks.Get().(*[]byte)
	defer compareBlocks.Put(block)
	for len(content) > 0 {
		n, err := io.ReadFull(f, (*block)[:min(len(*block), len(content))])
		if err != nil || !bytes.Equal((*block)[:n], content[:n]) {
			return false, err
		}
		content = content[n:]
	}
	return true, nil
}

// compareBlocks are holds's read buffers.
var compareBlocks = sync.Pool{New: func() any { b := make([]byte, 256<<10); return &b }}

// readFile opens an output of an earlier stage, saying which stage makes it
// when it is missing.
func readFile(path, stage string) (*bytes.Reader, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, missing(path, stage)
		}
		return nil, err
	}
	return bytes.NewReader(b), nil
}

// missing is the error for an output of stage that is not there.
func missing(path, stage string) error {
	return fmt.Errorf("%s does not exist: run `synthese %s` first (or `synthese run`)", path, stage)
}

// atomicFile is an output written as it is made: to a temporary file in
// the folder of path, renamed to path only when complete; when the file
// at same already holds those bytes, it is dropped instead (and path
// removed), as writeFile leaves such a file alone.
type atomicFile struct {
	f    *os.File
	path string // where it goes
	same string // the output it would replace
}

func createAtomic(path, same string) (*atomicFile, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return nil, err
	}
	return &atomicFile{f: f, path: path, same: same}, nil
}

// Reset empties the file and returns it for writing from the start.
func (a *atomicFile) Reset() (io.Writer, error) {
	if err := a.f.Truncate(0); err != nil {
		return nil, err
	}
	if _, err := a.f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	return a.f, nil
}

// Commit puts the file in place (unless the output it would replace has
// the same content: that is then left alone, as writeFile does).
func (a *atomicFile) Commit() error {
	if err := a.f.Close(); err != nil {
		return fmt.Errorf("%s: %w", a.same, err)
	}
	if sameContent(a.f.Name(), a.same) {
		os.Remove(a.f.Name())
		a.f = nil
		if a.path != a.same {
			if err := os.Remove(a.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
		return nil
	}
	if err := os.Chmod(a.f.Name(), 0o644); err != nil {
		return err
	}
	if err := os.Rename(a.f.Name(), a.path); err != nil {
		return err
	}
	a.f = nil
	return nil
}

// Abort removes the temporary file unless it was committed.
func (a *atomicFile) Abort() {
	if a.f != nil {
		a.f.Close()
		os.Remove(a.f.Name())
	}
}

// sameContent reports whether two files hold the same bytes.
func sameContent(a, b string) bool {
	sa, err1 := os.Stat(a)
	sb, err2 := os.Stat(b)
	if err1 != nil || err2 != nil || sa.Size() != sb.Size() || !sb.Mode().IsRegular() {
		return false
	}
	fa, err := os.Open(a)
	if err != nil {
		return false
	}
	defer fa.Close()
	fb, err := os.Open(b)
	if err != nil {
		return false
	}
	defer fb.Close()
	ba, bb := make([]byte, 1<<20), make([]byte, 1<<20)
	for {
		na, ea := io.ReadFull(fa, ba)
		nb, _ := io.ReadFull(fb, bb)
		if na != nb || !bytes.Equal(ba[:na], bb[:nb]) {
			return false
		}
		if ea != nil {
			return true
		}
	}
}

// outputs is the output folder on disk (stage.Outputs), written as one
// set: a command's outputs wait in its staging folder (out/.staging-PID)
// and replace those in the folder together when the command has succeeded
// (see publish in outdir.go); reads see the staged files first, removals
// wait too. An output that already holds the bytes written is not staged:
// the file in place is left alone, its time too (make relies on it). With
// no staging folder (a command that only reads), writes go straight to
// the folder, each whole or not at all. No output ever replaces one of the
// project's input files (inputs).
type outputs struct {
	dir     string // the output folder
	staging string // where the outputs wait ("": none, written in place)
	inputs  inputFiles

	mu      sync.Mutex
	removed map[string]bool // outputs to remove at commit
}

// Path is where name is in the output folder (once published).
func (o *outputs) Path(name string) string { return filepath.Join(o.dir, filepath.FromSlash(name)) }

// staged is where name waits for the commit.
func (o *outputs) staged(name string) string {
	return filepath.Join(o.staging, filepath.FromSlash(name))
}

func (o *outputs) isRemoved(name string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.removed[name]
}

// keep cancels a removal of name (it is written again).
func (o *outputs) keep(name string) {
	o.mu.Lock()
	delete(o.removed, name)
	o.mu.Unlock()
}

func (o *outputs) Read(name, stage string) (*bytes.Reader, error) {
	if o.isRemoved(name) {
		return nil, missing(o.Path(name), stage)
	}
	if o.staging != "" {
		if b, err := os.ReadFile(o.staged(name)); err == nil {
			return bytes.NewReader(b), nil
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
	return readFile(o.Path(name), stage)
}

func (o *outputs) Write(name string, write func(*bytes.Buffer) error) error {
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		return fmt.Errorf("%s: %w", o.Path(name), err)
	}
	return o.WriteBytes(name, buf.Bytes())
}

// inside refuses an output name that would leave the output folder: the
// stages make names safe (stage.chartStem); this is the last line.
func inside(name string) error {
	if !fs.ValidPath(name) || name == "." {
		return fmt.Errorf("output %q would not be a file inside the output folder", name)
	}
	return nil
}

func (o *outputs) WriteBytes(name string, content []byte) error {
	if err := inside(name); err != nil {
		return err
	}
	if o.staging == "" {
		if err := o.inputs.guard(o.Path(name)); err != nil {
			return err
		}
		return writeBytes(o.Path(name), content)
	}
	o.keep(name)
	if same, err := holds(o.Path(name), content); err == nil && same {
		// Left alone; a version staged earlier in this command goes.
		if err := os.Remove(o.staged(name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return nil
	}
	return writeBytes(o.staged(name), content)
}

func (o *outputs) Create(name string) (stage.Pending, error) {
	if err := inside(name); err != nil {
		return nil, err
	}
	if o.staging == "" {
		if err := o.inputs.guard(o.Path(name)); err != nil {
			return nil, err
		}
		return createAtomic(o.Path(name), o.Path(name))
	}
	o.keep(name)
	return createAtomic(o.staged(name), o.Path(name))
}

// Remove removes an output; with a staging folder, at commit.
func (o *outputs) Remove(name string) error {
	if err := inside(name); err != nil {
		return err
	}
	if o.staging == "" {
		if err := o.inputs.guard(o.Path(name)); err != nil {
			return err
		}
		return os.Remove(o.Path(name))
	}
	o.mu.Lock()
	if o.removed == nil {
		o.removed = map[string]bool{}
	}
	o.removed[name] = true
	o.mu.Unlock()
	if err := os.Remove(o.staged(name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// FS reads the output folder as it will be once published: the staged
// files over those in place, without the removed ones.
func (o *outputs) FS() fs.FS {
	if o.staging == "" {
		return os.DirFS(o.dir)
	}
	return overlayFS{o}
}

// overlayFS is the output folder with the staged files over it (outputs.FS).
type overlayFS struct{ o *outputs }

func (v overlayFS) check(op, name string) error {
	if !fs.ValidPath(name) {
		return &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	if v.o.isRemoved(name) {
		return &fs.PathError{Op: op, Path: name, Err: fs.ErrNotExist}
	}
	return nil
}

func (v overlayFS) Open(name string) (fs.File, error) {
	if err := v.check("open", name); err != nil {
		return nil, err
	}
	if name != "." {
		if f, err := os.DirFS(v.o.staging).Open(name); err == nil {
			if st, err := f.Stat(); err == nil && !st.IsDir() {
				return f, nil
			}
			f.Close()
		}
	}
	return os.DirFS(v.o.dir).Open(name)
}

func (v overlayFS) Stat(name string) (fs.FileInfo, error) {
	if err := v.check("stat", name); err != nil {
		return nil, err
	}
	if name != "." {
		if st, err := fs.Stat(os.DirFS(v.o.staging), name); err == nil && !st.IsDir() {
			return st, nil
		}
	}
	return fs.Stat(os.DirFS(v.o.dir), name)
}

// ReadDir lists a folder's entries in place and staged (staged ones win),
// without the removed ones and temporary files, sorted by name.
func (v overlayFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if err := v.check("readdir", name); err != nil {
		return nil, err
	}
	placed, err := fs.ReadDir(os.DirFS(v.o.dir), name)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	staged, serr := fs.ReadDir(os.DirFS(v.o.staging), name)
	if serr != nil && !errors.Is(serr, fs.ErrNotExist) {
		return nil, serr
	}
	if err != nil && serr != nil {
		return nil, err
	}
	byName := map[string]fs.DirEntry{}
	for _, list := range [][]fs.DirEntry{placed, staged} {
		for _, d := range list {
			byName[d.Name()] = d
		}
	}
	var out []fs.DirEntry
	for n, d := range byName {
		if isTemp(n) || v.o.isRemoved(path.Join(name, n)) {
			continue
		}
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return out, nil
}

// isTemp tells a temporary file of writeBytes or createAtomic by its name
// (".name.123456.tmp").
func isTemp(name string) bool {
	if !strings.HasPrefix(name, ".") || !strings.HasSuffix(name, ".tmp") {
		return false
	}
	rest := strings.TrimSuffix(name, ".tmp")
	i := strings.LastIndexByte(rest, '.')
	if i <= 0 || i == len(rest)-1 {
		return false
	}
	for _, c := range rest[i+1:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
