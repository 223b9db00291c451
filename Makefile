CARGO ?= cargo

.PHONY: test lint bench bench-fleet run build deps mixin

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

# 1,000 and 10,000 simulated connectors against real Prometheus processes: CPU-heavy, about 20
# minutes; writes bench/fleet.md. FLEET_SIZES and FLEET_MINUTES override the sizes and run length.
bench-fleet:
	python3 scripts/bench-fleet.py

run:
	$(CARGO) run --release

# Regenerates the committed rules, PrometheusRule and dashboards from mixin/ (tests/mixin.rs
# fails when they differ from a fresh build).
mixin:
	bash scripts/gen-mixin.sh
