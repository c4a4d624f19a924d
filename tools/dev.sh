#!/usr/bin/env bash
# Developer entry point. Every verb bootstraps its dependencies first
# (tools/bootstrap-deps.sh: apt packages + Kokkos cached under $SPLINEGRID_CACHE).
#
#   tools/dev.sh demo [args]     build and run the main job (2-rank MPI fit of the demo dataset)
#   tools/dev.sh test            build everything and run the whole test suite (CTest)
#   tools/dev.sh bench [args]    build and run the Google Benchmark perf tests
#   tools/dev.sh install-test    install into build/install and build+run cmake/install_test
#   tools/dev.sh cxx20           build the unit tests (the core API) as C++20 and run them
#   tools/dev.sh sanitize        ASan+UBSan C++20 build on a bounds-checked Kokkos, run unit/MPI/CLI tests
#   tools/dev.sh fuzz            libFuzzer runs (FUZZ_SECONDS each) of the CSV and grid-file readers
#   tools/dev.sh cuda-check      compile library, tests, examples for CUDA (sm_80; no run)
#   tools/dev.sh gpu-bundle      build tests, reference cases, examples, benchmarks for CUDA
#                                sm_90 (H100/H200) into build-cuda-hopper/gpu-bundle.tar.xz,
#                                to run on a GPU machine with tools/gpu-run.sh (see README)
#   tools/dev.sh hip-check       compile library, tests, examples with hipcc (ROCm 5.2, gfx90a; no run)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
verb=${1:-help}
[ $# -gt 0 ] && shift
jobs=$(nproc)
# Compiler cache outside the clone (like the Kokkos builds), so that CI reruns and
# repeated stages recompile only what changed, for every compiler used here (g++,
# clang++, nvcc_wrapper, hipcc). CI builds in a fresh clone in another folder: paths
# under the clone are hashed relative to it (base_dir) and the working directory is
# not hashed (hash_dir off; objects keep the first clone's path in their debug info),
# so a clone of the same commit hits the objects a session built. Depend mode: the key
# is the source, the flags and the full text of every header the compiler's -MD list
# names; ccache never hashes preprocessed output instead, which for nvcc and hipcc
# would be the host pass only and miss an edit inside a device-only #if.
export CCACHE_DIR=${CCACHE_DIR:-${SPLINEGRID_CACHE:-$HOME/.cache/splinegrid}/ccache}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$root} CCACHE_NOHASHDIR=1 CCACHE_DEPEND=1
# use_ccache sets the CMake launcher arguments. Called after the bootstrap
# (kokkos_prefix), which installs ccache: looked up before it, a fresh machine's first
# build ran without the cache, and the next verb's configure, with it, changed the
# launcher and recompiled every object (CI's first run on a fresh machine built
# build/ twice: once for the tests, again for the install test).
launcher=()
use_ccache() {
  launcher=()
  if command -v ccache >/dev/null; then
    launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
  fi
}
export OMP_PROC_BIND=${OMP_PROC_BIND:-false}
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-$jobs}

# Host builds target AVX2 + FMA (-march=x86-64-v3) when this CPU has them: +10-40% on
# the kernels (README, Performance). Without compiler floating-point contraction, so
# the device-callable evaluator stays bitwise equal to the batched kernels (GCC would
# fuse each kernel differently); the contraction fuses its own multiply-adds
# (Compat::mul_add), so results differ from the portable build's in the last bits. The
# binaries run where they are built; SPLINEGRID_ARCH_FLAGS overrides (empty: the
# compiler's default target). The sanitizer stage builds the default target.
host_arch_flags() {
  local flag
  for flag in avx avx2 bmi1 bmi2 f16c fma abm movbe xsave; do
    grep -qw "$flag" /proc/cpuinfo 2>/dev/null || return 0
  done
  echo "-march=x86-64-v3 -ffp-contract=off"
}
arch_flags=${SPLINEGRID_ARCH_FLAGS-$(host_arch_flags)}

kokkos_prefix() {  # flavour -> install prefix of Kokkos + Kokkos Kernels
  local line
  line=$(tools/bootstrap-deps.sh "$1" | grep "^$1=")
  echo "${line#*=}"
}

