CARGO ?= cargo

.PHONY: test lint bench bench-fleet run build deps mixin licenses deb test-package

# Installs what the tests need (Debian packages, cargo-deny, cargo-deb) when
# missing, then checks the dependencies' licences and runs every test: unit,
# integration with real peers, promtool rule tests, the package and the image.
test: deps licenses
	$(CARGO) build --locked --all-targets
	$(CARGO) test --locked --no-fail-fast -- --test-threads=4

deps:
	bash scripts/install-test-deps.sh

# Only the package and the image, installed and run (root; builds the release
# binary). `make test` runs them too.
test-package: deps
	$(CARGO) test --locked --test package -- --test-threads=1

# The Debian package (target/debian/*.deb): binary, hardened unit run as a
# system user, /etc/default file, rules, dashboards, web config example.
# DEB_FLAGS=--no-build packages a release binary built before.
deb:
	$(CARGO) deb --locked $(DEB_FLAGS)

# Every crate linked into the binary has a licence deny.toml allows.
licenses:
	$(CARGO) deny --log-level error check licenses

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
