#!/bin/sh
# margin-keeper on bad usage and an unreachable node: exit 2 with the reason; exit 3
# after its retries, with rpc_error and stop lines (JSON) and no crash. The keeper's
# behaviour against a live chain is contracts-interface/harness/keeper.js.
keeper="$1"
passed=0; failed=0
expect() {  # want_status want_output_substring args...
  want_rc="$1"; want="$2"; shift 2
  out=$("$keeper" "$@" 2>&1); rc=$?
  case "$out" in
    *"$want"*) if [ "$rc" = "$want_rc" ]; then passed=$((passed + 1)); return; fi ;;
  esac
  failed=$((failed + 1))
  echo "FAIL: margin-keeper $* -> status $rc (want $want_rc), output: $out (want: $want)"
}
addr=0x5fbdb2315678afecb367f032d93f642f64180aa3
expect 2 '--contract is required' --once
expect 2 '--contract takes an address' --contract 0x1234
expect 2 'a sender is required' --contract $addr
expect 2 'unknown option --fast' --fast
expect 2 'cannot read a key from /dev/null' --contract $addr --key-file /dev/null
MARGIN_KEEPER_KEY=0x0000000000000000000000000000000000000000000000000000000000000000 expect 2 'not a valid secp256k1 private key' --contract $addr
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
echo 0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80 > "$tmp/key"  # a well-known dev key
expect 2 'give --from or a key, not both' --contract $addr --from $addr --key-file "$tmp/key"
echo 0x1234 > "$tmp/short"
expect 2 'a private key is 32 bytes of hex' --contract $addr --key-file "$tmp/short"
expect 0 'usage: margin-keeper' --help
# malformed numbers: a clear message and exit 2, never an abort (--poll . used to abort)
expect 2 '--poll takes SECONDS' --contract $addr --dry-run --poll .
expect 2 '--poll takes SECONDS' --contract $addr --dry-run --poll -1
expect 2 '--poll takes SECONDS' --contract $addr --dry-run --poll 1e9
expect 2 '--poll takes SECONDS' --contract $addr --dry-run --poll nan
expect 2 '--rounds takes a positive count' --contract $addr --dry-run --rounds 99999999999999999999999
expect 2 '--retries takes a count' --contract $addr --dry-run --retries 1.5
expect 2 '--timeout-ms takes milliseconds' --contract $addr --dry-run --timeout-ms 0
expect 2 '--chain-id takes a positive chain id' --contract $addr --dry-run --chain-id 0x1
expect 2 '--max-fee takes wei per gas' --contract $addr --dry-run --max-fee 1.5gwei
expect 2 '--confirmations takes a block count' --contract $addr --dry-run --confirmations -3
expect 2 '--accounts-from takes a margin-serve URL' --contract $addr --dry-run --accounts-from ftp://127.0.0.1:1
expect 2 '--accounts-health is below_mm, below_im or all' --contract $addr --dry-run --accounts-health nearly
expect 2 '--bump-after takes SECONDS' --contract $addr --dry-run --bump-after
# the RPC URL's user, path and query (where providers put keys) are never printed
out=$("$keeper" --rpc 'http://user:pa55@127.0.0.1:9/v3/SECRETKEY?apikey=SECRET2' --contract $addr --dry-run --retries 0 --timeout-ms 500 2>&1)
case "$out" in
  *pa55*|*SECRET*) failed=$((failed + 1)); echo "FAIL: the RPC URL's secrets printed: $out" ;;
  *'"rpc":"http://***@127.0.0.1:9/***"'*) passed=$((passed + 1)) ;;
  *) failed=$((failed + 1)); echo "FAIL: no redacted URL in the start line: $out" ;;
esac
# a port nothing listens on: two failed rounds, then exit 3 with the reason
expect 3 '"event":"rpc_error"' --rpc http://127.0.0.1:9 --contract $addr --dry-run --retries 1 --timeout-ms 500
expect 3 '"why":"gave up after 1 failed rounds"' --rpc http://127.0.0.1:9 --contract $addr --dry-run --retries 1 --timeout-ms 500
echo "margin-keeper CLI: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
