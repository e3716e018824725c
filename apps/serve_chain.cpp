// margin-serve --follow-chain (docs/service.md, "Following a chain"): the book loaded from a
// MarginAccounts clearing house over JSON-RPC, then kept in step with it, block by block.
//
// Each account is what the keeper evaluates: the house's book() of it at a block, turned into
// a validated request by the bridge (request_builder: the house's parameters, its market
// timestamp) and printed as the API's canonical document; its market goes to the service's
// market, the rest is the service's account (id: the address, 0x + 40 lower-case hex digits).
// The service's market for the underlying is the house's market with the union of the
// expiries the accounts hold.
//
// Polling: every --poll interval, the house's logs from the first unread block to the head
// (eth_getLogs by address, in spans of 5,000 blocks). Deposited and Traded logs re-read the
// accounts they name; any other log of the house (MarketPushed / MarketInputs, settlements,
// liquidations, which may socialise a loss over every account, withdrawals, parameters) re-reads
// every account. A re-read that changes the market is one tick with the changed accounts in
// its transaction (book::sync); one that changes accounts only is their PUTs. A block already
// scanned whose hash changed (a reorg) re-reads everything from reorg_depth blocks before it.
// A tick never goes back in time: after a reorg that takes back a push every re-read is a tick
// at the house's older market, refused and reported, until the house's next push reaches the
// service's market (the accounts it offered are forgotten, so that push offers them again).
// Transport failures are reported on stderr and retried at the next poll.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "api/document.hpp"
#include "bridge/request.hpp"
#include "chain/house.hpp"
#include "chain/node.hpp"
#include "chain/rpc.hpp"
#include "serve_chain.hpp"
#include "service/book.hpp"

namespace serve_chain {
namespace {

using json = nlohmann::json;
using margin::error_code;

void note(json j) { std::cerr << "margin-serve: " << j.dump() << std::endl; }
void note_error(const char* what, const margin::error& e) {
    note({{"follow", what}, {"code", std::string(margin::name(e.code))}, {"path", e.path}, {"message", e.message}});
}

class follower {
public:
    follower(service::book& bk, const follow_options& o)
        : bk_(bk), o_(o), rpc_(o.rpc, o.timeout_ms), house_(rpc_, o.house), next_(o.from_block) {}

