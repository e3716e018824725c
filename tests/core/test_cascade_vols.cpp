// House mode's series vols (docs/cascade.md §Request, a path entry's `vols`): what the chain's
// pushMarket carries beside the market. Applied to every option position of the book on the
// series (liquidatable accounts and liquidators alike), before the push's evaluation; checked
// against the book. The expected figures come from the engine's compute() on a request built by
// hand with the new mark_vol, not from the cascade.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "api/cascade.hpp"
#include "api/pipeline.hpp"
#include "api/request.hpp"
#include "cascade/internal.hpp"
#include "core/margin.hpp"
#include "fixtures.hpp"

using namespace margin;
using fixtures::W;
using nlohmann::json;

namespace {

const char* const T = "1769817600";  // the put's expiry: 30 days after S0
json market_at(const char* ts) {
    return {{"timestamp", ts},
            {"underlyings",
             {{"BTC", {{"spot", "100"}, {"perp_mark", "100"}, {"expiries", {{{"expiry", T}, {"forward", "100"}, {"rate", "0"}}}}}}}}};
}
json put(const char* strike, const char* size, const char* vol) {
    return {{"type", "option"}, {"underlying", "BTC"}, {"expiry", T},    {"option_type", "put"},
            {"strike", strike}, {"size", size},        {"mark_vol", vol}};
}
json book_entry(const char* cash, json positions) {
    return {{"account", {{"margin_mode", "cross"}, {"cash", cash}, {"positions", positions}}}};
}

/// The book: 0 short a 90 put (cash 12: healthy at vol 0.5, liquidatable at 0.9 by pmrm2's grid),
/// 1 the liquidator, long the same put, 2 a 95 put (a series the push does not name). One push,
/// an hour later, spot unchanged; `vols` its entry's vols (null: a market alone).
std::string request_text(const json& vols) {
    json push = market_at("1767229200");
    if (!vols.is_null()) push = {{"market", push}, {"vols", vols}};
    json c = {{"mode", "house"},
              {"market", market_at("1767225600")},
              {"params", "pmrm2"},
              {"accounts",
               {book_entry("12", json::array({put("90", "-1", "0.5")})), book_entry("100000", json::array({put("90", "1", "0.5")})),
                book_entry("1000", json::array({put("95", "-1", "0.5")}))}},
              {"liquidators", {"1"}},
              {"rule", {{"buffer", "0.1"}, {"reward", "0.05"}}},
              {"shock", {{"path", {push}}}},
              {"steps", "3"}};
    return json{{"api_version", "1"}, {"cascade", c}}.dump();
}
json series_vol(const char* strike, const char* vol) {
    return {{"expiry", T}, {"strike", strike}, {"option_type", "put"}, {"mark_vol", vol}};
}

}  // namespace

TEST_CASE("cascade: a push's series vols value every position on the series", "[cascade]") {
    SECTION("a push raising the vol makes the short put liquidatable, at the figures of its own margin at that vol") {
        auto in = api::parse_cascade_request(request_text(json::array({series_vol("90", "0.9")})));
        REQUIRE(in.ok());
        REQUIRE(in.value.path_vols.size() == 1);
        auto r = cascade::run(in.value, 1);
        REQUIRE(r.ok());
        REQUIRE_FALSE(r.value.steps.empty());
        const auto& l = r.value.steps[0].liquidations.at(0);
        CHECK(l.account == 0);
        CHECK(l.liquidator == std::optional<std::size_t>(1));
        // account 0 by hand: cash 12, the put at vol 0.9 on the push's market
        json j = {{"api_version", "1"},
                  {"params", "pmrm2"},
                  {"market", market_at("1767229200")},
                  {"account", book_entry("12", json::array({put("90", "-1", "0.9")}))["account"]}};
        auto q = api::parse_request(j.dump());
        REQUIRE(q.ok());
        auto a = compute(q.value);
        REQUIRE(a.ok());
        CHECK(a.value.liquidatable);
        CHECK(l.equity == a.value.equity);
        CHECK(l.maintenance == a.value.maintenance_margin);
    }
    SECTION("a path without vols, or with each series' own vol, gives the same bytes; nothing is liquidatable at 0.5") {
        const auto none = api::cascade_json(request_text(nullptr), false, 1);
        const auto same = api::cascade_json(request_text(json::array({series_vol("90", "0.5")})), false, 1);
        REQUIRE(none.ok());
        CHECK(same.text == none.text);
        auto in = api::parse_cascade_request(request_text(json::array()));  // an empty list: no vols at all
        REQUIRE(in.ok());
        CHECK(in.value.path_vols.empty());
        auto r = cascade::run(in.value, 1);
        REQUIRE(r.ok());
        CHECK(r.value.total.liquidations == 0);
    }
    SECTION("apply_vols: every account's position on the series, with or without its own vol; other series keep theirs") {
        auto in = api::parse_cascade_request(request_text(nullptr));
        REQUIRE(in.ok());
        cascade::detail::state s;
        s.reqs = in.value.accounts;
        s.reqs[1].acct.positions[0].mark_vol.reset();  // valued off the surface before: the push's vol replaces it
        cascade::series_vol v;
        v.expiry = 1769817600;
        v.strike = W("90");
        v.kind = option_kind::put;
        v.vol = W("0.75");
        cascade::detail::apply_vols(s, {v});
        CHECK(s.reqs[0].acct.positions[0].mark_vol == W("0.75"));
        CHECK(s.reqs[1].acct.positions[0].mark_vol == W("0.75"));  // the liquidator too
        CHECK(s.reqs[2].acct.positions[0].mark_vol == W("0.5"));   // strike 95
        v.kind = option_kind::call;                                // the 90 call: no one holds it
        cascade::detail::apply_vols(s, {v});
        CHECK(s.reqs[0].acct.positions[0].mark_vol == W("0.75"));
    }
    SECTION("errors: bounds, a series not held, twice, one list per push, market mode") {
        auto err = [](const json& vols) {
            auto in = api::parse_cascade_request(request_text(vols));
            REQUIRE(in.ok());
            auto r = cascade::run(in.value, 1);
            REQUIRE_FALSE(r.ok());
            return *r.err;
        };
        auto e = err(json::array({series_vol("90", "0.00009")}));
        CHECK(e.code == error_code::OUT_OF_RANGE);
        CHECK(e.path == "/path/0/vols/0/mark_vol");
        CHECK(err(json::array({series_vol("90", "10.000000000000000001")})).path == "/path/0/vols/0/mark_vol");
        CHECK(err(json::array({series_vol("85", "0.6")})).path == "/path/0/vols/0");
        CHECK(err(json::array({series_vol("95", "0.6"), series_vol("90", "0.6"), series_vol("95", "0.7")})).path == "/path/0/vols/2");
        auto in = api::parse_cascade_request(request_text(json::array({series_vol("90", "10"), series_vol("95", "0.0001")})));
        REQUIRE(in.ok());
        CHECK(cascade::run(in.value, 1).ok());  // the bounds themselves are admitted
        in.value.path_vols.emplace_back();
        auto r = cascade::run(in.value, 1);
        REQUIRE_FALSE(r.ok());
        CHECK(r.err->path == "/path_vols");
        in.value.path_vols.pop_back();
        in.value.mode = cascade::mode::market;
        in.value.liquidators.clear();
        r = cascade::run(in.value, 1);
        REQUIRE_FALSE(r.ok());
        CHECK(r.err->code == error_code::MODE_NOT_SUPPORTED);
        CHECK(r.err->path == "/path/0/vols");
    }
}
