#!/usr/bin/env bash
# Installs SysUpdate (the published sysupdate and updatectl, our units, shell completions and man
# pages) under a prefix, and optionally makes it stand in for systemd's own
# /usr/lib/systemd/systemd-sysupdate on Debian. See packaging/README.md.
#
#   packaging/install.sh [--prefix=DIR] [--destdir=DIR] [--from=DIR] [--replace-systemd]
#   packaging/install.sh --uninstall [--prefix=DIR] [--destdir=DIR]
#
#   --prefix=DIR        where things go (default /usr/local): DIR/bin, DIR/lib/systemd/system,
#                       DIR/share/{man,bash-completion,zsh}
#   --destdir=DIR       stage everything below DIR (for packaging; also where --replace-systemd's
#                       diversion is recorded: dpkg-divert --root=DIR)
#   --from=DIR          the published binaries (default: artifacts/bin of this checkout; make them
#                       with `dotnet publish src/SysUpdate.Cli -c Release -o artifacts/bin` and the
#                       same for src/UpdateCtl)
#   --replace-systemd   also divert systemd's /usr/lib/systemd/systemd-sysupdate aside with
#                       dpkg-divert (to systemd-sysupdate.distrib) and put sysupdate in its place; a
#                       ReadyToRun build (arm64) also gets the drop-ins upstream's units need for a JIT
#                       (MemoryDenyWriteExecute=no); the NativeAOT x64 build runs under them unchanged
#   --uninstall         remove exactly what the install recorded in PREFIX/lib/sysupdate/installed-files
#                       and undo the diversion, putting systemd's binary back
#
# Nothing outside DESTDIR is touched when --destdir is given. The polkit policy (the actions the
# io.systemd.SysUpdate service asks about for callers other than root, sysupdated's ids) goes to
# /usr/share/polkit-1/actions whatever the prefix: polkitd reads no other directory.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
prefix=/usr/local
destdir=
from="$repo/artifacts/bin"
replace_systemd=
uninstall=

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0; }
die() { echo "install.sh: $*" >&2; exit 1; }

for arg in "$@"; do
  case $arg in
    --prefix=*) prefix=${arg#*=} ;;
    --destdir=*) destdir=${arg#*=} ;;
    --from=*) from=${arg#*=} ;;
    --replace-systemd) replace_systemd=1 ;;
    --uninstall) uninstall=1 ;;
    -h|--help) usage ;;
    *) echo "install.sh: unknown argument '$arg' (see --help)" >&2; exit 2 ;;
  esac
