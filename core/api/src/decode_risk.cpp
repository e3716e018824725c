// Risk requests, decoded: the margin request's fields as decode_request reads them, then
// "risk" (the measure's parameters) and "history" (price series), each checked by core.
#include "api/risk.hpp"
#include "core/limits.hpp"
#include "decode.hpp"
#include "lines.hpp"

namespace margin::api::detail {

void decode_risk_params(decoder& d, const json& o, const std::string& path, risk::params& p, bool* include_pnl) {
    if (!d.is_object(o, path)) return;
    if (include_pnl ? !d.only(o, path,
                              {"as_of", "confidence", "dof", "ewma_lambda", "horizon_days", "include_pnl", "innovations", "lookback_days",
                               "method", "paths", "revaluation", "seed", "vol_floor", "vol_rules"})
                    : !d.only(o, path,
                              {"as_of", "confidence", "dof", "ewma_lambda", "horizon_days", "innovations", "lookback_days", "method",
                               "paths", "revaluation", "seed", "vol_floor", "vol_rules"}))
        return;
    if (auto m = d.text(o, path, "method", false)) {
        if (*m == "historical")
            p.kind = risk::method::historical;
        else if (*m == "filtered_historical")
            p.kind = risk::method::filtered_historical;
        else if (*m == "parametric")
            p.kind = risk::method::parametric;
        else if (*m == "monte_carlo")
            p.kind = risk::method::monte_carlo;
        else if (*m == "delta_gamma")
            p.kind = risk::method::delta_gamma;
        else
            d.fail(error_code::BAD_ENUM, child(path, "method"),
                   "method must be \"historical\", \"filtered_historical\", \"parametric\", \"monte_carlo\" or \"delta_gamma\", got \"" +
                       *m + "\"");
    }
    if (d.failed()) return;
    if (auto v = d.decimal(o, path, "confidence", false)) p.confidence = *v;
    if (auto v = d.decimal(o, path, "ewma_lambda", false)) p.ewma_lambda = *v;
    if (auto v = d.decimal(o, path, "vol_floor", false)) p.vol_floor = *v;
    // Counts are read up to a digit past their caps, so validate() reports the bound.
    if (auto v = d.whole(o, path, "horizon_days", 1'000'000, false)) p.horizon_days = static_cast<std::int32_t>(*v);
    if (auto v = d.whole(o, path, "lookback_days", 1'000'000, false)) p.lookback_days = static_cast<std::int32_t>(*v);
    if (auto v = d.whole(o, path, "paths", 1'000'000'000, false)) p.paths = static_cast<std::int64_t>(*v);
    if (auto v = d.whole(o, path, "dof", 1'000'000, false)) p.dof = static_cast<std::int32_t>(*v);
    if (auto v = d.whole(o, path, "seed", UINT64_MAX, false)) p.seed = *v;
    if (d.failed()) return;
    if (auto v = d.text(o, path, "innovations", false)) {
        if (*v == "normal")
            p.innovations = risk::innovation::normal;
        else if (*v == "student_t")
            p.innovations = risk::innovation::student_t;
        else
            d.fail(error_code::BAD_ENUM, child(path, "innovations"), "innovations must be \"normal\" or \"student_t\", got \"" + *v + "\"");
    }
    if (auto v = d.text(o, path, "revaluation", false)) {
        if (*v == "full")
            p.reval = risk::revaluation::full;
        else if (*v == "grid")
            p.reval = risk::revaluation::grid;
        else
            d.fail(error_code::BAD_ENUM, child(path, "revaluation"), "revaluation must be \"full\" or \"grid\", got \"" + *v + "\"");
    }
    if (auto v = d.text(o, path, "as_of", false)) {
        if (auto day = risk::parse_date(*v))
            p.as_of = *day;
        else
            d.fail(error_code::BAD_INTEGER, child(path, "as_of"), "\"" + *v + "\" is not a date YYYY-MM-DD (1970 or later)");
    }
    if (const json* b = include_pnl ? d.field(o, path, "include_pnl", false) : nullptr) {
        if (b->is_boolean())
            *include_pnl = b->get<bool>();
        else
            d.fail(error_code::WRONG_TYPE, child(path, "include_pnl"), "expected true or false");
    }
    if (d.failed()) return;
    if (const json* rules = d.field(o, path, "vol_rules", false)) {
        const std::string rp = child(path, "vol_rules");
        if (!d.is_object(*rules, rp)) return;
        for (const auto& [sym, v] : rules->items()) {
            const std::string sp = child(rp, sym);
            if (!d.is_object(v, sp) || !d.only(v, sp, {"beta", "max", "min"})) return;
            risk::vol_rule r;
            if (auto x = d.decimal(v, sp, "beta", false)) r.beta = *x;
            if (auto x = d.decimal(v, sp, "min", false)) r.min_multiplier = *x;
            if (auto x = d.decimal(v, sp, "max", false)) r.max_multiplier = *x;
            if (d.failed()) return;
            p.vol_rules.emplace(sym, r);
        }
    }
}

void decode_history(decoder& d, const json& o, const std::string& path, risk::history& h) {
    if (!d.is_object(o, path)) return;
    if (o.size() > limits::max_history_symbols) {
        d.fail(error_code::OUT_OF_RANGE, path, "at most 16 price series per request");
        return;
    }
    for (const auto& [sym, v] : o.items()) {
        const std::string sp = child(path, sym);
        if (v.is_string()) {
            auto s = parse_history_csv(v.get_ref<const std::string&>(), sp, sym + " history");
            if (!s.ok()) {
                d.err = s.err;
                return;
            }
            h.emplace(sym, std::move(s.value));
            continue;
        }
        if (!v.is_array()) {
            d.fail(error_code::WRONG_TYPE, sp, "a history is CSV text or an array of [\"YYYY-MM-DD\", \"close\"] rows");
            return;
        }
        if (v.size() > static_cast<std::size_t>(limits::max_history_days)) {
            d.fail(error_code::OUT_OF_RANGE, sp, "a series has at most 20000 rows");
            return;
        }
        std::vector<risk::observation> rows;
        rows.reserve(v.size());
        for (std::size_t i = 0; i < v.size(); ++i) {
            const json& row = v[i];
            const std::string rp = child(sp, i);
            if (!row.is_array() || row.size() != 2 || !row[0].is_string()) {
                d.fail(error_code::HISTORY_SYNTAX, rp, "row " + std::to_string(i) + ": expected [\"YYYY-MM-DD\", \"close\"]");
                return;
            }
            const auto day = risk::parse_date(row[0].get_ref<const std::string&>());
            if (!day) {
                d.fail(error_code::HISTORY_SYNTAX, child(rp, std::size_t{0}),
                       "row " + std::to_string(i) + ": \"" + row[0].get<std::string>() + "\" is not a date YYYY-MM-DD");
                return;
            }
            auto close = d.decimal_value(row[1], child(rp, 1));
            if (!close) return;
            rows.push_back({*day, *close, static_cast<std::int64_t>(i)});
        }
        auto s = risk::make_series(rows, sp, "");
        if (!s.ok()) {
            d.err = s.err;
            return;
        }
        h.emplace(sym, std::move(s.value));
    }
}

}  // namespace margin::api::detail

namespace margin::api {

outcome<risk::series> parse_history_csv(std::string_view text, const std::string& path, std::string_view origin) {
    auto fail = [&](error_code c, std::int64_t line, const std::string& what) {
        return outcome<risk::series>::failure(c, path, std::string(origin) + " line " + std::to_string(line) + ": " + what);
    };
    std::vector<risk::observation> rows;
    detail::line_reader lines(text);
    std::string_view l;
    while (lines.next(l)) {
        const auto line = static_cast<std::int64_t>(lines.number());
        if (line == 1) {
            if (l != "date,close") return fail(error_code::HISTORY_SYNTAX, 1, "the header must be exactly date,close");
            continue;
        }
        if (l.empty() && lines.at_end()) break;  // the final newline
        if (rows.size() >= static_cast<std::size_t>(limits::max_history_days))
            return fail(error_code::OUT_OF_RANGE, line, "a series has at most 20000 rows");
        const std::size_t comma = l.find(',');
        const auto day = comma == std::string_view::npos ? std::nullopt : risk::parse_date(l.substr(0, comma));
        if (!day) return fail(error_code::HISTORY_SYNTAX, line, "expected YYYY-MM-DD,close");
        const auto close = fp::parse(l.substr(comma + 1));
        if (!close.ok()) return fail(error_code::HISTORY_SYNTAX, line, "the close is not a decimal with at most 18 fractional digits");
        rows.push_back({*day, close.value, line});
    }
    if (lines.number() == 0) return fail(error_code::HISTORY_SYNTAX, 1, "empty: the header date,close is missing");
    return risk::make_series(rows, path, origin);
}

outcome<risk_request> parse_risk_request(std::string_view text) {
    auto doc = detail::parse_document(text);
    if (!doc.ok()) return outcome<risk_request>::failure(*doc.err);
    detail::json& root = doc.value;
    risk_request out;
    detail::decoder d;
    detail::json risk_doc = detail::json::object();
    if (root.is_object())
        if (auto it = root.find("risk"); it != root.end()) {
            risk_doc = std::move(*it);
            root.erase(it);
        }
    auto req = detail::decode_request(root, nullptr, true);  // the margin request's fields and its history
    if (!req.ok()) return outcome<risk_request>::failure(*req.err);
    out.req = std::move(req.value);
    detail::decode_risk_params(d, risk_doc, "/risk", out.params, &out.include_pnl);
    if (!d.err) d.err = risk::validate(out.params, "/risk");
    if (!d.err && !out.req.history) d.fail(error_code::MISSING_FIELD, "/history", "the field \"history\" is required");
    if (d.err) return outcome<risk_request>::failure(*d.err);
    out.history = *out.req.history;
    return outcome<risk_request>{std::move(out), std::nullopt};
}

}  // namespace margin::api
