#!/usr/bin/env bash
# End-to-end tests of the splinegrid command-line tool.
#   test_cli.sh SPLINEGRID MAKE_TEST_FILES [MPIEXEC [MPI FLAGS...]]
# Each bad input must give exit status 2 and one line on stderr naming the
# file/line/option; kill -9 + --resume must reproduce an uninterrupted fit bitwise.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
sg=$1
make_files=$2
shift 2
mpi=("$@")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
export OMP_NUM_THREADS=1 OMP_PROC_BIND=false
failures=0
pass() { echo "ok   $*"; }
fail() { echo "FAIL $*"; failures=$((failures + 1)); }

expect_ok() {  # name, command...
  local name=$1
  shift
  if "$@" >out.txt 2>err.txt; then pass "$name"; else fail "$name (status $?): $(cat err.txt)"; fi
}

expect_error() {  # name, pattern, command...
  local name=$1 pattern=$2
  shift 2
  "$@" >out.txt 2>err.txt
  local status=$? lines
  # Under mpirun, count only our lines (mpirun adds its own notice).
  if [ -n "${MPI_ERRORS:-}" ]; then lines=$(grep -c '^splinegrid' err.txt); else lines=$(grep -c . err.txt); fi
  if [ $status -ne 2 ]; then
    fail "$name: status $status, expected 2 ($(head -c 300 err.txt))"
  elif [ "$lines" -ne 1 ]; then
    fail "$name: $lines lines on stderr, expected 1: $(head -c 300 err.txt)"
  elif ! grep -q -- "$pattern" err.txt; then
    fail "$name: stderr lacks '$pattern': $(cat err.txt)"
  else
    pass "$name"
  fi
}

# --- fits on the demo dataset, every dimension and method ---------------------------
expect_ok "demo 1D lsq + plot" "$sg" fit --resolution 6 --output d1.h5 --plot d1.png
grep -q "RMSE vs the true function" out.txt || fail "demo summary lacks the error vs truth"
expect_ok "demo 2D lbfgs + plot" "$sg" fit --resolution 7,6 --method lbfgs --output d2.h5 --plot d2.png
expect_ok "demo 3D adam" "$sg" fit --resolution 4,4,4 --method adam --iterations 300 --learning-rate 0.05 --batch-size 2000 --output d3.h5 --plot d3.png
expect_ok "demo 4D lsq, 2 channels, lambda" "$sg" fit --dim 4 --channels 2 --resolution 3,3,3,3 --lambda 0.1 --points 5000 --output d4.h5 --plot d4.png
for f in d1.png d2.png d3.png d4.png; do
  [ "$(head -c 4 $f | tail -c 3)" = "PNG" ] || fail "$f is not a PNG"
done
rmse=$("$sg" fit --resolution 6 --output d1.h5 | sed -n 's/.*RMSE vs the true function \([0-9.]*\).*/\1/p')
awk -v e="$rmse" 'BEGIN { exit !(e < 0.02) }' && pass "1D demo error vs truth $rmse < 0.02" || fail "1D demo error $rmse"

# --- info and eval --------------------------------------------------------------------
expect_ok "info" "$sg" info d2.h5
grep -q "resolution:      7 x 6" out.txt && grep -q "format:          splinegrid-grid version 1" out.txt \
  && pass "info content" || fail "info content: $(cat out.txt)"
printf '# points\nx,y\n0.5,0.5\n0.25,0.75\n' > points.csv
expect_ok "eval to stdout" "$sg" eval --grid d2.h5 --points points.csv
[ "$(grep -c . out.txt)" -eq 3 ] && pass "eval rows" || fail "eval rows: $(cat out.txt)"
expect_ok "eval derivatives to file" "$sg" eval --grid d2.h5 --points points.csv --derivatives --output values.csv
head -1 values.csv | grep -q "d_value0/dy" && pass "eval derivative columns" || fail "eval columns: $(head -1 values.csv)"

