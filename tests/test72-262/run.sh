#!/usr/bin/env bash
# Runs systemd v262.1's own integration test TEST-72-SYSUPDATE, unmodified, against a sysupdate binary
# installed as /usr/lib/systemd/systemd-sysupdate inside a Debian sid chroot that carries systemd 262.1
# from Debian's packages (pinned). There is no PID 1 in the chroot: a small systemctl stand-in starts the
# test's socket units with systemd-socket-activate (see systemctl and exec-unit beside this script).
#
#   bash tests/test72-262/run.sh                 our published binary (artifacts/bin/sysupdate)
#   bash tests/test72-262/run.sh --binary PATH   another binary
#   bash tests/test72-262/run.sh --upstream      systemd 262.1's own systemd-sysupdate (shows the harness)
#   bash tests/test72-262/run.sh --build-only    only build (or check) the chroot, run nothing; the compare
#                                                benchmark runs the real 262.1 binary from it
#
# Exit status: 0 passed, 1 failed, 77 skipped (not root, no loop devices, or systemd 262.1 no longer
# served by the mirror). The chroot is built once into $TEST72_CHROOT (default
# /var/tmp/sysupdate-test72-sid-262.1) and reused; the test's log goes to $TEST72_LOG
# (default artifacts/test72-262.log).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
pin=262.1
chroot_dir=${TEST72_CHROOT:-/var/tmp/sysupdate-test72-sid-$pin}
log=${TEST72_LOG:-$repo/artifacts/test72-262.log}
binary=$repo/artifacts/bin/sysupdate
upstream=
build_only=
while [ $# -gt 0 ]; do
  case "$1" in
    --upstream) upstream=1 ;;
    --build-only) build_only=1 ;;
    --binary) binary=$(realpath "$2"); shift ;;
    *) echo "usage: run.sh [--upstream | --binary PATH | --build-only]" >&2; exit 2 ;;
  esac
  shift
done

skip() { echo "TEST-72 v$pin: skipped: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root (chroot, loop devices)"
[ -e /dev/loop-control ] || skip "no loop device support"
[ -n "$upstream$build_only" ] || [ -x "$binary" ] || { echo "TEST-72 v$pin: $binary is missing; publish first (dotnet publish src/SysUpdate.Cli -c Release -o artifacts/bin)" >&2; exit 1; }

build_chroot() {
  command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
  . "$repo/tests/lib-debian-mirror.sh"
  local uri keyring
  read -r uri keyring < <(debian_mirror) || true
  [ -n "${uri:-}" ] || skip "no Debian mirror in this machine's apt sources to fetch sid from"
  local tmp=$chroot_dir.building
  rm -rf "$tmp"
  echo "TEST-72 v$pin: building the sid chroot in $chroot_dir (once)..."
  # What the test script calls besides systemd itself; systemd-pull needs libcurl, and 262.1's own
  # Varlink service asks for the system bus even for root callers.
  debootstrap --variant=minbase ${keyring:+--keyring="$keyring"} \
    --include=jq,gpg,gpg-agent,libcurl4t64,dbus-daemon,dbus-system-bus-common,fdisk,util-linux,python3,gzip,tar,xz-utils,zstd,bzip2,ca-certificates \
    sid "$tmp" "$uri" >"$tmp.log" 2>&1 || { tail -5 "$tmp.log" >&2; echo "TEST-72 v$pin: debootstrap failed (log: $tmp.log)" >&2; exit 1; }
  mount --bind /proc "$tmp/proc"
  local rc=0
  chroot "$tmp" /bin/sh -ec "
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq --no-install-recommends systemd=$pin-\\* systemd-container=$pin-\\* libsystemd-shared=$pin-\\* libsystemd0=$pin-\\* >/dev/null
    cd /tmp && apt-get download -qq systemd-tests=$pin-\\* && dpkg-deb -x systemd-tests_*.deb /tmp/tests
    mkdir -p /usr/lib/systemd/tests/testdata/units
    cp /tmp/tests/usr/lib/systemd/tests/testdata/units/TEST-72-SYSUPDATE.sh /usr/lib/systemd/tests/testdata/units/
    rm -rf /tmp/tests /tmp/systemd-tests_*.deb
    apt-get clean
  " >>"$tmp.log" 2>&1 || rc=$?
  umount "$tmp/proc"
  if [ $rc -ne 0 ]; then
    if grep -qE "Version '$pin-.*' for '[a-z-]+' was not found|Unable to locate package" "$tmp.log"; then
      skip "systemd $pin is no longer served by the mirror (see $tmp.log)"
    fi
    tail -5 "$tmp.log" >&2; echo "TEST-72 v$pin: installing systemd $pin into the chroot failed (log: $tmp.log)" >&2; exit 1
  fi
  cp -a "$tmp/usr/lib/systemd/systemd-sysupdate" "$tmp/usr/lib/systemd/systemd-sysupdate.upstream"
  rm -rf "$chroot_dir"; mv "$tmp" "$chroot_dir"; mv "$tmp.log" "$chroot_dir.log"
}

[ -f "$chroot_dir/usr/lib/systemd/tests/testdata/units/TEST-72-SYSUPDATE.sh" ] || build_chroot
installed=$(chroot "$chroot_dir" dpkg-query -W -f '${Version}' systemd)
case "$installed" in $pin-*) ;; *) echo "TEST-72 v$pin: the chroot has systemd $installed, not $pin; remove $chroot_dir to rebuild" >&2; exit 1 ;; esac
if [ -n "$build_only" ]; then
  echo "TEST-72 v$pin: chroot ready in $chroot_dir (systemd $installed)"
  exit 0
