# deid: see README.md. Every target runs on a fresh clone with what .ci/run installs.
GO        ?= go
BIN       := bin/deid
VERSION   ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -X main.version=$(VERSION)
DEMO_DIR  ?= build/demo
# A fixed, public demo key: the demo's data is synthetic. Real runs take the
# key from the environment (DEID_KEY) or a key file, never from here.
DEMO_KEY  ?= 6465696420646f6e6f742075736520746869732064656d6f206b657920666f72207265616c2064617461
# The demo partner's AES-256 key (base64, 32 bytes), equally public.
DEMO_OUTPUT_KEY ?= ZGVtbyBwYXJ0bmVyIGtleSAtIG5vdCBmb3IgdXNlISE=
# Fuzz budgets are execution counts, not durations: on Go 1.26 a duration
# budget can end in a spurious "context deadline exceeded" with no failing
# input (golang/go#75804, fixed in Go 1.27), which turned CI red. A count has
# no deadline to race. FUZZ_EXECS is each target's budget; FUZZ_SLOW are the
# targets slowest per execution in timed runs (159 to 1,800 per second, against
# 4,800 to 28,000 for the rest) and get a tenth of it. FUZZTIME (a count such
# as 500000x, or a duration) overrides every target's budget for a longer run.
FUZZ_EXECS ?= 50000
FUZZ_SLOW  := FuzzReadParquet FuzzDecryptParquet FuzzLoad FuzzReadJSONL
FUZZTIME  ?=
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
SHARED    ?= ../shared

.PHONY: all build test race identical demo bench lint fuzz model eval eval-dev dist clean

all: build

build:
	$(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/deid

test:
	$(GO) test -count=1 ./...

# The race detector over the whole module, as CI runs it (.ci/run). The
# corrupt-Parquet cases that trip -race's checkptr inside parquet-go are
# left out under -race beside them (raceEnabled, source/race_on_test.go).
# -timeout: on a busy machine pipeline's and cmd/deid's test binaries can
# pass go test's default 10 minutes under -race (docs/performance.md).
race:
	$(GO) test -race -count=1 -timeout 30m ./...

# Extract outputs of this tree byte for byte against an older deid, for a
# change that claims to leave them alone: make identical BASE=/tmp/base/deid
# [IDENTICAL_SIZES="10 100"]. Build BASE the same way (plain `go build
# ./cmd/deid`): the tool version is written into manifest.json.
IDENTICAL_SIZES ?= 10
identical:
	@test -n "$(BASE)" || { echo "make identical BASE=path/to/older/deid"; exit 2; }
	$(GO) build -o bin/deid-identical ./cmd/deid
	scripts/identical.sh $(BASE) bin/deid-identical $(IDENTICAL_SIZES)

# The binaries a partner downloads (verify, decrypt): no Go needed on their
# side. Static (CGO_ENABLED=0), so one file runs on any machine of that OS
# and architecture; -trimpath keeps build paths out of them.
DIST_DIR       ?= dist
DIST_PLATFORMS ?= linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64
dist:
	rm -rf $(DIST_DIR)
	mkdir -p $(DIST_DIR)
	@set -e; for p in $(DIST_PLATFORMS); do \
		os=$${p%/*}; arch=$${p#*/}; ext=; [ "$$os" != windows ] || ext=.exe; \
		echo "build $$os/$$arch"; \
		CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) build -trimpath -ldflags "$(LDFLAGS)" \
			-o $(DIST_DIR)/deid-$$os-$$arch$$ext ./cmd/deid; \
	done
	cd $(DIST_DIR) && { sha256sum deid-* 2>/dev/null || shasum -a 256 deid-*; } > SHA256SUMS
	@echo "$(DIST_DIR)/ (deid $(VERSION)):"; ls -l $(DIST_DIR)

demo: build
	rm -rf $(DEMO_DIR)
	$(BIN) synth --patients 300 --seed 2024 --out $(DEMO_DIR)/snapshot
	DEID_KEY=$${DEID_KEY:-$(DEMO_KEY)} DEID_OUTPUT_KEY=$${DEID_OUTPUT_KEY:-$(DEMO_OUTPUT_KEY)} \
		$(BIN) extract --profile fixtures/profiles/university.yaml --in $(DEMO_DIR)/snapshot --out $(DEMO_DIR)/out
	@printf '%s' "$${DEID_OUTPUT_KEY:-$(DEMO_OUTPUT_KEY)}" > $(DEMO_DIR)/partner.key
	DEID_KEY=$${DEID_KEY:-$(DEMO_KEY)} DEID_OUTPUT_KEY=$${DEID_OUTPUT_KEY:-$(DEMO_OUTPUT_KEY)} \
		$(BIN) verify $(DEMO_DIR)/out/university --source $(DEMO_DIR)/snapshot --key-env DEID_KEY --decrypt-key-env DEID_OUTPUT_KEY
	@echo
	@echo "Parquet files (AES-256-GCM encrypted): $(DEMO_DIR)/out/university/"
	@echo "Partner key (demo only):               $(DEMO_DIR)/partner.key"
	@echo "Run report:                            $(DEMO_DIR)/out/university/report.json"
	@echo "Read it as a partner: python3 -c 'import base64,pyarrow.parquet as pq,pyarrow.parquet.encryption as pe; k=base64.b64decode(open(\"$(DEMO_DIR)/partner.key\").read()); print(pq.read_table(\"$(DEMO_DIR)/out/university/outcomes\", decryption_properties=pe.create_decryption_properties(footer_key=k)).to_pandas().describe())'"
	@echo
	@cat $(DEMO_DIR)/out/university/report.json

