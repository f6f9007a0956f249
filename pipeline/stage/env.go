package stage

import (
	"bytes"
	"io"
	"io/fs"
	"time"

	"github.com/synthese-project/synthese/pipeline/form"
	"github.com/synthese-project/synthese/pipeline/tally"
)

// Outputs is the output folder as the stages see it. Names are
// slash-separated and relative to it ("parquet/results.parquet"). The
// command gives one backed by files, each written whole or not at all, and
// all of a command's outputs published together once it has succeeded (a
// failed command changes none); tests may give another. Its methods are
// called from several goroutines at once (the charts are drawn and written
// on every core). What a stage
// writes or removes is seen at once by the reads of the stages after it
// (Read, FS), whether or not it has reached the folder yet.
type Outputs interface {
	// Path is where name is, to quote in messages (once published).
	Path(name string) string
	// Read reads an output that stage writes; when it is missing the
	// error says to run that stage first.
	Read(name, stage string) (*bytes.Reader, error)
	// Write writes name with what write puts in the buffer, whole or not
	// at all; a file that already holds those bytes is left alone (its
	// time too).
	Write(name string, write func(*bytes.Buffer) error) error
	// WriteBytes is Write of bytes made already.
	WriteBytes(name string, content []byte) error
	// Create starts name, written as it is made and put in place by
	// Commit only (never left partly written).
	Create(name string) (Pending, error)
	// Remove removes an output (with the others: the file stays until the
	// command's outputs are published).
	Remove(name string) error
	// FS reads the folder as the command's outputs will leave it (to list
	// outputs).
	FS() fs.FS
}

// Pending is an output being written (see Outputs.Create).
type Pending interface {
	// Reset empties it and returns it for writing from the start (an
	// io.ReaderAt too when it can be read back).
	Reset() (io.Writer, error)
	// Commit puts it in place.
	Commit() error
	// Abort drops it unless it was committed.
	Abort()
}

// Env is what every stage needs: the project, where outputs go, the
// document date and the version written into them, and where to say what
// happened. The command makes it from its flags; stages never read the
// environment, the clock or the command line.
type Env struct {
	Project *form.Project
	Out     Outputs
	Now     time.Time // the document's date
	Version string    // the tool's, written into the PDF
	Quiet   bool      // print only errors
	Stdout  io.Writer // where the PDF's path is printed
	// Logf says what happened (nil: nothing is said).
	Logf func(format string, a ...any)
	// Progress, when set, starts a progress bar: update is told the bytes
	// done and their total, done ends it.
	Progress func(what string) (update func(done, total int64), done func())
	// Digests gives each stage's input digest (provenance.StageDigests);
	// the report carries the whole run's.
	Digests func() (map[string]string, error)
	// Pipeline: the stages run in one process (synthese run): the report
	// starts from the charts' sizes while they are drawn.
	Pipeline bool
	// CountingGC: while counting only (Count), collect when the heap has
	// doubled (unset when the user chose GOGC).
	CountingGC bool

	tally   *tally.Tally   // the counts, when ingest ran in this process
	pending *pendingCharts // the charts being drawn (Pipeline)
	jobs    []chartJob     // the report's charts, once listed
}

func (e *Env) logf(format string, a ...any) {
	if !e.Quiet && e.Logf != nil {
		e.Logf(format, a...)
	}
}

func (e *Env) progress(what string) (func(done, total int64), func()) {
	if e.Progress == nil {
		return nil, func() {}
	}
	return e.Progress(what)
}

// Settle waits until nothing the stages started is still writing (the
// charts being drawn in a run): the command then publishes, or drops, the
// outputs whole.
func (e *Env) Settle() {
	if e.pending != nil {
		e.pending.wait()
	}
}

// Tally is the counts of the responses once Ingest, Count or Aggregate ran
// in this process (nil before).
func (e *Env) Tally() *tally.Tally { return e.tally }