# CMake arguments that point a build directory at one Kokkos install. Kokkos_DIR is
# named as well: a build directory keeps the Kokkos_DIR it found first, and would go on
# using a superseded install after the recipe (and so the prefix) changed.
# Every verb calls it right after kokkos_prefix, whose bootstrap installs ccache, so
# it also sets the launcher (use_ccache).
kokkos_args() {  # prefix -> array kokkos_cmake_args (and launcher)
  kokkos_cmake_args=(-DCMAKE_PREFIX_PATH="$1" -DKokkos_DIR="$1/lib/cmake/Kokkos"
                     -DKokkosKernels_DIR="$1/lib/cmake/KokkosKernels")
  use_ccache
}

configure() {  # build-dir flavour [cmake args...]
  local dir=$1 flavour=$2
  shift 2
  local prefix
  prefix=$(kokkos_prefix "$flavour")
  kokkos_args "$prefix"
  cmake -S . -B "$dir" -G Ninja -Wno-dev "${kokkos_cmake_args[@]}" \
    -DSplineGrid_ENABLE_MPI=ON -DSplineGrid_ENABLE_HDF5=ON -DSplineGrid_ARCH_FLAGS="$arch_flags" \
    -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-Release}" "${launcher[@]}" "$@"
}

configure_cuda() {  # build-dir flavour [cmake args...]: nvcc_wrapper, tests typed on Kokkos::Cuda
  local dir=$1 prefix
  prefix=$(kokkos_prefix "$2")
  kokkos_args "$prefix"
  shift 2
  export PATH="/usr/local/cuda/bin:$PATH"
  # The compiler is the install's own nvcc_wrapper: when the install changes, CMake
  # would start the directory afresh without the -D arguments given here, so do that first.
  if [ -f "$dir/CMakeCache.txt" ] &&
     ! grep -qx "CMAKE_CXX_COMPILER:[A-Z]*=$prefix/bin/nvcc_wrapper" "$dir/CMakeCache.txt"; then
    rm -rf "$dir/CMakeCache.txt" "$dir/CMakeFiles"
  fi
  cmake -S . -B "$dir" -G Ninja -Wno-dev "${kokkos_cmake_args[@]}" \
    -DCMAKE_CXX_COMPILER="$prefix/bin/nvcc_wrapper" -DSplineGrid_TEST_SPACES=Kokkos::Cuda \
    "${launcher[@]}" "$@"
}

# The compile-only device checks build unoptimised code: what they check (every kernel
# and test instantiates and compiles for the device) does not depend on optimisation,
# and it compiles 3-5x faster (one test TU: nvcc 88 s at -O3, 27 s at -O0 -G; hipcc
# 101 s at -O3, 20 s at -O0): build type CompileCheck. gpu-bundle, which runs, builds Release.
# They compile the unit tests as the two groups of the host build (SplineGrid_GROUP_SOURCES=ON,
# named so that a build directory configured before session 19 with OFF switches too):
# at -O0 each file's fixed cost (Kokkos parsed for host and device) dominates, and the
# two groups took 247 CPU-s with nvcc against ~970 s one file each, 128 s with hipcc
# against ~380 (session 19; 2.9 GB peak). gpu-bundle (Release, not run by CI) still
# compiles one file each: nvcc at -O3 on a group is unmeasured.

