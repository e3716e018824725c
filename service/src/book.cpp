// The book: accounts, market snapshots, summaries, ticks and the event window (book.hpp).
//
// Concurrency: one writer at a time (write_mu: PUT, DELETE, load, tick), readers beside it
// (mu, shared). A tick computes with no lock on the data (only the writer changes it), then
// commits to SQLite, then swaps its results in under mu: nothing of a tick is visible, to
// readers or on the stream, before its transaction is on disk.
#include "service/book.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "api/document.hpp"
#include "api/pipeline.hpp"
#include "api/request.hpp"
#include "core/margin.hpp"
#include "core/validate.hpp"
#include "service/store.hpp"
#include "text.hpp"

namespace service {

using text::json;
using clk = std::chrono::steady_clock;

std::string_view name(standing s) noexcept {
    switch (s) {
        case standing::ok: return "ok";
        case standing::below_im: return "below_im";
        case standing::below_mm: return "below_mm";
        case standing::error: return "error";
    }
    return "error";
}

bool valid_account_id(std::string_view id) noexcept {
    if (id.empty() || id.size() > max_account_id) return false;
    for (char c : id) {
        const bool ok =
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == ':' || c == '-';
        if (!ok) return false;
    }
    return true;
}

namespace {

struct account_rec {
    std::string text;  // the request without its market, compact
    // Validated; absent if it never decoded in this run. Its market is overwritten by each
    // evaluation (only the writer evaluates, one account on one worker): no copy per tick.
    mutable std::optional<margin::request> req;
    std::vector<std::string> deps;  // symbols: positions' underlyings and collateral assets, sorted, unique
    std::string params;             // the "params" member, compact ("" = absent: standard)
    summary last;
};
using rec_ptr = std::shared_ptr<account_rec>;
using snap_map = std::map<std::string, std::shared_ptr<const snapshot>>;

answer fail(int status, const error& e) { return {status, text::error_document(e)}; }
answer fail(int status, error_code c, std::string path, std::string msg) { return fail(status, error{c, std::move(path), std::move(msg)}); }

double seconds(clk::time_point a, clk::time_point b) { return std::chrono::duration<double>(b - a).count(); }
std::int64_t unix_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// A fixed-bucket latency histogram (Prometheus "le" buckets, seconds).
struct histogram {
    static constexpr double bounds[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    std::uint64_t counts[std::size(bounds) + 1] = {};
    double sum = 0;
    std::uint64_t n = 0;
    void add(double s) {
        std::size_t i = 0;
        while (i < std::size(bounds) && s > bounds[i]) ++i;
        ++counts[i];
        sum += s;
        ++n;
    }
    void print(std::string& out, const char* name, const char* help) const {
        char buf[160];
        out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " histogram\n";
        std::uint64_t acc = 0;
        for (std::size_t i = 0; i < std::size(bounds); ++i) {
            acc += counts[i];
            std::snprintf(buf, sizeof buf, "%s_bucket{le=\"%g\"} %llu\n", name, bounds[i], static_cast<unsigned long long>(acc));
            out += buf;
        }
        acc += counts[std::size(bounds)];
        std::snprintf(buf, sizeof buf, "%s_bucket{le=\"+Inf\"} %llu\n%s_sum %.6f\n%s_count %llu\n", name,
                      static_cast<unsigned long long>(acc), name, sum, name, static_cast<unsigned long long>(n));
        out += buf;
    }
};

}  // namespace

struct book::state {
    std::unique_ptr<store> db;
    unsigned threads = 1;
    mutable std::shared_mutex mu;  // the data below
    std::mutex write_mu;           // one writer
    snap_map unders, assets;
    std::optional<std::string> stable_json;
    margin::Wad stable_price = margin::Wad::from_int(1);
    std::int64_t timestamp = 0;  // the latest market timestamp
    std::int64_t tick = 0;       // the latest tick id
    std::map<std::string, rec_ptr> accounts;
    std::map<std::string, std::set<std::string>> holders;  // symbol -> account ids
    // the live stream
    mutable std::mutex ev_mu;
    mutable std::condition_variable ev_cv;
    std::deque<event> events;
    std::int64_t ev_seq = 0;
    bool streams_stopped = false;
    // metrics (under mu)
    std::uint64_t ticks = 0, tick_accounts = 0, writes = 0;
    std::map<std::string, std::uint64_t> event_counts;
    histogram tick_hist, compute_hist, persist_hist;
    tick_figures last;

