// margin-keeper: finds every liquidatable account of a MarginAccounts clearing house
// and liquidates it with its worst scenario, the engine deciding natively on exactly the
// inputs the chain will use (the contract's own book() of each account).
//
//   margin-keeper --rpc URL --contract ADDR (--from ADDR | --key-file FILE) [options]
//
// Each round: new accounts from the contract's logs (Deposited, Traded, Liquidated);
// params(), market(), limits(); every account's book() in JSON-RPC batches; each book
// evaluated by the engine (contract values shared across accounts: scenario::value_cache);
// for each liquidatable one, liquidate(account, worst scenario): simulated first
// (eth_estimateGas: a revert there is reported and skipped, never sent), then sent and
// its receipt awaited. A reverted transaction (e.g. front-run) is reported, not fatal.
// RPC failures abort the round; it is retried with exponential backoff.
//
// Output: one JSON object per line on stdout (what it decided and why); see usage.
// Exit status: 0 done, 2 usage, 3 gave up (retries exhausted).
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "bridge/request.hpp"
#include "chain/house.hpp"
#include "core/margin.hpp"

using margin::error_code;

namespace {

using chain::bytes;
using chain::json;
using clock_type = std::chrono::steady_clock;

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

const auto started = clock_type::now();
void emit(json j) {
    j["ms"] = std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - started).count();
    std::cout << j.dump() << std::endl;
}

double ms_since(clock_type::time_point t) { return std::chrono::duration<double, std::milli>(clock_type::now() - t).count(); }

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

// MarginAccounts' custom errors by selector, for reports.
std::string error_name(const std::string& data) {
    static const std::map<std::string, std::string> names = [] {
        std::map<std::string, std::string> m;
        for (const char* sig :
             {"AccountHealthy(address,uint256,int256,int256)", "StaleMarket(uint64,uint256)", "InsufficientMargin(address,int256,int256)",
              "Reentrancy()", "SeriesExpired(uint256)", "Unauthorized(bytes32,address)", "TokenTransferFailed()", "FixedPointOverflow()",
              "FixedPointDivByZero()", "FixedPointDomain()"}) {
            const auto s = abi::selector(sig);
            m[abi::to_hex(s)] = std::string(sig).substr(0, std::string(sig).find('('));
        }
        return m;
    }();
    if (data.size() < 10) return data.empty() ? "revert without data" : data;
    auto it = names.find(data.substr(0, 10));
    return it == names.end() ? "revert " + data.substr(0, 10) : it->second;
}

bool transport_failure(const margin::error& e) {
    return e.code == error_code::RPC_UNREACHABLE || e.code == error_code::RPC_HTTP || e.code == error_code::RPC_BAD_RESPONSE;
}

class keeper {
public:
    keeper(options o) : opt_(std::move(o)), rpc_(opt_.rpc, opt_.timeout_ms), house_(rpc_, opt_.contract) {}

