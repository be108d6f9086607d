# mlegit — two commands on a fresh machine with Go: `make run`, `make test`.
GO      ?= go
BIN     ?= ./bin/mlegit
# gen2brain/heic would otherwise load a system libheif through purego, which
# links the binary dynamically; nodynamic keeps its WebAssembly build only:
# one static, cgo-free binary that decodes HEIC the same way everywhere.
export GOFLAGS := $(strip $(GOFLAGS) -tags=nodynamic)
OUT     ?= out
AS_OF   ?= 2026-09-15

.PHONY: build run test test-windows bench fuzz samples vet clean dist

build:
	$(GO) build -o $(BIN) ./cmd/mlegit

# The whole flow on the bundled synthetic school: run → upload package →
# portal simulator → codes import → pickup slips. Exit code 3 means "some
# students rejected" — expected here, the samples hold one of each problem.
run: build
	@rm -rf $(OUT)
	$(BIN) run --roster samples/roster/uczniowie.xlsx --photos samples/photos \
		--out $(OUT) --as-of $(AS_OF) ; code=$$?; \
		if [ $$code -ne 0 ] && [ $$code -ne 3 ]; then exit $$code; fi
	$(BIN) verify --package $(OUT)/package/*.zip
	$(BIN) portal-sim --package $(OUT)/package/*.zip --out $(OUT)/kody-z-portalu.csv --as-of $(AS_OF)
	$(BIN) codes import --file $(OUT)/kody-z-portalu.csv --out $(OUT) --as-of $(AS_OF)
	$(BIN) slips --out $(OUT) --as-of $(AS_OF)
	@echo "Reports: $(OUT)/summary.json $(OUT)/odrzuceni.csv $(OUT)/odrzuceni.xlsx"
	@echo "Slips:   $(OUT)/slips/wszystkie.pdf"

test:
	$(GO) vet ./...
	@fmt=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
		if [ -n "$$fmt" ]; then echo "gofmt needed: $$fmt"; exit 1; fi
	$(GO) test -count=1 -timeout 30m ./...
	@if [ "$$CI" = true ] || command -v wine >/dev/null 2>&1; then $(MAKE) --no-print-directory test-windows; \
		else echo "test-windows: skipped (no wine)"; fi

# The Windows build's tests under Wine (scripts/test-windows.sh): the OS
# lock, files held open by another program, case-insensitive names.
test-windows:
	GO=$(GO) bash scripts/test-windows.sh

# Go benchmarks (JPEG decoder, photo normalising, slips, nightly and district
# runs), then the photo stage side by side with vipsthumbnail and ImageMagick
# (apt-get install libvips-tools imagemagick time; missing tools are skipped).
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...
	bash scripts/bench-photos.sh

# Every fuzz test in turn, FUZZTIME each (they read untrusted bytes:
# rosters, photos, EXIF, mail, zip entries). FUZZMINIMIZE bounds the time
# spent shrinking each new input: with go test's default (60s) fuzzing
# stalls at 0 execs/s while an interesting input is minimized
# (golang/go#48820), which is most of a short run.
FUZZTIME     ?= 20s
FUZZMINIMIZE ?= 1s
FUZZ          = $(GO) test -run '^$$' -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZE) -fuzz
fuzz:
	$(FUZZ) '^FuzzParse$$' ./pesel
	$(FUZZ) '^FuzzReadCSV$$' ./roster
	$(FUZZ) '^FuzzReadODS$$' ./roster
	$(FUZZ) '^FuzzReadXLS$$' ./roster
	$(FUZZ) '^FuzzReadXLSX$$' ./roster
	$(FUZZ) '^FuzzDecode$$' ./photos/jpegscale
	$(FUZZ) '^FuzzOrientation$$' ./photos
	$(FUZZ) '^FuzzWebPOrientation$$' ./photos
	$(FUZZ) '^FuzzWalk$$' ./mail
	$(FUZZ) '^FuzzRFC2231Param$$' ./mail
	$(FUZZ) '^FuzzScanJPEGHeader$$' ./export
	$(FUZZ) '^FuzzSafeEntryName$$' ./export
	$(FUZZ) '^FuzzReadActivations$$' ./codes

# Release binaries: cgo-free (CGO_ENABLED=0, pure-Go SQLite, HEIC and
# workbook readers) for every PLATFORMS entry, into DIST, with SHA256SUMS
# (check with: sha256sum -c SHA256SUMS).
DIST      ?= dist
PLATFORMS ?= windows/amd64 windows/arm64 linux/amd64 linux/arm64 darwin/amd64 darwin/arm64
DISTFLAGS ?= -trimpath
dist:
	@rm -rf $(DIST) && mkdir -p $(DIST)
	@set -e; for p in $(PLATFORMS); do \
		os=$${p%/*}; arch=$${p#*/}; ext=; [ $$os = windows ] && ext=.exe; \
		echo "building $(DIST)/mlegit-$$os-$$arch$$ext"; \
		CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) build $(DISTFLAGS) -ldflags '-s -w' \
			-o $(DIST)/mlegit-$$os-$$arch$$ext ./cmd/mlegit; \
	done
	@cd $(DIST) && if command -v sha256sum >/dev/null; then sha256sum mlegit-* > SHA256SUMS; \
		else shasum -a 256 mlegit-* > SHA256SUMS; fi
	@cat $(DIST)/SHA256SUMS

samples:
	$(GO) run ./samples/gen

clean:
	rm -rf bin $(OUT)
