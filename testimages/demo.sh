#!/usr/bin/env bash
# The README's demo: publishes versions 1, 2 and 3 one after another into a throw-away source folder
# and lets sysupdate install each, printing what is installed after every step.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
demo=/var/tmp/sysupdate-demo
rm -rf "$demo"; mkdir -p "$demo/source" "$demo/target"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
bin=${SYSUPDATE_BIN:-}
if [ -z "$bin" ]; then
    dotnet publish src/SysUpdate.Cli -c Release -nologo -v q -o artifacts/bin >/dev/null
    bin=$repo/artifacts/bin/sysupdate
fi
run() { echo "\$ sysupdate $*"; "$bin" --definitions=transfer.d/demo --transfer-source="$demo/source" "$@"; }

for v in 1 2 3; do
    echo "=== publishing version $v"
    testimages/build.sh "$demo/source" "$v" >/dev/null
    run check-new
    run update 2>/dev/null
    run list
    echo "installed files:"
    (cd "$demo/target" && find . -path ./rootfs -prune -o -type f -print | sort; ls -l rootfs | sed -n '2,$p')
done