# --- CSV and HDF5 input ---------------------------------------------------------------
{
  echo "# x, y, a, b"
  echo "x,y,a,b"
  for i in $(seq 0 399); do
    awk -v i=$i 'BEGIN { x = (i * 0.618034) % 1; y = (i * 0.414214) % 1; printf "%.6f,%.6f,%.6f,%.6f\n", x, y, sin(3*x+y), x*y }'
  done
} > samples.csv
expect_ok "csv 2D 2 channels (--channels)" "$sg" fit --input samples.csv --channels 2 --resolution 5,5 --output csv.h5
grep -q "2D, C=2" out.txt && pass "csv dimensions inferred" || fail "csv dims: $(cat out.txt)"
"$make_files" samples samples.h5 500 3 1 || fail "make samples.h5"
expect_ok "hdf5 input 3D" "$sg" fit --input samples.h5 --resolution 4,4,4 --output h5.h5
grep -q "3D, C=1" out.txt && pass "hdf5 dimensions read" || fail "hdf5 dims: $(cat out.txt)"

# --- bench ------------------------------------------------------------------------------
expect_ok "bench" "$sg" bench --dim 2 --channels 2 --resolution 8 --points 10000 --repeat 2
[ "$(grep -c '"points_per_second"' out.txt)" -eq 3 ] && pass "bench prints one JSON object per op" || fail "bench: $(cat out.txt)"
expect_ok "bench one op float" "$sg" bench --dim 3 --channels 1 --resolution 8 --points 1000 --op adjoint --scalar float --repeat 1
grep -q '"op": "adjoint".*"scalar": "float"' out.txt && pass "bench op/scalar" || fail "bench: $(cat out.txt)"

# --- bad input: exit status 2 and one line naming the problem --------------------------
printf '1,2\n3\n' > short.csv
printf '0.1,1\n0.2,abc\n' > word.csv
printf '# only a comment\n' > empty.csv
: > nothing.csv
printf '0.1,0.2,0.3\n' > three.csv
expect_error "unknown option" "unknown option --bogus" "$sg" fit --resolution 4 --output x.h5 --bogus 1
expect_error "unknown command" "unknown command 'fitt'" "$sg" fitt
expect_error "missing --output" "option --output is required" "$sg" fit --resolution 4
expect_error "resolution 0" "option --resolution: 0 must be >= 1" "$sg" fit --resolution 0 --output x.h5
expect_error "resolution not a number" "option --resolution: 'a' is not an integer" "$sg" fit --resolution a --output x.h5
expect_error "bad method" "option --method: 'sgd'" "$sg" fit --resolution 4 --method sgd --output x.h5
expect_error "negative lambda" "option --lambda: must be >= 0" "$sg" fit --resolution 4 --lambda -1 --output x.h5
expect_error "bad domain" "option --domain: '1:0' needs lo < hi" "$sg" fit --resolution 4 --domain 1:0 --output x.h5
expect_error "wrong column count" "short.csv:2: expected 2 columns, got 1" "$sg" fit --input short.csv --resolution 4 --output x.h5
expect_error "non-number" "word.csv:2: column 2: 'abc' is not a finite number" "$sg" fit --input word.csv --resolution 4 --output x.h5
expect_error "comment-only csv" "empty.csv: no data rows" "$sg" fit --input empty.csv --resolution 4 --output x.h5
expect_error "empty csv" "nothing.csv: no data rows" "$sg" fit --input nothing.csv --resolution 4 --output x.h5
expect_error "unreadable input" "missing.csv: cannot open file" "$sg" fit --input missing.csv --resolution 4 --output x.h5
expect_error "D/C mismatch" "3 columns do not split" "$sg" fit --input three.csv --dim 1 --channels 1 --resolution 4 --output x.h5
expect_error "resolution vs D" "option --resolution: 1 values for 2D data" "$sg" fit --input three.csv --resolution 4 --output x.h5
expect_error "hdf5 --dim mismatch" "but --dim is 2" "$sg" fit --input samples.h5 --dim 2 --resolution 4,4 --output x.h5
"$make_files" mismatched mismatched.h5
expect_error "hdf5 rows mismatch" "points has 10 rows but values has 9" "$sg" fit --input mismatched.h5 --resolution 4,4 --output x.h5
head -c 1000 d2.h5 > truncated.h5
expect_error "truncated grid" "truncated.h5:" "$sg" info truncated.h5
# A fuzzer input whose corrupted object header makes libhdf5 allocate the 16 GiB it
# claims inside H5Fopen (unit_tests/fuzz/hdf5_upstream/README.md): a clear error.
cp "$here"/../fuzz/hdf5_upstream/oom-0ad5d80cbec64373ccf2e185f8d4c34f07987b08 huge_header.h5
expect_error "corrupt header claiming 16 GiB" "huge_header.h5: cannot open as HDF5" "$sg" info huge_header.h5
echo "not hdf5" > text.h5
expect_error "not hdf5" "text.h5: not an HDF5 file" "$sg" info text.h5
"$make_files" version v2.h5 d2.h5 2
expect_error "unknown format version" "unsupported format_version 2" "$sg" info v2.h5
"$make_files" nan nan.h5 d2.h5
expect_error "NaN control points" "control_points contain NaN" "$sg" eval --grid nan.h5 --points points.csv
"$make_files" shape shape.h5 d2.h5
expect_error "wrong shape" "has shape (3,2), expected (7,6,1)" "$sg" info shape.h5
expect_error "eval points vs grid D" "1 columns, but d2.h5 is a 2D grid" "$sg" eval --grid d2.h5 --points <(printf '0.5\n')
expect_error "resume without checkpoint" "holds no checkpoint" "$sg" fit --resolution 7,6 --method lbfgs --output x.h5 --resume d2.h5
expect_error "bench bad op" "option --op: 'sideways'" "$sg" bench --op sideways

