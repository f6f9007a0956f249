// Package stream is the streaming reader of CSV response exports, an
// implementation detail of ingest: files read in chunks on every core,
// each record's closed cells resolved through per-column caches (a fast
// path for plain records), counts merged into a tally, rows written to
// responses.parquet, and duplicate submissions found from fingerprints
// spilled to disk and taken out afterwards (patch.go). It gives what the
// reference reader gives, byte for byte (tests in ingest).
//
// It may import input, form, tally, store, responses and ingest/internal/scan.
package stream
