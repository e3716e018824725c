// margin-keeper: the command line of the keeper library (contracts-interface/keeper/,
// keeper/keeper.hpp): finds every liquidatable account of a MarginAccounts clearing house
// and liquidates it with its worst scenario, the engine deciding natively on exactly the
// inputs the chain will use (the contract's own book() of each account).
//
//   margin-keeper --rpc URL --contract ADDR (--from ADDR | --key-file FILE) [options]
//
// This file parses the options, reads the key, reports the start and runs the library's
// rounds (keeper::run) over HTTP (libcurl).
//
// Output: one JSON object per line on stdout (what it decided and why); see usage.
// Exit status: 0 done, 2 usage, 3 gave up (retries exhausted), 4 refused (another chain than
// --chain-id, or parameters the engine cannot represent).
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "chain/node.hpp"
#include "chain/rpc.hpp"
#include "chain/transport.hpp"
#include "chain/tx.hpp"
#include "keeper/keeper.hpp"

using margin::error_code;

namespace {

constexpr const char* usage_text =
    "usage: margin-keeper --rpc URL --contract ADDR (--from ADDR | --key-file FILE) [options]\n"
    "  --rpc URL            JSON-RPC endpoint (default http://127.0.0.1:8545); printed without its\n"
    "                       user, path and query (where providers put keys)\n"
    "  --contract ADDR      the MarginAccounts contract\n"
    "  --from ADDR          send as this unlocked node account (eth_sendTransaction; dev nodes)\n"
    "  --key-file FILE      sign locally with the hex private key in FILE (eth_sendRawTransaction);\n"
    "                       or the environment variable MARGIN_KEEPER_KEY\n"
    "  --underlying SYM     the underlying's symbol in requests and logs (default BTC)\n"
    "  --once               one successful round, then exit (default)\n"
    "  --poll SECONDS       a round every SECONDS (0.01 to 86400) until stopped (or --rounds N)\n"
    "  --rounds N           with --poll: stop after N successful rounds\n"
    "  --dry-run            decide and report, send nothing\n"
    "  --chain-id N         refuse (exit 4) a node of another chain; default: pinned to the node's at start\n"
    "  --max-fee WEI        cap on maxFeePerGas, in wei or with a gwei suffix (default 500gwei); a base\n"
    "                       fee at or above it: the liquidation is skipped (FEE_TOO_HIGH)\n"
    "  --bump-after SECONDS replace a locally signed transaction without a receipt after SECONDS\n"
    "                       (same nonce, fees +12.5%, within --max-fee; default 20)\n"
    "  --tx-timeout SECONDS wait this long for a receipt and its confirmations (default 120)\n"
    "  --confirmations N    blocks on top of a liquidation before it is reported (default 0)\n"
    "  --reorg-depth N      blocks rescanned after a reorg; a head going back further is refused (default 64)\n"
    "  --gas-limit N        cap on a liquidation's gas (default 16777216, Osaka's per-transaction cap,\n"
    "                       EIP-7825; the estimate x 1.2 is used below it)\n"
    "  --from-block N       first block whose logs name accounts (default 0)\n"
    "  --accounts-from URL  take each round's accounts from a margin-serve's listing (GET URL/accounts)\n"
    "                       instead of the contract's logs; its ids that are addresses (docs/service.md)\n"
    "  --accounts-health H  with --accounts-from: below_mm, below_im (default: the service's standing\n"
    "                       below initial margin, which includes below maintenance) or all\n"
    "  --retries N          failed rounds in a row before giving up (default 30; backoff 0.25 s doubling to 8 s)\n"
    "  --timeout-ms N       per HTTP exchange (default 10000)\n"
    "  --max-response-mb N  largest node answer accepted, cut while received (default 64)\n"
    "Output: JSON lines: start, round (block, accounts, liquidatable, read_ms, eval_ms, accounts_per_s), decision,\n"
    "sent, replaced, liquidated, reverted, reorged, reorg, skip, error, rpc_error, stop.\n"
    "Exit status: 0 done, 2 usage, 3 gave up after --retries failed rounds, 4 refused (another chain than\n"
    "--chain-id, or contract parameters the engine cannot represent).\n";

int usage(const std::string& why) {
    std::fprintf(stderr, "margin-keeper: %s\n%s", why.c_str(), usage_text);
    return 2;
}

struct options {
    std::string rpc = "http://127.0.0.1:8545", underlying = "BTC";
    chain::address contract{}, from{};
    bool have_contract = false, have_from = false, dry_run = false, poll = false;
    std::optional<chain::signer> key;
    std::uint64_t poll_ms = 2000;
    std::uint64_t rounds = 0;                              // 0: unbounded (poll) / 1 (once)
    std::uint64_t gas_limit = 16'777'216, from_block = 0;  // EIP-7825: no transaction may ask for more
    std::uint64_t retries = 30, timeout_ms = 10'000, max_response_mb = 64;
    std::optional<std::uint64_t> chain_id;
    abi::integer max_fee = abi::integer(500'000'000'000ULL);
    std::uint64_t bump_ms = 20'000, tx_timeout_ms = 120'000, confirmations = 0, reorg_depth = 64;
    std::string accounts_from, accounts_health = "below_im";
};

// A decimal integer in [lo, hi]: digits only (no sign, no exponent, no spaces).
std::optional<std::uint64_t> integer_arg(const std::string& v, std::uint64_t lo, std::uint64_t hi) {
    std::uint64_t out = 0;
    if (v.empty() || v.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
    const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
    if (ec != std::errc() || end != v.data() + v.size() || out < lo || out > hi) return std::nullopt;
    return out;
}

// Seconds as digits with at most 3 decimals ("2", "0.25"), in [lo_ms, hi_ms] milliseconds.
std::optional<std::uint64_t> seconds_arg(const std::string& v, std::uint64_t lo_ms, std::uint64_t hi_ms) {
    const auto dot = v.find('.');
    const std::string whole = v.substr(0, dot), frac = dot == std::string::npos ? "" : v.substr(dot + 1);
    if (whole.empty() || whole.size() > 9 || frac.size() > 3 || (dot != std::string::npos && frac.empty())) return std::nullopt;
    auto w = integer_arg(whole, 0, 999'999'999);
    auto f = frac.empty() ? std::optional<std::uint64_t>(0) : integer_arg(frac, 0, 999);
    if (!w || !f) return std::nullopt;
    std::uint64_t ms = *w * 1000 + *f * (frac.size() == 1 ? 100 : frac.size() == 2 ? 10 : 1);
    if (ms < lo_ms || ms > hi_ms) return std::nullopt;
    return ms;
}

// Wei: digits, or digits with a "gwei" suffix; at least 1 wei, below 2^128.
std::optional<abi::integer> wei_arg(std::string v) {
    abi::integer scale = 1;
    if (v.size() > 4 && v.compare(v.size() - 4, 4, "gwei") == 0) {
        v.resize(v.size() - 4);
        scale = 1'000'000'000;
    }
    if (v.empty() || v.size() > 30 || v.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
    const abi::integer w = abi::integer(v) * scale;
    if (w < 1 || w >= (abi::integer(1) << 128)) return std::nullopt;
    return w;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    options o;
    std::string key_file;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto value = [&]() -> std::optional<std::string> {
            if (i + 1 >= args.size()) return std::nullopt;
            return args[++i];
        };
        // the option's value as an integer in [lo, hi] / seconds in [lo_ms, hi_ms]: false if absent or malformed
        auto integer = [&](std::uint64_t& out, std::uint64_t lo, std::uint64_t hi) {
            auto v = value();
            auto n = v ? integer_arg(*v, lo, hi) : std::nullopt;
            if (n) out = *n;
            return n.has_value();
        };
        auto seconds = [&](std::uint64_t& out_ms, std::uint64_t lo_ms, std::uint64_t hi_ms) {
            auto v = value();
            auto n = v ? seconds_arg(*v, lo_ms, hi_ms) : std::nullopt;
            if (n) out_ms = *n;
            return n.has_value();
        };
        if (a == "--help" || a == "-h") {
            std::fputs(usage_text, stdout);
            return 0;
        } else if (a == "--rpc") {
            auto v = value();
            if (!v) return usage("--rpc takes a URL");
            o.rpc = *v;
        } else if (a == "--contract" || a == "--from") {
            auto v = value();
            auto addr = v ? chain::parse_address(*v) : margin::outcome<chain::address>::failure(error_code::BAD_ADDRESS, "", "missing");
            if (!addr.ok()) return usage(a + " takes an address (0x and 40 hex digits)");
            (a == "--contract" ? o.contract : o.from) = addr.value;
            (a == "--contract" ? o.have_contract : o.have_from) = true;
        } else if (a == "--key-file") {
            auto v = value();
            if (!v) return usage("--key-file takes a FILE");
            key_file = *v;
        } else if (a == "--underlying") {
            auto v = value();
            if (!v || v->empty()) return usage("--underlying takes a symbol");
            o.underlying = *v;
        } else if (a == "--accounts-from") {
            auto v = value();
            if (!v || (v->rfind("http://", 0) != 0 && v->rfind("https://", 0) != 0))
                return usage("--accounts-from takes a margin-serve URL (http://HOST:PORT)");
            o.accounts_from = *v;
        } else if (a == "--accounts-health") {
            auto v = value();
            if (!v || (*v != "below_mm" && *v != "below_im" && *v != "all")) return usage("--accounts-health is below_mm, below_im or all");
            o.accounts_health = *v;
        } else if (a == "--once") {
            o.poll = false;
        } else if (a == "--poll") {
            if (!seconds(o.poll_ms, 10, 86'400'000)) return usage("--poll takes SECONDS, 0.01 to 86400 (e.g. 2 or 0.5)");
            o.poll = true;
        } else if (a == "--rounds") {
            if (!integer(o.rounds, 1, 1'000'000'000)) return usage("--rounds takes a positive count");
        } else if (a == "--dry-run") {
            o.dry_run = true;
        } else if (a == "--gas-limit") {
            if (!integer(o.gas_limit, 21'000, 1'000'000'000)) return usage("--gas-limit takes a gas amount >= 21000");
        } else if (a == "--from-block") {
            if (!integer(o.from_block, 0, chain::max_block_number)) return usage("--from-block takes a block number");
        } else if (a == "--retries") {
            if (!integer(o.retries, 0, 1'000'000)) return usage("--retries takes a count (0 to 1000000)");
        } else if (a == "--timeout-ms") {
            if (!integer(o.timeout_ms, 1, 3'600'000)) return usage("--timeout-ms takes milliseconds (1 to 3600000)");
        } else if (a == "--max-response-mb") {
            if (!integer(o.max_response_mb, 1, 4096)) return usage("--max-response-mb takes megabytes (1 to 4096)");
        } else if (a == "--chain-id") {
            std::uint64_t id = 0;
            if (!integer(id, 1, UINT64_MAX)) return usage("--chain-id takes a positive chain id (e.g. 1, 31337)");
            o.chain_id = id;
        } else if (a == "--max-fee") {
            auto v = value();
            auto w = v ? wei_arg(*v) : std::nullopt;
            if (!w) return usage("--max-fee takes wei per gas (digits, or digits and gwei, e.g. 100gwei)");
            o.max_fee = *w;
        } else if (a == "--bump-after") {
            if (!seconds(o.bump_ms, 10, 86'400'000)) return usage("--bump-after takes SECONDS, 0.01 to 86400");
        } else if (a == "--tx-timeout") {
            if (!seconds(o.tx_timeout_ms, 10, 86'400'000)) return usage("--tx-timeout takes SECONDS, 0.01 to 86400");
        } else if (a == "--confirmations") {
            if (!integer(o.confirmations, 0, 1000)) return usage("--confirmations takes a block count (0 to 1000)");
        } else if (a == "--reorg-depth") {
            if (!integer(o.reorg_depth, 1, 100'000)) return usage("--reorg-depth takes a block count (1 to 100000)");
        } else
            return usage("unknown option " + a);
    }
    if (!o.have_contract) return usage("--contract is required");
    std::string key_text;
    if (!key_file.empty()) {
        std::ifstream f(key_file);
        if (!(f >> key_text)) return usage("cannot read a key from " + key_file);
    } else if (const char* env = std::getenv("MARGIN_KEEPER_KEY"))
        key_text = env;
    if (!key_text.empty()) {
        auto s = chain::signer::from_hex(key_text);
        if (!s.ok()) return usage(s.err->message);
        o.key = s.value;
    }
    if (o.key && o.have_from) return usage("give --from or a key, not both");
    if (!o.key && !o.have_from && !o.dry_run)
        return usage("a sender is required: --from ADDR (unlocked) or --key-file FILE (or --dry-run)");

    keeper::line_reporter out(std::cout, keeper::steady_clock());
    out.report({{"event", "start"},
                {"rpc", chain::redact_url(o.rpc)},
                {"contract", chain::to_hex(o.contract)},
                {"sender", o.key ? chain::to_hex(o.key->addr()) : (o.have_from ? chain::to_hex(o.from) : "none")},
                {"signing", o.key ? "local key" : (o.have_from ? "node (unlocked account)" : "none")},
                {"dry_run", o.dry_run},
                {"mode", o.poll ? "poll" : "once"},
                {"accounts",
                 o.accounts_from.empty() ? "the contract's logs" : chain::redact_url(o.accounts_from) + " (" + o.accounts_health + ")"}});
    keeper::config c;
    c.contract = o.contract;
    c.key = o.key;
    c.from = o.from;
    c.underlying = o.underlying;
    c.dry_run = o.dry_run;
    c.gas_limit = o.gas_limit;
    c.from_block = o.from_block;
    c.chain_id = o.chain_id;
    c.max_fee = o.max_fee;
    c.bump_after = std::chrono::milliseconds(o.bump_ms);
    c.tx_timeout = std::chrono::milliseconds(o.tx_timeout_ms);
    c.confirmations = o.confirmations;
    c.reorg_depth = o.reorg_depth;
    if (!o.accounts_from.empty())
        c.accounts_from =
            keeper::service_accounts(o.accounts_from, o.accounts_health == "all" ? "" : o.accounts_health, static_cast<long>(o.timeout_ms));
    keeper::schedule s;
    s.rounds = o.poll ? static_cast<long>(o.rounds) : 1;
    s.pause = std::chrono::milliseconds(o.poll_ms);
    s.retries = static_cast<int>(o.retries);
    chain::rpc_client rpc(o.rpc, static_cast<long>(o.timeout_ms), o.max_response_mb << 20);
    keeper::keeper k(c, rpc, out, keeper::steady_clock());
    return keeper::run(k, s, out, keeper::steady_clock());
}
