#!/usr/bin/env bash
# The C++ style (.clang-format, clang-format 14) over every tracked C++ file
# (git ls-files '*.cpp' '*.hpp' '*.h').
#   scripts/format.sh           format them in place
#   scripts/format.sh --check   change nothing; exit 1 listing the files that differ
set -euo pipefail
cd "$(dirname "$0")/.."
clang_format=clang-format-14
command -v "$clang_format" >/dev/null || { echo "format.sh: $clang_format not found (scripts/setup.sh installs it)"; exit 2; }

mode=format
case "${1-}" in
  "") ;;
  --check) mode=check ;;
  *) echo "usage: scripts/format.sh [--check]"; exit 2 ;;
esac

mapfile -d '' files < <(git ls-files -z -- '*.cpp' '*.hpp' '*.h')
if [ "$mode" = format ]; then
  "$clang_format" -i -- "${files[@]}"
  echo "format.sh: ${#files[@]} files formatted"
  exit 0
fi

differ=()
for f in "${files[@]}"; do
  "$clang_format" --dry-run --Werror -- "$f" >/dev/null 2>&1 || differ+=("$f")
done
if [ ${#differ[@]} -gt 0 ]; then
  echo "format.sh: ${#differ[@]} of ${#files[@]} files differ from .clang-format (scripts/format.sh fixes them):"
  printf '  %s\n' "${differ[@]}"
  exit 1
fi
echo "format.sh: ${#files[@]} files match .clang-format"
