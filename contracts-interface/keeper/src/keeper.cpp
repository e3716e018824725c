// A keeper round: discovery, one consistent snapshot of the contract, every book evaluated,
// and the liquidatable accounts' liquidations (liquidate.cpp).
#include "keeper/keeper.hpp"

#include <algorithm>
#include <vector>

#include "bridge/request.hpp"
#include "core/margin.hpp"
#include "state.hpp"

namespace keeper {
namespace {

double ms_between(std::chrono::steady_clock::time_point from, std::chrono::steady_clock::time_point to) {
    return std::chrono::duration<double, std::milli>(to - from).count();
}

abi::integer integer_of(std::uint64_t v) { return abi::integer(v); }

}  // namespace

keeper::state::state(config c, chain::rpc_client& r, reporter& o, clock& t)
    : opt(std::move(c)), rpc(r), house(r, opt.contract), out(o), time(t), next_block(opt.from_block) {}

keeper::keeper(config c, chain::rpc_client& rpc, reporter& out, clock& time) : s_(std::make_unique<state>(std::move(c), rpc, out, time)) {}

keeper::~keeper() = default;

std::optional<margin::error> keeper::round() {
    state& k = *s_;
    auto head = k.rpc.call("eth_blockNumber");
    if (!head.ok()) return head.err;
    auto block = chain::parse_quantity(head.value);
    if (!block.ok()) return block.err;
    const std::uint64_t latest = block.value.convert_to<std::uint64_t>();
    if (auto e = k.discover(latest)) return e;

    const std::string at = chain::quantity(latest);  // one consistent state for the whole scan
    auto params = k.house.params(at);
    if (!params.ok()) return params.err;
    auto market = k.house.market(at);
    if (!market.ok()) return market.err;
    auto limits = k.house.limits(at);
    if (!limits.ok()) return limits.err;
    auto head_block = k.rpc.call("eth_getBlockByNumber", json::array({at, false}));
    if (!head_block.ok()) return head_block.err;
    auto now = chain::parse_quantity(head_block.value.value("timestamp", json("0x0")));
    if (!now.ok()) return now.err;

    auto builder = bridge::request_builder::make(params.value, k.opt.underlying);  // the parameters validated once per round
    if (!builder.ok()) {
        k.out.report({{"event", "error"},
                      {"code", margin::name(builder.err->code)},
                      {"path", builder.err->path},
                      {"message", "the contract's parameters: " + builder.err->message}});
        return std::nullopt;
    }
    const std::vector<chain::address> accounts(k.accounts.begin(), k.accounts.end());
    const auto t_read = k.time.now();
    auto books = k.house.books(accounts, at);
    if (!books.ok()) return books.err;
    const double read_ms = ms_between(t_read, k.time.now());

    // Evaluate: the contract values of this snapshot shared across accounts.
    const auto t_eval = k.time.now();
    margin::scenario::value_cache cache;
    struct candidate {
        chain::address account;
        std::int64_t scenario;
        std::string equity, maintenance;
    };
    std::vector<candidate> due;
    std::size_t evaluated = 0;
    auto report_error = [&](const chain::address& account, const margin::error& e) {
        k.out.report({{"event", "error"},
                      {"account", chain::to_hex(account)},
                      {"code", margin::name(e.code)},
                      {"path", e.path},
                      {"message", e.message}});
    };
    for (std::size_t i = 0; i < accounts.size(); ++i) {
        const auto& b = books.value[i];
        if (!b.ok()) {
            if (transport_failure(*b.err)) return b.err;
            report_error(accounts[i], *b.err);
            continue;
        }
        auto req = builder.value.build(b.value, static_cast<std::int64_t>(market.value.timestamp));
        if (!req.ok()) {  // a book without a request form: reported, the round goes on
            report_error(accounts[i], *req.err);
            continue;
        }
        auto res = margin::compute_portfolio(req.value, std::nullopt, &cache);
        ++evaluated;
        if (!res.ok()) {
            report_error(accounts[i], *res.err);
            continue;
        }
        if (!res.value.liquidatable) continue;
        std::int64_t worst = -1;
        for (const auto& u : res.value.underlyings)
            if (u.symbol == k.opt.underlying) worst = u.worst_scenario;
        due.push_back({accounts[i], worst, res.value.equity.raw().to_string(), res.value.maintenance_margin.raw().to_string()});
    }
    const double eval_ms = ms_between(t_eval, k.time.now());
    const double scan_s = (read_ms + eval_ms) / 1000;
    k.out.report({{"event", "round"},
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
        k.out.report({{"event", "decision"},
                      {"account", chain::to_hex(c.account)},
                      {"scenario", c.scenario},
                      {"equity", c.equity},
                      {"maintenance", c.maintenance},
                      {"why", "equity below maintenance margin at the engine's worst scenario"}});
        if (c.scenario < 0) {
            k.out.report({{"event", "skip"}, {"account", chain::to_hex(c.account)}, {"why", "no worst scenario on the underlying"}});
            continue;
        }
        if (stale) {
            k.out.report(
                {{"event", "skip"},
                 {"account", chain::to_hex(c.account)},
                 {"why", "market older than the contract's maxStaleness: liquidate would revert StaleMarket; waiting for the oracle"}});
            continue;
        }
        if (k.opt.dry_run) {
            k.out.report({{"event", "skip"}, {"account", chain::to_hex(c.account)}, {"why", "dry run"}});
            continue;
        }
        if (auto e = k.liquidate(c.account, static_cast<std::uint64_t>(c.scenario))) return e;
    }
    return std::nullopt;
}

std::optional<margin::error> keeper::state::discover(std::uint64_t latest) {
    constexpr std::uint64_t span = 5'000;  // blocks per eth_getLogs: inside common node limits
    for (std::uint64_t from = next_block; from <= latest; from += span) {
        const std::uint64_t to = std::min(latest, from + span - 1);
        auto logs = rpc.call("eth_getLogs", json::array({{{"address", chain::to_hex(opt.contract)},
                                                          {"fromBlock", chain::quantity(from)},
                                                          {"toBlock", chain::quantity(to)},
                                                          {"topics", chain::account_topics()}}}));
        if (!logs.ok()) return logs.err;
        for (const json& log : logs.value)
            for (const chain::address& a : chain::accounts_named(log)) accounts.insert(a);
        next_block = to + 1;
    }
    return std::nullopt;
}

}  // namespace keeper
