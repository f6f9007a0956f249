package main

import (
	"embed"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"
)

// template is the project synthese init writes.
//
//go:embed template
var template embed.FS

// initCommand scaffolds a new survey project.
func initCommand(stdout io.Writer) *cli.Command {
	return &cli.Command{
		Name:      "init",
		Usage:     "start a new survey project: manifest, XLSForm template (fr/ar/en labels), meetings, participants and responses files, a README",
		ArgsUsage: "DIR",
		Description: "Writes a project folder that renders straight away (one example meeting, no responses yet);\n" +
			"fill it in, then check it and make its report.\n\nExamples:\n" +
			"  synthese init surveys/2026\n" +
			"  synthese validate --data surveys/2026 && make report DATA=surveys/2026\n\n" + exitCodesHelp,
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return usageError{fmt.Sprintf("init: %v (see synthese init --help)", err)}
		},
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usageError{"init: expected one argument, the folder to create (see synthese init --help)"}
			}
			dir := c.Args().First()
			names, err := scaffold(dir)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "init: %s: %s\nnext: read %s, fill in the files, then: synthese validate --data %s && make report DATA=%s\n",
				dir, strings.Join(names, ", "), filepath.Join(dir, "README.md"), dir, dir)
			return nil
		},
	}
}

// scaffold writes the template into dir, refusing to overwrite a file.
func scaffold(dir string) ([]string, error) {
	sub, _ := fs.Sub(template, "template")
	entries, err := fs.ReadDir(sub, ".")
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if _, err := os.Stat(filepath.Join(dir, e.Name())); err == nil {
			return nil, usageError{fmt.Sprintf("init: %s already exists: choose a new folder (nothing was written)", filepath.Join(dir, e.Name()))}
		}
		names = append(names, e.Name())
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	for _, n := range names {
		b, err := fs.ReadFile(sub, n)
		if err != nil {
			return nil, err
		}
		path := filepath.Join(dir, n)
		b = []byte(strings.ReplaceAll(string(b), "THIS_FOLDER", dir))
		if err := os.WriteFile(path, b, 0o644); err != nil {
			return nil, err
		}
	}
	return names, nil
}
