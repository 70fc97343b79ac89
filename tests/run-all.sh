#!/usr/bin/env bash
# The one command that runs every test (README "Test"). Installs what a fresh Debian 12 machine with
# the .NET SDK lacks, builds, publishes the CLI the integration tests run as a process, runs every
# test project and prints one closing line "N passed, N failed, N skipped".
#
#   bash tests/run-all.sh          every test (what CI runs)
#   bash tests/run-all.sh --fast   leaves out the tests marked Category=Slow (kill campaigns, concurrent
#                                  runs, lock waits, the Varlink flood) and systemd v262.1's own TEST-72
#                                  (tests/test72-262): several minutes less for local iteration
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
filter=()
fast=
case "${1:-}" in
  --fast) filter=(--filter "Category!=Slow"); fast=1 ;;
  "") ;;
  *) echo "usage: bash tests/run-all.sh [--fast]" >&2; exit 2 ;;
esac

# bookworm-backports from the mirror and keyring this machine already uses for bookworm.
. tests/lib-debian-mirror.sh
add_backports_source() {
  local uri keyring
  read -r uri keyring < <(debian_mirror) || true
  if [ -z "${uri:-}" ]; then
    echo "run-all: no bookworm apt source found to derive bookworm-backports from; python3-varlink tests will skip" >&2
    return 0
  fi
  {
    echo "Types: deb"
    echo "URIs: $uri"
    echo "Suites: bookworm-backports"
    echo "Components: main"
    [ -n "$keyring" ] && echo "Signed-By: $keyring"
  } > /etc/apt/sources.list.d/bookworm-backports.sources
}