    // --- the market an account sees ---------------------------------------------------
    // What every account's market shares: the timestamp used when it holds nothing with a
    // snapshot (cash only), and the stable price.
    struct globals {
        std::int64_t timestamp = 0;
        margin::Wad stable_price = margin::Wad::from_int(1);
        std::optional<std::string> stable_json;
    };
    globals now() const { return {timestamp, stable_price, stable_json}; }
    struct view {
        margin::market_state market;
        bool derived_ok = true;  // every underlying snapshot validated at the view's timestamp
    };
    view view_of(const account_rec& a, const snap_map& u, const snap_map& c, const globals& g) const {
        view v;
        std::int64_t ts = 0;
        for (const auto& d : a.deps) {
            if (auto it = u.find(d); it != u.end()) ts = std::max(ts, it->second->timestamp);
            if (auto it = c.find(d); it != c.end()) ts = std::max(ts, it->second->timestamp);
        }
        if (ts == 0) ts = g.timestamp;
        v.market.timestamp = ts;
        v.market.stable_price = g.stable_price;
        for (const auto& d : a.deps) {
            if (auto it = u.find(d); it != u.end()) {
                v.market.underlyings.emplace(d, it->second->underlying);
                if (it->second->timestamp != ts) v.derived_ok = false;
            }
            if (auto it = c.find(d); it != c.end()) v.market.collateral.emplace(d, it->second->asset);
        }
        return v;
    }
    json market_doc(const account_rec& a, const snap_map& u, const snap_map& c, const globals& g) const {
        std::int64_t ts = 0;
        json mu_ = json::object(), mc = json::object();
        for (const auto& d : a.deps) {
            if (auto it = u.find(d); it != u.end()) {
                ts = std::max(ts, it->second->timestamp);
                mu_[d] = json::parse(it->second->json);
            }
            if (auto it = c.find(d); it != c.end()) {
                ts = std::max(ts, it->second->timestamp);
                mc[d] = json::parse(it->second->json);
            }
        }
        if (ts == 0) ts = g.timestamp;
        json m = json::object();
        m["timestamp"] = std::to_string(ts);
        if (g.stable_json) m["stable_price"] = json::parse(*g.stable_json);
        m["underlyings"] = std::move(mu_);
        m["collateral"] = std::move(mc);
        return m;
    }
    std::string effective_text(const account_rec& a, const snap_map& u, const snap_map& c, const globals& g) const {
        json doc = json::parse(a.text);
        doc["market"] = market_doc(a, u, c, g);
        return text::dump(doc);
    }

    // --- one account's margin --------------------------------------------------------
    summary evaluate(const account_rec& a, const snap_map& u, const snap_map& c, std::int64_t tick_id, margin::scenario::value_cache* cache,
                     const globals& g) const {
        view v = view_of(a, u, c, g);
        summary s;
        s.tick = tick_id;
        s.timestamp = v.market.timestamp;
        margin::outcome<margin::account_result> res;
        bool fast = a.req.has_value() && v.derived_ok;
        const margin::request* rp = nullptr;
        margin::outcome<margin::request> parsed;
        if (a.req && !v.derived_ok) {
            // Snapshots of different timestamps (a multi-underlying account after a tick that
            // moved one of them): validate() derives the stale ones' forwards and discount
            // factors again at the account's timestamp, from the same given values the text
            // would carry. On an error, the long way below gives the API's exact one.
            margin::request draft = *a.req;
            draft.market = v.market;
            parsed = margin::validate(std::move(draft), true);
            if (parsed.ok()) rp = &parsed.value;
        }
        if (fast) {
            // The account was validated at its write and the market at its tick: what remains
            // is what ties the two, the checks validate() makes per collateral asset and per
            // position. Anything off goes the long way, which gives the API's exact error.
            margin::request& r = *a.req;
            r.market = std::move(v.market);
            for (const auto& [asset, amount] : r.acct.collateral)
                if (!r.market.collateral.count(asset)) fast = false;
            for (std::size_t i = 0; fast && i < r.acct.positions.size(); ++i)
                if (margin::validate(r.acct.positions[i], r, "/account/positions/" + std::to_string(i))) fast = false;
            rp = &r;
        }
        if (!fast && !rp) {
            parsed = margin::api::parse_request(effective_text(a, u, c, g));
            if (!parsed.ok()) {
                s.err = *parsed.err;
                return s;
            }
            rp = &parsed.value;
        }
        res = rp->model == margin::margin_model::portfolio ? margin::compute_portfolio(*rp, std::nullopt, cache) : margin::compute(*rp);
        if (!res.ok()) {
            s.err = *res.err;
            return s;
        }
        const auto& x = res.value;
        s.equity = fp::format(x.equity);
        s.initial_margin = fp::format(x.initial_margin);
        s.maintenance_margin = fp::format(x.maintenance_margin);
        s.free_collateral = fp::format(x.free_collateral);
        s.health = fp::format(x.health);
        s.liquidatable = x.liquidatable;
        s.state = x.liquidatable ? standing::below_mm : x.free_collateral < margin::Wad() ? standing::below_im : standing::ok;
        return s;
    }

    static stored_result stored(const std::string& id, const summary& s) {
        stored_result r;
        r.account = id;
        r.tick = s.tick;
        r.timestamp = s.timestamp;
        r.state = std::string(name(s.state));
        r.equity = s.equity;
        r.initial_margin = s.initial_margin;
        r.maintenance_margin = s.maintenance_margin;
        r.free_collateral = s.free_collateral;
        r.health = s.health;
        r.liquidatable = s.liquidatable;
        if (s.err) r.error_code = std::string(margin::name(s.err->code));
        return r;
    }

    static json summary_json(const std::string& id, const summary& s) {
        json j;
        j["id"] = id;
        j["tick"] = s.tick;
        j["timestamp"] = std::to_string(s.timestamp);
        j["state"] = std::string(name(s.state));
        if (s.err) {
            j["error"] = {{"code", std::string(margin::name(s.err->code))}, {"path", s.err->path}, {"message", s.err->message}};
        } else {
            j["equity"] = s.equity;
            j["initial_margin"] = s.initial_margin;
            j["maintenance_margin"] = s.maintenance_margin;
            j["free_collateral"] = s.free_collateral;
            j["health"] = s.health;
            j["liquidatable"] = s.liquidatable;
        }
        return j;
    }

