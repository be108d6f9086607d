# mlegit — two commands on a fresh machine with Go: `make run`, `make test`.
GO      ?= go
BIN     := bin/mlegit
OUT     ?= out
AS_OF   ?= 2026-09-15

.PHONY: build run test bench fuzz samples vet clean

build:
	$(GO) build -o $(BIN) ./cmd/mlegit

# The main job on the bundled synthetic school. Exit code 3 means "some
# students rejected" — expected here, the samples hold one of each problem.
run: build
	@rm -rf $(OUT)
	./$(BIN) run --roster samples/roster/uczniowie.xlsx --photos samples/photos \
		--out $(OUT) --as-of $(AS_OF) ; code=$$?; \
		if [ $$code -ne 0 ] && [ $$code -ne 3 ]; then exit $$code; fi
	@echo "Reports: $(OUT)/summary.json $(OUT)/odrzuceni.csv $(OUT)/odrzuceni.xlsx"

test:
	$(GO) vet ./...
	@fmt=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
		if [ -n "$$fmt" ]; then echo "gofmt needed: $$fmt"; exit 1; fi
	$(GO) test -count=1 ./...

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

fuzz:
	$(GO) test -run '^$$' -fuzz FuzzParse -fuzztime 30s ./pesel

samples:
	$(GO) run ./samples/gen

clean:
	rm -rf bin $(OUT)
