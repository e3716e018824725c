// The size-against-depth term of collateral haircuts (core/model.hpp depth_term,
// docs/margin.md "Collateral depth"): the add-on's rounding and cap, the standard and
// portfolio models' charges on a holding, absent = unchanged, and the new fields' bounds.
// tests/dynamic/check_impact.py recomputes the charges independently (Python integers).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>

#include "api/documents.hpp"
#include "api/request.hpp"
#include "api/response.hpp"
#include "core/margin.hpp"
#include "core/model.hpp"
#include "fixtures.hpp"

using namespace margin;
using nlohmann::json;

namespace {

using fixtures::W;

// The shipped example (BTC 0.5 at 100,000 +- 25, USDC 50,000) under `params`.
json example(const json& params) {
    json j = json::parse(api::document("example"));
    j["params"] = params;
    return j;
}

json standard_doc() { return json::parse(api::document("standard")); }

account_result run(const json& req) {
    auto r = api::parse_request(req.dump());
    INFO(req["params"].dump());
    REQUIRE(r.ok());
    auto out = compute(r.value);
    REQUIRE(out.ok());
    return out.value;
}

const collateral_result& held(const account_result& a, const std::string& asset) {
    for (const collateral_result& c : a.collateral)
        if (c.asset == asset) return c;
    FAIL("no collateral " << asset);
    return a.collateral.front();
}

}  // namespace

TEST_CASE("depth: the add-on rounds up and is capped at 1 - total", "[depth]") {
    depth_term t{W("3"), std::nullopt};
    // 1/3 USD per USD of depth: ceil, not floor (a floor mutation gives ...333)
    auto a = depth_addon(t, W("1"), W("0.1"));
    REQUIRE(a.ok());
    CHECK(fp::format(a.value) == "0.333333333333333334");
    // the smallest holding still adds one wei
    a = depth_addon(t, fp::Wad::from_raw(fp::I256{1}), W("0.1"));
    CHECK(a.value.raw() == fp::I256{1});
    // holding 0 and no depth: nothing
    CHECK(depth_addon(t, fp::Wad{}, W("0.1")).value.raw().is_zero());
    CHECK(depth_addon(depth_term{}, W("1000000"), W("0.1")).value.raw().is_zero());
    // capped: total + add-on <= 1; a total already at 1 gets nothing
    t.liquidity = W("2");
    CHECK(fp::format(depth_addon(t, W("3"), W("0.95")).value) == "0.05");
    CHECK(depth_addon(t, W("3"), W("1")).value.raw().is_zero());
    CHECK(fp::format(depth_addon(t, W("0.75"), W("0")).value) == "0.5");
}

TEST_CASE("depth: the standard model's IM charge on a holding", "[depth]") {
    const account_result before = run(example("standard"));
    const collateral_result& b = held(before, "BTC");
    // 0.5 BTC at the low edge 99,975 = 49,987.5 USD; static IM charge (0.1 - 0.05) x 49,987.5
    CHECK(fp::format(b.im_charge) == "2499.375");

    json doc = standard_doc();
    doc["collateral"]["BTC"]["depth"] = "499875";  // 49,987.5 / 499,875 = 0.1 exactly
    const account_result with = run(example(doc));
    CHECK(fp::format(held(with, "BTC").im_charge) == "7498.125");  // (0.2 - 0.05) x 49,987.5
    CHECK(fp::format(fp::sub(with.initial_margin, before.initial_margin).value) == "4998.75");
    CHECK(with.maintenance_margin == before.maintenance_margin);  // MM: the volatility part only
    CHECK(with.equity == before.equity);

    // ceil: depth 3 x holding gives 1/3 (0.333...334): the charge rounds up from the larger haircut
    doc["collateral"]["BTC"]["depth"] = "149962.5";
    doc["collateral"]["BTC"]["liquidity"] = "1";
    CHECK(fp::format(held(run(example(doc)), "BTC").im_charge) == "19161.875000000000033325");

    // a depth making the haircut exceed 1: capped at 1 (charge (1 - 0.05) x 49,987.5)
    doc["collateral"]["BTC"]["depth"] = "1";
    CHECK(fp::format(held(run(example(doc)), "BTC").im_charge) == "47488.125");

    // liquidity 0, or a holding of 0: unchanged
    doc["collateral"]["BTC"]["liquidity"] = "0";
    CHECK(run(example(doc)).initial_margin == before.initial_margin);
    doc["collateral"]["BTC"]["liquidity"] = "1";
    json zero = example(doc);
    zero["account"]["collateral"]["BTC"] = "0";
    json zero_static = example("standard");
    zero_static["account"]["collateral"]["BTC"] = "0";
    CHECK(run(zero).initial_margin == run(zero_static).initial_margin);
}