lint:
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

fuzz:
	@for t in $$(grep -rl --include='*_test.go' '^func Fuzz' . | xargs -n1 dirname | sort -u); do \
		for f in $$(grep -h '^func Fuzz' $$t/*_test.go | sed 's/func \(Fuzz[A-Za-z0-9_]*\).*/\1/'); do \
			n=$(FUZZ_EXECS); case " $(FUZZ_SLOW) " in *" $$f "*) n=$$(( $(FUZZ_EXECS) / 10 ));; esac; \
			budget=$${n}x; [ -z "$(FUZZTIME)" ] || budget=$(FUZZTIME); \
			echo "fuzz $$t $$f $$budget"; \
			$(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $$budget -fuzzminimizetime 2s $$t || exit 1; \
		done; \
	done

BENCH_SIZES ?= 100,1000
# Rounds per size; each run keeps its fastest time and highest peak RSS.
BENCH_REPEAT ?= 3
bench: build
	$(GO) test -run '^$$' -bench . -benchmem ./redact/... ./source ./pipeline/...
	$(GO) build -o bin/deid-bench ./cmd/deid-bench
	@# deid redact's 2-core scaling on short turns; 200,000 lines so that
	@# start-up (about 0.5 s, serial) does not set the ratio. It runs first:
	@# the extract bench's "bench:" line stays the last line (a contract).
	bin/deid-bench redact-scaling --deid $(BIN) --turns $(SHARED)/eval/dialogue/annomi.jsonl --lines 200000 --repeat $(BENCH_REPEAT) --dir build/bench
	bin/deid-bench --deid $(BIN) --sizes $(BENCH_SIZES) --repeat $(BENCH_REPEAT) --dir build/bench --cpuprofile build/bench/cpu.pprof

# The NER model's training corpora (MODEL_CARD.md): the TRAIN pool of
# ../shared/eval. NER_SA_CORPORA are the share-alike ones (CC BY-SA): with
# them the weights are CC BY-SA; `make model NER_SA_CORPORA=` leaves them
# out. DEV splits (wikigold, btc_h, uner_ewt_test) are never listed here.
NER_CORPORA    ?= wnut17=$(SHARED)/eval/wnut17_train.jsonl wnut17=$(SHARED)/eval/wnut17_dev.jsonl \
	btc=$(SHARED)/eval/ner/btc_a.jsonl btc=$(SHARED)/eval/ner/btc_b.jsonl btc=$(SHARED)/eval/ner/btc_e.jsonl \
	btc=$(SHARED)/eval/ner/btc_f.jsonl btc=$(SHARED)/eval/ner/btc_g.jsonl
NER_SA_CORPORA ?= uner=$(SHARED)/eval/ner/uner_ewt_dev.jsonl uner=$(SHARED)/eval/ner/uner_pud.jsonl

model:
	GOMAXPROCS=1 $(GO) run ./cmd/deid train $(addprefix --corpus ,$(NER_CORPORA) $(NER_SA_CORPORA)) \
		--synth-patients 400 --synth-seed 1000000 --lower-share 0.5 --epochs 10 --seed 1 --out redact/ner/model.bin

eval: build
	$(BIN) eval --gold fixtures/snapshot/gold.jsonl

# The issue-15 DEV splits (score only: never tune on them). The first three
# are in $(SHARED)/eval/ner and are skipped, with a message, when it is
# absent; the last two are committed. One line per split: PERSON and
# LOCATION leak recall, span token precision (TOTAL row; strict, then with
# tokens on gold entities of other labels left out) and share of words
# redacted, from `deid eval --labels PERSON,LOCATION`.
DEV_SPLITS := $(SHARED)/eval/ner/wikigold.jsonl $(SHARED)/eval/ner/btc_h.jsonl $(SHARED)/eval/ner/uner_ewt_test.jsonl \
	fixtures/redact/dev/clinical_notes.jsonl fixtures/redact/dev/intl_addresses.jsonl
eval-dev: build
	@for f in $(DEV_SPLITS); do \
		if [ ! -f $$f ]; then echo "$$(basename $$f .jsonl): skipped ($$f not found; set SHARED=dir)"; continue; fi; \
		$(BIN) eval --gold $$f --labels PERSON,LOCATION --misses 0 | awk -v n=$$(basename $$f .jsonl) \
			'$$1=="PERSON"{p=$$3} $$1=="LOCATION"{l=$$3} $$1=="TOTAL"{pr=$$5; po=$$8} $$1=="docs"{sh=$$8; gsub(/[(),]/, "", sh)} \
			END{printf "%-16s PERSON leak recall %s  LOCATION leak recall %s  precision %s (excl. other entities %s)  redacted %s\n", n, p, l, pr, po, sh}' || exit 1; \
	done

clean:
	rm -rf bin build $(DIST_DIR)
