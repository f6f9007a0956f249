// Package data embeds the default project: the 2020 Regional Meetings on
// Social Innovation (see README.md in this folder). synthese uses it when no
// project folder is given, so the binary alone reproduces the reference report.
package data

import "embed"

// FS holds the manifest and every file it names.
//
//go:embed synthese.yaml *.csv
var FS embed.FS
