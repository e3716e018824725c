// One equity whatever the model (docs/api.md, "Equity"), and partial parameter documents
// (docs/api.md, "Partial parameter documents"). The corpus-wide recomputation of equity with
// Python integers is tests/core/check_equity.py.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>

#include "api/documents.hpp"
#include "api/pipeline.hpp"
#include "api/request.hpp"
#include "api/response.hpp"
#include "core/margin.hpp"

using namespace margin;
using nlohmann::json;

namespace {

json example() { return json::parse(api::document("example")); }

json result_of(const json& req) {
    const api::reply r = api::compute_json(req.dump(), false);
    REQUIRE(r.ok());
    return json::parse(r.text)["result"];
}

std::string canonical(const json& req) {
    auto parsed = api::parse_request(req.dump());
    REQUIRE(parsed.ok());
    return api::canonical_request(parsed.value);
}

}  // namespace

TEST_CASE("equity: the example's equity is the same under standard, pmrm2 and span16; the models' balances differ by named terms") {
    json req = example();
    const json standard = result_of(req);
    req["params"] = "pmrm2";
    const json pmrm2 = result_of(req);
    req["params"] = "span16";
    const json span16 = result_of(req);
    CHECK(standard["equity"] == pmrm2["equity"]);
    CHECK(span16["equity"] == pmrm2["equity"]);
    CHECK(pmrm2["margin_balance"] == pmrm2["equity"]);
    CHECK(pmrm2["balance_adjustments"] == json::object());
    // the example's collateral: BTC 0.5 at 100,000 (confidence 25, MM haircut 0.05), USDC 50,000 at
    // 0.9998 (confidence 0.0002, MM haircut 0.01), stable price 1
    CHECK(standard["balance_adjustments"]["collateral_stable_price"] == "0");
    CHECK(standard["balance_adjustments"]["collateral_confidence"] == "22.5");   // 0.5 x 25 + 50,000 x 0.0002
    CHECK(standard["balance_adjustments"]["collateral_haircut"] == "2999.175");  // 49,987.5 x 0.05 + 49,980 x 0.01
    CHECK(standard["equity"] == "110994.442741192557780542");
    CHECK(standard["margin_balance"] == "107972.767741192557780542");  // equity - 3,021.675
    CHECK(pmrm2["underlyings"][0]["worst_scenario"].is_number_integer());
}

TEST_CASE("equity: mark_to_market splits each expiry's total over its options exactly") {
    json req = example();
    req["account"]["collateral"] = json::object();
    auto parsed = api::parse_request(req.dump());
    REQUIRE(parsed.ok());
    auto res = compute(parsed.value);
    REQUIRE(res.ok());
    auto eq = mark_to_market(parsed.value, res.value.positions);
    REQUIRE(eq.ok());
    CHECK(eq.value.equity == res.value.equity);
    fp::Wad sum = parsed.value.acct.cash;
    for (const fp::Wad& v : eq.value.position_values) sum = fp::add(sum, v).value;
    CHECK(sum == eq.value.equity);
    for (std::size_t i = 0; i < res.value.positions.size(); ++i) CHECK(res.value.positions[i].value == eq.value.position_values[i]);
}

TEST_CASE("partial parameter documents: the preset with the members given, the same bytes and canonical request as the full document") {
    json full = json::parse(api::document("pmrm2"));
    full["scenarios"] = json::parse(api::document("scenarios/pmrm2"));
    full["scenarios"]["loss"]["mm_factor"] = "0.75";
    full["collateral"]["USDC"]["mm_haircut"] = "0.02";
    json req = example();
    req["params"] = full;
    const std::string want = api::compute_json(req.dump(), false).text;
    const std::string want_canonical = canonical(req);
    req["params"] = {
        {"base", "pmrm2"}, {"scenarios", {{"loss", {{"mm_factor", "0.75"}}}}}, {"collateral", {{"USDC", {{"mm_haircut", "0.02"}}}}}};
    CHECK(api::compute_json(req.dump(), false).text == want);
    CHECK(canonical(req) == want_canonical);
    req["params"] = "pmrm2";
    CHECK(api::compute_json(req.dump(), false).text != want);
    // the base alone is the preset
    req["params"] = {{"base", "standard"}};
    const std::string base_only = api::compute_json(req.dump(), false).text;
    req.erase("params");
    CHECK(base_only == api::compute_json(req.dump(), false).text);
    // a list replaces the preset's
    req["params"] = {{"base", "pmrm2"}, {"offsets", json::array()}};
    auto parsed = api::parse_request(req.dump());
    REQUIRE(parsed.ok());
    CHECK(parsed.value.portfolio.offsets.empty());
}

TEST_CASE("partial parameter documents: errors name their paths") {
    auto error_of = [](const json& params) {
        json req = example();
        req["params"] = params;
        const api::reply r = api::compute_json(req.dump(), false);
        REQUIRE(!r.ok());
        return json::parse(r.text)["error"];
    };
    json e = error_of({{"base", "pmrm3"}});
    CHECK(e["code"] == "UNKNOWN_PRESET");
    CHECK(e["path"] == "/params/base");
    e = error_of({{"base", "pmrm2"}, {"scenarios", {{"loss", {{"mm_factr", "1"}}}}}});
    CHECK(e["code"] == "UNKNOWN_FIELD");
    CHECK(e["path"] == "/params/scenarios/loss/mm_factr");
    e = error_of({{"base", "standard"}, {"collateral", {{"XYZ", {{"im_haircut", "0.1"}}}}}});
    CHECK(e["code"] == "MISSING_FIELD");
    CHECK(e["path"] == "/params/collateral/XYZ/mm_haircut");
    e = error_of({{"base", json::array()}});
    CHECK(e["code"] == "WRONG_TYPE");
    CHECK(e["path"] == "/params/base");
}
