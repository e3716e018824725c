// The API's doors, each text in, text out: parse, validate, compute, encode.
#include "api/pipeline.hpp"

#include "api/request.hpp"
#include "api/response.hpp"
#include "api/risk.hpp"
#include "api/span.hpp"
#include "api/stress.hpp"
#include "decoder.hpp"
#include "encode.hpp"

namespace margin::api {
reply reply::failure(const error& e, bool pretty) { return {encode_error(e, pretty), e}; }

namespace {

reply failed(const error& e, bool pretty) { return reply::failure(e, pretty); }

}  // namespace

reply compute_json(std::string_view request_text, bool pretty) {
    // A SPAN risk-array request ({"api_version", "span"}) goes through its own door.
    if (request_text.find("\"span\"") != std::string_view::npos) {
        const auto doc = detail::parse_document(request_text);
        if (doc.ok() && doc.value.is_object() && doc.value.contains("span")) return span_json(request_text, pretty);
    }
    const auto req = parse_request(request_text);
    if (!req.ok()) return failed(*req.err, pretty);
    const auto res = compute(req.value);
    if (!res.ok()) return failed(*res.err, pretty);
    return {encode_result(req.value, res.value, pretty), std::nullopt};
}

reply scenario_json(std::string_view request_text, std::int64_t scenario, bool pretty) {
    const auto req = parse_request(request_text);
    if (!req.ok()) return failed(*req.err, pretty);
    if (req.value.model != margin_model::portfolio)
        return failed({error_code::MODEL_NOT_SUPPORTED, "/params", "single-scenario evaluation needs the portfolio model"}, pretty);
    const auto res = compute_portfolio(req.value, scenario);
    if (!res.ok()) return failed(*res.err, pretty);
    return {encode_result(req.value, res.value, pretty), std::nullopt};
}

reply preview_json(std::string_view request_text, std::string_view trade_text, bool pretty) {
    const auto req = parse_request(request_text);
    if (!req.ok()) return failed(*req.err, pretty);
    const auto after = parse_trade(req.value, trade_text);
    if (!after.ok()) return failed(*after.err, pretty);
    const auto r0 = compute(req.value);
    if (!r0.ok()) return failed(*r0.err, pretty);
    const auto r1 = compute(after.value);
    if (!r1.ok()) return failed(*r1.err, pretty);
    nlohmann::ordered_json j;
    j["api_version"] = std::string(api_version);
    j["before"] = detail::result_object(req.value, r0.value);
    j["after"] = detail::result_object(after.value, r1.value);
    // after - before, exact (no rounding: both are multiples of 1 wei well inside the range)
    auto change = [](const Wad& a, const Wad& b) { return detail::dec(fp::sub(a, b).value); };
    const account_result &a = r1.value, &b = r0.value;
    j["change"] = {{"equity", change(a.equity, b.equity)},
                   {"margin_balance", change(a.margin_balance, b.margin_balance)},
                   {"initial_margin", change(a.initial_margin, b.initial_margin)},
                   {"maintenance_margin", change(a.maintenance_margin, b.maintenance_margin)},
                   {"free_collateral", change(a.free_collateral, b.free_collateral)},
                   {"health", change(a.health, b.health)}};
    return {detail::dump(j, pretty), std::nullopt};
}

reply risk_json(std::string_view request_text, bool pretty) {
    const auto r = parse_risk_request(request_text);
    if (!r.ok()) return failed(*r.err, pretty);
    const auto res = risk::measure(r.value.req, r.value.history, r.value.params);
    if (!res.ok()) return failed(*res.err, pretty);
    return {encode_risk(r.value, res.value, pretty), std::nullopt};
}

reply stress_json(std::string_view request_text, bool pretty) {
    const auto r = parse_stress_request(request_text);
    if (!r.ok()) return failed(*r.err, pretty);
    const auto before = compute(r.value.req);
    if (!before.ok()) return failed(*before.err, pretty);
    std::vector<stress::outcome_of_scenario> out;
    for (std::size_t i = 0; i < r.value.doc.scenarios.size(); ++i) {
        auto o =
            stress::run(r.value.doc.scenarios[i], r.value.req, before.value, r.value.history, "/stress/scenarios/" + std::to_string(i));
        if (!o.ok()) return failed(*o.err, pretty);
        out.push_back(std::move(o.value));
    }
    return {encode_stress(r.value, before.value, out, pretty), std::nullopt};
}

reply stress_scenarios_json(std::string_view request_text, bool pretty) {
    const auto r = parse_stress_request(request_text);
    if (!r.ok()) return failed(*r.err, pretty);
    std::vector<stress::scenario> out;
    for (std::size_t i = 0; i < r.value.doc.scenarios.size(); ++i) {
        auto s = stress::resolve(r.value.doc.scenarios[i], r.value.req, r.value.history, "/stress/scenarios/" + std::to_string(i));
        if (!s.ok()) return failed(*s.err, pretty);
        out.push_back(std::move(s.value));
    }
    return {encode_stress_document(out, pretty), std::nullopt};
}

reply reverse_stress_json(std::string_view request_text, bool pretty) {
    const auto r = parse_reverse_request(request_text);
    if (!r.ok()) return failed(*r.err, pretty);
    const auto before = compute(r.value.req);
    if (!before.ok()) return failed(*before.err, pretty);
    std::vector<stress::reverse_result> out;
    for (std::size_t i = 0; i < r.value.directions.size(); ++i) {
        auto x = stress::reverse(r.value.directions[i], r.value.grid, r.value.req, "/reverse_stress/directions/" + std::to_string(i));
        if (!x.ok()) {
            if (x.err->path.rfind("/reverse_stress/directions/", 0) == 0 &&
                (x.err->path.ends_with("/grid") || x.err->path.ends_with("/scan") || x.err->path.ends_with("/max")))
                x.err->path = "/reverse_stress" + x.err->path.substr(x.err->path.rfind('/'));
            return failed(*x.err, pretty);
        }
        out.push_back(std::move(x.value));
    }
    return {encode_reverse(r.value, before.value, out, pretty), std::nullopt};
}

reply span_json(std::string_view request_text, bool pretty) {
    const auto r = parse_span_request(request_text);
    if (!r.ok()) return failed(*r.err, pretty);
    auto res = span::requirement(r.value.contracts, r.value.positions, r.value.params);
    if (!res.ok()) {
        res.err->path = "/span" + res.err->path;
        return failed(*res.err, pretty);
    }
    return {encode_span(res.value, pretty), std::nullopt};
}

}  // namespace margin::api
