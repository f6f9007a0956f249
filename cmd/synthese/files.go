package main

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
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
			return nil, fmt.Errorf("%s does not exist: run `synthese %s` first (or `synthese run`)", path, stage)
		}
		return nil, err
	}
	return bytes.NewReader(b), nil
}

// atomicFile is an output written as it is made: to a temporary file in
// the same folder, renamed over the output only when complete.
type atomicFile struct {
	f    *os.File
	path string
}

func createAtomic(path string) (*atomicFile, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return nil, err
	}
	return &atomicFile{f: f, path: path}, nil
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

// Commit puts the file in place (unless the file there has the same
// content: it is then left alone, as writeFile does).
func (a *atomicFile) Commit() error {
	if err := a.f.Close(); err != nil {
		return fmt.Errorf("%s: %w", a.path, err)
	}
	if sameContent(a.f.Name(), a.path) {
		os.Remove(a.f.Name())
		a.f = nil
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
	if err1 != nil || err2 != nil || sa.Size() != sb.Size() {
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

// outputs is the output folder on disk (stage.Outputs): each output
// written whole or not at all (writeFile, atomicFile).
type outputs struct{ dir string }

func (o outputs) Path(name string) string { return filepath.Join(o.dir, filepath.FromSlash(name)) }

func (o outputs) Read(name, stage string) (*bytes.Reader, error) {
	return readFile(o.Path(name), stage)
}

func (o outputs) Write(name string, write func(*bytes.Buffer) error) error {
	return writeFile(o.Path(name), write)
}

func (o outputs) WriteBytes(name string, content []byte) error {
	return writeBytes(o.Path(name), content)
}

func (o outputs) Create(name string) (stage.Pending, error) {
	a, err := createAtomic(o.Path(name))
	if err != nil {
		return nil, err
	}
	return a, nil
}

func (o outputs) Remove(name string) error { return os.Remove(o.Path(name)) }

func (o outputs) FS() fs.FS { return os.DirFS(o.dir) }