    // An event when the standing changes (under mu; published after).
    void transition(std::vector<event>& out, const std::string& id, standing from, bool existed, const summary& now, const char* cause) {
        if (existed ? from == now.state : now.state == standing::ok) return;
        const char* type = now.state == standing::ok         ? "recovery"
                           : now.state == standing::below_im ? "margin_call"
                           : now.state == standing::below_mm ? "liquidation_warning"
                                                             : "error";
        json j;
        j["type"] = type;
        j["account"] = id;
        j["tick"] = now.tick;
        j["cause"] = cause;
        j["from"] = existed ? std::string(name(from)) : std::string("new");
        j["to"] = std::string(name(now.state));
        json sj = summary_json(id, now);
        sj.erase("id");
        sj.erase("tick");
        sj.erase("state");
        for (auto& [k, v] : sj.items()) j[k] = v;
        j["at_ms"] = unix_ms();  // wall clock, for tick-to-event latency; not part of any result
        out.push_back({0, type, text::dump(j)});
        ++event_counts[type];
    }
    void publish(std::vector<event>& evs) {
        if (evs.empty()) return;
        {
            std::lock_guard<std::mutex> g(ev_mu);
            for (auto& e : evs) {
                e.seq = ++ev_seq;
                events.push_back(std::move(e));
                if (events.size() > max_recent_events) events.pop_front();
            }
        }
        ev_cv.notify_all();
    }

    void index(const std::string& id, const account_rec& a, bool add) {
        for (const auto& d : a.deps) {
            if (add) {
                holders[d].insert(id);
            } else if (auto it = holders.find(d); it != holders.end()) {
                it->second.erase(id);
                if (it->second.empty()) holders.erase(it);
            }
        }
    }

    // --- decoding a market piece -----------------------------------------------------
    // {"timestamp", "underlyings", "collateral", "stable_price"} -> snapshots validated at the
    // timestamp; errors with the paths of `m` (the API's "/market" prefix taken off).
    struct decoded_market {
        std::int64_t timestamp = 0;
        snap_map unders, assets;
        std::optional<std::string> stable_json;
        margin::Wad stable_price;
    };
    static margin::outcome<decoded_market> decode_market(const json& m, const std::string& prefix, std::int64_t tick_id) {
        using O = margin::outcome<decoded_market>;
        json doc = {{"api_version", "1"}, {"market", m}, {"account", json::object()}};
        if (m.is_object()) {  // a piece of a market may hold only underlyings, or only collateral
            if (!m.contains("underlyings")) doc["market"]["underlyings"] = json::object();
            if (!m.contains("collateral")) doc["market"]["collateral"] = json::object();
        }
        auto r = margin::api::parse_request_document(nlohmann::json::parse(text::dump(doc)));
        if (!r.ok()) {
            error e = *r.err;
            if (e.path.rfind("/market", 0) == 0) e.path = prefix + e.path.substr(7);
            return O::failure(std::move(e));
        }
        decoded_market out;
        out.timestamp = r.value.market.timestamp;
        out.stable_price = r.value.market.stable_price;
        if (m.contains("stable_price")) out.stable_json = text::dump(m["stable_price"]);
        for (auto& [sym, um] : r.value.market.underlyings) {
            auto sn = std::make_shared<snapshot>();
            sn->json = text::dump(m["underlyings"][sym]);
            sn->timestamp = out.timestamp;
            sn->tick = tick_id;
            sn->underlying = um;
            out.unders.emplace(sym, std::move(sn));
        }
        for (auto& [sym, ap] : r.value.market.collateral) {
            auto sn = std::make_shared<snapshot>();
            sn->json = text::dump(m["collateral"][sym]);
            sn->timestamp = out.timestamp;
            sn->tick = tick_id;
            sn->asset = ap;
            out.assets.emplace(sym, std::move(sn));
        }
        return {std::move(out), std::nullopt};
    }

