# Two commands on a fresh Debian machine:
#   make demo   install missing packages, build lr-find alone (Release), show its table for a shipped data set
#   make test   same set-up, build everything, then the whole test suite through ctest
#   make test-asan  the whole test suite again, built with AddressSanitizer and UBSan (CI runs both)
PACKAGES := cmake g++ make pkgconf libcli11-dev libeigen3-dev nlohmann-json3-dev libfmt-dev libgtest-dev zlib1g-dev \
            librsvg2-dev libcairo2-dev fonts-dejavu-core librsvg2-bin poppler-utils python3 python3-jsonschema jq zsh \
            groff-base util-linux \
            pybind11-dev python3-dev python3-pytest python3-numpy python3-pandas python3-scipy python3-sklearn python3-tqdm
BUILD    := build
ASAN_BUILD ?= build-asan
JOBS     ?= $(shell nproc 2>/dev/null || echo 2)
# cmake --build runs make again inside this make: no "Entering directory" lines.
MAKEFLAGS += --no-print-directory

.PHONY: all deps configure build demo test test-asan test-cluster clean

all: build

# Installs the missing packages of $(1) (as root; otherwise says how).
define install_missing
	@missing=$$(for p in $(1); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; \
	  done | tr '\n' ' '); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing: $$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(if $(2),$(2) )$$missing; \
	  else \
	    echo "missing Debian packages; run:"; \
	    echo "  sudo apt-get install -y $(if $(2),$(2) )$$missing"; \
	    exit 1; \
	  fi; \
	fi
endef

deps:
	$(call install_missing,$(PACKAGES))

configure: deps
	cmake --preset release

build: configure
	cmake --build $(BUILD) -j $(JOBS)

# Only the binary (and the library it links), not the test suite; the table
# (stdout) and the summary line (stderr) rather than the JSON report, which is
# what lr-find prints without --format.
demo: configure
	cmake --build $(BUILD) -j $(JOBS) --target lr-find
	./$(BUILD)/lr-find data/breast_cancer.csv --model logistic --format table
	@echo "(without --format table, lr-find writes the full JSON report: ./$(BUILD)/lr-find data/breast_cancer.csv --model logistic)"

# --no-tests=error: a build directory without tests fails instead of passing.
test: build
	ctest --preset release -j $(JOBS) --no-tests=error

# ASAN_BUILD moves the sanitizer build elsewhere (e.g. ASAN_BUILD=/tmp/asan). ctest
# runs in that folder with the asan preset's environment (CMakePresets.json),
# not through the preset, whose own folder could otherwise be tested instead.
# tests/lsan.supp names the one library whose process-long caches LeakSanitizer
# reports (fontconfig, loaded by Cairo and librsvg); leaks are still checked.
ASAN_ENV := ASAN_OPTIONS=detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1:detect_leaks=1 \
            LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
            UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
test-asan: deps
	cmake --preset asan -B $(ASAN_BUILD)
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && $(ASAN_ENV) ctest -j $(JOBS) --output-on-failure --no-tests=error

# lr-find plan/shard/merge on real engines (docs/scale-out.md): a one-node
# Slurm cluster started and stopped by the test (as root), and GNU parallel.
# Their packages are installed here only, not by make deps: on a user's
# machine slurm-wlm's daemons are not wanted by make demo or make test.
CLUSTER_PACKAGES := slurm-wlm munge parallel
test-cluster: build
	$(call install_missing,$(CLUSTER_PACKAGES),--no-install-recommends)
	tests/cluster/run.sh $(BUILD) .

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
