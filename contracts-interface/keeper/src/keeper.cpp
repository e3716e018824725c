// A keeper round: discovery, one consistent snapshot of the contract, every book evaluated,
// and the liquidatable accounts' liquidations (liquidate.cpp).
#include "keeper/keeper.hpp"

#include <algorithm>
#include <vector>

#include "bridge/request.hpp"
#include "chain/node.hpp"
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

bool keeper::refused() const noexcept { return s_->refused; }

std::optional<margin::error> keeper::state::check_chain_id() {
    auto id = rpc.call("eth_chainId");
    if (!id.ok()) return id.err;
    auto n = chain::read_u64(id.value, "eth_chainId");
    if (!n.ok()) return n.err;
    const std::optional<std::uint64_t> want = chain_id ? chain_id : opt.chain_id;
    if (want && *want != n.value) {
        refused = true;
        return margin::error{error_code::CHAIN_ID_MISMATCH, "eth_chainId",
                             "the node serves chain " + std::to_string(n.value) + ", not " + std::to_string(*want) +
                                 (chain_id ? " (pinned at start)" : " (--chain-id)")};
    }
    chain_id = n.value;
    return std::nullopt;
}

std::optional<margin::error> keeper::round() {
    state& k = *s_;
    k.refused = false;
    if (!k.chain_id)  // pinned once, at the first round: --chain-id or the node's
        if (auto e = k.check_chain_id()) return e;
    auto head = k.rpc.call("eth_blockNumber");
    if (!head.ok()) return head.err;
    auto block = chain::read_u64(head.value, "eth_blockNumber", chain::max_block_number);
    if (!block.ok()) return block.err;
    const std::uint64_t latest = block.value;
    if (k.last_head) {  // sanity: monotone but for reorgs, and no leaps
        if (latest + k.opt.reorg_depth < *k.last_head)
            return margin::error{error_code::RPC_BAD_RESPONSE, "eth_blockNumber",
                                 "the head went back from " + std::to_string(*k.last_head) + " to " + std::to_string(latest) +
                                     ", more than a reorg (" + std::to_string(k.opt.reorg_depth) + " blocks) can: not believed"};
        if (latest > *k.last_head + k.opt.max_block_jump)
            return margin::error{error_code::RPC_BAD_RESPONSE, "eth_blockNumber",
                                 "the head jumped from " + std::to_string(*k.last_head) + " to " + std::to_string(latest) + ", more than " +
                                     std::to_string(k.opt.max_block_jump) + " blocks in one round: not believed"};
    }
    const std::string at = chain::quantity(latest);  // one consistent state for the whole scan
    auto head_block = k.rpc.call("eth_getBlockByNumber", json::array({at, false}));
    if (!head_block.ok()) return head_block.err;
    auto hb = chain::read_block(head_block.value, "eth_getBlockByNumber");
    if (!hb.ok()) return hb.err;
    if (hb.value.number != latest)
        return margin::error{error_code::RPC_BAD_RESPONSE, "eth_getBlockByNumber",
                             "asked for block " + std::to_string(latest) + ", got " + std::to_string(hb.value.number)};
    k.last_head = latest;

    // A reorg: the last block whose logs were read is no longer the chain's (another hash, or
    // gone). Its logs, and those of the blocks before it, may have changed: read them again.
    if (k.scanned) {
        const auto& [number, hash] = *k.scanned;
        std::optional<std::string> now;
        if (number == latest)
            now = hb.value.hash;
        else if (number < latest) {
            auto b = k.rpc.call("eth_getBlockByNumber", json::array({chain::quantity(number), false}));
            if (!b.ok()) return b.err;
            if (!b.value.is_null()) {
                auto checked = chain::read_block(b.value, "eth_getBlockByNumber");
                if (!checked.ok()) return checked.err;
                now = checked.value.hash;
            }
        }
        if (now != hash) {
            const std::uint64_t back = number + 1 > k.opt.reorg_depth ? number + 1 - k.opt.reorg_depth : 0;
            k.next_block = std::max(k.opt.from_block, std::min(back, k.next_block));
            k.out.report({{"event", "reorg"},
                          {"block", number},
                          {"was", hash},
                          {"now", now ? json(*now) : json(nullptr)},
                          {"rescan_from", k.next_block}});
            k.scanned.reset();
        }
    }
    std::vector<chain::address> accounts;
    if (k.opt.accounts_from) {  // the service names the accounts: no log scan
        auto listed = k.opt.accounts_from->accounts();
        if (!listed.ok()) return listed.err;
        accounts = std::move(listed.value);
    } else {
        if (auto e = k.discover(latest)) return e;
        if (k.next_block == latest + 1) k.scanned = std::make_pair(latest, hb.value.hash);
        accounts.assign(k.accounts.begin(), k.accounts.end());
    }

    auto params = k.house.params(at);
    if (!params.ok()) return params.err;
    auto market = k.house.market(at);
    if (!market.ok()) return market.err;
    auto limits = k.house.limits(at);
    if (!limits.ok()) return limits.err;
    const abi::integer now_ts(hb.value.timestamp);

    auto builder = bridge::request_builder::make(params.value, k.opt.underlying);  // the parameters validated once per round
    if (!builder.ok()) {  // nothing can be evaluated: the keeper cannot work on this contract
        k.refused = true;
        return margin::error{builder.err->code, builder.err->path,
                             "the contract's parameters have no request form (the engine rejects them): " + builder.err->message};
    }
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
    std::size_t evaluated = 0, errors = 0;
    auto report_error = [&](const chain::address& account, const margin::error& e) {
        if (++errors > k.opt.max_error_reports) return;  // counted in the round's errors_suppressed
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
    json round = {{"event", "round"},
                  {"block", latest},
                  {"accounts", accounts.size()},
                  {"evaluated", evaluated},
                  {"liquidatable", due.size()},
                  {"contracts_priced", cache.size()},
                  {"read_ms", read_ms},
                  {"eval_ms", eval_ms},
                  {"accounts_per_s_eval", eval_ms > 0 ? 1000.0 * static_cast<double>(accounts.size()) / eval_ms : 0.0},
                  {"accounts_per_s_with_reads", scan_s > 0 ? static_cast<double>(accounts.size()) / scan_s : 0.0}};
    if (errors > k.opt.max_error_reports) round["errors_suppressed"] = errors - k.opt.max_error_reports;
    if (k.opt.accounts_from)
        round["source"] = k.opt.accounts_from->name();
    else if (k.next_block <= latest)
        round["discovery_behind"] = latest + 1 - k.next_block;  // blocks whose logs are still unread
    k.out.report(round);

    const bool stale = now_ts > integer_of(market.value.timestamp) + integer_of(limits.value.max_staleness);
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
    // latest <= chain::max_block_number (2^48): no arithmetic here can wrap
    for (std::uint64_t n = 0; next_block <= latest && n < max_spans; ++n) {
        const std::uint64_t from = next_block, to = std::min(latest, from + span - 1);
        auto logs = rpc.call("eth_getLogs", json::array({{{"address", chain::to_hex(opt.contract)},
                                                          {"fromBlock", chain::quantity(from)},
                                                          {"toBlock", chain::quantity(to)},
                                                          {"topics", chain::account_topics()}}}));
        if (!logs.ok()) return logs.err;
        if (!logs.value.is_array()) return margin::error{error_code::RPC_BAD_RESPONSE, "eth_getLogs", "eth_getLogs: not an array of logs"};
        for (const json& log : logs.value) {
            auto l = chain::read_log(log, "eth_getLogs");
            if (!l.ok()) return l.err;
            if (l.value.removed) continue;  // taken back by a reorg
            if (l.value.contract != opt.contract || l.value.block < from || l.value.block > to)
                return margin::error{error_code::RPC_BAD_RESPONSE, "eth_getLogs",
                                     "eth_getLogs: a log of another contract or outside the blocks asked for"};
            for (const chain::address& a : chain::accounts_named(log)) accounts.insert(a);
        }
        next_block = to + 1;
    }
    return std::nullopt;
}

}  // namespace keeper