    // --- preparing a write ------------------------------------------------------------
    struct prepared {
        std::string id;
        rec_ptr rec;
        snap_map seeded_u, seeded_c;  // market pieces the request brought that the book lacked
        std::optional<std::int64_t> seeded_ts;
    };
    // body -> a validated account record against the market `u`/`c` (plus what it seeds).
    margin::outcome<prepared> prepare(const std::string& id, std::string_view body, const snap_map& u, const snap_map& c,
                                      std::int64_t fallback_ts) const {
        using O = margin::outcome<prepared>;
        auto parsed = text::parse(body);
        if (!parsed.ok()) return O::failure(*parsed.err);
        json doc = std::move(parsed.value);
        if (!doc.is_object()) return O::failure(error_code::WRONG_TYPE, "", "a request is a JSON object");
        prepared p;
        p.id = id;
        snap_map uu = u, cc = c;
        if (doc.contains("market")) {
            // The request's own market only seeds what the book does not list yet; the book's
            // snapshots (newer, from ticks) win for the rest.
            const json& m = doc["market"];
            if (m.is_object()) {
                json seed = json::object();
                if (m.contains("timestamp")) seed["timestamp"] = m["timestamp"];
                if (m.contains("stable_price")) seed["stable_price"] = m["stable_price"];
                json su = json::object(), sc = json::object();
                if (m.contains("underlyings") && m["underlyings"].is_object())
                    for (auto& [k, v] : m["underlyings"].items())
                        if (!u.count(k)) su[k] = v;
                if (m.contains("collateral") && m["collateral"].is_object())
                    for (auto& [k, v] : m["collateral"].items())
                        if (!c.count(k)) sc[k] = v;
                if (!su.empty() || !sc.empty() || fallback_ts == 0) {
                    seed["underlyings"] = su;
                    seed["collateral"] = sc;
                    auto dm = decode_market(seed, "/market", tick);
                    if (!dm.ok()) return O::failure(*dm.err);
                    p.seeded_u = dm.value.unders;
                    p.seeded_c = dm.value.assets;
                    p.seeded_ts = dm.value.timestamp;
                    for (auto& [k, v] : p.seeded_u) uu[k] = v;
                    for (auto& [k, v] : p.seeded_c) cc[k] = v;
                }
            }
            doc.erase("market");
        }
        auto rec = std::make_shared<account_rec>();
        rec->text = text::dump(doc);
        if (doc.contains("params")) rec->params = text::dump(doc["params"]);
        std::set<std::string> deps;
        if (doc.contains("account") && doc["account"].is_object()) {
            const json& a = doc["account"];
            if (a.contains("positions") && a["positions"].is_array())
                for (const auto& pos : a["positions"])
                    if (pos.is_object() && pos.contains("underlying") && pos["underlying"].is_string())
                        deps.insert(pos["underlying"].get<std::string>());
            if (a.contains("collateral") && a["collateral"].is_object())
                for (auto& [k, v] : a["collateral"].items()) deps.insert(k);
        }
        rec->deps.assign(deps.begin(), deps.end());
        if (fallback_ts == 0 && !p.seeded_ts)
            return O::failure(error_code::MISSING_FIELD, "/market", "the service has no market yet: the first request must carry one");
        // Decoded as `margin compute` decodes it: the text of the request on the book's market.
        globals g = now();
        g.timestamp = fallback_ts ? fallback_ts : *p.seeded_ts;
        auto req = margin::api::parse_request(effective_text(*rec, uu, cc, g));
        if (!req.ok()) return O::failure(*req.err);
        if (req.value.model == margin::margin_model::es)
            return O::failure(error_code::MODEL_NOT_SUPPORTED, "/params",
                              "the service margins standard and portfolio accounts; the es model needs a price history per request");
        req.value.market = {};
        rec->req = std::move(req.value);
        p.rec = rec;
        return {std::move(p), std::nullopt};
    }
};

// ------------------------------------------------------------------------------------------

book::~book() { stop_streams(); }

margin::outcome<std::unique_ptr<book>> book::open(std::unique_ptr<store> db, unsigned threads) {
    using O = margin::outcome<std::unique_ptr<book>>;
    std::unique_ptr<book> b(new book());
    b->s_ = std::make_unique<state>();
    state& s = *b->s_;
    s.db = std::move(db);
    s.threads = threads ? threads : std::max(1u, std::thread::hardware_concurrency());
    s.tick = s.db->last_tick();
    std::optional<error> bad;
    s.db->each_snapshot([&](std::string_view kind, std::string_view sym, std::string_view js, std::int64_t ts, std::int64_t tk) {
        if (bad) return;
        s.timestamp = std::max(s.timestamp, ts);
        json m = {{"timestamp", std::to_string(ts)}};
        if (kind == "global") {
            m["stable_price"] = json::parse(js);
        } else {
            m[kind == "underlying" ? "underlyings" : "collateral"] = {{std::string(sym), json::parse(js)}};
        }
        auto dm = state::decode_market(m, "/market", tk);
        if (!dm.ok()) {
            bad = *dm.err;
            return;
        }
        if (kind == "global") {
            s.stable_json = std::string(js);
            s.stable_price = dm.value.stable_price;
        }
        for (auto& [k, v] : dm.value.unders) s.unders[k] = v;
        for (auto& [k, v] : dm.value.assets) s.assets[k] = v;
    });
    if (bad) return O::failure(error_code::INTERNAL_ERROR, "", "a stored market snapshot no longer decodes: " + bad->message);
    std::vector<std::pair<std::string, std::string>> stored;
    s.db->each_account([&](std::string_view id, std::string_view t) { stored.emplace_back(id, t); });
    for (auto& [id, t] : stored) {
        auto p = s.prepare(id, t, s.unders, s.assets, s.timestamp);
        rec_ptr rec;
        if (p.ok()) {
            rec = p.value.rec;
        } else {  // kept, in error, and retried the long way at each tick that touches it
            rec = std::make_shared<account_rec>();
            rec->text = t;
        }
        s.accounts[id] = rec;
        s.index(id, *rec, true);
    }
    // Every account re-margined on the loaded market: the same figures as stored, since the
    // stored ones were computed on this market (a tick's results commit with its snapshots).
    for (auto& [id, rec] : s.accounts) {
        margin::scenario::value_cache cache;
        rec->last = s.evaluate(*rec, s.unders, s.assets, s.tick, &cache, s.now());
    }
    std::map<std::string, stored_result> results;
    s.db->each_result([&](const stored_result& r) { results[r.account] = r; });
    for (auto& [id, rec] : s.accounts)
        if (auto it = results.find(id); it != results.end()) rec->last.tick = it->second.tick;
    return {std::move(b), std::nullopt};
}

std::size_t book::size() const {
    std::shared_lock g(s_->mu);
    return s_->accounts.size();
}
tick_figures book::last_tick() const {
    std::shared_lock g(s_->mu);
    return s_->last;
}

answer book::put_account(const std::string& id, std::string_view body) {
    state& s = *s_;
    if (!valid_account_id(id)) return fail(400, error_code::BAD_ACCOUNT_ID, "", "an account id is 1-64 characters of A-Z a-z 0-9 _ . : -");
    std::lock_guard<std::mutex> w(s.write_mu);
    auto p = s.prepare(id, body, s.unders, s.assets, s.timestamp);
    if (!p.ok()) return fail(400, *p.err);
    const bool existed = s.accounts.count(id) > 0;
    if (!existed && s.accounts.size() >= max_accounts) return fail(400, error_code::OUT_OF_RANGE, "", "the book holds 1000000 accounts");
    snap_map u = s.unders, c = s.assets;
    for (auto& [k, v] : p.value.seeded_u) u[k] = v;
    for (auto& [k, v] : p.value.seeded_c) c[k] = v;
    margin::scenario::value_cache cache;
    account_rec& rec = *p.value.rec;
    state::globals g = s.now();
    if (!g.timestamp) g.timestamp = *p.value.seeded_ts;
    rec.last = s.evaluate(rec, u, c, s.tick, &cache, g);
    if (auto b = s.db->begin(); !b.ok()) return fail(500, *b.err);
    bool ok = s.db->put_account(id, rec.text);
    for (auto& [k, v] : p.value.seeded_u) ok = ok && s.db->put_snapshot("underlying", k, v->json, v->timestamp, v->tick);
    for (auto& [k, v] : p.value.seeded_c) ok = ok && s.db->put_snapshot("collateral", k, v->json, v->timestamp, v->tick);
    ok = ok && s.db->put_result(state::stored(id, rec.last));
    if (!ok) {
        const std::string msg = s.db->last_error();
        s.db->rollback();
        return fail(500, error_code::INTERNAL_ERROR, "", "database: " + msg);
    }
    if (auto cm = s.db->commit(); !cm.ok()) return fail(500, *cm.err);
    std::vector<event> evs;
    {
        std::unique_lock lk(s.mu);
        standing from = standing::ok;
        if (existed) {
            from = s.accounts[id]->last.state;
            s.index(id, *s.accounts[id], false);
        }
        s.unders = std::move(u);
        s.assets = std::move(c);
        if (p.value.seeded_ts && s.timestamp == 0) s.timestamp = *p.value.seeded_ts;
        s.accounts[id] = p.value.rec;
        s.index(id, rec, true);
        ++s.writes;
        s.transition(evs, id, from, existed, rec.last, "put");
    }
    s.publish(evs);
    json j = state::summary_json(id, rec.last);
    return {existed ? 200 : 201, text::dump(j)};
}

answer book::delete_account(const std::string& id) {
    state& s = *s_;
    std::lock_guard<std::mutex> w(s.write_mu);
    if (!s.accounts.count(id)) return fail(404, error_code::UNKNOWN_ACCOUNT, "", "no account \"" + id + "\"");
    if (auto b = s.db->begin(); !b.ok()) return fail(500, *b.err);
    if (!s.db->delete_account(id)) {
        s.db->rollback();
        return fail(500, error_code::INTERNAL_ERROR, "", "database: " + s.db->last_error());
    }
    if (auto cm = s.db->commit(); !cm.ok()) return fail(500, *cm.err);
    std::unique_lock g(s.mu);
    s.index(id, *s.accounts[id], false);
    s.accounts.erase(id);
    ++s.writes;
    return {200, text::dump(json{{"id", id}, {"deleted", true}})};
}

answer book::tick(std::string_view body) {
    state& s = *s_;
    const auto t0 = clk::now();
    auto parsed = text::parse(body);
    if (!parsed.ok()) return fail(400, *parsed.err);
    const json& doc = parsed.value;
    if (!doc.is_object()) return fail(400, error_code::WRONG_TYPE, "", "a tick is a JSON object");
    for (auto& [k, v] : doc.items())
        if (k != "timestamp" && k != "underlyings" && k != "collateral" && k != "stable_price")
            return fail(400, error_code::UNKNOWN_FIELD, "/" + k, "a tick holds timestamp, underlyings, collateral and stable_price");
    if (!doc.contains("timestamp")) return fail(400, error_code::MISSING_FIELD, "/timestamp", "a tick needs its timestamp");
    std::lock_guard<std::mutex> w(s.write_mu);
    const std::int64_t id = s.tick + 1;
    json mdoc = doc;  // a tick may move only underlyings or only collateral
    if (!mdoc.contains("underlyings")) mdoc["underlyings"] = json::object();
    if (!mdoc.contains("collateral")) mdoc["collateral"] = json::object();
    auto dm = state::decode_market(mdoc, "", id);
    if (!dm.ok()) return fail(400, *dm.err);
    const auto& m = dm.value;
    if (m.timestamp < s.timestamp)
        return fail(400, error_code::OUT_OF_RANGE, "/timestamp",
                    "a tick at " + std::to_string(m.timestamp) + " is older than the market's " + std::to_string(s.timestamp));
    // The accounts this tick moves: holders of a changed symbol, everyone if the stable price changed.
    snap_map u = s.unders, c = s.assets;
    for (auto& [k, v] : m.unders) u[k] = v;
    for (auto& [k, v] : m.assets) c[k] = v;
    std::vector<std::pair<std::string, rec_ptr>> dirty;
    if (m.stable_json) {
        dirty.assign(s.accounts.begin(), s.accounts.end());
    } else {
        std::set<std::string> ids;
        for (const auto* mp : {&m.unders, &m.assets})
            for (auto& [k, v] : *mp)
                if (auto it = s.holders.find(k); it != s.holders.end()) ids.insert(it->second.begin(), it->second.end());
        dirty.reserve(ids.size());
        for (const auto& i : ids) dirty.emplace_back(i, s.accounts[i]);
    }
    // Re-margin on every core: each worker takes chunks of accounts and keeps one contract-value
    // cache per parameter document (a cache serves one snapshot and one parameter set).
    std::vector<summary> out(dirty.size());
    state::globals g{m.timestamp, s.stable_price, s.stable_json};
    if (m.stable_json) g.stable_price = m.stable_price, g.stable_json = m.stable_json;
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
                }
            }
        };
        const unsigned n = static_cast<unsigned>(std::min<std::size_t>(s.threads, dirty.size() / chunk + 1));
        std::vector<std::thread> pool;
        for (unsigned t = 1; t < n; ++t) pool.emplace_back(work);
        work();
        for (auto& t : pool) t.join();
    }
    const auto t2 = clk::now();
    // One transaction: the snapshots, every result, the tick row. Answered after the commit.
    if (auto b = s.db->begin(); !b.ok()) return fail(500, *b.err);
    bool ok = true;
    for (auto& [k, v] : m.unders) ok = ok && s.db->put_snapshot("underlying", k, v->json, v->timestamp, id);
    for (auto& [k, v] : m.assets) ok = ok && s.db->put_snapshot("collateral", k, v->json, v->timestamp, id);
    if (m.stable_json) ok = ok && s.db->put_snapshot("global", "stable_price", *m.stable_json, m.timestamp, id);
    for (std::size_t i = 0; ok && i < dirty.size(); ++i) ok = s.db->put_result(state::stored(dirty[i].first, out[i]));
    ok = ok && s.db->put_tick(id, m.timestamp, body, static_cast<std::int64_t>(dirty.size()));
    if (!ok) {
        const std::string msg = s.db->last_error();
        s.db->rollback();
        return fail(500, error_code::INTERNAL_ERROR, "", "database: " + msg);
    }
    if (auto cm = s.db->commit(); !cm.ok()) return fail(500, *cm.err);
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
        for (std::size_t i = 0; i < dirty.size(); ++i) {
            const standing from = dirty[i].second->last.state;
            dirty[i].second->last = std::move(out[i]);
            s.transition(evs, dirty[i].first, from, true, dirty[i].second->last, "tick");
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
    if (on_tick) on_tick(f);
    json j = {{"tick", id},
              {"timestamp", std::to_string(m.timestamp)},
              {"accounts", dirty.size()},
              {"events", evs.size()},
              {"compute_us", static_cast<std::int64_t>(f.compute_s * 1e6)},
              {"persist_us", static_cast<std::int64_t>(f.persist_s * 1e6)}};
    return {200, text::dump(j)};
}