need_apt=()
command -v sfdisk >/dev/null || need_apt+=(fdisk)
command -v gpgv >/dev/null || need_apt+=(gpgv)
command -v gpg >/dev/null || need_apt+=(gnupg)
command -v zstd >/dev/null || need_apt+=(zstd)
command -v xz >/dev/null || need_apt+=(xz-utils)
command -v bzip2 >/dev/null || need_apt+=(bzip2)
command -v setpriv >/dev/null || need_apt+=(util-linux)
command -v dbus-daemon >/dev/null || need_apt+=(dbus)
[ -x /usr/lib/polkit-1/polkitd ] || need_apt+=(polkitd)
[ -f /usr/share/bash-completion/bash_completion ] || need_apt+=(bash-completion)
command -v zsh >/dev/null || need_apt+=(zsh)
command -v dpkg-divert >/dev/null || need_apt+=(dpkg)
command -v man >/dev/null || need_apt+=(man-db)
[ -x /usr/sbin/nginx ] || need_apt+=(nginx-light)
command -v casync >/dev/null || need_apt+=(casync)
command -v clang >/dev/null || need_apt+=(clang)   # the NativeAOT publish of sysupdate and updatectl links with clang
[ -n "$fast" ] || command -v debootstrap >/dev/null || need_apt+=(debootstrap)   # TEST-72 v262.1 chroot
# The reference GUI's screen test (tests/SysUpdate.Integration.Tests/Gui): an X server, GTK 4 for python3, screenshots.
command -v Xvfb >/dev/null || need_apt+=(xvfb)
command -v import >/dev/null || need_apt+=(imagemagick)
/usr/bin/python3 -c 'import gi' 2>/dev/null || need_apt+=(python3-gi)
[ -n "$(find /usr/lib -name Gtk-4.0.typelib -print -quit 2>/dev/null)" ] || need_apt+=(gir1.2-gtk-4.0)
python3 -c 'import varlink' 2>/dev/null || /usr/bin/python3 -c 'import varlink' 2>/dev/null || need_varlink=1
if [ "${#need_apt[@]}" -gt 0 ] || [ -n "${need_varlink:-}" ]; then
  if [ "$(id -u)" = 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    if [ -n "${need_varlink:-}" ] && ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
      add_backports_source
    fi
    apt-get update -qq
    [ "${#need_apt[@]}" -gt 0 ] && apt-get install -y -qq "${need_apt[@]}" >/dev/null
    [ -n "${need_varlink:-}" ] && apt-get install -y -qq -t bookworm-backports python3-varlink >/dev/null
  else
    echo "run-all: not root; missing packages (${need_apt[*]:-} ${need_varlink:+python3-varlink}) are not installed, their tests skip" >&2
  fi
fi

# --- linux-arm64 (Arm64SmokeTests) -------------------------------------------------------------------
# The arm64 build runs under qemu-user with the arm64 runtime libraries (and the codecs the product
# dlopens) of this machine's own suite, installed multiarch. Adding the arm64 architecture adds no
# apt source: the machine's deb822 entries carry no Architectures: line, so apt fetches the arm64
# indexes from the same mirror with the same keyring. An entry that pins its architectures is left
# alone and the smoke test skips.
arm64_need=()
command -v qemu-aarch64-static >/dev/null || arm64_need+=(qemu-user-static)
for pkg in libc6 libstdc++6 libgcc-s1 zlib1g libssl3 libzstd1 liblzma5 libbz2-1.0; do
  dpkg-query -W -f='${Status}' "$pkg:arm64" 2>/dev/null | grep -q ' installed$' || arm64_need+=("$pkg:arm64")
done
if [ "${#arm64_need[@]}" -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "run-all: not root; ${arm64_need[*]} not installed, the arm64 smoke test skips" >&2
  elif grep -qs '^Architectures:' /etc/apt/sources.list.d/debian.sources; then
    echo "run-all: debian.sources pins its architectures; ${arm64_need[*]} not installed, the arm64 smoke test skips" >&2
  else
    export DEBIAN_FRONTEND=noninteractive
    dpkg --print-foreign-architectures | grep -qx arm64 || dpkg --add-architecture arm64
    apt-get update -qq
    apt-get install -y -qq "${arm64_need[@]}" >/dev/null \
      || echo "run-all: installing ${arm64_need[*]} failed; the arm64 smoke test skips" >&2
  fi
fi
# --- end linux-arm64 ---------------------------------------------------------------------------------

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# One restore (it talks to the package feed, which is slow); everything after reuses it.
dotnet restore SysUpdate.sln -v q
dotnet build SysUpdate.sln -c Release -nologo -v q --no-restore
# The integration tests run the published executables (NativeAOT on x64), as a user would.
dotnet publish src/SysUpdate.Cli -c Release -nologo -v q --no-restore -o artifacts/bin
dotnet publish src/UpdateCtl -c Release -nologo -v q --no-restore -o artifacts/bin
export SYSUPDATE_BIN="$repo/artifacts/bin/sysupdate" UPDATECTL_BIN="$repo/artifacts/bin/updatectl"
dotnet publish tests/SysUpdate.CrashHost -c Release -nologo -v q --no-restore -o artifacts/crash-host   # test-only, for the crash tests
export SYSUPDATE_CRASH_HOST="$repo/artifacts/crash-host/SysUpdate.CrashHost"
# --- linux-arm64 publish: self-contained, ReadyToRun (crossgen2 compiles for arm64 from this x64 host);
# Arm64SmokeTests run it under qemu-aarch64-static, and skip, saying why, where qemu or the libs are missing.
# It restores for itself: the solution restore above is for x64 (NativeAOT), and a restore only fetches the
# crossgen2 pack ReadyToRun needs when the arm64 build is the one being restored.
dotnet publish src/SysUpdate.Cli -c Release -nologo -v q -r linux-arm64 -o artifacts/bin-arm64
export SYSUPDATE_ARM64_BIN="$repo/artifacts/bin-arm64/sysupdate"
# --- end linux-arm64 publish

# The chroot with systemd 262.1 serves TEST-72 below and the integration tests that run the real 262.1 binary
# (Systemd262RolloutTests, which skip without it): built before the test projects so a fresh machine runs them too.
if [ -z "$fast" ]; then
  bash tests/test72-262/run.sh --build-only >/dev/null \
    || echo "run-all: the TEST-72 chroot could not be built; the tests that need it skip" >&2
fi

results="$repo/artifacts/test-results"
rm -rf "$results"; mkdir -p "$results"
status=0
for proj in tests/SysUpdate.Core.Tests tests/SysUpdate.Varlink.Tests tests/SysUpdate.Integration.Tests; do
  name=$(basename "$proj")
  dotnet test "$proj" -c Release --no-build -nologo ${filter[@]+"${filter[@]}"} \
    --logger "trx;LogFileName=$name.trx" --results-directory "$results" \
    --logger "console;verbosity=minimal" || status=1
done

# systemd v262.1's own TEST-72-SYSUPDATE, unmodified, in a sid chroot with systemd 262.1 (built once per
# machine; skipped, and counted so, when the machine cannot run it or the mirror no longer serves 262.1).
test72=skipped
if [ -z "$fast" ]; then
  t72=0
  bash tests/test72-262/run.sh || t72=$?
  case $t72 in 0) test72=passed ;; 77) test72=skipped ;; *) test72=failed; status=1 ;; esac
fi

python3 - "$results" "$test72" <<'PY'
import sys, glob, xml.etree.ElementTree as ET
p = f = s = 0
extra = sys.argv[2]
p += extra == "passed"; f += extra == "failed"; s += extra == "skipped"
for trx in glob.glob(sys.argv[1] + "/*.trx"):
    c = ET.parse(trx).getroot().find(".//{*}Counters")
    if c is None: continue
    p += int(c.get("passed", 0)); f += int(c.get("failed", 0)) + int(c.get("error", 0))
    # xunit's skips are results with outcome NotExecuted; the Counters' notExecuted attribute stays 0 for them.
    s += sum(r.get("outcome") == "NotExecuted" for r in ET.parse(trx).getroot().findall(".//{*}UnitTestResult"))
print(f"{p} passed, {f} failed, {s} skipped")
PY
exit $status
