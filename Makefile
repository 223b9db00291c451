CARGO ?= cargo

.PHONY: test lint bench run build deps mixin

# Installs what the tests need (Debian packages) when missing, then runs
# every test: unit, integration with real peers, promtool rule tests.
test: deps
	$(CARGO) build --locked --all-targets
	$(CARGO) test --locked --no-fail-fast -- --test-threads=4

deps:
	bash scripts/install-test-deps.sh

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --locked --all-targets -- -D warnings

bench:
	bash scripts/bench.sh

run:
	$(CARGO) run --release

# Regenerates the committed rules, PrometheusRule and dashboards from mixin/ (tests/mixin.rs
# fails when they differ from a fresh build).
mixin:
	bash scripts/gen-mixin.sh
