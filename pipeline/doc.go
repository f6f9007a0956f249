// Package pipeline is the root of the packages that turn a project folder
// into tables: it holds no code. Its packages, from the bottom up (each
// imports only packages listed before it; layers_test.go checks this):
//
//	redact      what user text goes through before it is written out:
//	            personal data replaced by markers, spreadsheet formulas
//	            neutralised in every CSV
//	input       reading what the user gave: text encodings, CSV and XLSX
//	            into tables, text folding, errors naming file, line, column
//	stats       the statistics: Wilson intervals, largest remainder, χ²
//	            and its Monte Carlo p-value, exact sums, Kish's n
//	form        the domain model: questionnaire, manifest, meetings,
//	            narrative, respondent, and Project (a loaded project folder)
//	tally       counts → shares, intervals, tests of independence
//	people      participant lists → people, organisation types, cities,
//	            participation
//	provenance  which input files each stage reads, and their digests
//	store       the Parquet (and CSV, JSON) files carried between stages
//	responses   the reference reader of response exports: which column is
//	            which question, which value which choice, rows → respondents
//	ingest      the ingest stage: every response file (streaming reader or
//	            reference reader), lists, narrative, quality, validation
//	gen         generated surveys for benchmarks and scale tests
//	stage       the stages over an output folder (above charts and reports)
//
// Nothing here reads the environment, the clock or the command line, or
// exits: cmd/synthese does that, and gives stage the output folder.
package pipeline
