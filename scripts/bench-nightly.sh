#!/usr/bin/env bash
# Nightly and district run times: the Go benchmarks in cmd/mlegit/bench_test.go.
#
#   BenchmarkNightlyUnchanged1000       re-run of an unchanged 1,000-student school
#   BenchmarkDistrict20/first_night     run --all --parallel 2, 20 schools, fresh output
#   BenchmarkDistrict20/unchanged       the same district re-run over its state
#
# The synthetic schools are generated once into $TMPDIR/mlegit-bench-v<N>/
# and reused; delete that folder to regenerate them.
# Env: BENCH (default 'Nightly|District': the -bench pattern), BENCH_TIME
# (default 3x: runs per benchmark), BENCH_PROFILE=1 also writes a CPU
# profile of the unchanged nightly re-runs (the first night, labelled
# bench=setup, left out) and prints their top functions.
set -euo pipefail
cd "$(dirname "$0")/.."

PATTERN=${BENCH:-Nightly|District}
TIME=${BENCH_TIME:-3x}

echo "$(nproc) CPUs, load average: $(cut -d' ' -f1-3 /proc/loadavg)"
go test -run '^$' -bench "$PATTERN" -benchtime "$TIME" -benchmem ./cmd/mlegit

if [ "${BENCH_PROFILE:-}" = 1 ]; then
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
	go test -run '^$' -bench 'NightlyUnchanged1000' -benchtime 10x \
		-cpuprofile "$work/cpu.out" -o "$work/mlegit.test" ./cmd/mlegit
	go tool pprof -top -cum -nodecount 30 -tagfocus bench=timed "$work/mlegit.test" "$work/cpu.out"
fi