answer book::load(const std::string& path) {
    state& s = *s_;
    namespace fs = std::filesystem;
    std::vector<std::pair<std::string, std::string>> items;  // id, body
    auto read = [](const fs::path& f, std::string& outs) {
        std::ifstream in(f, std::ios::binary);
        if (!in) return false;
        outs.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        return true;
    };
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
        std::vector<fs::path> files;
        for (const auto& e : fs::directory_iterator(path, ec))
            if (e.path().extension() == ".json") files.push_back(e.path());
        std::sort(files.begin(), files.end());
        for (const auto& f : files) {
            std::string t;
            if (!read(f, t)) return fail(400, error_code::NOT_FOUND, "", "cannot read " + f.string());
            items.emplace_back(f.stem().string(), std::move(t));
        }
    } else {
        std::ifstream in(path, std::ios::binary);
        if (!in) return fail(400, error_code::NOT_FOUND, "", "cannot read " + path);
        std::string line;
        std::size_t n = 0;
        while (std::getline(in, line)) {
            ++n;
            if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
            auto doc = text::parse(line);
            if (doc.ok() && doc.value.is_object() && doc.value.size() == 2 && doc.value.contains("id") && doc.value.contains("request") &&
                doc.value["id"].is_string())
                items.emplace_back(doc.value["id"].get<std::string>(), text::dump(doc.value["request"]));
            else
                items.emplace_back(std::to_string(n), std::move(line));
        }
    }
    std::lock_guard<std::mutex> w(s.write_mu);
    snap_map u = s.unders, c = s.assets;
    std::int64_t ts = s.timestamp;
    std::vector<std::pair<std::string, rec_ptr>> recs;
    std::map<std::string, std::size_t> seen;
    std::vector<std::pair<std::string, std::shared_ptr<const snapshot>>> seeded_u, seeded_c;
    // Requests that carry a market seed the book's in file order (the first to list a symbol
    // wins), one after the other; the rest are decoded on every core against the seeded market.
    std::vector<std::optional<margin::outcome<state::prepared>>> prepared(items.size());
    for (std::size_t i = 0; i < items.size(); ++i) {
        const auto& [id, body] = items[i];
        if (!valid_account_id(id)) return fail(400, error_code::BAD_ACCOUNT_ID, "", "account id \"" + id + "\" from " + path);
        if (body.find("\"market\"") == std::string::npos) continue;
        auto p = s.prepare(id, body, u, c, ts);
        if (p.ok()) {
            for (auto& [k, v] : p.value.seeded_u) u[k] = v, seeded_u.emplace_back(k, v);
            for (auto& [k, v] : p.value.seeded_c) c[k] = v, seeded_c.emplace_back(k, v);
            if (p.value.seeded_ts && ts == 0) ts = *p.value.seeded_ts;
        }
        prepared[i] = std::move(p);
    }
    {
        std::atomic<std::size_t> next{0};
        auto work = [&] {
            for (std::size_t i; (i = next.fetch_add(1)) < items.size();)
                if (!prepared[i]) prepared[i] = s.prepare(items[i].first, items[i].second, u, c, ts);
        };
        std::vector<std::thread> pool;
        for (unsigned t = 1; t < s.threads; ++t) pool.emplace_back(work);
        work();
        for (auto& t : pool) t.join();
    }
    for (std::size_t i = 0; i < items.size(); ++i) {
        const std::string& id = items[i].first;
        auto& p = *prepared[i];
        if (!p.ok()) {
            error e = *p.err;
            e.message = "account " + id + ": " + e.message;
            return fail(400, e);
        }
        if (seen.count(id))
            recs[seen[id]].second = p.value.rec;
        else {
            seen[id] = recs.size();
            recs.emplace_back(id, p.value.rec);
        }
    }
    std::size_t total = s.accounts.size();
    for (auto& [id, r] : recs) total += s.accounts.count(id) ? 0 : 1;
    if (total > max_accounts) return fail(400, error_code::OUT_OF_RANGE, "", "the book would hold more than 1000000 accounts");
    {
        std::atomic<std::size_t> next{0};
        auto work = [&] {
            std::map<std::string, std::unique_ptr<margin::scenario::value_cache>> caches;
            for (std::size_t i; (i = next.fetch_add(1)) < recs.size();) {
                auto& cache = caches[recs[i].second->params];
                if (!cache) cache = std::make_unique<margin::scenario::value_cache>();
                recs[i].second->last = s.evaluate(*recs[i].second, u, c, s.tick, cache.get(), {ts, s.stable_price, s.stable_json});
            }
        };
        std::vector<std::thread> pool;
        for (unsigned t = 1; t < s.threads; ++t) pool.emplace_back(work);
        work();
        for (auto& t : pool) t.join();
    }
    if (auto b = s.db->begin(); !b.ok()) return fail(500, *b.err);
    bool ok = true;
    for (auto& [k, v] : seeded_u) ok = ok && s.db->put_snapshot("underlying", k, v->json, v->timestamp, v->tick);
    for (auto& [k, v] : seeded_c) ok = ok && s.db->put_snapshot("collateral", k, v->json, v->timestamp, v->tick);
    for (auto& [id, r] : recs) ok = ok && s.db->put_account(id, r->text) && s.db->put_result(state::stored(id, r->last));
    if (!ok) {
        const std::string msg = s.db->last_error();
        s.db->rollback();
        return fail(500, error_code::INTERNAL_ERROR, "", "database: " + msg);
    }
    if (auto cm = s.db->commit(); !cm.ok()) return fail(500, *cm.err);
    std::vector<event> evs;
    {
        std::unique_lock g(s.mu);
        s.unders = std::move(u);
        s.assets = std::move(c);
        s.timestamp = ts;
        for (auto& [id, r] : recs) {
            const bool existed = s.accounts.count(id) > 0;
            standing from = standing::ok;
            if (existed) {
                from = s.accounts[id]->last.state;
                s.index(id, *s.accounts[id], false);
            }
            s.accounts[id] = r;
            s.index(id, *r, true);
            s.transition(evs, id, from, existed, r->last, "load");
        }
        ++s.writes;
    }
    s.publish(evs);
    return {200, text::dump(json{{"loaded", recs.size()}, {"accounts", size()}})};
}

