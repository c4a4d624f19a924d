#!/usr/bin/env bash
# Installs everything splinegrid needs on a Debian 12 machine, using only Debian's
# package archive: apt packages, and Kokkos + Kokkos Kernels 3.4.01 built from the
# Debian source package trilinos=13.2.0-4 into a cache outside the clone.
#
# Usage: tools/bootstrap-deps.sh [host] [cuda] [hip]
#   host  Kokkos with Serial+OpenMP (default; what tests run on)
#   cuda  Kokkos with Serial+CUDA (sm_80) for compile-only checks with nvcc 13
#   cuda-hopper  Kokkos with Serial+CUDA (sm_90, H100/H200) for tools/dev.sh gpu-bundle
#   hip   Kokkos with Serial+HIP (gfx90a) for compile-only checks with hipcc
# Environment: SPLINEGRID_CACHE (default $HOME/.cache/splinegrid).
# Prints nothing on stdout but `<flavour>=<prefix>` lines, so callers can eval them.
# Idempotent: each install prefix is keyed by a hash of its flavour's recipe, and
# a finished build leaves a stamp; a warm rerun takes seconds.
set -euo pipefail

cache=${SPLINEGRID_CACHE:-$HOME/.cache/splinegrid}
flavours=("$@")
[ ${#flavours[@]} -gt 0 ] || flavours=(host)
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# Bump when the build steps below change in a way the flavour's options don't show.
recipe_revision=1
trilinos_version=13.2.0-4
jobs=$(nproc)

log() { echo "bootstrap-deps: $*" >&2; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# --- 1. apt packages -------------------------------------------------------------
apt_packages=(g++ cmake ninja-build pkg-config dpkg-dev xz-utils
              libgtest-dev libgmock-dev libbenchmark-dev
              libopenmpi-dev openmpi-bin libhdf5-dev libpng-dev doxygen clang ccache)
for f in "${flavours[@]}"; do
  [ "$f" = hip ] && apt_packages+=(hipcc libamdhip64-dev rocm-device-libs)
done
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
apt_updated=0
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  as_root apt-get update -qq >&2
  apt_updated=1
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

# --- 2. Kokkos sources from the Debian source package ------------------------------
src="$cache/src/trilinos-$trilinos_version"
if [ ! -f "$src/.extracted" ]; then
  # A deb-src entry derived from the machine's own sources file (names no host here).
  if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/; then
    sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources \
      | as_root tee /etc/apt/sources.list.d/splinegrid-deb-src.sources >/dev/null
    apt_updated=0
  fi
  [ $apt_updated -eq 1 ] || as_root apt-get update -qq >&2
  dl="$cache/download"
  rm -rf "$dl" "$src"; mkdir -p "$dl" "$src"
  log "downloading source package trilinos=$trilinos_version"
  (cd "$dl" && apt-get source --download-only "trilinos=$trilinos_version" >&2)
  tarball=$(ls "$dl"/trilinos_*.orig.tar.* | head -n 1)
  log "extracting Kokkos and Kokkos Kernels from $(basename "$tarball")"
  tar -xf "$tarball" -C "$src" --strip-components=1 --wildcards \
    '*/packages/kokkos/*' '*/packages/kokkos-kernels/*'
  rm -rf "$dl"
  touch "$src/.extracted"
fi

# --- 3. Builds, one prefix per flavour -----------------------------------------------
build_flavour() {
  local flavour=$1 cxx=g++ wrapper=0 patches=() kflags=() kkflags=()
  case $flavour in
    host)
      kflags=(-DKokkos_ENABLE_SERIAL=ON -DKokkos_ENABLE_OPENMP=ON) ;;
    host-checked)  # every View access bounds-checked (sanitizer stage; OpenMP only, to halve its build)
      kflags=(-DKokkos_ENABLE_SERIAL=OFF -DKokkos_ENABLE_OPENMP=ON -DKokkos_ENABLE_DEBUG_BOUNDS_CHECK=ON) ;;
    cuda|cuda-hopper)
      # Kokkos 3.4 predates Hopper and refuses to run sm_80 code on a CC 9.0 device
      # (it checks the major version), so the run-on-a-GPU flavour adds HOPPER90.
      local karch=AMPERE80
      patches=(cuda13.patch)
      if [ "$flavour" = cuda-hopper ]; then patches+=(hopper90.patch); karch=HOPPER90; fi
      wrapper=1
      kflags=(-DKokkos_ENABLE_SERIAL=ON -DKokkos_ENABLE_CUDA=ON -DKokkos_ENABLE_CUDA_LAMBDA=ON
              -DKokkos_ARCH_$karch=ON -DCUDAToolkit_ROOT=/usr/local/cuda)
      kkflags=(-DKokkosKernels_NO_DEFAULT_CUDA_TPLS=ON) ;;
    hip)
      patches=(hip-gfx90a.patch)
      cxx=hipcc
      kflags=(-DKokkos_ENABLE_SERIAL=ON -DKokkos_ENABLE_HIP=ON -DKokkos_ARCH_VEGA90A=ON) ;;
    *) log "unknown flavour '$flavour' (host, host-checked, cuda, cuda-hopper, hip)"; exit 2 ;;
  esac
  # The prefix is keyed by this flavour's recipe alone (sources, patches, options,
  # recipe_revision), so editing this script or another flavour rebuilds nothing.
  local key
  key=$( { echo "$recipe_revision $trilinos_version $flavour $cxx $wrapper ${kflags[*]} ${kkflags[*]}"
           for p in "${patches[@]}"; do cat "$here/kokkos-patches/$p"; done; } | sha256sum | cut -c1-12)
  local prefix="$cache/kokkos-$flavour-$key"
  if [ -f "$prefix/.complete" ]; then echo "$flavour=$prefix"; return; fi
  local work="$cache/build-$flavour"
  rm -rf "$work" "$prefix"; mkdir -p "$work"
  cp -r "$src/packages/kokkos" "$work/kokkos-src"
  for p in "${patches[@]}"; do
    (cd "$work/kokkos-src" && patch -p1 -s < "$here/kokkos-patches/$p")
  done
  if [ "$wrapper" = 1 ]; then
    cxx="$work/kokkos-src/bin/nvcc_wrapper"
    export NVCC_WRAPPER_DEFAULT_COMPILER=g++
    export PATH="/usr/local/cuda/bin:$PATH"
  fi
  log "building Kokkos 3.4.01 ($flavour) into $prefix"
  cmake -S "$work/kokkos-src" -B "$work/kokkos-build" -G Ninja -Wno-dev \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_STANDARD=17 -DCMAKE_CXX_COMPILER="$cxx" \
    -DCMAKE_INSTALL_PREFIX="$prefix" "${kflags[@]}" >&2
  cmake --build "$work/kokkos-build" -j "$jobs" >&2
  cmake --install "$work/kokkos-build" >&2
  log "building Kokkos Kernels 3.4.01 ($flavour)"
  cmake -S "$src/packages/kokkos-kernels" -B "$work/kk-build" -G Ninja -Wno-dev \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_STANDARD=17 -DCMAKE_CXX_COMPILER="$cxx" \
    -DCMAKE_INSTALL_PREFIX="$prefix" -DKokkos_ROOT="$prefix" \
    -DKokkosKernels_ADD_DEFAULT_ETI=OFF -DKokkosKernels_ENABLE_TESTS=OFF \
    -DKokkosKernels_ENABLE_EXAMPLES=OFF "${kkflags[@]}" >&2
  cmake --build "$work/kk-build" -j "$jobs" >&2
  cmake --install "$work/kk-build" >&2
  rm -rf "$work"
  touch "$prefix/.complete"
  echo "$flavour=$prefix"
}

for f in "${flavours[@]}"; do build_flavour "$f"; done
