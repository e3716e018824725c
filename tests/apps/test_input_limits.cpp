// The caps of core/limits.hpp (docs/api.md, "Caps") through both doors: a request built in code
// (validate()) fails at a cap with the code and path of its JSON form (the decoder), one past
// the cap fails and the cap itself passes; the text stage refuses NUL bytes and documents of
// too many values; a trade that closes and reopens positions gives the account in order.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <functional>
#include <string>

#include "api/documents.hpp"
#include "api/request.hpp"
#include "api/response.hpp"
#include "core/limits.hpp"
#include "core/validate.hpp"

using namespace margin;
using nlohmann::json;

namespace {

Wad W(const char* s) { return fp::parse(s).value; }
json example() { return json::parse(api::document("example")); }
json& btc(json& j) { return j["market"]["underlyings"]["BTC"]; }

struct cap_case {
    const char* what;
    std::size_t cap;
    std::function<void(json&, std::size_t)> grow;  // the example with n members of the capped container
    const char* path;
};

}  // namespace

TEST_CASE("caps: one past each cap is OUT_OF_RANGE at the container, in JSON and in code; the cap passes", "[limits]") {
    const std::vector<cap_case> cases = {
        {"expiries per underlying", limits::max_expiries,
         [](json& j, std::size_t n) {
             json& ex = btc(j)["expiries"];
             for (std::size_t i = ex.size(); i < n; ++i) ex.push_back({{"expiry", std::to_string(1767225601 + i)}, {"rate", "0.01"}});
         },
         "/market/underlyings/BTC/expiries"},
        {"underlyings", limits::max_underlyings,
         [](json& j, std::size_t n) {
             json& u = j["market"]["underlyings"];
             for (std::size_t i = 0; u.size() < n; ++i) u["U" + std::to_string(i)] = {{"spot", "1"}};
         },
         "/market/underlyings"},
        {"market collateral", limits::max_collateral,
         [](json& j, std::size_t n) {
             json& c = j["market"]["collateral"];
             for (std::size_t i = 0; c.size() < n; ++i) c["C" + std::to_string(i)] = {{"price", "1"}};
         },
         "/market/collateral"},
    };
    for (const cap_case& c : cases) {
        INFO(c.what);
        json at = example(), over = example();
        c.grow(at, c.cap);
        c.grow(over, c.cap + 1);
        CHECK(api::parse_request(at.dump()).ok());
        const auto text = api::parse_request(over.dump());
        REQUIRE(!text.ok());
        CHECK(text.err->code == error_code::OUT_OF_RANGE);
        CHECK(text.err->path == c.path);
        // The same request built in code: parse the capped one, add one member to the model.
        auto m = api::parse_request(at.dump());
        REQUIRE(m.ok());
        request r = m.value;
        if (std::string(c.what) == "expiries per underlying") {
            expiry_market e = r.market.underlyings.at("BTC").expiries.back();
            e.expiry += 1000;
            r.market.underlyings.at("BTC").expiries.push_back(e);
        } else if (std::string(c.what) == "underlyings") {
            r.market.underlyings["ZZZ"] = r.market.underlyings.at("BTC");
        } else {
            r.market.collateral["ZZZ"] = asset_price{W("1"), Wad{}};
        }
        const auto v = validate(r);
        REQUIRE(!v.ok());
        CHECK(v.err->code == error_code::OUT_OF_RANGE);
        CHECK(v.err->path == c.path);
    }
}

TEST_CASE("caps: positions under the portfolio model, min(4000, 128000 / scenarios)", "[limits]") {
    CHECK(limits::position_cap(false, 64) == 10000);
    CHECK(limits::position_cap(true, 31) == 4000);
    CHECK(limits::position_cap(true, 16) == 4000);
    CHECK(limits::position_cap(true, 64) == 2000);
    CHECK(limits::position_cap(true, 33) == 3878);
    json j = example();
    j["params"] = "pmrm2";
    j["account"].erase("collateral");
    json& ps = j["account"]["positions"];
    ps = json::array();
    const std::string e = btc(j)["expiries"][0]["expiry"];
    for (int i = 0; i < 4000; ++i)
        ps.push_back({{"type", "option"},
                      {"underlying", "BTC"},
                      {"expiry", e},
                      {"strike", std::to_string(50000 + i)},
                      {"option_type", "call"},
                      {"size", "1"}});
    const auto at = api::parse_request(j.dump());
    REQUIRE(at.ok());
    ps.push_back({{"type", "perp"}, {"underlying", "BTC"}, {"size", "1"}});
    const auto over = api::parse_request(j.dump());
    REQUIRE(!over.ok());
    CHECK(over.err->code == error_code::OUT_OF_RANGE);
    CHECK(over.err->path == "/account/positions");
    // A trade cannot take the account past the cap either.
    const auto t = api::parse_trade(at.value, R"({"positions":[{"type":"perp","underlying":"BTC","size":"1"}]})");
    REQUIRE(!t.ok());
    CHECK(t.err->code == error_code::OUT_OF_RANGE);
    CHECK(t.err->path == "/trade/positions/0");
}

