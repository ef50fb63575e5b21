# Portunus — the two commands an operator needs are `make run` and `make test` (see README.md).
BUILD ?= build
MESON_FLAGS ?=
CONFIG ?= conf/portunus.yaml

.PHONY: all deps build run test test-asan test-unit test-integration bench bench-dataplane fuzz format clean

all: build

deps:
	@bash scripts/install-deps.sh

$(BUILD)/build.ninja: | deps
	meson setup $(BUILD) $(MESON_FLAGS)

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

# Brings the appliance up in the lab layout (network namespaces, veth, DPDK port, exception tap).
run: build
	bash scripts/lab-run.sh $(BUILD) $(CONFIG)

# Every test tier that can run here; ends with `N passed, N failed[, N skipped]`.
test: build
	bash tests/run-tests.sh $(BUILD)

# The unit, dataplane and integration tiers again on an ASan+UBSan build in $(BUILD)-asan (docs/hardening.md).
# PORTUNUS_ASAN=1 make test adds it to the other tiers (CI does: .ci/run), its build running in the background.
test-asan: deps
	bash tests/run-tests.sh $(BUILD) asan

test-unit: build
	bash tests/run-tests.sh $(BUILD) unit

test-integration: build
	bash tests/run-tests.sh $(BUILD) integration

bench: build
	bash bench/run.sh $(BUILD)

bench-dataplane: build
	bash bench/dataplane.sh $(BUILD)

fuzz: deps
	bash tests/fuzz/run-fuzzers.sh --long

format:
	git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

clean:
	rm -rf $(BUILD)
