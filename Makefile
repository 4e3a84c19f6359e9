# usagegate — the two commands a newcomer needs: `make run` and `make test`.
# Every target installs missing Debian packages first (scripts/install-deps).
SHELL := /bin/bash
JOBS ?= $(shell nproc)

.PHONY: all deps build run test test-asan test-tsan test-fuzz bench fuzz format clean

all: build

deps:
	@bash scripts/install-deps

# Release build (-O2 -g); binaries in build/bin/ (a link to build/release/bin).
build: deps
	cmake --preset release >/dev/null
	cmake --build --preset release -j $(JOBS)
	@ln -sfn release/bin build/bin

# Starts mock-llm and usagegate with the demo config; Ctrl-C stops both.
run: build
	@bash scripts/run-demo

# Every test through ctest: AddressSanitizer + UBSan build of everything, then
# a ThreadSanitizer build of limiter/ and its concurrency tests, then short
# libFuzzer runs over the config loader, the request path, the SigV4 verifier and
# ImportApiKeys (its CSV reader).
test: deps test-asan test-tsan test-fuzz

test-asan:
	cmake --preset debug >/dev/null
	cmake --build --preset debug -j $(JOBS)
	ctest --preset debug

test-tsan:
	cmake --preset tsan >/dev/null
	cmake --build --preset tsan -j $(JOBS)
	ctest --preset tsan

# Google Benchmark figures (limiter decision cost, config load).
bench: build
	@bash scripts/run-bench

fuzz: deps
	cmake --preset fuzz >/dev/null
	cmake --build --preset fuzz -j $(JOBS) --target fuzz_config_loader fuzz_request_path fuzz_sigv4 fuzz_api_key_import

# 20 seconds of fuzzing each from the seed corpora (longer runs: docs/configuration.md,
# docs/reliability.md).
FUZZ_SECONDS ?= 20
test-fuzz: fuzz
	@mkdir -p build/fuzz/corpus build/fuzz/request-corpus build/fuzz/sigv4-corpus build/fuzz/key-file-corpus
	build/fuzz/bin/fuzz_config_loader -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	  build/fuzz/corpus tests/data/config/corpus
	build/fuzz/bin/fuzz_request_path -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	  -max_len=4096 build/fuzz/request-corpus tests/data/request/corpus
	build/fuzz/bin/fuzz_sigv4 -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	  -max_len=4096 build/fuzz/sigv4-corpus tests/data/sigv4/corpus
	build/fuzz/bin/fuzz_api_key_import -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	  -max_len=4096 build/fuzz/key-file-corpus tests/data/key-file/corpus

format:
	@git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

clean:
	rm -rf build