// --- reads ------------------------------------------------------------------------------

answer book::get_account(const std::string& id) const {
    std::shared_lock g(s_->mu);
    auto it = s_->accounts.find(id);
    if (it == s_->accounts.end()) return fail(404, error_code::UNKNOWN_ACCOUNT, "", "no account \"" + id + "\"");
    return {200, it->second->text};
}

answer book::get_request(const std::string& id) const {
    std::shared_lock g(s_->mu);
    auto it = s_->accounts.find(id);
    if (it == s_->accounts.end()) return fail(404, error_code::UNKNOWN_ACCOUNT, "", "no account \"" + id + "\"");
    return {200, s_->effective_text(*it->second, s_->unders, s_->assets, s_->now())};
}

answer book::get_margin(const std::string& id) const {
    std::string req;
    {
        std::shared_lock g(s_->mu);
        auto it = s_->accounts.find(id);
        if (it == s_->accounts.end()) return fail(404, error_code::UNKNOWN_ACCOUNT, "", "no account \"" + id + "\"");
        req = s_->effective_text(*it->second, s_->unders, s_->assets, s_->now());
    }
    // The API's own door on the request the account's latest margin was computed on: the
    // bytes `margin compute --compact` prints for that request (the test compares them).
    auto r = margin::api::compute_json(req, false);
    return {200, std::move(r.text)};
}

