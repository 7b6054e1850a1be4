#!/usr/bin/env bash
# Fetches the pinned front-end libraries from the npm registry, unmodified, with their licences.
# Run it after changing a version below; commit what it writes. Never edit the fetched files.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=src/retroduce/site/static/vendor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fetch() {  # package version file-inside-package
  local pkg=$1 version=$2 file=$3
  (cd "$work" && npm pack --silent "$pkg@$version" >/dev/null)
  local tarball=("$work"/"${pkg}"-"${version}".tgz)
  mkdir -p "$work/$pkg" "$dest/$pkg"
  tar -xzf "${tarball[0]}" -C "$work/$pkg"
  cp "$work/$pkg/package/$file" "$dest/$pkg/"
  cp "$work/$pkg/package/LICENSE" "$dest/$pkg/LICENSE"
  echo "$pkg@$version $(sha256sum "$dest/$pkg/$(basename "$file")" | cut -d' ' -f1)" > "$dest/$pkg/VERSION"
}

fetch htmx.org 2.0.11 dist/htmx.min.js
