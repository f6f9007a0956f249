package provenance

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"github.com/synthese-project/synthese/pipeline/form"
	"github.com/synthese-project/synthese/pipeline/input"
	"io"
	"io/fs"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
)

// Provenance: which bytes a report was made from. Every output carries
// the digest of its inputs (InputDigest: Parquet key-value metadata, the
// PDF's document information, out/manifest.json), so a report can be
// checked against its data (synthese check).

// inputDigest gives the input digest written into a file ("responses",
// "results", …: the file's name without .parquet); set by the command,
// like Version. It is asked for when the file's metadata is written, so
// the command may still be hashing the inputs while they are read.
var inputDigest func(file string) string

// InputDigestKey names the digest in Parquet key-value metadata.
const InputDigestKey = "synthese.input_digest"

// SetInputDigest sets what gives the input digests written into files.
func SetInputDigest(f func(file string) string) { inputDigest = f }

// CurrentInputDigest is the input digest to write into file (see
// SetInputDigest), "" when none is set.
func CurrentInputDigest(file string) string {
	if inputDigest == nil {
		return ""
	}
	return inputDigest(file)
}

// The stages of a run, in order; each reads some of the project's files
// and the outputs of the stages before it.
const (
	StageIngest    = "ingest"
	StageAggregate = "aggregate"
	StageCharts    = "charts"
	StageReport    = "report"
)

// Stages lists the stages in order.
var Stages = []string{StageIngest, StageAggregate, StageCharts, StageReport}

// StageOf is the stage that writes an output file (by its name without
// extension).
func StageOf(file string) string {
	switch file {
	case "responses", "attendance", "rejects", "quality":
		return StageIngest
	case "results", "tests", "participants", "participation", "merges":
		return StageAggregate
	case "synthese":
		return StageReport
	}
	return StageCharts
}

// FileDigest is one file's SHA-256.
type FileDigest struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
	Bytes  int64  `json:"bytes"`
}

// InputFiles lists the project's input files: the manifest and every file
// it names (questionnaire, responses, participant lists, meetings,
// narrative, participant rules), sorted, each once.
func InputFiles(p *form.Project) ([]string, error) {
	var all []string
	for _, st := range Stages {
		f, err := StageFiles(p, st)
		if err != nil {
			return nil, err
		}
		all = append(all, f...)
	}
	sort.Strings(all)
	return slices.Compact(all), nil
}

// StageFiles lists the project files a stage reads itself (sorted): every
// stage reads the manifest, the questionnaire and the meetings; ingest the
// responses, participant lists and narrative (for its checks); aggregate
// the participant rules; report the narrative and the rules (place names).
func StageFiles(p *form.Project, stage string) ([]string, error) {
	m := p.Manifest
	files := []string{form.ManifestName, m.Questionnaire.XLSForm, m.Questionnaire.Survey, m.Questionnaire.Choices,
		m.Questionnaire.Settings, m.Meetings}
	rules := []string{m.ParticipantRules.OrgTypes, m.ParticipantRules.Cities, m.ParticipantRules.Merges}
	switch stage {
	case StageIngest:
		for _, group := range []struct {
			key      string
			patterns []string
		}{{"responses", m.Responses}, {"participants", m.Participants}} {
			names, err := p.Expand(group.key, group.patterns)
			if err != nil {
				return nil, err
			}
			files = append(files, names...)
		}
		files = append(files, m.Narrative.Recommendations)
	case StageAggregate:
		files = append(files, rules...)
	case StageCharts:
	case StageReport:
		files = append(append(files, m.Narrative.Recommendations), rules...)
	default:
		return nil, fmt.Errorf("no stage %q", stage)
	}
	files = slices.DeleteFunc(files, func(s string) bool { return s == "" })
	sort.Strings(files)
	return slices.Compact(files), nil
}

// StageDigests are the input digest of each stage: of the files it reads,
// the options, and the digest of the stage before it (whose outputs it
// reads). The report's is the digest of the whole run.
func StageDigests(p *form.Project, inputs []FileDigest) (map[string]string, error) {
	byPath := map[string]FileDigest{}
	for _, f := range inputs {
		byPath[f.Path] = f
	}
	out := map[string]string{}
	prev := ""
	for _, st := range Stages {
		names, err := StageFiles(p, st)
		if err != nil {
			return nil, err
		}
		var files []FileDigest
		for _, n := range names {
			f, ok := byPath[n]
			if !ok {
				return nil, fmt.Errorf("%s: not hashed", n)
			}
			files = append(files, f)
		}
		prev = DigestOf(st, files, Options(p), prev)
		out[st] = prev
	}
	return out, nil
}

// DigestFiles hashes files of fsys, on every core.
func DigestFiles(fsys fs.FS, paths []string) ([]FileDigest, error) {
	return DigestFilesKnown(fsys, paths, nil)
}

// DigestFilesKnown is DigestFiles taking the digests known gives (a cache
// the caller trusts) instead of reading those files.
func DigestFilesKnown(fsys fs.FS, paths []string, known func(path string) (FileDigest, bool)) ([]FileDigest, error) {
	out := make([]FileDigest, len(paths))
	errs := make([]error, len(paths))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(1, len(paths))) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if known != nil {
					if d, ok := known(paths[i]); ok {
						out[i] = d
						continue
					}
				}
				out[i], errs[i] = digestFile(fsys, paths[i])
			}
		}()
	}
	for i := range paths {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

func digestFile(fsys fs.FS, path string) (FileDigest, error) {
	if err := form.Regular(fsys, path); err != nil {
		return FileDigest{}, err
	}
	f, err := fsys.Open(path)
	if err != nil {
		return FileDigest{}, &input.InputError{File: path, Msg: "cannot read", Err: err}
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return FileDigest{}, &input.InputError{File: path, Msg: "cannot read", Err: err}
	}
	return FileDigest{Path: path, SHA256: hex.EncodeToString(h.Sum(nil)), Bytes: n}, nil
}

// DigestOf is the digest of a stage's inputs: its files' paths and
// SHA-256, the options that change what is made (such as the languages)
// and the digest of the stage before it.
func DigestOf(stage string, files []FileDigest, options []string, previous string) string {
	h := sha256.New()
	fmt.Fprintf(h, "synthese inputs 1\nstage\t%s\nprevious\t%s\n", stage, previous)
	for _, f := range files {
		fmt.Fprintf(h, "file\t%s\t%s\n", f.Path, f.SHA256)
	}
	for _, o := range options {
		fmt.Fprintf(h, "option\t%s\n", strings.ReplaceAll(o, "\n", " "))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Options are the settings outside the project folder that change the
// outputs (part of the input digest).
func Options(p *form.Project) []string {
	return []string{"languages=" + strings.Join(p.Manifest.Languages, ","), "encoding=" + cmp.Or(string(p.Read.Encoding), "auto")}
}