    // One round. A transport failure anywhere aborts it (returned); reverts and
    // unrepresentable books are reported and the round goes on.
    std::optional<margin::error> round() {
        auto head = rpc_.call("eth_blockNumber");
        if (!head.ok()) return head.err;
        auto block = chain::parse_quantity(head.value);
        if (!block.ok()) return block.err;
        const std::uint64_t latest = block.value.convert_to<std::uint64_t>();
        if (auto e = discover(latest)) return e;

        const std::string at = chain::quantity(latest);  // one consistent state for the whole scan
        auto params = house_.params(at);
        if (!params.ok()) return params.err;
        auto market = house_.market(at);
        if (!market.ok()) return market.err;
        auto limits = house_.limits(at);
        if (!limits.ok()) return limits.err;
        auto head_block = rpc_.call("eth_getBlockByNumber", json::array({at, false}));
        if (!head_block.ok()) return head_block.err;
        auto now = chain::parse_quantity(head_block.value.value("timestamp", json("0x0")));
        if (!now.ok()) return now.err;

        auto builder = bridge::request_builder::make(params.value, opt_.underlying);  // the parameters validated once per round
        if (!builder.ok()) {
            emit({{"event", "error"},
                  {"code", margin::name(builder.err->code)},
                  {"path", builder.err->path},
                  {"message", "the contract's parameters: " + builder.err->message}});
            return std::nullopt;
        }
        const std::vector<chain::address> accounts(accounts_.begin(), accounts_.end());
        const auto t_read = clock_type::now();
        auto books = house_.books(accounts, at);
        if (!books.ok()) return books.err;
        const double read_ms = ms_since(t_read);

        // Evaluate: the contract values of this snapshot shared across accounts.
        const auto t_eval = clock_type::now();
        margin::scenario::value_cache cache;
        struct candidate {
            chain::address account;
            std::int64_t scenario;
            std::string equity, maintenance;
        };
        std::vector<candidate> due;
        std::size_t evaluated = 0;
        for (std::size_t i = 0; i < accounts.size(); ++i) {
            const auto& b = books.value[i];
            if (!b.ok()) {
                if (transport_failure(*b.err)) return b.err;
                emit({{"event", "error"},
                      {"account", chain::to_hex(accounts[i])},
                      {"code", margin::name(b.err->code)},
                      {"path", b.err->path},
                      {"message", b.err->message}});
                continue;
            }
            auto req = builder.value.build(b.value, static_cast<std::int64_t>(market.value.timestamp));
            if (!req.ok()) {
                emit({{"event", "error"},
                      {"account", chain::to_hex(accounts[i])},
                      {"code", margin::name(req.err->code)},
                      {"path", req.err->path},
                      {"message", req.err->message}});
                continue;
            }
            auto res = margin::compute_portfolio(req.value, std::nullopt, &cache);
            ++evaluated;
            if (!res.ok()) {
                emit({{"event", "error"},
                      {"account", chain::to_hex(accounts[i])},
                      {"code", margin::name(res.err->code)},
                      {"path", res.err->path},
                      {"message", res.err->message}});
                continue;
            }
            if (!res.value.liquidatable) continue;
            std::int64_t worst = -1;
            for (const auto& u : res.value.underlyings)
                if (u.symbol == opt_.underlying) worst = u.worst_scenario;
            due.push_back({accounts[i], worst, res.value.equity.raw().to_string(), res.value.maintenance_margin.raw().to_string()});
        }
        const double eval_ms = ms_since(t_eval);
        const double scan_s = (read_ms + eval_ms) / 1000;
        emit({{"event", "round"},
              {"block", latest},
              {"accounts", accounts.size()},
              {"evaluated", evaluated},
              {"liquidatable", due.size()},
              {"contracts_priced", cache.size()},
              {"read_ms", read_ms},
              {"eval_ms", eval_ms},
              {"accounts_per_s_eval", eval_ms > 0 ? 1000.0 * static_cast<double>(accounts.size()) / eval_ms : 0.0},
              {"accounts_per_s_with_reads", scan_s > 0 ? static_cast<double>(accounts.size()) / scan_s : 0.0}});

        const bool stale = now.value > integer_of(market.value.timestamp + limits.value.max_staleness);
        for (const candidate& c : due) {
            json d = {{"event", "decision"},          {"account", chain::to_hex(c.account)},
                      {"scenario", c.scenario},       {"equity", c.equity},
                      {"maintenance", c.maintenance}, {"why", "equity below maintenance margin at the engine's worst scenario"}};
            emit(d);
            if (c.scenario < 0) {
                emit({{"event", "skip"}, {"account", chain::to_hex(c.account)}, {"why", "no worst scenario on the underlying"}});
                continue;
            }
            if (stale) {
                emit(
                    {{"event", "skip"},
                     {"account", chain::to_hex(c.account)},
                     {"why", "market older than the contract's maxStaleness: liquidate would revert StaleMarket; waiting for the oracle"}});
                continue;
            }
            if (opt_.dry_run) {
                emit({{"event", "skip"}, {"account", chain::to_hex(c.account)}, {"why", "dry run"}});
                continue;
            }
            if (auto e = liquidate(c.account, static_cast<std::uint64_t>(c.scenario))) return e;
        }
        return std::nullopt;
    }

private:
    static abi::integer integer_of(std::uint64_t v) { return abi::integer(v); }