case $verb in
  demo)
    # The main job: a 2-rank MPI fit of the built-in demo dataset (noisy samples of
    # a smooth 2D function), a grid file and a PNG plot, then info and eval on it.
    configure build host
    cmake --build build -j "$jobs" --target splinegrid_cli
    mkdir -p build/demo
    mpi_flags=(--oversubscribe)
    [ "$(id -u)" = 0 ] && mpi_flags+=(--allow-run-as-root)
    OMP_NUM_THREADS=1 mpirun -np 2 "${mpi_flags[@]}" build/bin/splinegrid fit \
      --resolution 12,12 --method lsq --lambda 1e-3 \
      --output build/demo/grid.h5 --plot build/demo/fit.png "$@"
    build/bin/splinegrid info build/demo/grid.h5
    printf 'x,y\n0.5,0.5\n0.25,0.75\n0.9,0.1\n' > build/demo/points.csv
    build/bin/splinegrid eval --grid build/demo/grid.h5 --points build/demo/points.csv --derivatives
    echo "demo: grid build/demo/grid.h5, plot build/demo/fit.png"
    ;;
  test)
    configure build host
    cmake --build build -j "$jobs"
    ctest --test-dir build --output-on-failure "$@"
    ;;
  bench)
    configure build host
    cmake --build build -j "$jobs" --target splinegrid_perf_tests
    build/bin/splinegrid_perf_tests "$@"
    ;;
  install-test)
    configure build host -DCMAKE_INSTALL_PREFIX="$root/build/install"
    cmake --build build -j "$jobs"
    cmake --install build >/dev/null
    prefix=$(kokkos_prefix host)
    kokkos_args "$prefix"
    cmake -S cmake/install_test -B build/install_test -G Ninja -Wno-dev "${kokkos_cmake_args[@]}" \
      -DCMAKE_PREFIX_PATH="$root/build/install;$prefix"
    cmake --build build/install_test
    (cd build/install_test && ./splinegrid_install_test)  # writes its grid file there
    ;;
  cxx20)
    # The core API as C++20: the unit tests include the umbrella header.
    configure build-cxx20 host -DCMAKE_CXX_STANDARD=20 -DSplineGrid_ENABLE_BENCHMARKS=OFF \
      -DSplineGrid_ENABLE_EXAMPLES=OFF
    cmake --build build-cxx20 -j "$jobs" --target splinegrid_unit_tests
    ctest --test-dir build-cxx20 --output-on-failure -R unit_tests_omp2 "$@"
    ;;
  sanitize)
    # AddressSanitizer + UBSan on a Kokkos with bounds checking on every View access;
    # unit tests, reference cases, MPI tests and CLI tests (not benchmarks/examples).
    export LSAN_OPTIONS="suppressions=$root/tools/lsan-suppressions.txt:print_suppressions=0"
    export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
    # -Og -g1 (line tables, asserts on): every sanitizer check stays (-Og drops
    # optimisation passes, not instrumentation), with file:line. Cold on the Zen 4
    # (session 19, CPU-s per object, -O1 -> -Og): check_case 1136 -> 375, the CLI
    # group 1603 -> 552, unit-test groups 1068 + 1012 -> 322 + 362; the build 15.7 min
    # wall; the tests run about as long (unit tests 83 s, CLI tests 171 -> 204 s).
    # -O0 compiles no faster (test_window_sort.cpp: -O0 13.0, -Og 13.2, -O1 17.7
    # CPU-s) and its unit tests ran 4x longer than -O1's (session 9); clang
    # -O0 compiled a test file 2.6x faster than GCC -O1 but needed 11-12 GB for
    # check_case and the CLI group (two at once ran the 24 GiB machine out of memory).
    # Built as C++20, so this stage is also the C++20 check of everything it builds
    # (the test stage builds C++17).
    arch_flags=""  # the compiler's default target: the portable build is tested here
    BUILD_TYPE=RelWithDebInfo configure build-sanitize host-checked \
      -DSplineGrid_ENABLE_BENCHMARKS=OFF -DSplineGrid_ENABLE_EXAMPLES=OFF \
      -DCMAKE_CXX_STANDARD=20 -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-Og -g1" \
      -DCMAKE_CXX_FLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"
    cmake --build build-sanitize -j "$jobs"
    # One OpenMP thread count and up to 2 ranks keep the stage short; the plain test
    # stage covers the rest. Processes that initialise Open MPI run without leak
    # detection: Open MPI's components are dlclose()d before exit, so their lifetime
    # allocations show up as leaks in unknown modules that no suppression can match.
    ctest --test-dir build-sanitize --output-on-failure -E "unit_tests_omp1|mpi_tests|cli_tests" "$@"
    # allocator_may_return_null: a CLI test opens a corrupt file on which libhdf5
    # asks for the 16 GiB its header claims; like malloc, ASan then returns NULL
    # (and HDF5 reports the file unreadable) instead of aborting.
    ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1 ctest --test-dir build-sanitize \
      --output-on-failure -R "mpi_tests_np[12]|cli_tests" "$@"
    ;;
  fuzz)
    # libFuzzer (clang) on the CSV reader and the HDF5 grid-file reader, FUZZ_SECONDS
    # each (default 60), starting from the corpus in unit_tests/fuzz/corpus (not
    # modified: new inputs go to build-fuzz/corpus).
    prefix=$(kokkos_prefix host)
    kokkos_args "$prefix"
    cmake -S . -B build-fuzz -G Ninja -Wno-dev "${kokkos_cmake_args[@]}" \
      -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DSplineGrid_ENABLE_HDF5=ON -DSplineGrid_ENABLE_FUZZING=ON -DSplineGrid_ENABLE_BENCHMARKS=OFF \
      -DSplineGrid_ENABLE_EXAMPLES=OFF "${launcher[@]}"
    cmake --build build-fuzz -j "$jobs" --target splinegrid_fuzz_csv splinegrid_fuzz_grid_file
    # HDF5 keeps freed blocks in its own free lists, which libFuzzer's per-input leak
    # check reports as leaks inside libhdf5: leak checking is off for that target.
    # Debian's libhdf5 1.10.8 itself has memory errors on some corrupt files (see
    # unit_tests/fuzz/hdf5_upstream/): the grid-file target runs in fork mode, and a
    # crash fails the run only if its first frame past the sanitizer is not in libhdf5.
    rm -rf build-fuzz/artifacts
    mkdir -p build-fuzz/artifacts
    status=0
    for target in csv grid_file; do
      mkdir -p "build-fuzz/corpus/$target"
      extra=(-detect_leaks=1)
      [ $target = grid_file ] && extra=(-detect_leaks=0 -fork=1 -ignore_crashes=1)
      build-fuzz/bin/splinegrid_fuzz_$target -max_total_time="${FUZZ_SECONDS:-60}" -seed=1 \
        -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "${extra[@]}" \
        -artifact_prefix=build-fuzz/artifacts/$target- \
        "build-fuzz/corpus/$target" "unit_tests/fuzz/corpus/$target" \
        || [ $target = grid_file ] || status=1  # grid_file: crashes are triaged below
    done
    upstream=0
    stateful=0
    for artifact in build-fuzz/artifacts/grid_file-*; do
      [ -e "$artifact" ] || continue
      # The first frame past the sanitizer, libFuzzer, libc and libstdc++ frames; an
      # out-of-memory input is replayed with libFuzzer's malloc limit so that the
      # allocation's own stack is printed, unwound from debug info: libhdf5 has no
      # frame pointers, and ASan's default fast unwinder loses every frame between
      # malloc and libFuzzer's driver there (the CI run that printed only 'main').
      # The RSS limit is above the malloc limit: poisoning the shadow of a huge block
      # must not trip the RSS watchdog (which prints no allocation stack) first.
      frame=$(ASAN_OPTIONS=fast_unwind_on_malloc=0:fast_unwind_on_fatal=0 \
              timeout 300 build-fuzz/bin/splinegrid_fuzz_grid_file -detect_leaks=0 \
                -rss_limit_mb=8192 -malloc_limit_mb=2048 "$artifact" 2>&1 \
              | grep -E '^ +#[0-9]+ ' \
              | grep -v -E 'interceptor|libclang_rt|sanitizer|sysdeps|libc[.]so|libstdc[+][+]|/c[+][+]/[0-9]+/| in (malloc|calloc|realloc|operator new)| in fuzzer::' \
              | head -1 || true)
      if echo "$frame" | grep -q libhdf5; then
        upstream=$((upstream + 1))
      elif [ -z "$frame" ]; then
        # Does not crash when replayed alone: the fork-mode child had run earlier
        # inputs, and splinegrid's reader keeps no state, so this is HDF5 state left
        # behind (e.g. by one of its use-after-frees).
        stateful=$((stateful + 1))
      else
        echo "fuzz: $artifact crashes outside libhdf5: $frame"
        status=1
      fi
    done
    echo "fuzz: $upstream input(s) crash inside libhdf5 1.10.8 itself (upstream bugs, not splinegrid's);" \
         "$stateful crash(es) not reproducible alone (HDF5 state from earlier inputs)"
    exit $status
    ;;
  cuda-check)
    # The benchmarks instantiate no kernel the typed unit tests do not (evaluate,
    # derivatives, both adjoints, PointOrder, fits); CUDA_BENCHMARKS=ON adds them (~4 min).
    configure_cuda build-cuda cuda -DCMAKE_BUILD_TYPE=CompileCheck -DCMAKE_CXX_FLAGS_COMPILECHECK="-O0 -G" \
      -DSplineGrid_GROUP_SOURCES=ON \
      -DSplineGrid_ENABLE_BENCHMARKS="${CUDA_BENCHMARKS:-OFF}"
    cmake --build build-cuda -j "$jobs"
    echo "cuda-check: library, tests and examples compiled for CUDA (sm_80); not run (no GPU)"
    ;;
  gpu-bundle)
    # Everything that runs on a GPU, built here (Debian's GoogleTest and Benchmark),
    # packed with the CUDA runtime, the golden data and tools/gpu-run.sh, for a GPU
    # machine that has an NVIDIA driver (CUDA 13) and nothing else of ours.
    configure_cuda build-cuda-hopper cuda-hopper -DCMAKE_BUILD_TYPE=Release -DSplineGrid_ENABLE_BENCHMARKS=ON \
      -DSplineGrid_GROUP_SOURCES=OFF
    cmake --build build-cuda-hopper -j "$jobs"
    stage=build-cuda-hopper/gpu-bundle
    rm -rf "$stage"; mkdir -p "$stage/bin" "$stage/lib"
    cp build-cuda-hopper/bin/splinegrid_{unit_tests,reference_cases,perf_tests,demo} \
       build-cuda-hopper/bin/splinegrid_example_* "$stage/bin/"
    cp -r unit_tests/data "$stage/data"
    cp tools/gpu-run.sh "$stage/run.sh"
    for exe in "$stage"/bin/*; do  # the non-system libraries they link (cudart, benchmark)
      ldd "$exe" | awk '$3 ~ /^\// {print $3}' | grep -E 'libcudart|libbenchmark' || true
    done | sort -u | xargs -r cp -L -t "$stage/lib/"
    git rev-parse --short HEAD > "$stage/REVISION" 2>/dev/null || echo unknown > "$stage/REVISION"
    tar -C build-cuda-hopper -cJf build-cuda-hopper/gpu-bundle.tar.xz gpu-bundle
    echo "gpu-bundle: build-cuda-hopper/gpu-bundle.tar.xz ($(du -h build-cuda-hopper/gpu-bundle.tar.xz | cut -f1));" \
         "on the GPU machine: tar -xJf gpu-bundle.tar.xz && gpu-bundle/run.sh [LOG_DIR]"
    ;;
  hip-check)
    prefix=$(kokkos_prefix hip)
    kokkos_args "$prefix"
    cmake -S . -B build-hip -G Ninja -Wno-dev "${kokkos_cmake_args[@]}" \
      -DCMAKE_CXX_COMPILER=hipcc -DCMAKE_BUILD_TYPE=CompileCheck -DCMAKE_CXX_FLAGS_COMPILECHECK=-O0 \
      -DSplineGrid_ENABLE_BENCHMARKS=OFF -DSplineGrid_GROUP_SOURCES=ON \
      -DSplineGrid_TEST_SPACES=Kokkos::Experimental::HIP "${launcher[@]}"
    # hipcc may print a harmless rocm_agent_enumerator Python traceback (no
    # /sys/class/kfd here); the exit status is what counts.
    cmake --build build-hip -j "$jobs"
    echo "hip-check: library, tests and examples compiled for HIP (gfx90a); not run (no GPU)"
    ;;
  *)
    sed -n '2,16p' "$0"
    [ "$verb" = help ] || exit 2
    ;;
esac
