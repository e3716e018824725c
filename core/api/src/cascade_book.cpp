// The book generator's door (docs/cascade-books.md): options -> the market validated
// (the example's by default) -> cascade::generate -> a ready cascade/1 request, or the book as
// stress-book JSON lines.
#include <nlohmann/json.hpp>

#include "api/cascade.hpp"
#include "api/documents.hpp"
#include "core/cascade/generate.hpp"
#include "core/limits.hpp"
#include "decode.hpp"
#include "decoder.hpp"
#include "encode.hpp"

namespace margin::api {
namespace {

using detail::dec;
using detail::json;
using ojson = nlohmann::ordered_json;

const char* default_k = "0.05";
const char* default_max_impact = "0.5";
const char* default_shock = "-0.15";
const char* default_steps = "50";

struct generated {
    cascade::book book;
    detail::json market;  // as given
    std::string params;
    std::vector<std::string> underlyings;
};

outcome<generated> generate_book(const cascade_book_options& o) {
    using R = outcome<generated>;
    generated g;
    g.params = !o.params.empty() ? o.params : o.house ? "pmrm2" : "standard";
    g.underlyings = o.underlyings;
    if (g.underlyings.empty()) g.underlyings = o.house ? std::vector<std::string>{"BTC"} : std::vector<std::string>{"BTC", "ETH"};
    auto doc = detail::parse_document(o.market.empty() ? document("example") : std::string_view(o.market));
    if (!doc.ok()) return R::failure(*doc.err);
    const detail::json& d = doc.value;
    g.market = d.is_object() && d.contains("market") ? d.at("market") : d;
    // house mode: the market of the book's one underlying (a house path moves one underlying)
    if (o.house && g.market.is_object() && g.market.contains("underlyings") && g.market["underlyings"].is_object() &&
        g.market["underlyings"].contains(g.underlyings[0])) {
        const detail::json u = g.market["underlyings"][g.underlyings[0]];
        g.market["underlyings"] = {{g.underlyings[0], u}};
    }
    detail::json r = detail::json::object();
    r["api_version"] = "1";
    r["params"] = g.params;
    r["market"] = g.market;
    r["account"] = {{"margin_mode", "cross"}, {"cash", "0"}, {"positions", detail::json::array()}};
    auto req = detail::decode_request(r, nullptr);
    if (!req.ok()) {
        error e = *req.err;
        if (e.path.compare(0, 7, "/params") == 0 && e.code == error_code::UNKNOWN_PRESET) e.path = "/params";
        return R::failure(e);
    }
    if (o.house && req.value.model != margin_model::portfolio)
        return R::failure(error_code::MODEL_NOT_SUPPORTED, "/params", "house mode margins by the portfolio model (pmrm2 or span16)");
    cascade::book_spec spec;
    spec.accounts = o.accounts;
    spec.seed = o.seed;
    spec.underlyings = g.underlyings;
    spec.house = o.house;
    auto b = cascade::generate(spec, req.value.market);
    if (!b.ok()) return R::failure(*b.err);
    g.book = std::move(b.value);
    return R{std::move(g), std::nullopt};
}

ojson position_json(const position& p) {
    ojson o;
    if (!p.id.empty()) o["id"] = p.id;
    o["type"] = p.type == instrument_type::perp ? "perp" : p.type == instrument_type::future ? "future" : "option";
    o["underlying"] = p.underlying;
    if (p.type != instrument_type::perp) o["expiry"] = std::to_string(p.expiry);
    if (p.type == instrument_type::option) {
        o["strike"] = dec(p.strike);
        o["option_type"] = p.kind == option_kind::call ? "call" : "put";
    }
    o["size"] = dec(p.size);
    if (p.entry_price) o["entry_price"] = dec(*p.entry_price);
    return o;
}

ojson account_json(const account& a) {
    ojson ps = ojson::array();
    for (const auto& p : a.positions) ps.push_back(position_json(p));
    return {{"margin_mode", "cross"}, {"cash", dec(a.cash)}, {"positions", std::move(ps)}};
}

}  // namespace

reply cascade_book_json(const cascade_book_options& o, bool pretty) {
    auto g = generate_book(o);
    if (!g.ok()) return reply::failure(*g.err, pretty);
    const cascade::book& b = g.value.book;
    ojson accounts = ojson::array();
    Wad cash;
    for (const auto& a : b.accounts) {
        accounts.push_back({{"account", account_json(a.acct)}});
        cash = fp::add(cash, a.acct.cash).value;
    }
    for (const auto& l : b.liquidators) accounts.push_back({{"account", account_json(l)}});
    ojson c;
    c["mode"] = o.house ? "house" : "market";
    c["market"] = ojson::parse(g.value.market.dump());
    c["params"] = g.value.params;
    c["accounts"] = std::move(accounts);
    if (o.house) {
        ojson l = ojson::array();
        for (std::size_t k = 0; k < b.liquidators.size(); ++k) l.push_back(std::to_string(b.accounts.size() + k));
        c["liquidators"] = std::move(l);
    }
    c["rule"] = {{"buffer", "0.1"}, {"reward", "0.05"}};
    // 1 % of the book's cash, FLOOR to the wei (exact: the cash is in wei)
    c["insurance_fund"] = dec(fp::mul(cash, Wad::from_raw(fp::I256::from_i128(10'000'000'000'000'000)), fp::rounding::floor).value);
    if (!o.house) {
        c["loss"] = {{"adl", "none"}};
        ojson liq = ojson::object();
        for (const auto& sym : g.value.underlyings) {
            liq[sym] = {{"model", "sqrt"}, {"depth", dec(b.depth.at(sym))}, {"k", default_k}, {"max_impact", default_max_impact}};
        }
        c["liquidity"] = std::move(liq);
    }
    ojson shock = ojson::object();
    for (const auto& sym : g.value.underlyings) shock[sym] = {{"spot", default_shock}};
    c["shock"] = {{"underlyings", std::move(shock)}};
    c["steps"] = default_steps;
    ojson top = {{"api_version", "1"}, {"cascade", std::move(c)}};
    return {pretty ? top.dump(2) : top.dump(), std::nullopt};
}

reply cascade_book_jsonl(const cascade_book_options& o) {
    auto g = generate_book(o);
    if (!g.ok()) return reply::failure(*g.err, false);
    const ojson market = ojson::parse(g.value.market.dump());
    std::string out;
    for (const auto& a : g.value.book.accounts) {
        const ojson line = {{"api_version", "1"}, {"params", g.value.params}, {"market", market}, {"account", account_json(a.acct)}};
        out += line.dump();
        out += '\n';
    }
    if (!out.empty()) out.pop_back();
    return {std::move(out), std::nullopt};
}

reply cascade_book_from_json(std::string_view text, bool pretty) {
    auto doc = detail::parse_document(text);
    if (!doc.ok()) return reply::failure(*doc.err, pretty);
    const detail::json& o = doc.value;
    detail::decoder d;
    cascade_book_options opt;
    bool jsonl = false;
    if (!d.is_object(o, "") || !d.only(o, "", {"accounts", "jsonl", "market", "mode", "params", "seed", "underlyings"}))
        return reply::failure(*d.err, pretty);
    if (auto n = d.whole(o, "", "accounts", 1'000'000'000, true)) opt.accounts = static_cast<std::size_t>(*n);
    if (auto s = d.whole(o, "", "seed", UINT64_MAX, true); s && !d.failed()) opt.seed = *s;
    if (const json* u = d.field(o, "", "underlyings", false);
        u && !d.failed() && d.is_array(*u, "/underlyings") && d.at_most(*u, limits::max_underlyings, "/underlyings", "underlyings"))
        for (std::size_t i = 0; i < u->size() && !d.failed(); ++i) {
            const json wrap = {{"u", (*u)[i]}};
            if (auto t = d.text(wrap, "", "u", true))
                opt.underlyings.push_back(*t);
            else
                d.err->path = child("/underlyings", i);
        }
    if (auto m = d.text(o, "", "mode", false); m && !d.failed()) {
        if (*m != "market" && *m != "house") d.fail(error_code::BAD_ENUM, "/mode", "mode is \"market\" or \"house\", got \"" + *m + "\"");
        opt.house = *m == "house";
    }
    if (auto p = d.text(o, "", "params", false); p && !d.failed()) opt.params = *p;
    if (const json* m = d.field(o, "", "market", false); m && !d.failed() && d.is_object(*m, "/market")) opt.market = m->dump();
    if (const json* j = d.field(o, "", "jsonl", false); j && !d.failed()) {
        if (!j->is_boolean())
            d.fail(error_code::WRONG_TYPE, "/jsonl", "jsonl is true or false");
        else
            jsonl = j->get<bool>();
    }
    if (d.failed()) return reply::failure(*d.err, pretty);
    return jsonl ? cascade_book_jsonl(opt) : cascade_book_json(opt, pretty);
}

}  // namespace margin::api
