// The tick engine (book.hpp, docs/service.md "Ticks"): the accounts a tick moves, re-margined
// on every core, persisted in the tick's transaction, then swapped in and published.
#include <algorithm>
#include <atomic>

#include "book_state.hpp"

namespace service {

margin::outcome<book::state::decoded_market> book::state::decode_tick(std::string_view body, std::int64_t id) {
    using O = margin::outcome<decoded_market>;
    auto parsed = text::parse(body);
    if (!parsed.ok()) return O::failure(*parsed.err);
    json& doc = parsed.value;
    if (!doc.is_object()) return O::failure(error_code::WRONG_TYPE, "", "a tick is a JSON object");
    for (auto& [k, v] : doc.items())
        if (k != "timestamp" && k != "underlyings" && k != "collateral" && k != "stable_price")
            return O::failure(error_code::UNKNOWN_FIELD, "/" + k, "a tick holds timestamp, underlyings, collateral and stable_price");
    if (!doc.contains("timestamp")) return O::failure(error_code::MISSING_FIELD, "/timestamp", "a tick needs its timestamp");
    // a tick may move only underlyings or only collateral
    if (!doc.contains("underlyings")) doc["underlyings"] = json::object();
    if (!doc.contains("collateral")) doc["collateral"] = json::object();
    return decode_market(doc, "", id);
}

answer book::check_tick(std::string_view body) const {
    auto dm = state::decode_tick(body, 0);
    if (!dm.ok()) return fail(400, *dm.err);
    return {200, text::dump(json{{"timestamp", std::to_string(dm.value.timestamp)}})};
}

answer book::tick(std::string_view body, std::int64_t stream_seq) {
    state& s = *s_;
    const auto t0 = clk::now();
    std::lock_guard<std::mutex> w(s.write_mu);
    if (stream_seq > 0 && stream_seq <= s.stream_seq) return {200, text::dump(json{{"stream_seq", stream_seq}, {"duplicate", true}})};
    answer a = s.apply_tick(body, stream_seq, t0);
    if (stream_seq > 0 && a.status == 400) {
        // Refused as every shard refuses it (the same tick on the same market): its position
        // is kept all the same, so that the stream is not offered it again.
        if (auto f = s.persist([&](store& db) { return db.put_stream_seq(stream_seq); })) return *f;
        std::unique_lock g(s.mu);
        s.stream_seq = stream_seq;
    }
    return a;
}

answer book::sync(std::string_view body, const std::vector<std::pair<std::string, std::string>>& accounts) {
    state& s = *s_;
    const auto t0 = clk::now();
    std::lock_guard<std::mutex> w(s.write_mu);
    return s.apply_tick(body, 0, t0, &accounts);
}

answer book::state::apply_tick(std::string_view body, std::int64_t seq, clk::time_point t0, const replacements* replace) {
    state& s = *this;
    const std::int64_t id = s.tick + 1;
    auto dm = decode_tick(body, id);
    if (!dm.ok()) return fail(400, *dm.err);
    const auto& m = dm.value;
    if (m.timestamp < s.timestamp)
        return fail(400, error_code::OUT_OF_RANGE, "/timestamp",
                    "a tick at " + std::to_string(m.timestamp) + " is older than the market's " + std::to_string(s.timestamp));
    // The accounts this tick moves: holders of a changed symbol, everyone if the stable price changed.
    snap_map u = s.unders, c = s.assets;
    for (auto& [k, v] : m.unders) u[k] = v;
    for (auto& [k, v] : m.assets) c[k] = v;
    // The accounts the tick replaces (sync), validated on the tick's market.
    std::map<std::string, rec_ptr> fresh;
    for (std::size_t i = 0; replace && i < replace->size(); ++i) {
        const auto& [rid, text] = (*replace)[i];
        const std::string at = "/accounts/" + std::to_string(i);
        if (!valid_account_id(rid))
            return fail(400, error_code::BAD_ACCOUNT_ID, at, "an account id is 1-64 characters of A-Z a-z 0-9 _ . : -");
        if (!holds(s.part, rid)) continue;
        auto p = s.prepare(rid, text, u, c, m.timestamp);
        if (!p.ok()) return fail(400, error{p.err->code, at + p.err->path, "account " + rid + ": " + p.err->message});
        fresh[rid] = p.value.rec;
    }
    std::size_t added = 0;
    for (const auto& [rid, r] : fresh) added += s.accounts.count(rid) ? 0 : 1;
    if (s.accounts.size() + added > max_accounts)
        return fail(400, error_code::OUT_OF_RANGE, "/accounts", "the book holds 1000000 accounts");
    std::vector<std::pair<std::string, rec_ptr>> dirty;
    if (!fresh.empty()) {  // a sync: the holders of a changed symbol and the replaced accounts, by id
        std::set<std::string> ids;
        if (m.stable_json)
            for (const auto& [k, v] : s.accounts) ids.insert(k);
        for (const auto* mp : {&m.unders, &m.assets})
            for (auto& [k, v] : *mp)
                if (auto it = s.holders.find(k); it != s.holders.end()) ids.insert(it->second.begin(), it->second.end());
        for (const auto& [k, v] : fresh) ids.insert(k);
        for (const auto& i : ids) dirty.emplace_back(i, fresh.count(i) ? fresh[i] : s.accounts[i]);
    } else if (m.stable_json) {
        dirty.assign(s.accounts.begin(), s.accounts.end());
    } else {
        // The holders of a moved symbol, in id order: from the holder index when they are few,
        // else by one pass over the book (a tick moving most of it would otherwise build a set
        // of every id and look each one up again).
        std::size_t held = 0;
        for (const auto* mp : {&m.unders, &m.assets})
            for (auto& [k, v] : *mp)
                if (auto it = s.holders.find(k); it != s.holders.end()) held += it->second.size();
        if (held * 4 > s.accounts.size()) {
            for (const auto& [rid, rec] : s.accounts)
                for (const auto& d : rec->deps)
                    if (m.unders.count(d) || m.assets.count(d)) {
                        dirty.emplace_back(rid, rec);
                        break;
                    }
        } else {
            std::set<std::string> ids;
            for (const auto* mp : {&m.unders, &m.assets})
                for (auto& [k, v] : *mp)
                    if (auto it = s.holders.find(k); it != s.holders.end()) ids.insert(it->second.begin(), it->second.end());
            dirty.reserve(ids.size());
            for (const auto& i : ids) dirty.emplace_back(i, s.accounts[i]);
        }
    }
    // Re-margin on every core: each worker takes chunks of accounts and keeps one contract-value
    // cache per parameter document (a cache serves one snapshot and one parameter set).
    std::vector<summary> out(dirty.size());
    std::vector<std::optional<event>> changes(dirty.size());  // built by the workers, queued in order under the lock
    state::globals g{m.timestamp, s.stable_price, s.stable_json};
    if (m.stable_json) g.stable_price = m.stable_price, g.stable_json = m.stable_json;
    // An account holding a moved underlying and one the tick did not move is margined at the
    // tick's timestamp, the other one's forwards and discount factors derived again from its
    // given values (what validate() does per account): done here once for the book. One that
    // does not derive at the new timestamp is left to each account's validation (the API's error).
    snap_map retimed;
    for (const auto& [sym, sn] : u) {
        if (m.unders.count(sym) || sn->timestamp >= m.timestamp) continue;
        json under = json::object(), piece = json::object();
        under[sym] = json::parse(sn->json);
        piece["timestamp"] = std::to_string(m.timestamp);
        piece["underlyings"] = std::move(under);
        if (auto d = decode_market(piece, "", id); d.ok()) retimed.emplace(sym, d.value.unders.at(sym));
    }
    g.retimed = &retimed;
    const auto t1 = clk::now();
    {
        state& cs = s;  // read-only below: only this writer changes the book
        std::atomic<std::size_t> next{0};
        constexpr std::size_t chunk = 32;
        auto work = [&] {
            std::map<std::string, std::unique_ptr<margin::scenario::value_cache>> caches;
            for (;;) {
                const std::size_t from = next.fetch_add(chunk);
                if (from >= dirty.size()) break;
                for (std::size_t i = from; i < std::min(dirty.size(), from + chunk); ++i) {
                    const account_rec& a = *dirty[i].second;
                    auto& cache = caches[a.params];
                    if (!cache) cache = std::make_unique<margin::scenario::value_cache>();
                    out[i] = cs.evaluate(a, u, c, id, cache.get(), g);
                    // `last` changes only under the lock below, after every worker has finished
                    if (!fresh.count(dirty[i].first)) changes[i] = state::event_of(dirty[i].first, a.last.state, true, out[i], "tick");
                }
            }
        };
        on_threads(static_cast<unsigned>(std::min<std::size_t>(s.threads, dirty.size() / chunk + 1)), work);
    }
    const auto t2 = clk::now();
    // One transaction: the snapshots, every result, the tick row. Answered after the commit.
    if (auto f = s.persist([&](store& st) {
            bool ok = put_snapshots(st, m.unders, m.assets);
            for (const auto& [rid, r] : fresh) ok = ok && st.put_account(rid, r->text);
            if (m.stable_json) ok = ok && st.put_snapshot("global", "stable_price", *m.stable_json, m.timestamp, id);
            for (std::size_t i = 0; ok && i < dirty.size(); ++i) ok = st.put_result(state::stored(dirty[i].first, out[i]));
            ok = ok && (seq == 0 || st.put_stream_seq(seq));
            return ok && st.put_tick(id, m.timestamp, body, static_cast<std::int64_t>(dirty.size()));
        }))
        return *f;
    const auto t3 = clk::now();
    std::vector<event> evs;
    tick_figures f;
    {
        std::unique_lock lk(s.mu);
        s.unders = std::move(u);
        s.assets = std::move(c);
        if (m.stable_json) {
            s.stable_json = m.stable_json;
            s.stable_price = m.stable_price;
        }
        s.timestamp = m.timestamp;
        s.tick = id;
        if (seq > 0) s.stream_seq = seq;
        for (std::size_t i = 0; i < dirty.size(); ++i) {
            if (fresh.count(dirty[i].first)) {  // a replaced account: swapped in whole
                dirty[i].second->last = std::move(out[i]);
                s.install(dirty[i].first, dirty[i].second, "tick", evs);
                continue;
            }
            dirty[i].second->last = std::move(out[i]);
            s.count_event(evs, std::move(changes[i]));
        }
        f.tick = id;
        f.accounts = dirty.size();
        f.compute_s = seconds(t1, t2);
        f.persist_s = seconds(t2, t3);
        f.total_s = seconds(t0, clk::now());
        ++s.ticks;
        s.tick_accounts += dirty.size();
        s.tick_hist.add(f.total_s);
        s.compute_hist.add(f.compute_s);
        s.persist_hist.add(f.persist_s);
        s.last = f;
    }
    s.publish(evs);
    json j = {{"tick", id},
              {"timestamp", std::to_string(m.timestamp)},
              {"accounts", dirty.size()},
              {"events", evs.size()},
              {"compute_us", static_cast<std::int64_t>(f.compute_s * 1e6)},
              {"persist_us", static_cast<std::int64_t>(f.persist_s * 1e6)}};
    if (seq > 0) j["stream_seq"] = seq;
    return {200, text::dump(j)};
}

}  // namespace service
