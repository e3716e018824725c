# What the cascade CLI tests share (sourced by test_cascade_cli.sh, test_cascade_mc.sh and
# test_cascade_book.sh after they set $margin and $here): a scratch directory, the counters, and
# the three checks each of them runs. `margin` starting with `node` is the WebAssembly build.
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
passed=0; failed=0
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }

# Every door error listed in $tmp/errors.txt (lines `name code path`, the request in
# $tmp/err_NAME.json): exit status 1, the error's code and its path.
check_errors() {
  while read -r name code path; do
    out=$($margin cascade "$tmp/err_$name.json" --compact 2>&1); rc=$?
    case "$out" in
      *"\"code\":\"$code\""*"\"path\":\"$path\""*) [ "$rc" = 1 ] && passed=$((passed + 1)) || bad "$name: status $rc" ;;
      *) bad "$name: want $code at $path, got $(echo "$out" | head -c 300)" ;;
    esac
  done < "$tmp/errors.txt"
}

# check_results CASES NAME...: each $tmp/NAME.json run into $tmp/NAME.out; natively the same bytes
# on two threads (WebAssembly runs one whatever --threads says); its figures checked by
# `CASES check NAME OUTPUT` (the Python case file, independent of the engine).
check_results() {
  check=$1; shift
  for name in "$@"; do
    $margin cascade "$tmp/$name.json" > "$tmp/$name.out" 2>&1 || bad "$name: status $? $(head -c 300 "$tmp/$name.out")"
    case "$margin" in
      node*) ;;
      *) $margin cascade "$tmp/$name.json" --threads 2 > "$tmp/$name.out2" 2>&1
         cmp -s "$tmp/$name.out" "$tmp/$name.out2" && passed=$((passed + 1)) || bad "$name: threads 1 and 2 differ" ;;
    esac
    $check check "$name" "$tmp/$name.out" > /dev/null && passed=$((passed + 1)) || bad "$name: figures (above)"
  done
}

# check_pins FILE...: the sha256 of each $tmp/FILE equals its pin (lines `sum  file` on stdin), so
# the native and the WebAssembly ctests, which both run these files, prove the same bytes.
check_pins() {
  (cd "$tmp" && sha256sum "$@") > "$tmp/sums.txt"
  while read -r sum file; do
    grep -q "^$sum  $file\$" "$tmp/sums.txt" && passed=$((passed + 1)) || bad "$file: bytes differ from the pin ($(grep " $file\$" "$tmp/sums.txt"))"
  done
}
