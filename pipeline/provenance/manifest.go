package provenance

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/parquet-go/parquet-go"

	"github.com/synthese-project/synthese/pipeline/form"
)

// ManifestFile is the provenance manifest a run leaves in the output folder.
const ManifestFile = "manifest.json"

// RunManifest is out/manifest.json: what a run was made from and what it
// made, each file with its SHA-256.
type RunManifest struct {
	Tool        string            `json:"tool"`
	Version     string            `json:"version"`
	InputDigest string            `json:"input_digest"` // the report stage's: of the whole run
	Stages      map[string]string `json:"stages"`       // each stage's input digest
	Options     []string          `json:"options"`
	Inputs      []FileDigest      `json:"inputs"`
	Outputs     []FileDigest      `json:"outputs"`
}

// outputNames are the files a run makes, relative to the output folder
// (charts are matched by pattern).
var outputNames = []string{"parquet/responses.parquet", "parquet/attendance.parquet", "parquet/results.parquet",
	"parquet/tests.parquet", "parquet/participants.parquet", "parquet/participation.parquet",
	"rejects.csv", "quality.json", "merges.csv", "synthese.pdf"}

// IsOutput tells whether name (slash-separated, relative to the output
// folder) is a file a run writes there: an output, a chart or the manifest.
func IsOutput(name string) bool {
	if name == ManifestFile || slices.Contains(outputNames, name) {
		return true
	}
	chart, _ := path.Match("charts/*.png", name)
	return chart
}

// OutputsIn lists the outputs present in an output folder, sorted.
func OutputsIn(out fs.FS) ([]string, error) {
	var names []string
	for _, n := range outputNames {
		if _, err := fs.Stat(out, n); err == nil {
			names = append(names, n)
		}
	}
	charts, err := fs.Glob(out, "charts/*.png")
	if err != nil {
		return nil, err
	}
	names = append(names, charts...)
	sort.Strings(names)
	return names, nil
}

// NewRunManifest describes a run of p from its inputs' digests and the
// outputs in the output folder.
func NewRunManifest(p *form.Project, version string, inputs []FileDigest, out fs.FS) (*RunManifest, error) {
	names, err := OutputsIn(out)
	if err != nil {
		return nil, err
	}
	outs, err := DigestFiles(out, names)
	if err != nil {
		return nil, err
	}
	stages, err := StageDigests(p, inputs)
	if err != nil {
		return nil, err
	}
	return &RunManifest{Tool: "synthese", Version: version, InputDigest: stages[StageReport], Stages: stages,
		Options: Options(p), Inputs: inputs, Outputs: outs}, nil
}

// Write writes the manifest as indented JSON.
func (m *RunManifest) Write(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(m)
}

// ReadRunManifest reads a manifest.json.
func ReadRunManifest(b []byte) (*RunManifest, error) {
	m := &RunManifest{}
	if err := json.Unmarshal(b, m); err != nil {
		return nil, err
	}
	return m, nil
}

// Staleness compares a run's manifest with the project as it is now (its
// inputs' digests, now) and the outputs as they are in the output folder;
// it returns what differs, one line each.
func Staleness(p *form.Project, m *RunManifest, now []FileDigest, out fs.FS) ([]string, error) {
	var diffs []string
	expected, err := StageDigests(p, now)
	if err != nil {
		return nil, err
	}
	was := map[string]FileDigest{}
	for _, f := range m.Inputs {
		was[f.Path] = f
	}
	for _, f := range now {
		old, ok := was[f.Path]
		switch {
		case !ok:
			diffs = append(diffs, fmt.Sprintf("input %s is new (not in the report's inputs)", f.Path))
		case old.SHA256 != f.SHA256:
			diffs = append(diffs, fmt.Sprintf("input %s changed (%d bytes, was %d; sha256 %.12s…, was %.12s…)", f.Path, f.Bytes, old.Bytes, f.SHA256, old.SHA256))
		}
		delete(was, f.Path)
	}
	for _, f := range m.Inputs {
		if _, ok := was[f.Path]; ok {
			diffs = append(diffs, fmt.Sprintf("input %s is gone (the report was made with it)", f.Path))
		}
	}
	if opts := Options(p); !slices.Equal(opts, m.Options) {
		diffs = append(diffs, fmt.Sprintf("options differ: now %s, the report's %s", strings.Join(opts, " "), strings.Join(m.Options, " ")))
	}
	for _, f := range m.Outputs {
		b, err := fs.ReadFile(out, f.Path)
		if err != nil {
			diffs = append(diffs, fmt.Sprintf("output %s is missing", f.Path))
			continue
		}
		if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != f.SHA256 {
			diffs = append(diffs, fmt.Sprintf("output %s was changed after the run (sha256 %.12s…, the manifest says %.12s…)", f.Path, hex.EncodeToString(sum[:]), f.SHA256))
			continue
		}
		stage := StageOf(strings.TrimSuffix(path.Base(f.Path), path.Ext(f.Path)))
		if carried := CarriedDigest(f.Path, b); carried != "" && carried != expected[stage] {
			diffs = append(diffs, fmt.Sprintf("output %s was made from other inputs (digest %.12s…, now %.12s…): run `synthese %s` again", f.Path, carried, expected[stage], stage))
		}
	}
	return diffs, nil
}

// PDFInfoKey names the input digest in a report's document information.
const PDFInfoKey = "/SyntheseInputDigest"

// PDFDigestOf returns the input digest a report carries ("" if none).
func PDFDigestOf(pdf []byte) string {
	const key = PDFInfoKey + " ("
	i := bytes.LastIndex(pdf, []byte(key))
	if i < 0 {
		return ""
	}
	rest := pdf[i+len(key):]
	j := bytes.IndexByte(rest, ')')
	if j < 0 || j > 128 {
		return ""
	}
	return string(rest[:j])
}

// CarriedDigest is the input digest an output carries in its metadata
// (Parquet key-value metadata, PDF document information), or "".
func CarriedDigest(name string, b []byte) string {
	switch path.Ext(name) {
	case ".pdf":
		return PDFDigestOf(b)
	case ".parquet":
		f, err := parquet.OpenFile(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return ""
		}
		d, _ := f.Lookup(InputDigestKey)
		return d
	}
	return ""
}