    // New accounts from the logs since the last round.
    std::optional<margin::error> discover(std::uint64_t latest) {
        constexpr std::uint64_t span = 5'000;  // blocks per eth_getLogs: inside common node limits
        for (std::uint64_t from = next_block_; from <= latest; from += span) {
            const std::uint64_t to = std::min(latest, from + span - 1);
            auto logs = rpc_.call("eth_getLogs", json::array({{{"address", chain::to_hex(opt_.contract)},
                                                               {"fromBlock", chain::quantity(from)},
                                                               {"toBlock", chain::quantity(to)},
                                                               {"topics", chain::account_topics()}}}));
            if (!logs.ok()) return logs.err;
            for (const json& log : logs.value)
                for (const chain::address& a : chain::accounts_named(log)) accounts_.insert(a);
            next_block_ = to + 1;
        }
        return std::nullopt;
    }

    std::optional<margin::error> liquidate(const chain::address& account, std::uint64_t scenario) {
        const bytes data = chain::house::liquidate_call(account, scenario);
        const std::string sender = chain::to_hex(opt_.key ? opt_.key->addr() : opt_.from);
        json call = {{"from", sender}, {"to", chain::to_hex(opt_.contract)}, {"data", abi::to_hex(data)}};
        // simulate: a transaction that would revert is reported, never sent
        auto est = rpc_.call("eth_estimateGas", json::array({call}));
        if (!est.ok()) {
            if (transport_failure(*est.err)) return est.err;
            const std::string name = error_name(chain::revert_data(*est.err));
            emit({{"event", "skip"},
                  {"account", chain::to_hex(account)},
                  {"scenario", scenario},
                  {"why", "the chain refuses: " + name},
                  {"detail",
                   name == "AccountHealthy" ? "healthy on chain now (front-run, or the state moved since the scan)" : est.err->message}});
            return std::nullopt;
        }
        auto gas = chain::parse_quantity(est.value);
        if (!gas.ok()) return gas.err;
        abi::integer limit = gas.value * 12 / 10;
        if (limit > opt_.gas_limit) limit = opt_.gas_limit;
        call["gas"] = chain::quantity(limit.convert_to<std::uint64_t>());

        margin::outcome<json> sent;
        if (opt_.key) {
            auto raw = sign(call, limit.convert_to<std::uint64_t>(), data);
            if (!raw.ok()) return raw.err;
            sent = rpc_.call("eth_sendRawTransaction", json::array({abi::to_hex(raw.value)}));
        } else
            sent = rpc_.call("eth_sendTransaction", json::array({call}));
        if (!sent.ok()) {
            if (transport_failure(*sent.err)) return sent.err;
            emit({{"event", "reverted"},
                  {"account", chain::to_hex(account)},
                  {"scenario", scenario},
                  {"why", error_name(chain::revert_data(*sent.err))},
                  {"detail", sent.err->message}});
            return std::nullopt;
        }
        const std::string tx = sent.value.get<std::string>();
        emit({{"event", "sent"}, {"account", chain::to_hex(account)}, {"scenario", scenario}, {"tx", tx}, {"gas_limit", limit.str()}});
        // the receipt (a transport failure here leaves the transaction in flight: the next
        // round sees the account's new state either way)
        for (int i = 0; i < 600; ++i) {
            auto rc = rpc_.call("eth_getTransactionReceipt", json::array({tx}));
            if (!rc.ok()) return rc.err;
            if (rc.value.is_null()) {
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
                continue;
            }
            if (rc.value.value("status", "0x0") != "0x1") {
                emit({{"event", "reverted"},
                      {"account", chain::to_hex(account)},
                      {"scenario", scenario},
                      {"tx", tx},
                      {"why", "mined and reverted (front-run, or the state moved between simulation and inclusion)"}});
                return std::nullopt;
            }
            json done = {{"event", "liquidated"},
                         {"account", chain::to_hex(account)},
                         {"scenario", scenario},
                         {"tx", tx},
                         {"block", rc.value.value("blockNumber", "")},
                         {"gas_used", rc.value.value("gasUsed", "")}};
            const json logs = rc.value.value("logs", json::array());
            for (const json& log : logs)
                if (auto l = chain::decode_liquidated(log); l.ok()) {
                    done["input_hash"] = l.value.input_hash;
                    done["fraction"] = l.value.fraction.to_string();
                    done["reward"] = l.value.reward.to_string();
                    done["shortfall"] = l.value.shortfall.to_string();
                }
            emit(done);
            return std::nullopt;
        }
        emit({{"event", "skip"},
              {"account", chain::to_hex(account)},
              {"tx", tx},
              {"why", "no receipt after 30 s; the next round re-reads the account"}});
        return std::nullopt;
    }

