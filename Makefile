# The two commands of the README:
#   make run   — reads the built-in simulated shipment (SQLite file ./tld.sqlite, simulated reader)
#   make test  — runs every test
# Both install the Debian packages they need first (scripts/install-deps.sh).
.PHONY: run test test-browser deps build bench deb
SWIFT ?= swift

deps:
	@./scripts/install-deps.sh

run: deps
	$(SWIFT) build --product tld
	$$($(SWIFT) build --show-bin-path)/tld readout --simulate

# Tests run in two passes (scripts/swift-test-passes.sh, docs/testing.md): the suite in parallel (its
# CPU-bound suites on a thread of their own, `.cpuHeavy`; TLD_TEST_PARALLEL=0 for one at a time), then
# the suites that time a serial link, a pty, a umockdev testbed, a lock or a reader on the wall clock.
# --explicit-target-dependency-import-check error: a target that imports a package target outside its
# declared dependencies (and theirs) fails the build (SwiftPM's native build system; the check does
# not see an import of a dependency's dependency: scripts/check-imports.py checks the direct declaration).
# scripts/check-format.sh: the rules of .swift-format (swift format lint; layout is counted, not enforced).
# scripts/swift-test-passes.sh: the suite in parallel, then the few suites that hold a machine-wide
# resource (ptys, umockdev, wall-clock device timing) one at a time.
# The PostgreSQL backend's tests run against a private cluster in a temporary directory, started
# before and stopped after the suite, also when it fails (scripts/pg-test-cluster.sh).
test: deps
	./scripts/check-imports.py
	./scripts/check-format.sh
	SWIFT=$(SWIFT) ./scripts/pg-test-cluster.sh run -- ./scripts/swift-test-passes.sh
	./scripts/browser-test.sh

# The customer portal in headless Chromium (Selenium in a venv under .build); screenshots in .build/artefacts/browser.
test-browser: deps
	./scripts/browser-test.sh

build: deps
	$(SWIFT) build

bench: deps
	cd Benchmarks && $(SWIFT) package benchmark

# The Debian package dist/tld_VERSION_ARCH.deb: release build with the Swift runtime linked statically,
# udev rules, systemd units, system user, completions, manual pages (docs/packaging.md).
deb: deps
	./scripts/build-deb.sh
