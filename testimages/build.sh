#!/usr/bin/env bash
# Builds small versioned test images into OUTDIR, as an update server would publish them:
#   usr-VER.raw            1 MiB "usr" partition payload (deterministic bytes per version)
#   usr-VER.verity.raw     64 KiB "verity" payload
#   uki-VER.efi            a tiny stand-in for a unified kernel image
#   extra-VER.efi          an add-on shipped next to the UKI
#   rootfs-VER.tar.gz      a directory tree (etc/os-release, usr/bin/hello)
#   usr-VER.raw.{gz,xz,zst,bz2}   the same usr payload compressed with each codec
#   usr-VER.raw.caibx, usr-VER.verity.raw.caibx
#                          casync indexes of the uncompressed payloads (one per image: the index of
#                          usr-VER.raw.zst is usr-VER.raw.caibx), their chunks in default.castr/;
#                          skipped, saying so, when casync is not installed
#   SHA256SUMS             manifest over everything above but the chunks
#   SHA256SUMS.gpg         detached signature by a throw-away key; its public key in
#                          import-pubring.pgp (use as SYSTEMD_OPENPGP_KEYRING)
# Usage: testimages/build.sh OUTDIR VERSION...   (existing versions in OUTDIR are kept)
set -euo pipefail
out=${1:?usage: build.sh OUTDIR VERSION...}; shift
[ $# -gt 0 ] || { echo "usage: build.sh OUTDIR VERSION..." >&2; exit 2; }
mkdir -p "$out"

payload() { # deterministic pseudo-random bytes: payload SEED SIZE
    python3 - "$1" "$2" <<'PY'
import hashlib, sys
seed, size = sys.argv[1].encode(), int(sys.argv[2])
out, counter = bytearray(), 0
while len(out) < size:
    out += hashlib.sha256(seed + counter.to_bytes(8, "little")).digest() * 64
    counter += 1
sys.stdout.buffer.write(bytes(out[:size]))
PY
}

for v in "$@"; do
    payload "usr-$v" $((1024 * 1024)) >"$out/usr-$v.raw"
    payload "verity-$v" $((64 * 1024)) >"$out/usr-$v.verity.raw"
    printf 'UKI %s\n' "$v" >"$out/uki-$v.efi"
    printf 'extra %s\n' "$v" >"$out/extra-$v.efi"
    tree=$(mktemp -d)
    chmod 0755 "$tree"; mkdir -p "$tree/etc" "$tree/usr/bin"
    printf 'ID=demo\nIMAGE_ID=demo\nIMAGE_VERSION=%s\n' "$v" >"$tree/etc/os-release"
    printf '#!/bin/sh\necho "hello from %s"\n' "$v" >"$tree/usr/bin/hello"
    chmod 0755 "$tree/usr/bin/hello"
    tar --numeric-owner --owner=0 --group=0 -C "$tree" -czf "$out/rootfs-$v.tar.gz" .
    rm -rf "$tree"
    gzip -9 -n -c "$out/usr-$v.raw" >"$out/usr-$v.raw.gz"
    xz -T2 -c "$out/usr-$v.raw" >"$out/usr-$v.raw.xz"
    zstd -q -c "$out/usr-$v.raw" >"$out/usr-$v.raw.zst"
    bzip2 -c "$out/usr-$v.raw" >"$out/usr-$v.raw.bz2"
done

if command -v casync >/dev/null; then
    for v in "$@"; do
        for image in "usr-$v.raw" "usr-$v.verity.raw"; do
            casync --store="$out/default.castr" make "$out/$image.caibx" "$out/$image" >/dev/null
        done
    done
else
    echo "build.sh: casync not installed; no .caibx indexes or default.castr chunk store (apt-get install casync)" >&2
fi

(cd "$out" && sha256sum -- *.raw *.raw.* *.efi *.tar.gz | sed 's/^\([0-9a-f]*\)  /\1 */' >SHA256SUMS)

# A throw-away signing key, made once per OUTDIR.
gnupghome="$out/.gnupg"
if [ ! -f "$out/import-pubring.pgp" ]; then
    mkdir -p -m 0700 "$gnupghome"
    gpg --homedir "$gnupghome" --batch --quiet --passphrase '' \
        --quick-gen-key 'SysUpdate test images <test@sysupdate.invalid>' ed25519 sign never
    gpg --homedir "$gnupghome" --batch --quiet --export >"$out/import-pubring.pgp"
fi
rm -f "$out/SHA256SUMS.gpg"
gpg --homedir "$gnupghome" --batch --quiet --yes --detach-sign --output "$out/SHA256SUMS.gpg" "$out/SHA256SUMS"
gpgconf --homedir "$gnupghome" --kill all 2>/dev/null || true
