// An account and the market it sees (book_state.hpp): the request an account is margined
// on, one account's margin, its summary, decoding a market piece and decoding a write.
#include <algorithm>

#include "api/document.hpp"
#include "api/pipeline.hpp"
#include "api/request.hpp"
#include "book_state.hpp"
#include "core/margin.hpp"
#include "core/validate.hpp"

namespace service {

book::state::view book::state::view_of(const account_rec& a, const snap_map& u, const snap_map& c, const globals& g) const {
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
            const snapshot* sn = it->second.get();
            if (sn->timestamp != ts && g.retimed)
                if (auto r = g.retimed->find(d); r != g.retimed->end() && r->second->timestamp == ts) sn = r->second.get();
            v.market.underlyings.emplace(d, sn->underlying);
            if (sn->timestamp != ts) v.derived_ok = false;
        }
        if (auto it = c.find(d); it != c.end()) v.market.collateral.emplace(d, it->second->asset);
    }
    return v;
}
json book::state::market_doc(const account_rec& a, const snap_map& u, const snap_map& c, const globals& g) const {
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
std::string book::state::effective_text(const account_rec& a, const snap_map& u, const snap_map& c, const globals& g) const {
    json doc = json::parse(a.text);
    doc["market"] = market_doc(a, u, c, g);
    return text::dump(doc);
}

// --- one account's margin --------------------------------------------------------
namespace {

// What validate(position) checks that depends on the market, without building its error paths:
// the underlying listed, a dated position's expiry listed, an option without mark_vol on an
// expiry with an SVI surface, a perp with a perp mark. Everything else validate() checks of a
// position (its id, sizes, strike, contract size, mark vol bounds, isolated margin; the
// standard model's parameters for the underlying) depends on the account alone, checked at its
// write. False: the long way (the request's text decoded), which gives the API's exact error.
bool ties(const margin::position& p, const margin::market_state& m) {
    auto um = m.underlyings.find(p.underlying);
    if (um == m.underlyings.end()) return false;
    if (p.type == margin::instrument_type::perp) return um->second.perp_mark.has_value();
    const margin::expiry_market* e = um->second.find(p.expiry);
    return e && (p.type != margin::instrument_type::option || p.mark_vol || e->svi);
}

}  // namespace

summary book::state::evaluate(const account_rec& a, const snap_map& u, const snap_map& c, std::int64_t tick_id,
                              margin::scenario::value_cache* cache, const globals& g) const {
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
        for (std::size_t i = 0; fast && i < r.acct.positions.size(); ++i) fast = ties(r.acct.positions[i], r.market);
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
    res = margin::compute(*rp, cache);  // the cache: contract values and mark quotes, once per snapshot
    // The market the account was computed on goes with this evaluation: the next one builds its
    // own from the snapshots, and an account keeping a copy of every expiry it holds between
    // ticks was most of its memory (and of the cache misses of a tick over a large book).
    if (a.req) a.req->market = margin::market_state{};
    if (!res.ok()) {
        s.err = *res.err;
        return s;
    }
    const auto& x = res.value;
    s.equity = fp::format(x.equity);
    s.margin_balance = fp::format(x.margin_balance);
    s.initial_margin = fp::format(x.initial_margin);
    s.maintenance_margin = fp::format(x.maintenance_margin);
    s.free_collateral = fp::format(x.free_collateral);
    s.health = fp::format(x.health);
    s.liquidatable = x.liquidatable;
    s.state = x.liquidatable ? standing::below_mm : x.free_collateral < margin::Wad() ? standing::below_im : standing::ok;
    return s;
}

stored_result book::state::stored(const std::string& id, const summary& s) {
    stored_result r;
    r.account = id;
    r.tick = s.tick;
    r.timestamp = s.timestamp;
    r.state = std::string(name(s.state));
    r.equity = s.equity;
    r.margin_balance = s.margin_balance;
    r.initial_margin = s.initial_margin;
    r.maintenance_margin = s.maintenance_margin;
    r.free_collateral = s.free_collateral;
    r.health = s.health;
    r.liquidatable = s.liquidatable;
    if (s.err) r.error_code = std::string(margin::name(s.err->code));
    return r;
}

json book::state::summary_json(const std::string& id, const summary& s) {
    json j;
    j["id"] = id;
    j["tick"] = s.tick;
    j["timestamp"] = std::to_string(s.timestamp);
    j["state"] = std::string(name(s.state));
    if (s.err) {
        j["error"] = {{"code", std::string(margin::name(s.err->code))}, {"path", s.err->path}, {"message", s.err->message}};
    } else {
        j["equity"] = s.equity;
        j["margin_balance"] = s.margin_balance;
        j["initial_margin"] = s.initial_margin;
        j["maintenance_margin"] = s.maintenance_margin;
        j["free_collateral"] = s.free_collateral;
        j["health"] = s.health;
        j["liquidatable"] = s.liquidatable;
    }
    return j;
}

// --- decoding a market piece -------------------------------------------------------
margin::outcome<book::state::decoded_market> book::state::decode_market(const json& m, const std::string& prefix, std::int64_t tick_id) {
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
    auto piece = [&](const char* kind, const std::string& sym) {
        auto sn = std::make_shared<snapshot>();
        sn->json = text::dump(m[kind][sym]);
        sn->timestamp = out.timestamp;
        sn->tick = tick_id;
        return sn;
    };
    for (auto& [sym, um] : r.value.market.underlyings) {
        auto sn = piece("underlyings", sym);
        sn->underlying = um;
        out.unders.emplace(sym, std::move(sn));
    }
    for (auto& [sym, ap] : r.value.market.collateral) {
        auto sn = piece("collateral", sym);
        sn->asset = ap;
        out.assets.emplace(sym, std::move(sn));
    }
    return {std::move(out), std::nullopt};
}

// --- decoding a write -------------------------------------------------------------
// body -> a validated account record against the market `u`/`c` (plus what it seeds).
margin::outcome<book::state::prepared> book::state::prepare(const std::string& id, std::string_view body, const snap_map& u,
                                                            const snap_map& c, std::int64_t fallback_ts) const {
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

}  // namespace service
