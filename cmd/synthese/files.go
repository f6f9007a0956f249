package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
)

// writeFile writes path atomically: the content goes to a temporary file in
// the same folder, which replaces path only once complete, so a failure never
// leaves a partial output.
func writeFile(path string, write func(*bytes.Buffer) error) error {
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	if _, err := tmp.Write(buf.Bytes()); err != nil {
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
