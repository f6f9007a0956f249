# synthese — see README.md.
#   make report            build the tool and the synthesis of DATA into OUT
#   make test              vet and test everything (what CI runs)
#   make report DATA=path  the synthesis of your own project folder
#   make clean report LANGUAGES=en,ar   other report languages

GO     ?= go
DATA   ?= data
OUT    ?= out
BIN    := bin/synthese
LANGUAGES ?=
FLAGS  := --data $(DATA) --out $(OUT) $(if $(LANGUAGES),--languages $(LANGUAGES))

# The streaming reader maps each chunk 32 bytes at a time with AVX2 when
# the Go toolchain has the simd experiment (Go 1.26); without it, the same
# code in plain Go (same outputs, tested both ways by make test).
SIMD   := $(shell GOEXPERIMENT=simd $(GO) env GOEXPERIMENT 2>/dev/null)
GOSIMD := $(if $(SIMD),GOEXPERIMENT=simd)

GO_SOURCES := $(shell find cmd pipeline charts reports internal data -name '*.go' -not -name '*_test.go' 2>/dev/null) go.mod go.sum

.PHONY: all report test bench fuzz deps check-duckdb check-workflow clean
.DELETE_ON_ERROR:

all: report

# Pure Go, linked statically (CGO_ENABLED=0): no dynamic loader or libc
# to map at each start (~3 ms of every command here).
$(BIN): $(GO_SOURCES)
	CGO_ENABLED=0 $(GOSIMD) $(GO) build -trimpath -o $@ ./cmd/synthese

# Each stage is a file target depending on the project files it reads
# (listed by `synthese deps`) and on the stage before
# it: `make report` with nothing changed does nothing, and a changed file
# redoes only the stages that read it and those after. Outputs whose bytes
# come out the same keep their time, so the stages after them are spared.
# The stamps and the list of inputs are for one project folder and
# languages: another DATA or LANGUAGES into the same OUT redoes every stage.
# The output folder may not be the project folder (synthese refuses it too;
# this stops make before it puts its stamps there).
ifeq ($(abspath $(OUT)),$(abspath $(DATA)))
$(error OUT=$(OUT) is the project folder DATA=$(DATA): choose another output folder, such as $(DATA)/out)
endif
S := $(OUT)/.stamps
KEY := $(abspath $(DATA)) $(LANGUAGES)

$(S)/deps.mk: $(BIN) $(DATA)/synthese.yaml $(DATA)
	@mkdir -p $(S)
	@$(BIN) deps --data $(DATA) > $@.tmp && mv $@.tmp $@

ifeq ($(filter clean deps test bench fuzz check-workflow,$(MAKECMDGOALS)),)
ifneq ($(shell cat $(S)/key 2>/dev/null),$(KEY))
$(shell rm -rf $(S) && mkdir -p $(S) && echo '$(KEY)' > $(S)/key)
endif
-include $(S)/deps.mk
endif

# A stage's stamp records when it last ran; the stages after it depend on
# its outputs, whose times change only when their bytes do. A stage with
# an output gone runs again.
gone = $(if $(filter-out $(wildcard $(2)),$(2)),$(shell rm -f $(S)/$(1)))
$(call gone,ingest,$(addprefix $(OUT)/,parquet/responses.parquet parquet/attendance.parquet quality.json rejects.csv))
$(call gone,aggregate,$(addprefix $(OUT)/parquet/,results.parquet tests.parquet participation.parquet participants.parquet))
$(call gone,charts,$(OUT)/charts/$(or $(CHARTS_MARK),.))
$(call gone,report,$(OUT)/synthese.pdf)
$(S)/ingest: $(BIN) $(INGEST_INPUTS)
	$(BIN) ingest $(FLAGS)
	@mkdir -p $(S) && touch $@
$(OUT)/parquet/responses.parquet $(OUT)/parquet/attendance.parquet $(OUT)/quality.json: $(S)/ingest ;

$(S)/aggregate: $(BIN) $(OUT)/parquet/responses.parquet $(OUT)/parquet/attendance.parquet $(AGGREGATE_INPUTS)
	$(BIN) aggregate $(FLAGS) --quiet
	@touch $@