    /// One poll. Errors: the transport's and the node's (retried by the caller); refused_ is
    /// set when the house's parameters have no request form (nothing can ever be evaluated).
    std::optional<margin::error> step() {
        auto hn = rpc_.call("eth_blockNumber");
        if (!hn.ok()) return hn.err;
        auto head = chain::read_u64(hn.value, "eth_blockNumber", chain::max_block_number);
        if (!head.ok()) return head.err;
        bool everything = !synced_;
        if (scanned_) {  // a reorg: the last block scanned is not the chain's any more
            auto b = rpc_.call("eth_getBlockByNumber", json::array({chain::quantity(scanned_->first), false}));
            if (!b.ok()) return b.err;
            std::string hash;  // "" when the node no longer has the block
            if (!b.value.is_null()) {
                auto h = chain::read_block(b.value, "eth_getBlockByNumber");
                if (!h.ok()) return h.err;
                hash = h.value.hash;
            }
            if (hash != scanned_->second) {
                const std::uint64_t back = scanned_->first > o_.reorg_depth ? scanned_->first - o_.reorg_depth : 0;
                next_ = std::max(o_.from_block, back);
                note({{"follow", "reorg"}, {"block", scanned_->first}, {"rescan_from", next_}});
                scanned_.reset();
                everything = true;
            }
        }
        if (head.value < next_ && !everything) return std::nullopt;
        // the logs of the unread blocks: which accounts they name, whether they move more than those
        std::set<chain::address> named;
        static const json topics = chain::account_topics()[0];  // Deposited, Traded, Liquidated
        for (std::uint64_t from = next_; from <= head.value;) {
            const std::uint64_t to = std::min(head.value, from + 4'999);
            auto logs = rpc_.call(
                "eth_getLogs",
                json::array(
                    {{{"address", chain::to_hex(o_.house)}, {"fromBlock", chain::quantity(from)}, {"toBlock", chain::quantity(to)}}}));
            if (!logs.ok()) return logs.err;
            if (!logs.value.is_array())
                return margin::error{error_code::RPC_BAD_RESPONSE, "eth_getLogs", "eth_getLogs: not an array of logs"};
            for (const json& log : logs.value) {
                auto l = chain::read_log(log, "eth_getLogs");
                if (!l.ok()) return l.err;
                if (l.value.removed) continue;
                if (l.value.contract != o_.house || l.value.block < from || l.value.block > to)
                    return margin::error{error_code::RPC_BAD_RESPONSE, "eth_getLogs",
                                         "eth_getLogs: a log of another contract or outside the blocks asked for"};
                for (const chain::address& a : chain::accounts_named(log)) {
                    named.insert(a);
                    accounts_.insert(a);
                }
                const std::string& t0 = l.value.topics.empty() ? std::string() : l.value.topics[0];
                if (t0 != topics[0] && t0 != topics[1]) everything = true;  // not Deposited or Traded
            }
            from = to + 1;
        }
        if (auto e = resync(head.value, everything ? accounts_ : named, everything)) return e;
        auto hb = rpc_.call("eth_getBlockByNumber", json::array({chain::quantity(head.value), false}));
        if (!hb.ok()) return hb.err;
        if (hb.value.is_null()) return margin::error{error_code::RPC_BAD_RESPONSE, "eth_getBlockByNumber", "the head block is not there"};
        auto h = chain::read_block(hb.value, "eth_getBlockByNumber");
        if (!h.ok()) return h.err;
        scanned_ = std::make_pair(head.value, h.value.hash);
        next_ = head.value + 1;
        synced_ = true;
        return std::nullopt;
    }

    bool refused() const { return refused_; }

private:
    // The accounts `which` read at `block`, as requests; the changed ones applied.
    std::optional<margin::error> resync(std::uint64_t block, const std::set<chain::address>& which, bool all) {
        if (which.empty() && synced_) return std::nullopt;
        const std::string tag = chain::quantity(block);
        auto params = house_.params(tag);
        if (!params.ok()) return params.err;
        auto market = house_.market(tag);
        if (!market.ok()) return market.err;
        auto builder = bridge::request_builder::make(params.value, o_.underlying);
        if (!builder.ok()) {
            refused_ = true;
            return builder.err;
        }
        const std::vector<chain::address> list(which.begin(), which.end());
        auto books = house_.books(list, tag);
        if (!books.ok()) return books.err;
        std::map<std::string, json> expiries = all ? std::map<std::string, json>() : expiries_;  // a full read starts the union afresh
        json under, stable;
        std::string timestamp;
        std::vector<std::pair<std::string, std::string>> changed;
        std::size_t skipped = 0;
        for (std::size_t i = 0; i < list.size(); ++i) {
            const std::string id = chain::to_hex(list[i]);
            const auto& b = books.value[i];
            auto req = b.ok() ? builder.value.build(b.value, static_cast<std::int64_t>(market.value.timestamp))
                              : margin::outcome<margin::request>::failure(*b.err);
            if (!req.ok()) {  // a book without a request form: reported, left as it was
                if (skipped++ < 20)
                    note({{"follow", "skip"},
                          {"account", id},
                          {"code", std::string(margin::name(req.err->code))},
                          {"path", req.err->path},
                          {"message", req.err->message}});
                continue;
            }
            json doc = margin::api::canonical_document(req.value);
            json m = std::move(doc["market"]);
            doc.erase("market");
            // C0, C1, ... name each account's own assets (the chain's Collateral has no asset id), which one
            // book-wide market cannot hold. MarginAccounts' books hold none; another house's are skipped.
            if (m.contains("collateral") && !m["collateral"].empty()) {
                if (skipped++ < 20) note({{"follow", "skip"}, {"account", id}, {"message", "collateral assets: not followed yet"}});
                continue;
            }
            timestamp = m["timestamp"].get<std::string>();
            if (m.contains("stable_price")) stable = m["stable_price"];
            json u = m["underlyings"][o_.underlying];
            for (const json& e : u.value("expiries", json::array())) expiries[e["expiry"].get<std::string>()] = e;
            u.erase("expiries");
            under = std::move(u);
            std::string text = doc.dump();
            auto [it, fresh] = texts_.try_emplace(id, text);
            if (fresh || it->second != text) {
                it->second = text;
                changed.emplace_back(id, std::move(text));
            }
        }
        if (under.is_null()) return std::nullopt;  // no account with a request form yet
        expiries_ = expiries;
        json ex = json::array();
        std::vector<std::pair<std::string, json>> sorted(expiries.begin(), expiries.end());
        std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
            return a.first.size() != b.first.size() ? a.first.size() < b.first.size() : a.first < b.first;  // whole numbers
        });
        for (auto& [k, e] : sorted) ex.push_back(e);
        under["expiries"] = std::move(ex);
        json tick = {{"timestamp", timestamp}, {"underlyings", {{o_.underlying, under}}}};
        if (!stable.is_null()) tick["stable_price"] = stable;
        const std::string body = tick.dump();
        if (body != market_) {
            const service::answer a = bk_.sync(body, changed);
            if (a.status != 200) {
                note({{"follow", "refused"}, {"block", block}, {"answer", json::parse(a.body, nullptr, false)}});
                for (const auto& [id, t] : changed) texts_.erase(id);  // offered again at the next read
                return std::nullopt;
            }
            market_ = body;
            note({{"follow", "tick"},
                  {"block", block},
                  {"answer", json::parse(a.body, nullptr, false)},
                  {"accounts_changed", changed.size()}});
        } else {
            for (const auto& [id, t] : changed) {
                const service::answer a = bk_.put_account(id, t);
                if (a.status != 200 && a.status != 201) {
                    texts_.erase(id);
                    note({{"follow", "refused"}, {"account", id}, {"answer", json::parse(a.body, nullptr, false)}});
                }
            }
            if (!changed.empty()) note({{"follow", "accounts"}, {"block", block}, {"accounts_changed", changed.size()}});
        }
        return std::nullopt;
    }

    service::book& bk_;
    const follow_options& o_;
    chain::rpc_client rpc_;
    chain::house house_;
    std::uint64_t next_;  // the first block whose logs are unread
    std::optional<std::pair<std::uint64_t, std::string>> scanned_;
    bool synced_ = false, refused_ = false;
    std::set<chain::address> accounts_;
    std::map<std::string, std::string> texts_;  // id -> the account text last applied
    std::map<std::string, json> expiries_;      // the union of the expiries held
    std::string market_;                        // the last tick's body applied
};

}  // namespace

bool follow(service::book& bk, const follow_options& o) {
    follower f(bk, o);
    while (!bk.stopping()) {
        if (auto e = f.step()) {
            note_error("rpc_error", *e);
            if (f.refused()) return false;
        }
        for (long waited = 0; waited < o.poll_ms && !bk.stopping(); waited += 50)
            std::this_thread::sleep_for(std::chrono::milliseconds(std::min<long>(50, o.poll_ms - waited)));
    }
    return true;
}

}  // namespace serve_chain
