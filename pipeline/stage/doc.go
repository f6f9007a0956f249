// Package stage runs the stages of a report over a project and an output
// folder: Ingest (responses.parquet, attendance, rejects, quality), Count
// (counts only, straight to results.parquet), Aggregate (results, tests,
// people, participation), Charts (a PNG per chart, on every core) and
// Report (the PDF; in a run it starts from the charts' sizes while they are
// drawn). Each reads the outputs of the stages before it and writes its own
// through Outputs, whole or not at all; the command gives the folder, the
// clock and where to log (Env), and decides the exit status.
//
// It sits above everything but cmd/synthese: it may import the pipeline's
// packages (not ingest's internals), charts, reports and internal/par.
package stage
