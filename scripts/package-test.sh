#!/usr/bin/env bash
# scripts/package-test.sh — builds the packages (scripts/package.sh), lints them, installs the
# .debs into a clean Debian 12 root, boots that root with systemd-nspawn and checks the service,
# an upgrade, remove and purge; checks the .rpms with rpm -qp and `rpm --root … --nodeps`.
# Root only (exit 77 = skipped otherwise). The bootstrapped root is cached as a tarball in
# ${FERRY_PACKAGE_TEST_CACHE:-/var/cache/ferry-package-test}; FERRY_PACKAGE_TEST_NO_BUILD=1
# reuses the packages already in build/packages. Prints PASS/FAIL per check; exit 1 on any FAIL.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PKGS=${FERRY_PACKAGE_OUT:-$ROOT/build/packages}
CACHE=${FERRY_PACKAGE_TEST_CACHE:-/var/cache/ferry-package-test}
SUITE=bookworm
# man-db: systemd-analyze verify checks that Documentation=man:… pages resolve.
INCLUDE=systemd,systemd-sysv,dbus,man-db
SOURCES=/etc/apt/sources.list.d/debian.sources
start=$(date +%s)
export LC_ALL=C DEBIAN_FRONTEND=noninteractive

if [ "$(id -u)" -ne 0 ]; then
  echo "SKIP: package-test needs root (debootstrap, chroot, systemd-nspawn)"
  exit 77
fi

passes=0
failures=0
pass() { echo "PASS: $*"; passes=$((passes + 1)); }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
# check NAME CMD…: PASS when CMD succeeds, else FAIL with its output indented.
check() {
  local name=$1 out
  shift
  if out=$("$@" 2>&1); then
    pass "$name"
  else
    fail "$name"
    [ -n "$out" ] && printf '%s\n' "$out" | head -n 30 | sed 's/^/      /'
  fi
}
fatal() {
  fail "$*"
  exit 1
}
not() { ! "$@"; }
phase() { echo "--- $* (at $(($(date +%s) - start)) s)"; }

WORK=$(mktemp -d /var/tmp/ferry-package-test.XXXXXX)
echo $$ >"$WORK/owner"
RFS=$WORK/root
mounts=()
NSPAWN_PID=
CT_PID=
BROKER_PID=

stop_container() {
  if [ -n "$CT_PID" ] && kill -0 "$CT_PID" 2>/dev/null; then
    nsenter -t "$CT_PID" -a systemctl poweroff >/dev/null 2>&1 || true
    for _ in $(seq 1 30); do
      kill -0 "$NSPAWN_PID" 2>/dev/null || break
      sleep 1
    done
    # Killing the container's PID 1 ends its whole PID namespace; killing only nspawn
    # would leave the container's systemd orphaned.
    kill -0 "$CT_PID" 2>/dev/null && kill -9 "$CT_PID" 2>/dev/null
  fi
  if [ -n "$NSPAWN_PID" ]; then
    kill -0 "$NSPAWN_PID" 2>/dev/null && kill "$NSPAWN_PID" 2>/dev/null
    wait "$NSPAWN_PID" 2>/dev/null
  fi
  CT_PID=
  NSPAWN_PID=
}

unmount_all() {
  local i
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
    umount "${mounts[$i]}" 2>/dev/null || umount -l "${mounts[$i]}" 2>/dev/null || true
  done
  mounts=()
}

mounted_under() { awk -v p="$1/" 'index($5 "/", p) == 1 {print $5}' /proc/self/mountinfo; }

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  [ -n "$BROKER_PID" ] && kill "$BROKER_PID" 2>/dev/null && wait "$BROKER_PID" 2>/dev/null
  stop_container
  unmount_all
  local left
  left=$(mounted_under "$WORK")
  for m in $left; do umount -l "$m" 2>/dev/null || true; done
  left=$(mounted_under "$WORK")
  if [ -z "$left" ]; then
    rm -rf --one-file-system "$WORK"
  else
    echo "FAIL: mounts left under $WORK, not deleting it: $left"
    failures=$((failures + 1))
  fi
  echo "package-test: $passes passed, $failures failed, $(($(date +%s) - start)) s"
  if [ $failures -gt 0 ]; then exit 1; fi
  exit $rc
}
trap cleanup EXIT
trap 'fail "interrupted"; exit 130' INT TERM

