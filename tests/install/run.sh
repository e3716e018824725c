#!/usr/bin/env bash
# The engine as an installed CMake package: `cmake --install` of a native build
# into a temporary prefix, checks of the installed tree (the package files, the
# headers, no path of the source or build tree and no absolute path of the
# prefix baked into the package's .cmake files), then the prefix is moved
# elsewhere (the package must be relocatable) and tests/install/consumer/, a
# project outside the tree, is configured with find_package(margin CONFIG),
# built and run, and its output compared with literals computed independently
# (see consumer/main.cpp).
#
#   tests/install/run.sh [BUILD_DIR]     default build/native
#
# BUILD_DIR is reused when it is configured (and brought up to date); otherwise
# it is configured natively (Release, Ninja, no tests or benchmarks) and built.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
build="${1:-build/native}"
jobs="${MARGIN_JOBS:-$(nproc)}"

if [ ! -f "$build/CMakeCache.txt" ]; then
  echo "install: configuring $build"
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DMARGIN_BUILD_TESTS=OFF -DMARGIN_BUILD_BENCH=OFF >/dev/null
fi
cmake --build "$build" -j "$jobs" >/dev/null
build="$(cd "$build" && pwd)"
cache_value() { sed -n "s/^$1:[A-Z]*=//p" "$build/CMakeCache.txt"; }
version="$(cache_value CMAKE_PROJECT_VERSION)"
cxx="$(cache_value CMAKE_CXX_COMPILER)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" >/dev/null

fail=0
bad() { echo "install: FAIL: $*"; fail=1; }

# The installed tree.
pkg="$work/prefix/lib/cmake/margin"
for f in marginConfig.cmake marginConfigVersion.cmake marginTargets.cmake; do
  [ -f "$pkg/$f" ] || bad "lib/cmake/margin/$f not installed"
done
for f in fixedpoint/wad.hpp fixedpoint/black76.hpp core/pricing.hpp api/version.hpp api/build_id.hpp api/request.hpp; do
  [ -f "$work/prefix/include/$f" ] || bad "include/$f not installed"
done
ls "$work/prefix"/lib/libmargin_core.* >/dev/null 2>&1 || bad "lib/libmargin_core not installed"
# No path of the source tree, the build tree or the prefix itself in the package:
# a package that names them works only on this machine, at this place.
for dir in "$root" "$build" "$work/prefix"; do
  if hits=$(grep -n -F -- "$dir" "$pkg"/*.cmake); then
    bad "the package names $dir:"; echo "$hits"
  fi
done
[ "$fail" -eq 0 ] || exit 1
echo "install: $(find "$work/prefix" -type f | wc -l) files in the prefix; lib/cmake/margin names no path of the source tree, the build tree or the prefix"

# Relocatable: the consumer builds against the prefix after it has moved.
mv "$work/prefix" "$work/moved"
prefix="$work/moved"

cmake -S tests/install/consumer -B "$work/consumer" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF >"$work/configure.log" 2>&1 ||
  { cat "$work/configure.log"; bad "the consumer does not configure"; exit 1; }
found="$(sed -n 's/^margin_DIR:PATH=//p' "$work/consumer/CMakeCache.txt")"
[ "$found" = "$prefix/lib/cmake/margin" ] || { bad "find_package(margin) found '$found', not the prefix's package"; exit 1; }
cmake --build "$work/consumer" >"$work/build.log" 2>&1 ||
  { cat "$work/build.log"; bad "the consumer does not build"; exit 1; }

# The literals: consumer/main.cpp says how each was computed.
expected="version $version
exp(1.5) 4.481689070338064823
normal_cdf(1.96) 0.975002104851779566
black76_call 19.741265136584744848"
if ls "$prefix"/lib/libmargin_abi.* >/dev/null 2>&1; then
  expected+="
keccak256('') 0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
fi
actual="$("$work/consumer/margin_consumer")" || { echo "$actual"; bad "the consumer failed"; exit 1; }
if [ "$actual" != "$expected" ]; then
  bad "the consumer's output differs"
  diff <(echo "$expected") <(echo "$actual") || true
  exit 1
fi
echo "install: find_package(margin CONFIG) from the moved prefix; the consumer (margin::core$(ls "$prefix"/lib/libmargin_abi.* >/dev/null 2>&1 && echo ", margin::abi")) builds and prints the expected values:"
echo "$actual" | sed 's/^/  /'