# --- kill -9 and resume: bitwise the same result as an uninterrupted fit -------------
resume_test() {  # label, launcher...
  local label=$1
  shift
  local args=(fit --resolution 12,12 --method adam --iterations 1500 --batch-size 15000 --learning-rate 0.02
              --seed 5 --points 30000)
  "$@" "$sg" "${args[@]}" --output straight.h5 >/dev/null 2>&1 || { fail "$label: uninterrupted fit"; return; }
  rm -f ck.h5 resumed.h5
  "$@" "$sg" "${args[@]}" --output killed.h5 --checkpoint ck.h5 --checkpoint-every 20 >/dev/null 2>&1 &
  local pid=$! waited=0
  while [ ! -f ck.h5 ] && [ $waited -lt 600 ]; do sleep 0.05; waited=$((waited + 1)); done
  sleep 0.2
  kill -9 $pid 2>/dev/null
  pkill -9 -f "killed.h5" 2>/dev/null
  wait $pid 2>/dev/null
  [ -f killed.h5 ] && { fail "$label: the fit finished before it was killed"; return; }
  "$sg" info ck.h5 > ck.txt || { fail "$label: checkpoint unreadable after kill -9"; return; }
  grep -q "checkpoint:      adam at iteration" ck.txt || { fail "$label: no checkpoint state: $(cat ck.txt)"; return; }
  "$@" "$sg" "${args[@]}" --output resumed.h5 --resume ck.h5 >/dev/null 2>err.txt || { fail "$label: resume: $(cat err.txt)"; return; }
  "$sg" eval --grid straight.h5 --points points.csv > a.csv
  "$sg" eval --grid resumed.h5 --points points.csv > b.csv
  if cmp -s straight.h5 resumed.h5 && cmp -s a.csv b.csv; then
    pass "$label: killed at $(sed -n 's/.*iteration //p' ck.txt), resumed: bitwise identical"
  else
    fail "$label: resumed fit differs from the uninterrupted one"
  fi
}
resume_test "kill -9 + resume (1 process)" env
if [ ${#mpi[@]} -gt 0 ]; then
  resume_test "kill -9 + resume (2 ranks)" "${mpi[@]}"
  # Two ranks reach the one-process least-squares result.
  "$sg" fit --resolution 8,8 --output one.h5 --tolerance 1e-13 >/dev/null
  "${mpi[@]}" "$sg" fit --resolution 8,8 --output two.h5 --tolerance 1e-13 >/dev/null
  "$sg" eval --grid one.h5 --points points.csv > one.csv
  "$sg" eval --grid two.h5 --points points.csv > two.csv
  paste -d, one.csv two.csv | awk -F, 'NR > 1 { d = $3 - $6; if (d < 0) d = -d; if (d > 1e-10 * (1 + ($3 < 0 ? -$3 : $3))) bad = 1 } END { exit bad }' \
    && pass "2 ranks == 1 process (1e-10)" || fail "2 ranks differ from 1 process"
  { head -200 samples.csv | tail -n +3 | cut -d, -f1-3; echo "0.5,0.5,oops"; } > samples_bad.csv
  MPI_ERRORS=1 expect_error "bad rows on rank 1 only" "samples_bad.csv:" "${mpi[@]}" "$sg" fit --input samples_bad.csv --resolution 4,4 --output x.h5
fi

echo "$failures failures"
[ $failures -eq 0 ]
