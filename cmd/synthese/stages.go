package main

import (
	"bytes"

	"github.com/synthese-project/synthese/pipeline"
)

func ingest(e *env) error {
	p := e.project
	in, err := p.Ingest()
	if err != nil {
		return err
	}
	if err := writeFile(e.out("parquet", "responses.parquet"), func(b *bytes.Buffer) error {
		return pipeline.WriteResponses(b, p.Questionnaire, p.Manifest.MeetingQuestion, in.Responses.Respondents)
	}); err != nil {
		return err
	}
	if err := writeFile(e.out("parquet", "attendance.parquet"), func(b *bytes.Buffer) error {
		return pipeline.WriteAttendance(b, in.Attendance)
	}); err != nil {
		return err
	}
	if err := writeFile(e.out("rejects.csv"), func(b *bytes.Buffer) error {
		return pipeline.WriteRejects(b, in.Rejects())
	}); err != nil {
		return err
	}
	e.logf("ingest: %d response rows read, %d respondents kept, %d attendance rows, %d rejects (see %s)",
		in.Responses.RowsRead, len(in.Responses.Respondents), len(in.Attendance), len(in.Rejects()), e.out("rejects.csv"))
	return nil
}

func aggregate(e *env) error {
	p := e.project
	r, err := readFile(e.out("parquet", "responses.parquet"), "ingest")
	if err != nil {
		return err
	}
	respondents, err := pipeline.ReadResponsesParquet(r, r.Size(), p.Questionnaire, p.Manifest.MeetingQuestion)
	if err != nil {
		return err
	}
	rows, err := pipeline.Aggregate(p.Questionnaire, p.Manifest.MeetingQuestion, respondents, p.Manifest.SmallCell)
	if err != nil {
		return err
	}
	if err := writeFile(e.out("parquet", "results.parquet"), func(b *bytes.Buffer) error {
		return pipeline.WriteResults(b, rows)
	}); err != nil {
		return err
	}
	e.logf("aggregate: %d result rows for %d respondents", len(rows), len(respondents))
	return nil
}

func charts(e *env) error { return nil }

func report(e *env) error { return nil }
