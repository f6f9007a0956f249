//go:build unix

package ingest

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/synthese-project/synthese/pipeline/form"
	"github.com/synthese-project/synthese/pipeline/input"
)

// A response file that is not a regular file is refused at once: a named
// pipe (opening it would wait for a writer forever), a link to a device
// that never ends.
func TestNotRegularFilesRefused(t *testing.T) {
	dir := t.TempDir()
	fsys := fuzzProject(nil)
	for name, f := range fsys {
		if name != "responses.csv" {
			if err := os.WriteFile(filepath.Join(dir, name), f.Data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "responses.csv"), 0o644); err != nil {
		t.Skip("no named pipes here:", err)
	}
	check := func(what string) {
		p, err := form.LoadProject(os.DirFS(dir))
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { _, err := Ingest(p); done <- err }()
		select {
		case err := <-done:
			if !input.IsInputError(err) || !strings.Contains(err.Error(), "responses.csv") || !strings.Contains(err.Error(), what) {
				t.Fatalf("%v: want an input error saying %q", err, what)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: still reading after 10 s", what)
		}
	}
	check("a named pipe, not a file")
	os.Remove(filepath.Join(dir, "responses.csv"))
	if err := os.Symlink("/dev/zero", filepath.Join(dir, "responses.csv")); err != nil {
		t.Fatal(err)
	}
	check("a device, not a file")
}