TEST_CASE("depth: the portfolio model raises the IM contingency, not MM", "[depth]") {
    json doc = json::parse(api::document("pmrm2"));
    const account_result before = run(example(doc));
    doc["collateral"]["USDC"]["depth"] = "100000";  // 50,000 x 0.9998 = 49,990 -> 0.4999
    const account_result with = run(example(doc));
    const collateral_result& u = held(with, "USDC");
    // value 49,990 (floor), haircuts 0.01 + (0.01 + 0.4999) = 0.5199
    CHECK(fp::format(u.im_charge) == "25989.801");
    CHECK(with.maintenance_margin == before.maintenance_margin);
    // USDC moves with no scenario: its add-on 0.4999 x 49,990 / 0.9998 (stable price 1) enters IM once
    CHECK(fp::sub(with.initial_margin, before.initial_margin).value > W("24990"));
}

TEST_CASE("depth: bounds, types and absent fields", "[depth]") {
    struct bad {
        json rule;
        error_code code;
        const char* path;
    };
    const bad cases[] = {
        {{{"depth", "0"}}, error_code::NOT_POSITIVE, "/params/collateral/BTC/depth"},
        {{{"depth", "1000000000000000.000000000000000001"}}, error_code::OUT_OF_RANGE, "/params/collateral/BTC/depth"},
        {{{"depth", "1e9"}}, error_code::BAD_DECIMAL, "/params/collateral/BTC/depth"},
        {{{"depth", 5}}, error_code::JSON_NUMBER, "/params/collateral/BTC/depth"},
        {{{"depth", "1"}, {"liquidity", "10.000000000000000001"}}, error_code::OUT_OF_RANGE, "/params/collateral/BTC/liquidity"},
        {{{"depth", "1"}, {"liquidity", "-1"}}, error_code::NEGATIVE, "/params/collateral/BTC/liquidity"},
        {{{"liquidity", "1"}}, error_code::INCONSISTENT_PARAMS, "/params/collateral/BTC/liquidity"},
        {{{"deep", "1"}}, error_code::UNKNOWN_FIELD, "/params/collateral/BTC/deep"},
    };
    for (const char* model : {"standard", "pmrm2"}) {
        for (const bad& b : cases) {
            json doc = json::parse(api::document(model));
            for (const auto& [k, v] : b.rule.items()) doc["collateral"]["BTC"][k] = v;
            INFO(model << " " << b.rule.dump());
            auto r = api::parse_request(example(doc).dump());
            REQUIRE_FALSE(r.ok());
            CHECK(r.err->code == b.code);
            CHECK(r.err->path == b.path);
        }
    }
}

TEST_CASE("depth: the canonical request holds the term when given, and only then", "[depth]") {
    auto a = api::parse_request(example("standard").dump());
    json doc = standard_doc();
    auto b = api::parse_request(example(doc).dump());  // the shipped document inline
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    const std::string plain = api::canonical_request(a.value);
    CHECK(plain == api::canonical_request(b.value));
    CHECK(plain.find("depth") == std::string::npos);
    doc["collateral"]["BTC"]["depth"] = "1000.50";
    doc["collateral"]["BTC"]["liquidity"] = "0.5";
    auto c = api::parse_request(example(doc).dump());
    REQUIRE(c.ok());
    const std::string with = api::canonical_request(c.value);
    CHECK(with.find(R"("BTC":{"depth":"1000.5","im_haircut":"0.1","liquidity":"0.5","mm_haircut":"0.05"})") != std::string::npos);
    auto again = api::parse_request(with);  // the canonical text reads back to itself
    REQUIRE(again.ok());
    CHECK(api::canonical_request(again.value) == with);
}