answer book::list(std::string_view health, std::string_view after, std::size_t limit) const {
    if (!health.empty() && health != "below_im" && health != "below_mm" && health != "error" && health != "ok")
        return fail(400, error_code::BAD_ENUM, "/health", "health is below_im, below_mm, ok or error");
    std::shared_lock g(s_->mu);
    json arr = json::array();
    std::string next;
    auto it = after.empty() ? s_->accounts.begin() : s_->accounts.upper_bound(std::string(after));
    for (; it != s_->accounts.end(); ++it) {
        const standing st = it->second->last.state;
        const bool match = health.empty() || (health == "below_im" && (st == standing::below_im || st == standing::below_mm)) ||
                           (health == "below_mm" && st == standing::below_mm) || (health == "ok" && st == standing::ok) ||
                           (health == "error" && st == standing::error);
        if (!match) continue;
        if (arr.size() == limit) {
            next = std::prev(it)->first;
            break;
        }
        arr.push_back(state::summary_json(it->first, it->second->last));
    }
    json j = {{"accounts", std::move(arr)}};
    if (!next.empty()) j["next_after"] = next;
    return {200, text::dump(j)};
}

answer book::preview(std::string_view body) const {
    auto parsed = text::parse(body);
    if (!parsed.ok()) return fail(400, *parsed.err);
    const json& doc = parsed.value;
    if (!doc.is_object() || !doc.contains("account") || !doc["account"].is_string() || !doc.contains("trade"))
        return fail(400, error_code::MISSING_FIELD, "", "a preview is {\"account\": id, \"trade\": {\"positions\": [...]}}");
    for (auto& [k, v] : doc.items())
        if (k != "account" && k != "trade") return fail(400, error_code::UNKNOWN_FIELD, "/" + k, "a preview holds account and trade");
    std::string req;
    {
        std::shared_lock g(s_->mu);
        auto it = s_->accounts.find(doc["account"].get<std::string>());
        if (it == s_->accounts.end()) return fail(404, error_code::UNKNOWN_ACCOUNT, "/account", "no such account");
        req = s_->effective_text(*it->second, s_->unders, s_->assets, s_->now());
    }
    auto r = margin::api::preview_json(req, text::dump(doc["trade"]), false);
    return {r.ok() ? 200 : 400, std::move(r.text)};
}

