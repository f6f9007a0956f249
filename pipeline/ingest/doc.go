// Package ingest is the ingest stage: it reads every response file of a
// project (with the streaming reader, ingest/internal/stream, or the
// reference reader of package responses when a file is not for it), the
// participant lists and the narrative, and gives Ingested: counts, rejects,
// the quality summary (quality.json). Validate reads a project the same way
// and lists every problem without making anything. Rejects keep the values
// as typed; rejects.csv and quality.json show them redacted (package
// redact), so the two readers are compared on what they read.
//
// It may import redact, input, form, tally, people, store, responses and its own
// internal packages.
package ingest
