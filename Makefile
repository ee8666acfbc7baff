# Convenience front end to CMake. `make` builds build/bosun, `make test`
# builds and runs the whole suite, `make test-sanitize` runs it again under
# ASan+UBSan, `make fuzz` runs every libFuzzer target for FUZZ_TIME seconds.

BUILD ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=
FUZZ_TIME ?= 60

.PHONY: all deps configure build test test-sanitize demo fuzz bench install clean

all: build

deps:
	@scripts/deps.sh build test

$(BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)

configure: $(BUILD)/CMakeCache.txt

build: configure
	cmake --build $(BUILD) -j $(JOBS)

test: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

test-sanitize:
	$(MAKE) test BUILD=build-sanitize CMAKE_FLAGS="-DBOSUN_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug"

demo: build
	@echo '$$ build/bosun lint examples/Dockerfile'
	@$(BUILD)/bosun lint examples/Dockerfile; status=$$?; \
	 echo "(exit status $$status: 0 clean, 1 findings, 2 bad input)"; \
	 [ $$status -le 1 ]

fuzz:
	@scripts/deps.sh build fuzz
	cmake -S . -B build-fuzz -DBOSUN_FUZZ=ON -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build build-fuzz -j $(JOBS)
	fuzz/run.sh build-fuzz $(FUZZ_TIME)

bench: build
	bench/corpus.sh

install: build
	cmake --install $(BUILD)

clean:
	rm -rf $(BUILD) build-sanitize build-fuzz