$(OUT)/parquet/results.parquet $(OUT)/parquet/tests.parquet $(OUT)/parquet/participation.parquet $(OUT)/parquet/participants.parquet: $(S)/aggregate ;

$(S)/charts: $(BIN) $(OUT)/parquet/results.parquet $(OUT)/parquet/participation.parquet $(CHARTS_INPUTS)
	$(BIN) charts $(FLAGS) --quiet
	@touch $@

$(S)/report: $(BIN) $(S)/charts $(OUT)/parquet/results.parquet $(OUT)/parquet/tests.parquet $(OUT)/parquet/participants.parquet \
		$(OUT)/parquet/participation.parquet $(OUT)/parquet/attendance.parquet $(OUT)/quality.json $(REPORT_INPUTS)
	$(BIN) report $(FLAGS)
	@touch $@

report: $(S)/report
	@echo "PDF: $(abspath $(OUT)/synthese.pdf)"

test: check-workflow
	$(GO) vet ./...
	$(GO) test -count=1 ./...
	$(if $(SIMD),GOEXPERIMENT=simd $(GO) vet ./pipeline/... && GOEXPERIMENT=simd $(GO) test -count=1 ./pipeline/ingest/... ./cmd/...)

# make bench: the figures of BENCHMARKS.md on a generated survey of
# BENCH_ROWS responses (ratios to a byte scan and to DuckDB measured in the
# same run), then the Go benchmarks of the hot functions (compare two runs
# with benchstat); it fails at the end when a figure is past its regression
# guard (something regressed: see BENCHMARKS.md). DuckDB is a separate cgo module (bench/duckdb), built
# here, never part of make test.
BENCH_ROWS ?= 10000000
BENCH_FLAGS ?=
bench: $(BIN) bin/duckdb-bench
	@$(GO) run ./bench/run -rows $(BENCH_ROWS) $(BENCH_FLAGS); figures=$$?; \
	$(GOSIMD) $(GO) test -run '^$$' -bench . -benchmem ./... && exit $$figures

bin/duckdb-bench: bench/duckdb/main.go bench/duckdb/go.mod
	cd bench/duckdb && CGO_ENABLED=1 $(GO) build -o ../../bin/duckdb-bench .

FUZZTIME ?= 60s
# Each fuzzer with its package (go test -fuzz takes one target at a time).
FUZZERS  := FuzzFold:input FuzzSplitMultiple:responses FuzzReadTables:input FuzzXLSX:input FuzzXLS:input FuzzCSVRoundTrip:input \
	FuzzManifest:form FuzzXLSXRoundTrip:input FuzzStreamMatchesReference:ingest FuzzRedact:redact \
	FuzzRelevance:relevance FuzzQuestionnaire:form

# Each fuzzer runs FUZZTIME.
fuzz:
	@for fp in $(FUZZERS); do f=$${fp%%:*}; p=$${fp#*:}; echo "== $$f ($(FUZZTIME), pipeline/$$p)"; \
	$(GOSIMD) $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 5s ./pipeline/$$p || exit 1; done

# Tools some tests use to read the PDF back (CI installs them through .ci/run).
deps:
	@command -v pdftotext >/dev/null || (apt-get update -qq && apt-get install -y -qq poppler-utils)

# DuckDB, an independent Parquet reader (npm), reads results.parquet and its
# pct must equal the figures printed in the original report.
check-duckdb: $(OUT)/parquet/results.parquet
	cd .ci/duckdb && npm install --no-audit --no-fund --silent
	node .ci/duckdb/check.mjs $(OUT)/parquet/results.parquet $(DATA)/published.csv

# The CI workflow, validated by GitHub's own workflow parser (npm): the
# repository's workflows must pass, a broken one must not.
check-workflow:
	@cd .ci/workflow && npm install --no-audit --no-fund --silent >/dev/null
	node .ci/workflow/check.mjs .github/workflows/*.yml
	@if node .ci/workflow/check.mjs .ci/workflow/invalid.yml >/dev/null 2>&1; then echo "check-workflow: a broken workflow passed the check"; exit 1; fi

clean:
	rm -rf $(OUT) bin