    // An EIP-1559 transaction signed with the key: nonce, chain id and fees from the node.
    margin::outcome<bytes> sign(const json& call, std::uint64_t gas, const bytes& data) {
        auto nonce = rpc_.call("eth_getTransactionCount", json::array({call["from"], "pending"}));
        if (!nonce.ok()) return margin::outcome<bytes>::failure(*nonce.err);
        auto id = rpc_.call("eth_chainId");
        if (!id.ok()) return margin::outcome<bytes>::failure(*id.err);
        auto head = rpc_.call("eth_getBlockByNumber", json::array({"latest", false}));
        if (!head.ok()) return margin::outcome<bytes>::failure(*head.err);
        auto tip = rpc_.call("eth_maxPriorityFeePerGas");
        chain::eip1559_tx tx;
        auto n = chain::parse_quantity(nonce.value);
        auto c = chain::parse_quantity(id.value);
        auto base = chain::parse_quantity(head.value.value("baseFeePerGas", json("0x0")));
        if (!n.ok() || !c.ok() || !base.ok())
            return margin::outcome<bytes>::failure(error_code::RPC_BAD_RESPONSE, "eth_getTransactionCount",
                                                   "nonce, chain id or base fee unreadable");
        tx.nonce = n.value.convert_to<std::uint64_t>();
        tx.chain_id = c.value.convert_to<std::uint64_t>();
        tx.max_priority_fee_per_gas =
            tip.ok() && chain::parse_quantity(tip.value).ok() ? chain::parse_quantity(tip.value).value : abi::integer(1'000'000'000);
        tx.max_fee_per_gas = base.value * 2 + tx.max_priority_fee_per_gas;
        tx.gas_limit = gas;
        tx.to = opt_.contract;
        tx.data = data;
        return {opt_.key->sign(tx), std::nullopt};
    }

    options opt_;
    chain::rpc_client rpc_;
    chain::house house_;
    std::set<chain::address> accounts_;
    std::uint64_t next_block_ = 0;

public:
    void start_at(std::uint64_t block) { next_block_ = block; }
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

    emit({{"event", "start"},
          {"rpc", o.rpc},
          {"contract", chain::to_hex(o.contract)},
          {"sender", o.key ? chain::to_hex(o.key->addr()) : (o.have_from ? chain::to_hex(o.from) : "none")},
          {"signing", o.key ? "local key" : (o.have_from ? "node (unlocked account)" : "none")},
          {"dry_run", o.dry_run},
          {"mode", o.poll ? "poll" : "once"}});
    keeper k(o);
    k.start_at(o.from_block);
    const long rounds = o.poll ? o.rounds : 1;
    long done = 0;
    int failures = 0;
    while (rounds == 0 || done < rounds) {
        auto err = k.round();
        if (err) {
            if (++failures > o.retries) {
                emit({{"event", "stop"},
                      {"why", "gave up after " + std::to_string(o.retries) + " failed rounds"},
                      {"code", margin::name(err->code)},
                      {"message", err->message}});
                return 3;
            }
            const long wait = std::min(8000L, 250L << std::min(failures - 1, 5));
            emit({{"event", "rpc_error"},
                  {"code", margin::name(err->code)},
                  {"method", err->path},
                  {"message", err->message},
                  {"retry_in_ms", wait},
                  {"failures", failures}});
            std::this_thread::sleep_for(std::chrono::milliseconds(wait));
            continue;
        }
        failures = 0;
        ++done;
        if (rounds != 0 && done >= rounds) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<long>(o.poll_seconds * 1000)));
    }
    emit({{"event", "stop"}, {"why", "done"}, {"rounds", done}});
    return 0;
}
