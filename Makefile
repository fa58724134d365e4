# SecretGroup operator. `make run` and `make test` are the two set-up commands (see README.md).
SHELL := /bin/bash
DOTNET ?= dotnet
CONFIG ?= Debug
KUBECONFIG_FILE := $(or $(KUBECONFIG),$(HOME)/.kube/config)
TEST_ARGS ?=
KUBECONFIG_SHOWN := $(subst $(HOME)/,~/,$(KUBECONFIG_FILE))

# Builds project $(1) with a line before (the first build takes about a minute) and after, then runs it with $(2).
build_then_run = echo "make $@: building $(1) (about a minute the first time) ..."; \
  started=$$(date +%s); \
  $(DOTNET) build $(1) -c $(CONFIG) --nologo -v:q && \
  echo "make $@: built in $$(( $$(date +%s) - started ))s" && \
  $(DOTNET) run --no-build --project $(1) -c $(CONFIG) -- $(2)

.PHONY: build test run manifests playground bench e2e fuzz clean install-plugin publish-aot test-aot

build:
	$(DOTNET) build Operator.sln -c $(CONFIG)

## Runs every test project (unit, runtime, integration against the API emulator).
test:
	$(DOTNET) test --solution Operator.sln -c $(CONFIG) $(TEST_ARGS)

## Runs the operator against the current kubeconfig; with no kubeconfig, the playground. ARGS go to the operator.
## Builds first, saying so: the first build takes about a minute.
run:
	@if [ -f "$(KUBECONFIG_FILE)" ]; then \
	  echo "make run: using kubeconfig $(KUBECONFIG_SHOWN); the operator installs its CRDs first (--install-crds)"; \
	  $(call build_then_run,src/Operator,--install-crds $(ARGS)); \
	else \
	  echo "make run: no kubeconfig at $(KUBECONFIG_SHOWN); starting the playground instead (an API emulator, the CRDs, config/samples and the operator, in one process)"; \
	  $(call build_then_run,tests/Operator.Playground,$(ARGS)); \
	fi

## Regenerates config/crd (and everything else generated from the entity classes).
manifests:
	$(DOTNET) run --project src/Operator -c $(CONFIG) -- generate-manifests --output $(CURDIR)

## Runs the Kubernetes API emulator and the operator together, applies config/samples, prints a kubeconfig. ARGS go to the operator.
playground:
	@$(call build_then_run,tests/Operator.Playground,$(ARGS))

## Benchmarks: the operator (own process) against the API emulator and the SSM fake; table + artifacts/bench/results.json.
## Default: N=1,000 × K∈{5,10} at 10 ms/40 TPS, then zero-latency/unlimited. BENCH_ARGS=--large adds N=10,000; --quick: N=200.
BENCH_ARGS ?=
bench:
	$(DOTNET) run -c Release --project tests/Operator.Benchmarks -- $(BENCH_ARGS)

## Native AOT publish of the operator (one native executable, no .NET runtime) into AOT_OUT, for make bench
## --variant aot:$(AOT_OUT)/Operator. Needs clang (or clang-14) and zlib1g-dev; 6-40 min on 2 cores. The trim/AOT
## warnings (reflection in KubernetesClient's YAML, the manifest generator, Google/Newtonsoft) do not fail it.
AOT_OUT ?= artifacts/aot
publish-aot:
	$(DOTNET) publish src/Operator/Operator.csproj -c Release -r linux-x64 -p:PublishAot=true -p:TreatWarningsAsErrors=false \
	  $(if $(shell command -v clang),,-p:CppCompilerAndLinker=clang-14) -o $(AOT_OUT)

## Publishes the Native AOT binary (publish-aot: the image's build), then runs the NativeAot*Tests with it: each its
## own process under the shipped RBAC against the emulator and a store fake. Not part of `make test` (the publish alone
## takes 6-15 min on 2 cores; there these tests are reported skipped); .ci/run runs it after `make test`.
test-aot: publish-aot
	OPERATOR_AOT_BINARY=$(abspath $(AOT_OUT))/Operator $(DOTNET) test --project tests/Operator.IntegrationTests -c $(CONFIG) $(TEST_ARGS) -- --filter-class '*NativeAot*'

## First-sync scenarios on a real K3s (Testcontainers); reported skipped, with the reason, when no Docker engine answers.
e2e:
	$(DOTNET) test --project tests/Operator.E2E -c $(CONFIG) $(TEST_ARGS)

## Fuzzes the reference parser and entity deserialisation with AFL++ through SharpFuzz for FUZZ_SECONDS.
FUZZ_SECONDS ?= 120
FUZZ_OUT := artifacts/fuzz
fuzz:
	@command -v afl-fuzz >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq afl++)
	$(DOTNET) tool restore
	$(DOTNET) publish tests/Operator.Fuzz -c Release -o $(FUZZ_OUT)/bin
	$(DOTNET) tool run sharpfuzz $(FUZZ_OUT)/bin/Operator.dll
	rm -rf $(FUZZ_OUT)/findings
	AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_CPUFREQ=1 \
	  afl-fuzz -V $(FUZZ_SECONDS) -i tests/Operator.Fuzz/corpus -o $(FUZZ_OUT)/findings -t 10000 -m none -- \
	  $(DOTNET) $(FUZZ_OUT)/bin/Operator.Fuzz.dll
	@crashes=$$(ls $(FUZZ_OUT)/findings/default/crashes 2>/dev/null | grep -vc README || true); \
	  echo "make fuzz: $$crashes crash(es) in $(FUZZ_SECONDS) s; replay one with: dotnet $(FUZZ_OUT)/bin/Operator.Fuzz.dll --replay <file>"; \
	  test "$$crashes" -eq 0

## Installs the kubectl plugin (kubectl secretgroup status|sync|why|refs) as one file into PLUGIN_DIR, which must be on PATH.
PLUGIN_DIR ?= $(HOME)/.local/bin
PLUGIN_RID ?= $(shell $(DOTNET) --info 2>/dev/null | sed -n 's/^ *RID: *//p' | head -1)
install-plugin:
	$(DOTNET) publish src/Operator.Kubectl -c Release -r $(or $(PLUGIN_RID),linux-x64) --no-self-contained -p:DebugType=none -o artifacts/plugin
	install -D -m 0755 artifacts/plugin/kubectl-secretgroup $(PLUGIN_DIR)/kubectl-secretgroup
	@echo "make install-plugin: installed $(PLUGIN_DIR)/kubectl-secretgroup; try: kubectl secretgroup status -A"

clean:
	$(DOTNET) clean Operator.sln
