#!/bin/sh
# fpcalc on bad input: a clear message, the documented exit status (0 result,
# 1 engine error code, 2 usage error), never a crash. Usage: test_fpcalc.sh FPCALC...
# (FPCALC may be a command with arguments, e.g. "node fpcalc.js").
fpcalc="$*"
passed=0; failed=0
expect() {  # want_status want_output_substring args...
  want_rc="$1"; want="$2"; shift 2
  out=$($fpcalc "$@" 2>&1); rc=$?
  case "$out" in
    *"$want"*) if [ "$rc" = "$want_rc" ]; then passed=$((passed + 1)); return; fi ;;
  esac
  failed=$((failed + 1))
  echo "FAIL: fpcalc $* -> status $rc (want $want_rc), output: $out (want: $want)"
}
expect 0 "1.414213562373095049" pow 2 0.5
expect 0 "0.333333333333333334" div 1 3 ceil
expect 1 "FP_PARSE_SYNTAX (argument 1: \"abc\")" exp abc
expect 1 "FP_PARSE_SYNTAX (argument 2: \"1e3\")" add 1 1e3
expect 1 "FP_PARSE_PRECISION" exp 1.0000000000000000001
expect 1 "FP_PARSE_RANGE" exp 1000000000000000000000000000000000000000000000000000000000000
expect 1 "FP_DIV_BY_ZERO" div 1 0 floor
expect 1 "FP_DOMAIN" ln -1
expect 1 "FP_OVERFLOW" exp 136
expect 2 "unknown operation 'frob'" frob 1
expect 2 "mul takes 2 decimal arguments and a rounding" mul 1 2
expect 2 "mul takes 2 decimal arguments and a rounding" mul 1 2 sideways
expect 2 "exp takes 1 decimal argument" exp
expect 2 "exp takes 1 decimal argument" exp 1 2
expect 2 "cannot read /nonexistent/corpus" vectors /nonexistent/corpus -
expect 2 "usage:" vectors
expect 2 "black76_call takes raw integers in kernel units" black76_call 100 100 1
# Corpus lines that cannot be evaluated come back marked invalid, one per line.
out=$(printf '%s\n' '{"op":"exp"}' 'not json' '{"op":"mul","args":["1","2"]}' \
  '{"op":"exp","args":["1.5"]}' '{"op":"exp","args":[1]}' '{"op":"nope","args":["1"]}' \
  '{"op":"exp","args":["1","2"]}' | $fpcalc vectors - - 2>/dev/null)
n=$(printf '%s\n' "$out" | grep -c '"invalid"')
if [ "$n" = 7 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $n of 7 bad corpus lines marked invalid: $out"; fi
echo "fpcalc bad input: $passed passed, $failed failed"
[ "$failed" = 0 ]
