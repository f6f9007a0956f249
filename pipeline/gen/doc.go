// Package gen writes generated projects (questionnaire, meetings and a
// responses file of any size, optionally with repeated submissions) for
// benchmarks, scale tests and `synthese gen`.
//
// It may import form and internal/i18n.
package gen
