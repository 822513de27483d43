# The two commands of the README:
#   make run   — reads the built-in simulated shipment (SQLite file ./tld.sqlite, simulated reader)
#   make test  — runs every test
# Both install the Debian packages they need first (scripts/install-deps.sh).
.PHONY: run test deps build bench
SWIFT ?= swift

deps:
	@./scripts/install-deps.sh

run: deps
	$(SWIFT) build --product tld
	$$($(SWIFT) build --show-bin-path)/tld readout --simulate

test: deps
	$(SWIFT) test --disable-xctest

build: deps
	$(SWIFT) build

bench: deps
	cd Benchmarks && $(SWIFT) package benchmark