answer book::params() const {
    std::shared_lock g(s_->mu);
    std::map<std::string, std::size_t> counts;
    for (auto& [id, r] : s_->accounts) ++counts[r->params];
    json arr = json::array();
    for (auto& [p, n] : counts) arr.push_back({{"params", p.empty() ? json("standard") : json::parse(p)}, {"accounts", n}});
    return {200, text::dump(json{{"params", std::move(arr)}})};
}

answer book::market() const {
    std::shared_lock g(s_->mu);
    json u = json::object(), c = json::object();
    for (auto& [k, v] : s_->unders)
        u[k] = {{"snapshot", json::parse(v->json)}, {"timestamp", std::to_string(v->timestamp)}, {"tick", v->tick}};
    for (auto& [k, v] : s_->assets)
        c[k] = {{"snapshot", json::parse(v->json)}, {"timestamp", std::to_string(v->timestamp)}, {"tick", v->tick}};
    json j = {{"tick", s_->tick}, {"timestamp", std::to_string(s_->timestamp)}, {"underlyings", u}, {"collateral", c}};
    if (s_->stable_json) j["stable_price"] = json::parse(*s_->stable_json);
    return {200, text::dump(j)};
}

std::string book::metrics_text() const {
    std::shared_lock g(s_->mu);
    const state& s = *s_;
    std::string out;
    std::map<standing, std::size_t> by;
    for (auto& [id, r] : s.accounts) ++by[r->last.state];
    out += "# HELP margin_accounts Accounts in the book, by standing at their latest margin.\n# TYPE margin_accounts gauge\n";
    for (standing st : {standing::ok, standing::below_im, standing::below_mm, standing::error})
        out += "margin_accounts{state=\"" + std::string(name(st)) + "\"} " + std::to_string(by[st]) + "\n";
    out +=
        "# HELP margin_ticks_total Ticks applied.\n# TYPE margin_ticks_total counter\nmargin_ticks_total " + std::to_string(s.ticks) + "\n";
    out +=
        "# HELP margin_tick_accounts_total Accounts re-margined by ticks.\n# TYPE margin_tick_accounts_total "
        "counter\nmargin_tick_accounts_total " +
        std::to_string(s.tick_accounts) + "\n";
    out += "# HELP margin_writes_total Account writes and loads committed.\n# TYPE margin_writes_total counter\nmargin_writes_total " +
           std::to_string(s.writes) + "\n";
    out += "# HELP margin_events_total Live-stream events by type.\n# TYPE margin_events_total counter\n";
    for (const char* t : {"margin_call", "liquidation_warning", "recovery", "error"}) {
        auto it = s.event_counts.find(t);
        out += std::string("margin_events_total{type=\"") + t + "\"} " + std::to_string(it == s.event_counts.end() ? 0 : it->second) + "\n";
    }
    out += "# HELP margin_last_tick The latest tick id.\n# TYPE margin_last_tick gauge\nmargin_last_tick " + std::to_string(s.tick) + "\n";
    s.tick_hist.print(out, "margin_tick_seconds", "Tick latency, body received to results committed and published.");
    s.compute_hist.print(out, "margin_tick_compute_seconds", "Re-margining a tick's accounts on the worker threads.");
    s.persist_hist.print(out, "margin_tick_persist_seconds", "Writing and committing a tick's transaction.");
    return out;
}

std::vector<event> book::events_after(std::int64_t after_seq, int wait_ms, bool& lost) const {
    state& s = *s_;
    std::unique_lock<std::mutex> g(s.ev_mu);
    auto ready = [&] { return s.streams_stopped || s.ev_seq > after_seq; };
    if (!ready()) s.ev_cv.wait_for(g, std::chrono::milliseconds(wait_ms), ready);
    std::vector<event> out;
    lost = false;
    if (s.streams_stopped) return out;
    if (!s.events.empty() && s.events.front().seq > after_seq + 1 && after_seq < s.ev_seq) lost = true;
    for (auto it = s.events.rbegin(); it != s.events.rend() && it->seq > after_seq; ++it) out.push_back(*it);
    std::reverse(out.begin(), out.end());
    return out;
}

void book::stop_streams() {
    stopping_ = true;
    if (!s_) return;
    {
        std::lock_guard<std::mutex> g(s_->ev_mu);
        s_->streams_stopped = true;
    }
    s_->ev_cv.notify_all();
}

std::int64_t book::latest_seq() const {
    std::lock_guard<std::mutex> g(s_->ev_mu);
    return s_->ev_seq;
}

}  // namespace service
