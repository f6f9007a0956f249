// Package provenance says which input files each stage reads (InputFiles,
// StageFiles) and digests them, so that a stage's outputs carry the digest
// of what made them and a later run can tell what is stale.
//
// It may import input and form.
package provenance
