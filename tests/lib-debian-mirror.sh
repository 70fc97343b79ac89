# Sourced by the test scripts: the Debian mirror and keyring this machine's apt already uses for
# bookworm, so nothing in the repository names a package host. Prints "URI KEYRING" (KEYRING may be
# empty) or nothing when no bookworm entry is found.
debian_mirror() {
  local uri="" keyring=""
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    read -r uri keyring < <(awk '
      /^[[:space:]]*$/ { if (s ~ /(^| )bookworm( |$)/ && u != "") { print u, k; exit } u = ""; k = ""; s = ""; next }
      /^URIs:/ { u = $2 } /^Signed-By:/ { k = $2 } /^Suites:/ { $1 = ""; s = $0 " " }
      END { if (s ~ /(^| )bookworm( |$)/ && u != "") print u, k }' /etc/apt/sources.list.d/debian.sources)
  fi
  if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
    uri=$(awk '$1 == "deb" && $3 == "bookworm" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' /etc/apt/sources.list)
  fi
  [ -n "$uri" ] && echo "$uri $keyring"
}
