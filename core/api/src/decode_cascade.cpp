// The cascade/1 request, decoded (docs/cascade.md §Request): the book's accounts as margin
// requests on the book's market (their errors re-rooted under /cascade), the rule, the
// liquidity, the shock (a stress/1 scenario applied to the market, or a house path of markets).
// Bounds the simulator checks itself (rule, liquidity, liquidators) are left to cascade::run.
#include <map>

#include "api/cascade.hpp"
#include "api/request.hpp"
#include "core/cascade/paths.hpp"
#include "core/stress/book.hpp"
#include "decode.hpp"

namespace margin::api {
namespace {

using detail::decoder;
using detail::json;

const std::string root = "/cascade";

// An error of a margin request built by the door, its path moved to where the field was given:
// "/account..." -> `account`, "/params..." -> `params`, "/market..." -> `market`.
error rerooted(error e, const std::string& account, const std::string& params, const std::string& market) {
    auto starts = [&](const char* p) {
        const std::string_view s(p);
        return e.path.compare(0, s.size(), s) == 0 && (e.path.size() == s.size() || e.path[s.size()] == '/');
    };
    if (starts("/account"))
        e.path = account + e.path.substr(8);
    else if (starts("/params"))
        e.path = params + e.path.substr(7);
    else if (starts("/market"))
        e.path = market + e.path.substr(7);
    else if (e.path.empty())
        e.path = account;
    return e;
}

// A margin request {api_version, params, market, account}, decoded and validated.
outcome<request> request_of(const json& params, const json& market, const json& account) {
    json r = json::object();
    r["api_version"] = "1";
    if (!params.is_null()) r["params"] = params;
    r["market"] = market;
    r["account"] = account;
    return detail::decode_request(r, nullptr);
}

void decode_levels(decoder& d, const json& o, const std::string& p, std::vector<cascade::level>& out) {
    if (!d.is_array(o, p) || !d.at_most(o, cascade::max_levels, p, "levels a side")) return;
    for (std::size_t i = 0; i < o.size() && !d.failed(); ++i) {
        const std::string ip = child(p, i);
        if (!d.is_object(o[i], ip) || !d.only(o[i], ip, {"price", "size"})) return;
        auto price = d.decimal(o[i], ip, "price", true);
        auto size = d.decimal(o[i], ip, "size", true);
        if (price && size) out.push_back({*price, *size});
    }
}

void decode_liquidity(decoder& d, const json& o, const std::string& p, cascade::liquidity& l) {
    if (!d.is_object(o, p)) return;
    const auto model = d.text(o, p, "model", true);
    if (!model) return;
    if (*model == "levels") {
        l.model = cascade::impact_model::levels;
        if (!d.only(o, p, {"asks", "bids", "max_impact", "model"})) return;
        if (const json* b = d.field(o, p, "bids", false)) decode_levels(d, *b, child(p, "bids"), l.bids);
        if (const json* a = d.field(o, p, "asks", false); a && !d.failed()) decode_levels(d, *a, child(p, "asks"), l.asks);
    } else if (*model == "linear" || *model == "sqrt") {
        l.model = *model == "linear" ? cascade::impact_model::linear : cascade::impact_model::sqrt;
        if (!d.only(o, p, {"depth", "k", "max_impact", "model"})) return;
        if (auto x = d.decimal(o, p, "depth", true)) l.depth = *x;
        if (auto x = d.decimal(o, p, "k", true); x && !d.failed()) l.k = *x;
    } else {
        d.fail(error_code::BAD_ENUM, child(p, "model"), "model must be \"linear\", \"sqrt\" or \"levels\", got \"" + *model + "\"");
        return;
    }
    if (auto x = d.decimal(o, p, "max_impact", true); x && !d.failed()) l.max_impact = *x;
}

void decode_rule(decoder& d, const json& o, const std::string& p, cascade::limits& l) {
    if (!d.is_object(o, p) || !d.only(o, p, {"buffer", "max_fraction", "max_payment", "reward"})) return;
    if (auto x = d.decimal(o, p, "buffer", true)) l.buffer = *x;
    if (auto x = d.decimal(o, p, "reward", true); x && !d.failed()) l.reward = *x;
    if (auto x = d.decimal(o, p, "max_fraction", false); x && !d.failed()) l.max_fraction = *x;
    if (auto x = d.decimal(o, p, "max_payment", false); x && !d.failed()) l.max_payment = *x;
}

// The earliest expiry an account of the book holds (options and futures), if any.
std::optional<std::int64_t> first_expiry(const std::vector<request>& book) {
    std::optional<std::int64_t> t;
    for (const auto& r : book)
        for (const auto& pos : r.acct.positions)
            if (pos.type != instrument_type::perp && (!t || pos.expiry < *t)) t = pos.expiry;
    return t;
}

// A house push at or after the earliest expiry held (house mode does not settle expiries).
std::optional<error> crosses_expiry(const cascade::input& in, const std::vector<market_state>& path, const std::string& at) {
    const auto expiry = first_expiry(in.accounts);
    if (in.mode != cascade::mode::house || !expiry) return std::nullopt;
    for (const auto& m : path)
        if (m.timestamp >= *expiry)
            return error{error_code::OUT_OF_RANGE, at, "a push crosses the expiry " + std::to_string(*expiry) + " held in the book"};
    return std::nullopt;
}

}  // namespace

outcome<cascade_request> parse_cascade(std::string_view text) {
    using R = outcome<cascade_request>;
    auto doc = detail::parse_document(text);
    if (!doc.ok()) return R::failure(*doc.err);
    const json& top = doc.value;
    decoder d;
    if (!d.is_object(top, "") || !d.only(top, "", {"api_version", "cascade"})) return R::failure(*d.err);
    if (auto v = d.text(top, "", "api_version", true); v && *v != "1")
        d.fail(error_code::UNSUPPORTED_VERSION, "/api_version", "this engine speaks API version \"1\", got \"" + *v + "\"");
    if (d.failed()) return R::failure(*d.err);
    const json* cp = d.field(top, "", "cascade", true);
    if (!cp || !d.is_object(*cp, root) ||
        !d.only(*cp, root,
                {"accounts", "history", "insurance_fund", "liquidators", "liquidity", "loss", "market", "mode", "monte_carlo", "params",
                 "rule", "shock", "steps"}))
        return R::failure(*d.err);
    const json& c = *cp;
    cascade_request out;
    cascade::input& in = out.in;
    // mode
    if (auto m = d.text(c, root, "mode", true)) {
        if (*m == "house")
            in.mode = cascade::mode::house;
        else if (*m == "market")
            in.mode = cascade::mode::market;
        else
            d.fail(error_code::BAD_ENUM, root + "/mode", "mode must be \"house\" or \"market\", got \"" + *m + "\"");
    }
    if (d.failed()) return R::failure(*d.err);
    const bool house = in.mode == cascade::mode::house;
    // steps
    if (auto s = d.whole(c, root, "steps", UINT64_MAX, true)) {
        if (*s == 0 || *s > cascade::max_steps)
            d.fail(error_code::BAD_COUNT, root + "/steps", "steps is 1 .. 1000, got " + std::to_string(*s));
        else
            in.steps = static_cast<std::size_t>(*s);
    }
    if (d.failed()) return R::failure(*d.err);
    // the book: each account a margin request on the book's market
    const json* market = d.field(c, root, "market", true);
    const json* accounts = d.field(c, root, "accounts", true);
    if (!market || !accounts || !d.is_array(*accounts, root + "/accounts")) return R::failure(*d.err);
    if (accounts->empty() || accounts->size() > stress::max_book_accounts)
        return R::failure(error_code::OUT_OF_RANGE, root + "/accounts",
                          "a book has 1 to 100,000 accounts, got " + std::to_string(accounts->size()));
    const json no_params;
    const json* book_params = c.contains("params") ? &c.at("params") : &no_params;
    std::map<std::string, std::uint32_t> groups;
    for (std::size_t i = 0; i < accounts->size(); ++i) {
        const std::string ap = child(root + "/accounts", i);
        const json& a = (*accounts)[i];
        if (!d.is_object(a, ap) || !d.only(a, ap, {"account", "params"})) return R::failure(*d.err);
        const json* acct = d.field(a, ap, "account", true);
        if (!acct) return R::failure(*d.err);
        const bool own = a.contains("params");
        const json& params = own ? a.at("params") : *book_params;
        auto r = request_of(params, *market, *acct);
        if (!r.ok()) return R::failure(rerooted(*r.err, ap + "/account", own ? ap + "/params" : root + "/params", root + "/market"));
        if (house && r.value.acct.mode == margin_mode::isolated)
            return R::failure(error_code::MODE_NOT_SUPPORTED, ap + "/account/margin_mode",
                              "house mode: MarginAccounts margins cross accounts only (isolated is market mode's)");
        // accounts of one parameter document share a group (one value_cache); any other document, another
        in.groups.push_back(groups.emplace(params.dump(), static_cast<std::uint32_t>(groups.size())).first->second);
        in.accounts.push_back(std::move(r.value));
    }
    in.start = in.accounts[0].market;
    // liquidators (house mode)
    if (const json* l = d.field(c, root, "liquidators", false)) {
        const std::string lp = root + "/liquidators";
        if (!house) return R::failure(error_code::UNKNOWN_FIELD, lp, "liquidators are house mode's (market mode unwinds into the market)");
        if (!d.is_array(*l, lp) || !d.at_most(*l, in.accounts.size(), lp, "liquidators (one per account)")) return R::failure(*d.err);
        for (std::size_t i = 0; i < l->size(); ++i) {
            const std::string ip = child(lp, i);
            const json wrap = {{"i", (*l)[i]}};
            auto k = d.whole(wrap, lp, "i", in.accounts.size() - 1, true);
            if (!k) return R::failure(error{d.err->code, ip, d.err->message});
            in.liquidators.push_back(static_cast<std::size_t>(*k));
        }
    }
    // rule, fund, loss
    if (const json* r = d.field(c, root, "rule", true)) decode_rule(d, *r, root + "/rule", in.rule);
    if (d.failed()) return R::failure(*d.err);
    if (auto f = d.decimal(c, root, "insurance_fund", false)) {
        if (f->raw().sign() < 0) return R::failure(error_code::OUT_OF_RANGE, root + "/insurance_fund", "the insurance fund is at least 0");
        in.insurance_fund = *f;
    }
    if (const json* l = d.field(c, root, "loss", false)) {
        const std::string lp = root + "/loss";
        if (!d.is_object(*l, lp) || !d.only(*l, lp, {"adl"})) return R::failure(*d.err);
        if (auto a = d.text(*l, lp, "adl", true)) {
            if (*a == "none")
                in.loss = cascade::loss_rule::none;
            else if (*a == "ranked" || *a == "pro_rata")
                in.loss = *a == "ranked" ? cascade::loss_rule::ranked : cascade::loss_rule::pro_rata;
            else
                d.fail(error_code::BAD_ENUM, lp + "/adl", "adl must be \"none\", \"ranked\" or \"pro_rata\", got \"" + *a + "\"");
            if (!d.failed() && house && in.loss != cascade::loss_rule::none)
                d.fail(error_code::MODE_NOT_SUPPORTED, lp + "/adl", "house mode socialises by the loss scale: adl is \"none\"");
        }
    }
    if (d.failed()) return R::failure(*d.err);
    // liquidity by underlying
    if (const json* l = d.field(c, root, "liquidity", false)) {
        const std::string lp = root + "/liquidity";
        if (!d.is_object(*l, lp) || !d.at_most(*l, limits::max_underlyings, lp, "underlyings")) return R::failure(*d.err);
        for (const auto& [sym, v] : l->items()) {
            decode_liquidity(d, v, child(lp, sym), in.liquidity[sym]);
            if (d.failed()) return R::failure(*d.err);
        }
    }
    // the history (replays, the Monte Carlo's calibration)
    risk::history hist;
    if (const json* h = d.field(c, root, "history", false)) detail::decode_history(d, *h, root + "/history", hist);
    if (d.failed()) return R::failure(*d.err);
    // the Monte Carlo draws the paths: no shock
    const std::string sp = root + "/shock";
    if (const json* mc = d.field(c, root, "monte_carlo", false)) {
        if (c.contains("shock")) return R::failure(error_code::OUT_OF_RANGE, sp, "the Monte Carlo draws the paths: give no shock");
        out.mc.emplace();
        out.mc->market = market->dump();
        if (auto e = detail::decode_cascade_mc(d, *mc, root + "/monte_carlo", in, hist, *out.mc)) return R::failure(*e);
        in.path.push_back(in.start);
        return R{std::move(out), std::nullopt};
    }
    // the shock: a path of markets, a replay of the history, or a stress/1 scenario applied to the market
    const json* shock = d.field(c, root, "shock", true);
    if (!shock || !d.is_object(*shock, root + "/shock")) return R::failure(*d.err);
    // "replay" is always the cascade's path replay (one market a day); nothing else beside it
    if (const json* rp = d.field(*shock, sp, "replay", false)) {
        if (!d.only(*shock, sp, {"replay"})) return R::failure(*d.err);
        auto w = detail::decode_replay_window(d, *rp, sp + "/replay");
        if (!w) return R::failure(*d.err);
        auto path = cascade::replay_path(in.start, hist, *w, sp + "/replay");
        if (!path.ok()) return R::failure(*path.err);
        if (auto e = crosses_expiry(in, path.value, sp + "/replay/to")) return R::failure(*e);
        in.path = std::move(path.value);
        return R{std::move(out), std::nullopt};
    }
    if (const json* path = d.field(*shock, sp, "path", false)) {
        const std::string pp = sp + "/path";
        if (!d.only(*shock, sp, {"path"}) || !d.is_array(*path, pp)) return R::failure(*d.err);
        if (path->empty() || path->size() > cascade::max_steps)
            return R::failure(error_code::OUT_OF_RANGE, pp, "a path has 1 to 1000 markets");
        const auto expiry = first_expiry(in.accounts);
        const json empty = {{"margin_mode", "cross"}, {"cash", "0"}, {"positions", json::array()}};
        bool any_vols = false;
        for (std::size_t i = 0; i < path->size(); ++i) {
            const std::string ip = child(pp, i);
            // a market, or {market, vols}: the series vols of the push (decode_cascade_path.cpp)
            std::string mp;
            const json* entry = detail::decode_path_entry(d, (*path)[i], ip, mp, in.path_vols.emplace_back());
            if (!entry) return R::failure(*d.err);
            any_vols = any_vols || !in.path_vols.back().empty();
            auto m = request_of(*book_params, *entry, empty);
            if (!m.ok()) return R::failure(rerooted(*m.err, mp, root + "/params", mp));
            if (house && expiry && m.value.market.timestamp >= *expiry)
                return R::failure(error_code::OUT_OF_RANGE, ip,
                                  "the push at " + std::to_string(m.value.market.timestamp) + " crosses the expiry " +
                                      std::to_string(*expiry) + " held in the book (house mode does not settle expiries)");
            in.path.push_back(std::move(m.value.market));
        }
        if (!any_vols) in.path_vols.clear();  // no vols: the positions keep theirs
    } else {
        stress::scenario s;
        json named = *shock;
        if (!named.contains("name")) named["name"] = "shock";
        detail::decode_stress_scenario(d, named, sp, s);
        if (!d.failed()) d.err = stress::validate(s, sp);
        if (d.failed()) return R::failure(*d.err);
        auto resolved = stress::resolve(s, in.accounts[0], {}, sp);
        if (!resolved.ok()) return R::failure(*resolved.err);
        auto shocked = stress::apply(resolved.value, in.accounts[0], sp);
        if (!shocked.ok()) return R::failure(*shocked.err);
        in.path.push_back(std::move(shocked.value.market));
    }
    return R{std::move(out), std::nullopt};
}

outcome<cascade::input> parse_cascade_request(std::string_view text) {
    auto r = parse_cascade(text);
    if (!r.ok()) return outcome<cascade::input>::failure(*r.err);
    return outcome<cascade::input>{std::move(r.value.in), std::nullopt};
}

}  // namespace margin::api
