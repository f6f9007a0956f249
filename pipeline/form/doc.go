// Package form is the domain model: the XLSForm questionnaire (questions,
// choice lists, labels by language, groups and repeats, read as pyxform
// reads a form: see sheets.go, kinds.go, languages.go), the manifest
// (synthese.yaml), meetings and attendance rows, the narrative (recommendations), the Respondent
// that readers produce, and Project: a project folder loaded and checked
// (manifest, questionnaire and meetings agreeing with each other).
//
// It may import input (tables and errors) and nothing else of this module.
package form