TEST_CASE("text stage: a NUL byte anywhere is JSON_SYNTAX; more than 2,000,000 values or 1,024 members JSON_TOO_LARGE", "[limits]") {
    const std::string text(api::document("example"));
    REQUIRE(api::parse_request(text).ok());
    for (const std::string& bad : {text + std::string(1, '\0') + "garbage", text + std::string(1, '\0'), std::string(1, '\0') + text,
                                   text.substr(0, 10) + std::string(1, '\0') + text.substr(10)}) {
        const auto r = api::parse_request(bad);
        REQUIRE(!r.ok());
        CHECK(r.err->code == error_code::JSON_SYNTAX);
        CHECK(r.err->path == "");
    }
    const auto t = api::parse_trade(api::parse_request(text).value, std::string("{\"positions\":[]}") + '\0');
    REQUIRE(!t.ok());
    CHECK(t.err->code == error_code::JSON_SYNTAX);
    CHECK(t.err->path == "/trade");
    std::string many = "{\"x\":[";
    for (std::size_t i = 0; i < limits::max_json_values; ++i) many += i ? ",\"\"" : "\"\"";
    many += "]}";
    const auto m = api::parse_request(many);  // one value more than the cap, with the array itself
    REQUIRE(!m.ok());
    CHECK(m.err->code == error_code::JSON_TOO_LARGE);
    std::string wide = "{\"api_version\":\"1\",\"account\":{";
    for (std::size_t i = 0; i <= limits::max_object_members; ++i) wide += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":\"1\"";
    wide += "}}";
    const auto w = api::parse_request(wide);
    REQUIRE(!w.ok());
    CHECK(w.err->code == error_code::JSON_TOO_LARGE);
    CHECK(w.err->path == "/account");
}

TEST_CASE("mark_vol: at least 0.0001; 1e-18 was ARITHMETIC_OVERFLOW inside the documented bounds", "[limits]") {
    for (const char* vol : {"0.000000000000000001", "0.0000999999"}) {
        json j = example();
        j["account"]["positions"][0]["mark_vol"] = vol;
        const auto r = api::parse_request(j.dump());
        REQUIRE(!r.ok());
        CHECK(r.err->code == error_code::OUT_OF_RANGE);
        CHECK(r.err->path == "/account/positions/0/mark_vol");
    }
    // At the bound, with the shortest expiry the bounds allow (one second), every model prices it.
    for (const char* params : {"standard", "pmrm2", "span16"}) {
        INFO(params);
        json j = example();
        j["params"] = params;
        if (std::string(params) != "standard") j["account"].erase("collateral");
        const std::string e = std::to_string(std::stoll(j["market"]["timestamp"].get<std::string>()) + 1);
        btc(j)["expiries"][0]["expiry"] = e;
        j["account"]["positions"] = json::array({{{"type", "option"},
                                                  {"underlying", "BTC"},
                                                  {"expiry", e},
                                                  {"strike", "95000"},
                                                  {"option_type", "put"},
                                                  {"size", "-4"},
                                                  {"mark_vol", "0.0001"}},
                                                 {{"type", "option"},
                                                  {"underlying", "BTC"},
                                                  {"expiry", e},
                                                  {"strike", "105000"},
                                                  {"option_type", "call"},
                                                  {"size", "2"},
                                                  {"mark_vol", "0.0001"}}});
        const auto r = api::parse_request(j.dump());
        REQUIRE(r.ok());
        const auto res = compute(r.value);
        CHECK(res.ok());
    }
}

TEST_CASE("trade: closing, reopening and adding positions keeps the account's order (the indexed merge)", "[limits]") {
    const auto before = api::parse_request(api::document("example"));
    REQUIRE(before.ok());
    const auto& held = before.value.acct.positions;
    REQUIRE(held.size() >= 3);
    // Close position 0 (its negated size), add a new perp-free instrument, trade on position 2.
    json p0 = json::parse(api::canonical_request(before.value))["account"]["positions"][0];
    json p2 = json::parse(api::canonical_request(before.value))["account"]["positions"][2];
    p0.erase("id");
    p0["size"] = fp::format(fp::neg(held[0].size).value);
    p2.erase("id");
    p2["size"] = "1";
    json fresh = p0;
    fresh["strike"] = "12345";
    fresh["size"] = "1";
    fresh["id"] = held[0].id.empty() ? "fresh" : held[0].id;  // the closed position's id is free again
    const json trade = {{"positions", {p0, fresh, p2}}};
    const auto after = api::parse_trade(before.value, trade.dump());
    REQUIRE(after.ok());
    const auto& a = after.value.acct.positions;
    REQUIRE(a.size() == held.size());  // one closed, one added
    for (std::size_t i = 1; i < held.size(); ++i) CHECK(a[i - 1].id == held[i].id);
    CHECK(a.back().strike == W("12345"));
    CHECK(fp::format(a[1].size) == fp::format(fp::add(held[2].size, W("1")).value));
}
