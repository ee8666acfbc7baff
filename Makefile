# Convenience front end to CMake.
#
#   make                 build build/bosun and build/bosun-image (the build
#                        dependencies only: scripts/deps.sh build)
#   make install         install them, the man page and the completions
#                        (PREFIX=/opt/x, DESTDIR=/tmp/stage as usual)
#   make test            build and run the whole suite (also needs
#                        scripts/deps.sh test: cmocka and the test tools)
#   make test-sanitize   the suite again under ASan+UBSan (build-sanitize)
#   make test-release    the suite on a Release build (build-release)
#   make deb             a Debian package (build-dist/bosun_VERSION_ARCH.deb)
#   make deb-test        install that package in a Debian 12 chroot and run it
#   make source-test     build and install from these sources in a Debian 12
#                        chroot, as root and as a user
#   make image           an OCI image of bosun, built from nothing
#                        (build-dist/oci, tagged with the version)
#   make image-test      run that image's binaries and check it with bosun
#   make fuzz            every libFuzzer target for FUZZ_TIME seconds
#
# `make` and `make install` build no test program: the test suite is on only
# where cmocka is installed, and only `make test` builds it. One build
# directory serves both; `make test` configures it with -DBOSUN_TESTS=ON.

BUILD ?= build
DIST ?= build-dist
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=
PREFIX ?=
FUZZ_TIME ?= 60

.PHONY: all deps deps-test configure build test test-sanitize test-release demo \
	fuzz bench install deb deb-test source-test image image-test dist clean

all: build

deps:
	@scripts/deps.sh build

deps-test:
	@scripts/deps.sh test

$(BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)

configure: $(BUILD)/CMakeCache.txt

build: configure
	cmake --build $(BUILD) -j $(JOBS) --target bosun bosun-image

test: deps-test configure
	cmake -S . -B $(BUILD) -DBOSUN_TESTS=ON $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j $(JOBS)
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS) $(CTEST_FLAGS)

test-sanitize:
	$(MAKE) test BUILD=build-sanitize CMAKE_FLAGS="$(CMAKE_FLAGS) -DBOSUN_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug"

test-release:
	$(MAKE) test BUILD=build-release CMAKE_FLAGS="$(CMAKE_FLAGS) -DCMAKE_BUILD_TYPE=Release"

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
	DESTDIR="$(DESTDIR)" cmake --install $(BUILD) $(if $(PREFIX),--prefix "$(PREFIX)")

# The package and the image are made from a Release build without tests,
# installed under /usr.
dist: deps
	cmake -S . -B $(DIST) -DCMAKE_BUILD_TYPE=Release -DBOSUN_TESTS=OFF \
	    -DCMAKE_INSTALL_PREFIX=/usr $(CMAKE_FLAGS)
	cmake --build $(DIST) -j $(JOBS)

deb: dist
	@scripts/deps.sh deb
	cd $(DIST) && cpack -G DEB

deb-test: deb
	@scripts/deps.sh deb-test
	sh tests/package/deb_test.sh $(DIST)

source-test:
	@scripts/deps.sh deb-test
	JOBS=$(JOBS) sh tests/package/source_test.sh

image: dist
	scripts/oci-image.py $(DIST) $(DIST)/oci

image-test: image
	@scripts/deps.sh image-test
	BOSUN_OCI_LAYOUT=$(DIST)/oci BOSUN_BIN=$(DIST)/bosun BOSUN_TEST_DATA=$(CURDIR)/tests \
	    sh tests/package/test_image.sh

clean:
	rm -rf $(BUILD) $(DIST) build-sanitize build-release build-fuzz