# A run killed with SIGKILL (e.g. a ctest timeout) cannot clean up: remove what it left.
for d in /var/tmp/ferry-package-test.*; do
  [ "$d" = "$WORK" ] || [ ! -f "$d/owner" ] && continue
  kill -0 "$(cat "$d/owner")" 2>/dev/null && continue
  [ -f "$d/container.pid" ] && kill -9 "$(cat "$d/container.pid")" 2>/dev/null
  for m in $(mounted_under "$d" | sort -r); do umount -l "$m" 2>/dev/null; done
  [ -z "$(mounted_under "$d")" ] && rm -rf --one-file-system "$d" && echo "removed stale $d"
done

phase "host tools"
need=()
for p in debootstrap systemd-container rpm lintian dpkg-dev; do
  [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]}"
  apt-get install -y -qq --no-install-recommends "${need[@]}" >"$WORK/apt-host.log" 2>&1 ||
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}"; } \
      >>"$WORK/apt-host.log" 2>&1 || fatal "apt-get install ${need[*]} (see $WORK/apt-host.log)"
fi

phase "build packages"
if [ "${FERRY_PACKAGE_TEST_NO_BUILD:-0}" != 1 ]; then
  bash "$ROOT/scripts/package.sh" >"$WORK/package.log" 2>&1 ||
    { tail -n 40 "$WORK/package.log"; fatal "scripts/package.sh"; }
  grep -A4 'packages in' "$WORK/package.log"
