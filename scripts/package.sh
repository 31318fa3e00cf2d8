#!/usr/bin/env bash
# scripts/package.sh — builds the ferry-agent and ferry-controller packages (.deb and .rpm)
# with CPack and leaves them in build/packages/. Uses its own build directory (Release,
# -DCMAKE_INSTALL_PREFIX=/usr); compiling and cpack run under the machine-wide build lock.
# Environment: FERRY_PACKAGE_BUILD_DIR (default build-package), FERRY_PACKAGE_OUT (default
# build/packages).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${FERRY_PACKAGE_BUILD_DIR:-$ROOT/build-package}
OUT=${FERRY_PACKAGE_OUT:-$ROOT/build/packages}
start=$(date +%s)

# dpkg-shlibdeps (dpkg-dev) computes the .deb dependencies; rpmbuild (rpm) makes the .rpm.
missing=()
command -v dpkg-shlibdeps >/dev/null || missing+=(dpkg-dev)
command -v rpmbuild >/dev/null || missing+=(rpm)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "scripts/package.sh: missing ${missing[*]} (run as root to install them)" >&2
    exit 1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" \
    >/dev/null
fi

# Debian's build flags with every hardening feature (stack protector, fortify, relro, bindnow,
# CET), at -O2 as Debian builds its own packages.
export DEB_BUILD_MAINT_OPTIONS=hardening=+all
cxxflags="$(cd "$ROOT" && dpkg-buildflags --get CPPFLAGS)"
cxxflags+=" $(cd "$ROOT" && dpkg-buildflags --get CXXFLAGS)"
ldflags=$(cd "$ROOT" && dpkg-buildflags --get LDFLAGS)
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)

unset FERRY_CPACK_GENERATOR
exec 9>/tmp/ferry-build.lock
flock 9
cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_CXX_FLAGS="$cxxflags" -DCMAKE_CXX_FLAGS_RELEASE=-DNDEBUG \
  -DCMAKE_EXE_LINKER_FLAGS="$ldflags" -DCMAKE_INSTALL_PREFIX=/usr \
  -DFERRY_BUILD_TESTS=OFF -DFERRY_BUILD_BENCH=OFF "${launcher[@]}" >/dev/null
cmake --build "$BUILD_DIR" -j2 --target ferry-agent ferry-controller
rm -rf "$BUILD_DIR/cpack"
(cd "$BUILD_DIR" && cpack -G "DEB;RPM" -B "$BUILD_DIR/cpack" >/dev/null)
exec 9>&-

mkdir -p "$OUT"
rm -f "$OUT"/ferry-agent[_-]*.deb "$OUT"/ferry-controller[_-]*.deb \
  "$OUT"/ferry-agent-*.rpm "$OUT"/ferry-controller-*.rpm
mv "$BUILD_DIR"/cpack/*.deb "$BUILD_DIR"/cpack/*.rpm "$OUT"/
echo "scripts/package.sh: packages in $OUT ($(( $(date +%s) - start )) s):"
for f in "$OUT"/*.deb "$OUT"/*.rpm; do
  printf '  %-45s %8d bytes\n' "$(basename "$f")" "$(stat -c %s "$f")"
done
