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
// Exit status: 0 done, 2 usage, 3 gave up (retries exhausted).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "chain/rpc.hpp"
#include "chain/tx.hpp"
#include "keeper/keeper.hpp"

using margin::error_code;

namespace {

constexpr const char* usage_text =
    "usage: margin-keeper --rpc URL --contract ADDR (--from ADDR | --key-file FILE) [options]\n"
    "  --rpc URL            JSON-RPC endpoint (default http://127.0.0.1:8545)\n"
    "  --contract ADDR      the MarginAccounts contract\n"
    "  --from ADDR          send as this unlocked node account (eth_sendTransaction; dev nodes)\n"
    "  --key-file FILE      sign locally with the hex private key in FILE (eth_sendRawTransaction);\n"
    "                       or the environment variable MARGIN_KEEPER_KEY\n"
    "  --underlying SYM     the underlying's symbol in requests and logs (default BTC)\n"
    "  --once               one successful round, then exit (default)\n"
    "  --poll SECONDS       a round every SECONDS until stopped (or --rounds N)\n"
    "  --rounds N           with --poll: stop after N successful rounds\n"
    "  --dry-run            decide and report, send nothing\n"
    "  --gas-limit N        cap on a liquidation's gas (default 16777216, Osaka's per-transaction cap,\n"
    "                       EIP-7825; the estimate x 1.2 is used below it)\n"
    "  --from-block N       first block whose logs name accounts (default 0)\n"
    "  --retries N          failed rounds in a row before giving up (default 30; backoff 0.25 s doubling to 8 s)\n"
    "  --timeout-ms N       per HTTP exchange (default 10000)\n"
    "Output: JSON lines: start, round (block, accounts, liquidatable, read_ms, eval_ms, accounts_per_s), decision,\n"
    "sent, liquidated, reverted, skip, error, rpc_error, stop.\n";

int usage(const std::string& why) {
    std::fprintf(stderr, "margin-keeper: %s\n%s", why.c_str(), usage_text);
    return 2;
}

struct options {
    std::string rpc = "http://127.0.0.1:8545", underlying = "BTC";
    chain::address contract{}, from{};
    bool have_contract = false, have_from = false, dry_run = false, poll = false;
    std::optional<chain::signer> key;
    double poll_seconds = 2;
    long rounds = 0;                                       // 0: unbounded (poll) / 1 (once)
    std::uint64_t gas_limit = 16'777'216, from_block = 0;  // EIP-7825: no transaction may ask for more
    int retries = 30;
    long timeout_ms = 10'000;
};

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
        auto number = [&](auto& out) -> bool {
            auto v = value();
            if (!v || v->empty() || v->find_first_not_of("0123456789.") != std::string::npos) return false;
            out = static_cast<std::remove_reference_t<decltype(out)>>(std::stod(*v));
            return true;
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
        } else if (a == "--once") {
            o.poll = false;
        } else if (a == "--poll") {
            if (!number(o.poll_seconds)) return usage("--poll takes SECONDS");
            o.poll = true;
        } else if (a == "--rounds") {
            if (!number(o.rounds) || o.rounds < 1) return usage("--rounds takes a positive count");
        } else if (a == "--dry-run") {
            o.dry_run = true;
        } else if (a == "--gas-limit") {
            if (!number(o.gas_limit) || o.gas_limit < 21'000) return usage("--gas-limit takes a gas amount >= 21000");
        } else if (a == "--from-block") {
            if (!number(o.from_block)) return usage("--from-block takes a block number");
        } else if (a == "--retries") {
            if (!number(o.retries)) return usage("--retries takes a count");
        } else if (a == "--timeout-ms") {
            if (!number(o.timeout_ms) || o.timeout_ms < 1) return usage("--timeout-ms takes milliseconds");
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
                {"rpc", o.rpc},
                {"contract", chain::to_hex(o.contract)},
                {"sender", o.key ? chain::to_hex(o.key->addr()) : (o.have_from ? chain::to_hex(o.from) : "none")},
                {"signing", o.key ? "local key" : (o.have_from ? "node (unlocked account)" : "none")},
                {"dry_run", o.dry_run},
                {"mode", o.poll ? "poll" : "once"}});
    keeper::config c;
    c.contract = o.contract;
    c.key = o.key;
    c.from = o.from;
    c.underlying = o.underlying;
    c.dry_run = o.dry_run;
    c.gas_limit = o.gas_limit;
    c.from_block = o.from_block;
    keeper::schedule s;
    s.rounds = o.poll ? o.rounds : 1;
    s.pause = std::chrono::milliseconds(static_cast<long>(o.poll_seconds * 1000));
    s.retries = o.retries;
    chain::rpc_client rpc(o.rpc, o.timeout_ms);
    keeper::keeper k(c, rpc, out, keeper::steady_clock());
    return keeper::run(k, s, out, keeper::steady_clock());
}
