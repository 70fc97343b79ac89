#!/usr/bin/env bash
# The README's demo: an A/B update over HTTP into a GPT disk image.
#  1. publishes sysupdate and the test image server (testimages/server) to artifacts/bin,
#  2. makes /var/tmp/sysupdate-demo/disk.img with two usr slots (A, B) and two usr-verity slots,
#  3. serves /var/tmp/sysupdate-demo/source on http://127.0.0.1:58357/ (Kestrel, loopback only),
#  4. publishes versions 1, 2, 3 one after another (testimages/build.sh: images, SHA256SUMS and a
#     detached signature by a throw-away key) and runs `sysupdate update` after each, printing
#     `sysupdate list` and the partition table: v1 lands in slot A, v2 in B, v3 replaces v1.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
demo=/var/tmp/sysupdate-demo
port=58357

if ! command -v sfdisk >/dev/null; then
    [ "$(id -u)" = 0 ] || { echo "demo: sfdisk (Debian package fdisk) is missing; install it or run as root" >&2; exit 1; }
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fdisk >/dev/null
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
echo "=== building sysupdate and the image server"
dotnet publish src/SysUpdate.Cli -c Release -nologo -v q -o artifacts/bin >/dev/null
dotnet publish testimages/server -c Release -nologo -v q -o artifacts/server >/dev/null
sysupdate=$repo/artifacts/bin/sysupdate

rm -rf "$demo"
mkdir -p "$demo/source" "$demo/efi/EFI/Linux"
truncate -s 10M "$demo/disk.img"
sfdisk --quiet "$demo/disk.img" <<'TABLE'
label: gpt
size=2MiB, type=8484680c-9521-48c6-9c11-b0720656f69e, name=_empty
size=2MiB, type=8484680c-9521-48c6-9c11-b0720656f69e, name=_empty
size=1MiB, type=77ff5f63-e7b6-4633-acf4-1565b864c0e6, name=_empty
size=1MiB, type=77ff5f63-e7b6-4633-acf4-1565b864c0e6, name=_empty
TABLE

artifacts/server/ImageServer --root "$demo/source" --port "$port" >"$demo/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do grep -q "http://" "$demo/server.log" 2>/dev/null && break; sleep 0.1; done

# Signature verification is on: trust the demo's throw-away key only.
export SYSTEMD_OPENPGP_KEYRING=$demo/source/import-pubring.pgp
export SYSUPDATE_CACHE_DIRECTORY=$demo/cache
run() { echo "\$ sysupdate $*"; "$sysupdate" --definitions=transfer.d/demo "$@"; }

for v in 1 2 3; do
    echo
    echo "=== publishing version $v"
    testimages/build.sh "$demo/source" "$v" >/dev/null
    run check-new 2>/dev/null
    run update 2>&1 | grep -E "Acquiring|Successfully installed update|Removing|No free slot" || true
    run list 2>/dev/null
    echo "partition table:"
    sfdisk --dump "$demo/disk.img" | grep -E '^/' | sed -e "s|$demo/||" -e 's/, uuid=[^,]*//'
    echo "UKIs: $(cd "$demo/efi/EFI/Linux" && ls | tr '\n' ' ')"
done
