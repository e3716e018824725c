// The Monte Carlo result document (docs/cascade-monte-carlo.md): the bad-debt figures, the
// per-path list (capped) and paths_hash over every path, and the markets of an emitted path (the
// request's market with the marks moved), from which a plain cascade run gives that path's bytes.
#include "abi/keccak.hpp"
#include "api/cascade.hpp"
#include "encode.hpp"

namespace margin::api {
namespace {

using detail::dec;
using nlohmann::ordered_json;

ordered_json path_object(std::size_t p, const cascade::mc_path& x) {
    return {{"path", p},        {"bad_debt", dec(x.bad_debt)}, {"shortfall", dec(x.shortfall)}, {"liquidations", x.liquidations},
            {"steps", x.steps}, {"capped", x.capped}};
}

// The request's market JSON with each underlying's spot, perp mark and given forwards as in `m`.
ordered_json market_json(const std::string& given, const market_state& m) {
    ordered_json j = ordered_json::parse(given);
    if (!j.contains("underlyings")) return j;
    for (auto& [sym, u] : j["underlyings"].items()) {
        const auto it = m.underlyings.find(sym);
        if (it == m.underlyings.end()) continue;
        u["spot"] = dec(it->second.spot);
        if (u.contains("perp_mark") && it->second.perp_mark) u["perp_mark"] = dec(*it->second.perp_mark);
        if (!u.contains("expiries")) continue;
        for (auto& e : u["expiries"])
            if (e.contains("forward") && e.contains("expiry") && e["expiry"].is_string())
                for (const auto& x : it->second.expiries)
                    if (std::to_string(x.expiry) == e["expiry"].get<std::string>() && x.given_forward) e["forward"] = dec(*x.given_forward);
    }
    return j;
}

}  // namespace

std::string encode_cascade_mc(const cascade_request& rq, const cascade::mc_result& r, bool pretty) {
    const auto& spec = rq.mc->spec;
    ordered_json all = ordered_json::array(), listed = ordered_json::array();
    std::size_t with_debt = 0;
    for (std::size_t p = 0; p < r.paths.size(); ++p) {
        all.push_back(path_object(p, r.paths[p]));
        if (p < rq.mc->list) listed.push_back(all.back());
        if (r.paths[p].bad_debt.raw().sign() > 0) ++with_debt;
    }
    const std::string compact = detail::dump(all, false);
    const std::vector<std::uint8_t> bytes(compact.begin(), compact.end());
    std::array<char, 67> buf;
    const std::string hash(abi::to_hex(abi::keccak256(bytes), buf));
    ordered_json syms = ordered_json::array();
    for (const auto& s : spec.symbols) syms.push_back(s);
    ordered_json bad = {
        {"mean", dec(r.mean)},       {"max", dec(r.max)},        {"var_95", dec(r.t95.var)},        {"es_95", dec(r.t95.es)},
        {"k_95", r.t95.k},           {"var_99", dec(r.t99.var)}, {"es_99", dec(r.t99.es)},          {"k_99", r.t99.k},
        {"fund_99", dec(r.fund_99)}, {"fund_rank", r.fund_rank}, {"paths_with_bad_debt", with_debt}};
    ordered_json body = {{"paths", r.paths.size()},
                         {"seed", std::to_string(spec.seed)},
                         {"horizon", spec.horizon},
                         {"model", spec.model == risk::innovation::student_t ? "student_t" : "normal"},
                         {"accounts", rq.in.accounts.size()},
                         {"symbols", std::move(syms)},
                         {"bad_debt", std::move(bad)},
                         {"per_path", std::move(listed)},
                         {"paths_hash", hash}};
    if (spec.model == risk::innovation::student_t) body["dof"] = spec.dof;
    if (rq.mc->emit) {
        ordered_json ms = ordered_json::array();
        for (const auto& m : r.emitted) ms.push_back(market_json(rq.mc->market, m));
        body["path_markets"] = {{"path", *rq.mc->emit}, {"markets", std::move(ms)}};
    }
    return detail::dump(ordered_json{{"api_version", "1"}, {"cascade_monte_carlo", std::move(body)}}, pretty);
}

}  // namespace margin::api