done
case $prefix in /*) ;; *) die "--prefix=$prefix must be an absolute path" ;; esac
[ -z "$destdir" ] || case $destdir in /*) ;; *) destdir="$PWD/$destdir" ;; esac
prefix=${prefix%/}

systemd_binary=/usr/lib/systemd/systemd-sysupdate
systemd_diverted=/usr/lib/systemd/systemd-sysupdate.distrib
upstream_unit_dir=/usr/lib/systemd/system
# Upstream's units that set MemoryDenyWriteExecute=yes (systemd-sysupdate.service is an alias of
# -update.service on 262; its own drop-in directory covers distributions where it is a copy).
sandboxed_upstream_units="systemd-sysupdate@.service systemd-sysupdate-update.service systemd-sysupdate.service"
dropin_name=50-sysupdate-dotnet.conf
polkit_actions_dir=/usr/share/polkit-1/actions
manifest="$prefix/lib/sysupdate/installed-files"

divert() {
  command -v dpkg-divert >/dev/null || die "--replace-systemd needs dpkg-divert (Debian and derivatives); elsewhere point the units' ExecStart= at $prefix/bin/sysupdate instead"
  local root=()
  [ -z "$destdir" ] || { mkdir -p "$destdir/var/lib/dpkg"; root=(--root="$destdir"); }
  dpkg-divert "${root[@]}" --local --rename --divert "$systemd_diverted" "$@" "$systemd_binary" >&2
}

# A ReadyToRun single-file build carries the .NET host (whose code names this variable) and JIT-compiles
# at run time, which MemoryDenyWriteExecute=yes kills; a NativeAOT build has neither.
needs_jit() { grep -q -a DOTNET_BUNDLE_EXTRACT_BASE_DIR "$1"; }

# Installs one file (mode, source, target path without DESTDIR) and records it.
put() {
  local mode=$1 source=$2 target=$3
  install -D -m "$mode" "$source" "$destdir$target"
  echo "$target" >> "$destdir$manifest"
}

# Installs a unit, pointing its ExecStart= at this prefix's binary.
put_unit() {
  local source=$1 target=$2 tmp
  tmp=$(mktemp)
  sed "s|/usr/bin/sysupdate|$prefix/bin/sysupdate|g" "$source" > "$tmp"
  put 0644 "$tmp" "$target"
  rm -f "$tmp"
}

do_install() {
  local bin
  for bin in sysupdate updatectl; do
    [ -x "$from/$bin" ] || die "$from/$bin is missing; publish first: dotnet publish src/SysUpdate.Cli -c Release -o artifacts/bin && dotnet publish src/UpdateCtl -c Release -o artifacts/bin"
  done
  [ ! -e "$destdir$manifest" ] || die "$destdir$manifest exists: SysUpdate is already installed under $prefix; run with --uninstall first"
  mkdir -p "$(dirname "$destdir$manifest")"
  : > "$destdir$manifest"

  put 0755 "$from/sysupdate" "$prefix/bin/sysupdate"
  put 0755 "$from/updatectl" "$prefix/bin/updatectl"
  local unit
  for unit in "$repo"/src/units/*; do
    case $unit in
      # polkit reads actions only from its own compiled-in directory, whatever the prefix.
      *.policy) put 0644 "$unit" "$polkit_actions_dir/$(basename "$unit")" ;;
      *) put_unit "$unit" "$prefix/lib/systemd/system/$(basename "$unit")" ;;
    esac
  done
  put 0644 "$repo/packaging/completions/sysupdate.bash" "$prefix/share/bash-completion/completions/sysupdate"
  put 0644 "$repo/packaging/completions/updatectl.bash" "$prefix/share/bash-completion/completions/updatectl"
  put 0644 "$repo/packaging/completions/_sysupdate" "$prefix/share/zsh/site-functions/_sysupdate"
  put 0644 "$repo/packaging/completions/_updatectl" "$prefix/share/zsh/site-functions/_updatectl"
  put 0644 "$repo/packaging/man/sysupdate.8" "$prefix/share/man/man8/sysupdate.8"
  put 0644 "$repo/packaging/man/updatectl.1" "$prefix/share/man/man1/updatectl.1"

  if [ -n "$replace_systemd" ]; then
    divert --add
    echo "diverted $systemd_binary" >> "$destdir$manifest"
    put 0755 "$from/sysupdate" "$systemd_binary"
    if needs_jit "$from/sysupdate"; then
      for unit in $sandboxed_upstream_units; do
        put 0644 "$repo/packaging/systemd/$dropin_name" "$upstream_unit_dir/$unit.d/$dropin_name"
      done
    fi
  fi
  echo "Installed SysUpdate under ${destdir}${prefix}${replace_systemd:+, standing in for $systemd_binary}."
  [ -n "$destdir" ] || echo "Run 'systemctl daemon-reload' to pick up the units."
}

do_uninstall() {
  [ -f "$destdir$manifest" ] || die "$destdir$manifest not found: nothing installed under $prefix (give the --prefix and --destdir used to install)"
  local line diverted= path
  while IFS= read -r line; do
    case $line in
      "diverted "*) diverted=1 ;;
      /*) rm -f "$destdir$line"
          # A drop-in directory is ours once empty; shared directories (man8, completions) stay.
          path=$(dirname "$line")
          case $path in "$upstream_unit_dir"/*.service.d) rmdir "$destdir$path" 2>/dev/null || true ;; esac ;;
    esac
  done < "$destdir$manifest"
  # The stand-in binary is gone now; putting systemd's own back is the last step.
  [ -z "$diverted" ] || divert --remove
  rm -f "$destdir$manifest"
  rmdir "$(dirname "$destdir$manifest")" 2>/dev/null || true
  echo "Removed SysUpdate from ${destdir}${prefix}${diverted:+; $systemd_binary is the one from systemd again}."
}

if [ -n "$uninstall" ]; then do_uninstall; else do_install; fi
