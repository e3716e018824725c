// core's validate(): the same rules whatever door a request came through. A request built in
// code (no JSON) gets the same error, code and path as its JSON form; validation is idempotent.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <functional>
#include <string>

#include "api/documents.hpp"
#include "api/request.hpp"
#include "api/response.hpp"
#include "core/validate.hpp"

using namespace margin;
using nlohmann::json;

namespace {

Wad W(const char* s) { return fp::parse(s).value; }

struct twin_case {
    const char* what;
    std::function<void(request&)> model_edit;  // the change made to the model
    std::function<void(json&)> json_edit;      // the same change made to the JSON request
};

json& btc(json& j) { return j["market"]["underlyings"]["BTC"]; }

}  // namespace

TEST_CASE("validate: a request built in code fails as its JSON form does", "[validate]") {
    const std::string text(api::document("example"));
    const auto base = api::parse_request(text);
    REQUIRE(base.ok());
    const std::vector<twin_case> cases = {
        {"spot 0", [](request& r) { r.market.underlyings.at("BTC").spot = Wad{}; }, [](json& j) { btc(j)["spot"] = "0"; }},
        {"spot above 1e15", [](request& r) { r.market.underlyings.at("BTC").spot = W("1000000000000001"); },
         [](json& j) { btc(j)["spot"] = "1000000000000001"; }},
        {"discount factor 3", [](request& r) { r.market.underlyings.at("BTC").expiries[0].given_discount_factor = W("3"); },
         [](json& j) { btc(j)["expiries"][0]["discount_factor"] = "3"; }},
        {"expiry in the past", [](request& r) { r.market.underlyings.at("BTC").expiries[0].expiry = 1; },
         [](json& j) { btc(j)["expiries"][0]["expiry"] = "1"; }},
        {"negative cash bound", [](request& r) { r.acct.cash = W("-1000000000000000001"); },
         [](json& j) { j["account"]["cash"] = "-1000000000000000001"; }},
        {"unknown underlying", [](request& r) { r.acct.positions[0].underlying = "DOGE"; },
         [](json& j) { j["account"]["positions"][0]["underlying"] = "DOGE"; }},
        {"bad symbol", [](request& r) { r.acct.positions[0].underlying = "B@D"; },
         [](json& j) { j["account"]["positions"][0]["underlying"] = "B@D"; }},
        {"isolated margin in cross mode", [](request& r) { r.acct.positions[0].isolated_margin = W("1"); },
         [](json& j) { j["account"]["positions"][0]["isolated_margin"] = "1"; }},
        {"id too long", [](request& r) { r.acct.positions[0].id = std::string(65, 'x'); },
         [](json& j) { j["account"]["positions"][0]["id"] = std::string(65, 'x'); }},
    };
    for (const twin_case& c : cases) {
        INFO(c.what);
        // The model as given (the derived fields of the parsed base are recomputed).
        request m = base.value;
        c.model_edit(m);
        const auto from_model = validate(m);
        json j = json::parse(text);
        c.json_edit(j);
        const auto from_json = api::parse_request(j.dump());
        REQUIRE(!from_model.ok());
        REQUIRE(!from_json.ok());
        CHECK(from_model.err->code == from_json.err->code);
        CHECK(from_model.err->path == from_json.err->path);
        CHECK(from_model.err->message == from_json.err->message);
    }
}

TEST_CASE("validate: idempotent, and the derived fields are what the JSON form derives", "[validate]") {
    for (const char* name : {"example"}) {
        json j = json::parse(api::document(name));
        for (const char* params : {"standard", "pmrm2", "span16"}) {
            j["params"] = params;
            const auto parsed = api::parse_request(j.dump());
            REQUIRE(parsed.ok());
            const auto again = validate(parsed.value);
            REQUIRE(again.ok());
            CHECK(api::canonical_request(again.value) == api::canonical_request(parsed.value));
        }
    }
    // An expiry given only a rate: validate() derives its forward and discount factor, as the
    // JSON door does.
    json j = json::parse(api::document("example"));
    btc(j)["expiries"][0].erase("forward");
    btc(j)["expiries"][0].erase("discount_factor");
    btc(j)["expiries"][0]["rate"] = "0.05";
    const auto parsed = api::parse_request(j.dump());
    REQUIRE(parsed.ok());
    request m = parsed.value;
    for (auto& e : m.market.underlyings.at("BTC").expiries) e.forward = e.discount_factor = Wad{};  // derived: recomputed
    const auto built = validate(m);
    REQUIRE(built.ok());
    CHECK(api::canonical_request(built.value) == api::canonical_request(parsed.value));
}

TEST_CASE("validate: a discount factor derived from a rate obeys the bound a given one does", "[validate]") {
    // Found by fuzz_request: a rate of -3.04% over 56 years derived a discount factor of 5.5, which the
    // canonical request then stated and which no longer parsed (a given one is at most 2).
    json j = json::parse(api::document("example"));
    const long long ts = std::stoll(j["market"]["timestamp"].get<std::string>());
    auto& expiries = btc(j)["expiries"];
    const std::string path = "/market/underlyings/BTC/expiries/" + std::to_string(expiries.size()) + "/rate";
    expiries.push_back({{"expiry", std::to_string(ts + 1769198400LL)}, {"rate", "-0.0304"}});  // ~56 years out
    const auto far = api::parse_request(j.dump());
    REQUIRE(!far.ok());
    CHECK(far.err->code == error_code::OUT_OF_RANGE);
    CHECK(far.err->path == path);
    // within the bound (one year out) the canonical request parses again, to the same request
    expiries.back()["expiry"] = std::to_string(ts + 31536017LL);
    const auto near = api::parse_request(j.dump());
    REQUIRE(near.ok());
    const auto again = api::parse_request(api::canonical_request(near.value));
    REQUIRE(again.ok());
    CHECK(api::canonical_request(again.value) == api::canonical_request(near.value));
}
