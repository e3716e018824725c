// The risk result document (docs/risk.md §Result).
#include <boost/multiprecision/cpp_int.hpp>

#include "abi/keccak.hpp"
#include "api/request.hpp"
#include "api/risk.hpp"
#include "encode.hpp"

namespace margin::api {
namespace {

using detail::dec;
using nlohmann::ordered_json;

const char* method_name(risk::method m) {
    switch (m) {
        case risk::method::historical: return "historical";
        case risk::method::filtered_historical: return "filtered_historical";
        case risk::method::parametric: return "parametric";
        case risk::method::monte_carlo: return "monte_carlo";
        case risk::method::delta_gamma: return "delta_gamma";
    }
    return "";
}

}  // namespace

std::string pnl_hash(const std::vector<fp::Wad>& pnl) {
    using boost::multiprecision::cpp_int;
    std::vector<std::uint8_t> bytes(pnl.size() * 32);
    const cpp_int two256 = cpp_int(1) << 256;
    for (std::size_t i = 0; i < pnl.size(); ++i) {
        cpp_int v = cpp_int(pnl[i].raw().big());
        if (v < 0) v += two256;  // two's complement, as int256 words
        for (int b = 31; b >= 0; --b) {
            bytes[i * 32 + static_cast<std::size_t>(b)] = static_cast<std::uint8_t>(static_cast<unsigned>(v & 0xff));
            v >>= 8;
        }
    }
    std::array<char, 67> buf;
    return std::string(abi::to_hex(abi::keccak256(bytes), buf));
}

namespace detail {

nlohmann::json risk_params_object(const risk::params& p) {
    nlohmann::json j;
    j["method"] = method_name(p.kind);
    j["confidence"] = dec(p.confidence);
    j["horizon_days"] = std::to_string(p.horizon_days);
    j["lookback_days"] = std::to_string(p.lookback_days);
    j["ewma_lambda"] = dec(p.ewma_lambda);
    j["vol_floor"] = dec(p.vol_floor);
    j["paths"] = std::to_string(p.paths);
    j["seed"] = std::to_string(p.seed);
    j["innovations"] = p.innovations == risk::innovation::normal ? "normal" : "student_t";
    j["dof"] = std::to_string(p.dof);
    if (p.as_of) j["as_of"] = risk::format_date(*p.as_of);
    j["revaluation"] = p.revaluation_used() == risk::revaluation::grid ? "grid" : "full";
    j["vol_rules"] = nlohmann::json::object();
    for (const auto& [sym, r] : p.vol_rules)
        j["vol_rules"][sym] = {{"beta", dec(r.beta)}, {"min", dec(r.min_multiplier)}, {"max", dec(r.max_multiplier)}};
    return j;
}

ordered_json risk_object(const risk::params& p, const risk::risk_result& res, bool include_pnl) {
    ordered_json o;
    o["method"] = method_name(res.kind);
    o["confidence"] = dec(p.confidence);
    o["horizon_days"] = std::to_string(p.horizon_days);
    o["window"] = {{"first", risk::format_date(res.first_day)}, {"last", risk::format_date(res.last_day)}};
    const bool closed_form = res.kind == risk::method::parametric || res.kind == risk::method::delta_gamma;
    if (closed_form) {
        o["sigma"] = dec(res.sigma);
    } else {
        o["scenarios"] = std::to_string(res.scenarios);
        o["tail_count"] = std::to_string(res.k);
    }
    o["var"] = dec(res.var);
    o["es"] = dec(res.es);
    ordered_json by_pos = ordered_json::array();
    for (const fp::Wad& w : res.es_by_position) by_pos.push_back(dec(w));
    o["es_by_position"] = std::move(by_pos);
    ordered_json by_col = ordered_json::object();
    for (const auto& [k, w] : res.es_by_collateral) by_col[k] = dec(w);
    o["es_by_collateral"] = std::move(by_col);
    ordered_json by_und = ordered_json::object();
    for (const auto& [k, w] : res.es_by_underlying) by_und[k] = dec(w);
    o["es_by_underlying"] = std::move(by_und);
    if (res.kind == risk::method::delta_gamma) {
        ordered_json dg;
        dg["mean"] = dec(res.mean);
        dg["skewness"] = dec(res.skewness);
        dg["excess_kurtosis"] = dec(res.excess_kurtosis);
        ordered_json delta = ordered_json::object(), gamma = ordered_json::object();
        for (const auto& [k, w] : res.delta) delta[k] = dec(w);
        for (const auto& [k, w] : res.gamma) gamma[k] = dec(w);
        dg["delta"] = std::move(delta);
        dg["gamma"] = std::move(gamma);
        o["delta_gamma"] = std::move(dg);
    }
    if (!closed_form) {
        ordered_json worst = ordered_json::array();
        for (const risk::scenario_loss& s : res.worst) {
            ordered_json w;
            w["scenario"] = std::to_string(s.index);
            if (res.kind == risk::method::monte_carlo)
                w["path"] = std::to_string(s.label);
            else
                w["date"] = risk::format_date(s.label);
            w["pnl"] = dec(s.pnl);
            worst.push_back(std::move(w));
        }
        o["worst"] = std::move(worst);
        o["pnl_hash"] = pnl_hash(res.pnl);
        if (include_pnl) {
            ordered_json v = ordered_json::array();
            for (const fp::Wad& w : res.pnl) v.push_back(dec(w));
            o["pnl"] = std::move(v);
        }
    }
    return o;
}

}  // namespace detail

std::string encode_risk(const risk_request& r, const risk::risk_result& res, bool pretty) {
    ordered_json j;
    j["api_version"] = std::string(api_version);
    j["risk"] = detail::risk_object(r.params, res, r.include_pnl);
    return detail::dump(j, pretty);
}

}  // namespace margin::api