fi
shopt -s nullglob
AGENT_DEB=("$PKGS"/ferry-agent_*_amd64.deb)
CTRL_DEB=("$PKGS"/ferry-controller_*_amd64.deb)
AGENT_RPM=("$PKGS"/ferry-agent-*.x86_64.rpm)
CTRL_RPM=("$PKGS"/ferry-controller-*.x86_64.rpm)
shopt -u nullglob
[ ${#AGENT_DEB[@]} -eq 1 ] && [ ${#CTRL_DEB[@]} -eq 1 ] && [ ${#AGENT_RPM[@]} -eq 1 ] &&
  [ ${#CTRL_RPM[@]} -eq 1 ] || fatal "exactly one .deb and .rpm per package in $PKGS"
VERSION=$(dpkg-deb -f "${AGENT_DEB[0]}" Version)

phase "static checks"
check "lintian clean (errors and warnings)" \
  lintian --fail-on error,warning "${AGENT_DEB[0]}" "${CTRL_DEB[0]}"
for deb in "${AGENT_DEB[0]}" "${CTRL_DEB[0]}"; do
  name=$(dpkg-deb -f "$deb" Package)
  check "$name.deb: binary stripped" bash -c "dpkg-deb --fsys-tarfile '$deb' |
    tar -xO ./usr/bin/$name > '$WORK/$name.bin' && file '$WORK/$name.bin' | grep -q ', stripped'"
  check "$name.deb: Depends from shlibdeps" bash -c \
    "dpkg-deb -f '$deb' Depends | grep -q 'libc6 (>=' &&
     dpkg-deb -f '$deb' Depends | grep -q libpoco"
done
echo "      rpm -qpR ${AGENT_RPM[0]##*/}: $(rpm -qpR "${AGENT_RPM[0]}" 2>/dev/null | tr '\n' ' ')"
for rpmf in "${AGENT_RPM[0]}" "${CTRL_RPM[0]}"; do
  name=$(rpm -qp --qf '%{NAME}' "$rpmf" 2>/dev/null)
  comp=${name#ferry-}
  check "$name.rpm: files (rpm -qpl)" bash -c "rpm -qpl '$rpmf' 2>/dev/null > '$WORK/l' &&
    grep -qx /usr/bin/$name '$WORK/l' && grep -qx /etc/ferry/$comp.json '$WORK/l' &&
    grep -qx /usr/lib/systemd/system/$name.service '$WORK/l'"
  check "$name.rpm: config is %config(noreplace)" bash -c \
    "rpm -qp --configfiles '$rpmf' 2>/dev/null | grep -qx /etc/ferry/$comp.json"
  check "$name.rpm: requires (rpm -qpR)" bash -c "rpm -qpR '$rpmf' 2>/dev/null > '$WORK/r' &&
    grep -q '^libc.so.6' '$WORK/r' && grep -q '^shadow-utils' '$WORK/r'"
done

phase "clean Debian 12 root"
MIRROR=$(awk 'BEGIN { RS = ""; FS = "\n" }
  { uris = ""; suites = ""
    for (i = 1; i <= NF; i++) {
      if ($i ~ /^URIs:/) { sub(/^URIs:[ \t]*/, "", $i); uris = $i }
      if ($i ~ /^Suites:/) { sub(/^Suites:[ \t]*/, "", $i); suites = " " $i " " }
    }
    if (suites ~ / '"$SUITE"' /) { split(uris, u, " "); print u[1]; exit } }' "$SOURCES")
[ -n "$MIRROR" ] || fatal "no $SUITE mirror in $SOURCES"
mkdir -p "$CACHE/debs" "$CACHE/apt-archives"
key=$(printf '%s %s %s' "$SUITE" "$INCLUDE" "$MIRROR" | sha256sum | cut -c1-12)
ZEXT=tar
TARFLAGS=()
if command -v zstd >/dev/null; then
  ZEXT=tar.zst
  TARFLAGS=(-I "zstd -T0 -3")
fi
TARBALL=$CACHE/$SUITE-minbase-$key.$ZEXT
(
  flock 8
  if [ ! -f "$TARBALL" ]; then
    t0=$(date +%s)
    echo "debootstrap $SUITE from $MIRROR (cached afterwards in $TARBALL)"
    debootstrap --variant=minbase --include="$INCLUDE" --cache-dir="$CACHE/debs" \
      "$SUITE" "$WORK/bootstrap" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 ||
      { tail -n 20 "$WORK/debootstrap.log"; exit 1; }
    chroot "$WORK/bootstrap" apt-get clean
    tar "${TARFLAGS[@]}" --numeric-owner -C "$WORK/bootstrap" -cf "$TARBALL.tmp" . &&
      mv "$TARBALL.tmp" "$TARBALL" || exit 1
    rm -rf --one-file-system "$WORK/bootstrap"
    # Roots made for another mirror or package set are never used again.
    find "$CACHE" -maxdepth 1 -name "$SUITE-minbase-*.tar*" ! -name "${TARBALL##*/}" -delete
    echo "debootstrap + tarball: $(($(date +%s) - t0)) s, $(du -h "$TARBALL" | cut -f1)"
  fi
) 8>"$CACHE/lock" || fatal "debootstrap $SUITE"

# make_root DIR: a fresh copy of the cached root, with the host's apt sources read now.
make_root() {
  mkdir -p "$1" && tar "${TARFLAGS[@]}" --numeric-owner -C "$1" -xpf "$TARBALL" || return 1
  rm -f "$1/etc/apt/sources.list"
  cp "$SOURCES" "$1/etc/apt/sources.list.d/debian.sources"
  cp /etc/resolv.conf "$1/etc/resolv.conf" 2>/dev/null || true
}
t0=$(date +%s)
make_root "$RFS" || fatal "unpack $TARBALL"
echo "      root unpacked in $(($(date +%s) - t0)) s"
mount -t proc proc "$RFS/proc" && mounts+=("$RFS/proc") || fatal "mount proc"
in_root() { chroot "$RFS" "$@"; }

phase "apt-get install in the chroot"
mkdir -p "$RFS/root/pkgs"
cp "${AGENT_DEB[0]}" "${CTRL_DEB[0]}" "$RFS/root/pkgs/"
cp "$CACHE"/apt-archives/*.deb "$RFS/var/cache/apt/archives/" 2>/dev/null || true
check "apt-get update" in_root apt-get update -qq
check "apt-get install ./${AGENT_DEB[0]##*/} resolves every dependency" \
  in_root apt-get install -y -qq --no-install-recommends "/root/pkgs/${AGENT_DEB[0]##*/}"
check "apt-get install ./${CTRL_DEB[0]##*/}" \
  in_root apt-get install -y -qq --no-install-recommends "/root/pkgs/${CTRL_DEB[0]##*/}"
cp -n "$RFS"/var/cache/apt/archives/*.deb "$CACHE/apt-archives/" 2>/dev/null || true

phase "installed files"
# expect_stat PATH 'MODE USER:GROUP'
# stat_is RUNNER PATH 'MODE USER:GROUP' (names resolved inside the root)
stat_is() {
  local got
  got=$("$1" stat -c '%a %U:%G' "$2")
  [ "$got" = "$3" ] || { echo "$2 is $got"; false; }
}
expect_stat() { stat_is in_root "$@"; }
no_missing_libs() { ! in_root ldd "$1" | grep 'not found'; }
for comp in agent controller; do
  pkg=ferry-$comp
  check "$pkg: /usr/bin/$pkg 755 root:root" expect_stat /usr/bin/$pkg "755 root:root"
  check "$pkg: every shared library found" no_missing_libs /usr/bin/$pkg
  check "$pkg: /etc/ferry/$comp.json 640 root:ferry" \
    expect_stat /etc/ferry/$comp.json "640 root:ferry"
  check "$pkg: /var/lib/ferry/$comp 750 ferry:ferry" \
    expect_stat /var/lib/ferry/$comp "750 ferry:ferry"
  check "$pkg: unit, man page, copyright, changelog" \
    in_root test -f /lib/systemd/system/$pkg.service \
    -a -f /usr/share/man/man1/$pkg.1.gz -a -f /usr/share/doc/$pkg/copyright \
    -a -f /usr/share/doc/$pkg/changelog.gz
  check "$pkg: conffile registered" bash -c \
    "chroot '$RFS' dpkg-query -W -f='\${Conffiles}' $pkg | grep -q '/etc/ferry/$comp.json'"
  check "$pkg: unit neither enabled nor started by the package" \
    test ! -e "$RFS/etc/systemd/system/multi-user.target.wants/$pkg.service"
  check "$pkg: systemd-analyze verify prints nothing" bash -c \
    "out=\$(chroot '$RFS' systemd-analyze verify /lib/systemd/system/$pkg.service 2>&1);
     [ -z \"\$out\" ] || { echo \"\$out\"; false; }"
  echo "      $(in_root systemd-analyze security --offline=true /lib/systemd/system/$pkg.service \
    2>/dev/null | grep -i 'overall exposure')"
  check "$pkg --version prints $VERSION" bash -c \
    "chroot '$RFS' $pkg --version | grep -q '^$pkg $VERSION'"
done
check "ferry user: system user, nologin, home /var/lib/ferry" bash -c \
  "chroot '$RFS' getent passwd ferry | awk -F: '\$3 < 1000 && \$6 == \"/var/lib/ferry\" &&
   \$7 == \"/usr/sbin/nologin\" {ok = 1} END {exit !ok}'"
check "ferry-agent check --config /etc/ferry/agent.json (as user ferry)" \
  in_root runuser -u ferry -- ferry-agent check --config /etc/ferry/agent.json

# A newer build for the upgrade: the same package repacked with a higher version.
NEW_VERSION=$VERSION+pkgtest1
mkdir -p "$WORK/repack"
dpkg-deb -R "${AGENT_DEB[0]}" "$WORK/repack/x" &&
  sed -i "s/^Version: .*/Version: $NEW_VERSION/" "$WORK/repack/x/DEBIAN/control" &&
  dpkg-deb -b "$WORK/repack/x" "$RFS/root/pkgs/ferry-agent_${NEW_VERSION}_amd64.deb" >/dev/null ||
  fatal "repack ferry-agent as $NEW_VERSION"
unmount_all

phase "boot with systemd-nspawn"
systemd-nspawn -q --register=no --keep-unit --private-network -D "$RFS" -b \
  </dev/null >"$WORK/nspawn.log" 2>&1 &
NSPAWN_PID=$!
for _ in $(seq 1 100); do
  for c in $(pgrep -P "$NSPAWN_PID"); do
    [ "$(cat /proc/"$c"/comm 2>/dev/null)" = systemd ] && CT_PID=$c
  done
  [ -n "$CT_PID" ] && break
  sleep 0.1
done
[ -n "$CT_PID" ] || { cat "$WORK/nspawn.log"; fatal "container did not start"; }
echo "$CT_PID" >"$WORK/container.pid"
ct() { nsenter -t "$CT_PID" -a "$@"; }
state=
for _ in $(seq 1 60); do
  state=$(ct systemctl is-system-running 2>/dev/null)
  case $state in running | degraded) break ;; esac
  sleep 0.5
done
check "container booted (is-system-running: $state)" test "$state" = running -o "$state" = degraded
[ "$state" = degraded ] && ct systemctl --failed --no-legend | sed 's/^/      /'
prop() { ct systemctl show -p "$2" --value "$1"; }
# wait_for SECONDS CMD…: retry CMD every 0.5 s.
wait_for() {
  local n=$(($1 * 2))
  shift
  for _ in $(seq 1 $n); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  "$@"
}
is_active() { [ "$(ct systemctl is-active "$1")" = active ]; }
not_active() { ! ct systemctl -q is-active "$1"; }
# ct_stat PATH 'MODE USER:GROUP' (names resolved in the container)
ct_stat() { stat_is ct "$@"; }
# runs_as_ferry UNIT: the unit's main process (a PID of the container) has ferry's uid.
runs_as_ferry() {
  local p
  p=$(prop "$1" MainPID)
  local u
  u=$(ct awk '/^Uid:/ {print $2}' "/proc/$p/status")
  [ "$u" = "$ferry_uid" ] || { echo "MainPID $p has uid $u, ferry is $ferry_uid"; false; }
}
journal_has() { ct journalctl -u "$1" --no-pager -o cat | grep -q "$2"; }
secret_set() { echo -n s3cret | ct runuser -u ferry -- "$1" --config "$2" secret set pkgtest; }
ferry_uid=$(ct id -u ferry)

phase "service"
check "ferry-agent not active after install" not_active ferry-agent
check "systemctl enable --now ferry-agent" ct systemctl enable --now ferry-agent
check "ferry-agent active" wait_for 10 is_active ferry-agent
pid1=$(prop ferry-agent MainPID)
# "active" comes right after fork, before the child drops to User=: wait for that.
check "ferry-agent runs as user ferry" wait_for 5 runs_as_ferry ferry-agent
check "ferry-agent logs 'waiting for enrollment'" wait_for 10 journal_has ferry-agent \
  "waiting for enrollment"
check "ferry-agent state dir 750 ferry:ferry after start" \
  ct_stat /var/lib/ferry/agent "750 ferry:ferry"
check "ferry user writes agent state (secret set)" secret_set ferry-agent /etc/ferry/agent.json
check "agent state files 600 ferry:ferry" \
  ct_stat /var/lib/ferry/agent/secrets/store.json "600 ferry:ferry"
restarted() {
  local p
  p=$(prop ferry-agent MainPID)
  is_active ferry-agent && [ "$p" != 0 ] && [ "$p" != "$pid1" ] &&
    [ "$(prop ferry-agent NRestarts)" -ge 1 ]
}
ct systemctl kill -s SIGKILL ferry-agent
check "ferry-agent restarted after SIGKILL (Restart=on-failure)" wait_for 15 restarted
ct systemctl reload ferry-agent
check "systemctl reload ferry-agent re-reads the config (SIGHUP)" wait_for 10 journal_has \
  ferry-agent "SIGHUP: config reloaded"
check "systemctl start ferry-controller (default config accepted)" \
  ct systemctl start ferry-controller
sleep 1
check "ferry-controller active" is_active ferry-controller
check "ferry-controller runs as user ferry" wait_for 5 runs_as_ferry ferry-controller
check "ferry user writes controller state (secret set)" \
  secret_set ferry-controller /etc/ferry/controller.json

phase "upgrade to $NEW_VERSION"
ct sed -i 's/"level": "info"/"level": "debug"/' /etc/ferry/agent.json
check "conffile edited locally" ct grep -q '"level": "debug"' /etc/ferry/agent.json
pid2=$(prop ferry-agent MainPID)
check "dpkg -i ferry-agent $NEW_VERSION" \
  ct dpkg -i "/root/pkgs/ferry-agent_${NEW_VERSION}_amd64.deb"
check "ferry-agent $NEW_VERSION installed" test \
  "$(ct dpkg-query -W -f='${Version}' ferry-agent)" = "$NEW_VERSION"
check "local conffile edit kept" ct grep -q '"level": "debug"' /etc/ferry/agent.json
check "conffile still 640 root:ferry" ct_stat /etc/ferry/agent.json "640 root:ferry"
secret_listed() {
  ct runuser -u ferry -- ferry-agent --config /etc/ferry/agent.json secret list | grep -qx pkgtest
}
check "agent state kept over upgrade" secret_listed
restarted_on_upgrade() {
  local p
  p=$(prop ferry-agent MainPID)
  is_active ferry-agent && [ "$p" != 0 ] && [ "$p" != "$pid2" ]
}
check "running ferry-agent restarted on the new package" wait_for 10 restarted_on_upgrade
check "ferry-agent still enabled" test "$(ct systemctl is-enabled ferry-agent)" = enabled

phase "remove and purge"
check "dpkg -r ferry-agent" ct dpkg -r ferry-agent
check "remove stopped the service" not_active ferry-agent
check "remove kept config and state" ct test -f /etc/ferry/agent.json -a \
  -f /var/lib/ferry/agent/secrets/store.json
check "remove kept the local conffile edit" ct grep -q '"level": "debug"' /etc/ferry/agent.json
check "dpkg -P ferry-agent" ct dpkg -P ferry-agent
check "purge deleted /var/lib/ferry/agent and /etc/ferry/agent.json" ct test ! -e \
  /var/lib/ferry/agent -a ! -e /etc/ferry/agent.json
check "purge left /var/lib/ferry/controller and its state alone" ct test -f \
  /var/lib/ferry/controller/secrets/store.json -a -f /etc/ferry/controller.json
check "purge left ferry-controller running" is_active ferry-controller
check "purge removed the unit's enablement symlink" ct test ! -e \
  /etc/systemd/system/multi-user.target.wants/ferry-agent.service
check "purge removed the statoverride" not ct dpkg-statoverride --list /etc/ferry/agent.json
check "ferry user kept (ferry-controller still installed)" ct getent passwd ferry
check "dpkg -P ferry-controller" ct dpkg -P ferry-controller
check "purging both leaves no /var/lib/ferry" ct test ! -e /var/lib/ferry
stop_container
check "container powered off, nothing left running" test -z "$(pgrep -f "$RFS" || true)"

phase "rpm scriptlets (rpm --root … --nodeps)"
RR=$WORK/rpmroot
make_root "$RR" || fatal "unpack $TARBALL"
rpm_root() { rpm --root "$RR" "$@"; }
in_rr() { chroot "$RR" "$@"; }
check "rpm --initdb" rpm_root --initdb
check "rpm -ivh --nodeps both packages" rpm_root -ivh --nodeps --quiet "${AGENT_RPM[0]}" \
  "${CTRL_RPM[0]}"
check "%pre created the ferry user" in_rr getent passwd ferry
for comp in agent controller; do
  check "rpm: /var/lib/ferry/$comp 750 ferry:ferry" \
    stat_is in_rr /var/lib/ferry/$comp "750 ferry:ferry"
  check "rpm: /etc/ferry/$comp.json 640 root:ferry" \
    stat_is in_rr /etc/ferry/$comp.json "640 root:ferry"
  check "rpm: unit in /usr/lib/systemd/system" \
    in_rr test -f /usr/lib/systemd/system/ferry-$comp.service
done
in_rr sed -i 's/"level": "info"/"level": "debug"/' /etc/ferry/agent.json
touch "$RR/var/lib/ferry/agent/marker"
check "rpm -e ferry-agent" rpm_root -e ferry-agent
check "rpm -e kept the edited config as agent.json.rpmsave" \
  in_rr grep -q '"level": "debug"' /etc/ferry/agent.json.rpmsave
check "rpm -e kept the agent state" in_rr test -f /var/lib/ferry/agent/marker
check "rpm -e left ferry-controller's files alone" in_rr test -f /etc/ferry/controller.json -a \
  -d /var/lib/ferry/controller

phase "broker config (packaging/mosquitto/ferry.conf)"
if command -v mosquitto >/dev/null && command -v mosquitto_ctrl >/dev/null &&
  getent passwd mosquitto >/dev/null; then
  B=$WORK/broker
  mkdir -p "$B/certs" "$B/dynsec"
  chmod 755 "$WORK" "$B"
  free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
  }
  tls_port=$(free_port)
  lo_port=$(free_port)
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 -keyout "$B/certs/ferry-broker.key" \
    -out "$B/certs/ferry-broker.crt" >/dev/null 2>&1
  # The shipped file with test ports and paths; everything else as in production.
  sed -e "s#/etc/mosquitto/certs#$B/certs#" -e "s#/var/lib/mosquitto/dynsec#$B/dynsec#" \
    -e "s/^listener 8883\$/listener $tls_port 127.0.0.1/" \
    -e "s/^listener 1883 127.0.0.1\$/listener $lo_port 127.0.0.1/" \
    "$ROOT/packaging/mosquitto/ferry.conf" >"$B/m.conf"
  printf 'persistence false\nlog_dest stderr\n' >>"$B/m.conf"
  mosquitto_ctrl dynsec init "$B/dynsec/dynamic-security.json" ferry-admin adminpw >/dev/null
  chown -R mosquitto:mosquitto "$B/dynsec" "$B/certs"
  chmod 700 "$B/dynsec"
  chmod 600 "$B/dynsec/dynamic-security.json" "$B/certs/ferry-broker.key"
  # Started as the mosquitto user, as the Debian service ends up after dropping root.
  runuser -u mosquitto -- mosquitto -c "$B/m.conf" >"$B/broker.log" 2>&1 &
  BROKER_PID=$!
  pub() { mosquitto_pub -h 127.0.0.1 "$@" 2>&1; }
  wait_for 5 grep -q running "$B/broker.log"
  check "broker: anonymous client refused (TLS listener)" \
    not pub -p "$tls_port" --cafile "$B/certs/ferry-broker.crt" -t ferry/v1/x -m x
  check "broker: anonymous client refused (loopback listener)" \
    not pub -p "$lo_port" -t ferry/v1/x -m x
  create='{"commands":[{"command":"createClient","username":"pkgtest","password":"pw"}]}'
  check "broker: dynsec admin connects over TLS" pub -p "$tls_port" \
    --cafile "$B/certs/ferry-broker.crt" -u ferry-admin -P adminpw \
    -t '$CONTROL/dynamic-security/v1' -m "$create"
  check "broker: dynsec change saved by the mosquitto user" \
    wait_for 5 grep -q pkgtest "$B/dynsec/dynamic-security.json"
  check "broker: log free of errors and warnings" not grep -Ei 'error|warning' "$B/broker.log"
  kill "$BROKER_PID" && wait "$BROKER_PID" 2>/dev/null
  BROKER_PID=
else
  fail "broker config: mosquitto, mosquitto_ctrl or the mosquitto user missing (scripts/deps.sh)"
fi
