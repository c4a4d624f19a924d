#!/usr/bin/env bash
# Runs a GPU bundle made by `tools/dev.sh gpu-bundle` (copied in as run.sh) on a machine
# with an NVIDIA GPU of compute capability 9.0 and a CUDA 13 driver; nothing else of
# splinegrid's is needed there. Every test is typed on Kokkos::Cuda.
#
#   gpu-bundle/run.sh [LOG_DIR]
#
# Runs, in order: the unit tests, the reference cases (golden data in data/), the
# examples, then the benchmarks (unless BENCH=0) with BENCH_POINTS points per launch
# (default 16777216: a GPU needs far more than the CPU's 1e6 to reach its throughput)
# and BENCH_FILTER (a Google Benchmark regex, default all). Logs and the benchmark
# JSON go to LOG_DIR (default gpu-bundle/logs). Exit status 0 only if every test passed.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
logs=${1:-$here/logs}
mkdir -p "$logs"
export LD_LIBRARY_PATH="$here/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export SPLINEGRID_TEST_DATA_DIR="$here/data"
status=0

step() {  # name command...: run, keep the whole log, print its tail and the time taken
  local name=$1 start rc
  shift
  start=$(date +%s)
  "$@" >"$logs/$name.log" 2>&1
  rc=$?
  echo "== $name: exit $rc, $(($(date +%s) - start)) s"
  tail -n "${TAIL_LINES:-4}" "$logs/$name.log"
  [ "$rc" -eq 0 ] || status=1
}

echo "bundle revision $(cat "$here/REVISION")"
if ! nvidia-smi --query-gpu=name,compute_cap,driver_version,memory.total --format=csv,noheader; then
  echo "gpu-run: no NVIDIA GPU or driver here (nvidia-smi failed or is missing); nothing run" >&2
  exit 2
fi
step unit_tests "$here/bin/splinegrid_unit_tests"
step reference_cases "$here/bin/splinegrid_reference_cases" "$here/data"
for exe in "$here"/bin/splinegrid_demo "$here"/bin/splinegrid_example_*; do
  step "$(basename "$exe")" "$exe"
done
if [ "${BENCH:-1}" != 0 ]; then
  TAIL_LINES=0 step perf_tests "$here/bin/splinegrid_perf_tests" \
    --points="${BENCH_POINTS:-16777216}" --benchmark_filter="${BENCH_FILTER:-.}" \
    --benchmark_min_time="${BENCH_MIN_TIME:-0.2}" \
    --benchmark_out="$logs/perf.json" --benchmark_out_format=json
  grep -E "^(forward|gradients|hessians|adjoint|grid_size|interpolate|fit|raw)" "$logs/perf_tests.log"
fi
echo "gpu-run: $([ $status -eq 0 ] && echo "all steps passed" || echo "some step FAILED")"
exit $status