fi

mkdir -p "$(dirname "$log")"
bind_source=$binary
[ -z "$upstream" ] || bind_source=
what=$binary
[ -z "$upstream" ] || what="the systemd-sysupdate of systemd $installed"
echo "TEST-72 v$pin: running the unmodified test against $what (log: $log)"
start=$(date +%s)
rc=0
# A private mount namespace: the bind mounts below vanish with it, even if the test is killed.
unshare --mount --propagation private -- /bin/bash -e -c '
  root=$1 binary=$2 here=$3
  mount -t proc proc "$root/proc"
  mount --rbind /sys "$root/sys"
  mount --rbind /dev "$root/dev"
  mount -t tmpfs -o mode=0755 tmpfs "$root/run"
  mount -t tmpfs -o mode=1777 tmpfs "$root/tmp"
  mkdir -p "$root/usr/local/lib/test72" "$root/usr/local/bin"
  install -m 0755 "$here/exec-unit" "$here/systemctl" "$root/usr/local/lib/test72/"
  ln -sf /usr/local/lib/test72/systemctl "$root/usr/local/bin/systemctl"
  if [ -n "$binary" ]; then
    mount --bind "$binary" "$root/usr/lib/systemd/systemd-sysupdate"
  else
    mount --bind "$root/usr/lib/systemd/systemd-sysupdate.upstream" "$root/usr/lib/systemd/systemd-sysupdate"
  fi
  rm -f "$root/testok" "$root/skipped"
  exec chroot "$root" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HOME=/root LANG=C.UTF-8 TERM=dumb /bin/bash -c "
      mkdir -p /run/dbus && dbus-daemon --system --fork
      systemctl start systemd-sysupdate.socket
      bash /usr/lib/systemd/tests/testdata/units/TEST-72-SYSUPDATE.sh
      rc=\$?
      systemctl stop systemd-sysupdate.socket
      exit \$rc"
' test72 "$chroot_dir" "$bind_source" "$here" >"$log" 2>&1 || rc=$?
elapsed=$(( $(date +%s) - start ))
if [ $rc -eq 0 ] && [ -f "$chroot_dir/testok" ]; then
  echo "TEST-72 v$pin: passed in ${elapsed}s"
  exit 0
fi
if [ $rc -eq 77 ] && [ -f "$chroot_dir/skipped" ]; then
  skip "the test skipped itself: $(cat "$chroot_dir/skipped")"
fi
echo "TEST-72 v$pin: FAILED (exit $rc after ${elapsed}s); the last lines of $log:"
grep -v '^+' "$log" | tail -15
echo "--- last commands:"; grep '^+' "$log" | tail -8
exit 1
