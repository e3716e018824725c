// The value cache (core/scenario.hpp) shares contract values across the accounts of one market
// snapshot: with it, every account's response must be the bytes it is without it, errors
// included. Accounts are drawn from a few strikes so that most legs hit the cache, over both
// models, mark vols and SVI, and a surface whose variance is negative near the money (an SVI
// error that must be reported again, at the right position, on every hit).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>

#include "api/documents.hpp"
#include "api/request.hpp"
#include "api/response.hpp"
#include "core/margin.hpp"
#include "core/scenario.hpp"
#include "fixtures.hpp"

using nlohmann::json;

namespace {

std::string answer(const margin::request& req, margin::scenario::value_cache* cache) {
    const auto r = margin::compute(req, cache);
    return r.ok() ? margin::api::encode_result(req, r.value, false) : margin::api::encode_error(*r.err, false);
}

}  // namespace

TEST_CASE("value cache: every account's response is the same bytes with and without it", "[cache]") {
    const json base = json::parse(margin::api::document("example"));
    std::uint64_t state = 20261207;
    auto pick = [&state](std::uint64_t n) {  // xorshift64: the test's own draws
        state ^= state << 13, state ^= state >> 7, state ^= state << 17;
        return state % n;
    };
    const char* btc_strikes[] = {"80000", "90000", "95000", "100000", "105000", "110000", "120000"};
    const char* eth_strikes[] = {"3000", "3400", "3500", "3600", "4000"};
    const char* sizes[] = {"-4", "-1.5", "0.25", "1", "3.75"};
    int compared = 0, errors = 0, hits_possible = 0;
    for (int snapshot = 0; snapshot < 4; ++snapshot) {
        json market = base["market"];
        // snapshots 2 and 3: the first BTC expiry's surface dips below zero variance near the money
        if (snapshot >= 2) market["underlyings"]["BTC"]["expiries"][0]["svi"]["a"] = "-0.0012";
        margin::scenario::value_cache cache;
        for (int k = 0; k < 60; ++k) {
            json req = base;
            req["market"] = market;
            if (snapshot % 2) req["params"] = "pmrm2";
            json legs = json::array();
            const int n = 1 + static_cast<int>(pick(6));
            for (int i = 0; i < n; ++i) {
                json p = {{"type", "option"}, {"size", sizes[pick(5)]}, {"option_type", pick(2) ? "call" : "put"}};
                if (pick(3) == 0) {
                    p["underlying"] = "ETH";
                    p["expiry"] = market["underlyings"]["ETH"]["expiries"][0]["expiry"];
                    p["strike"] = eth_strikes[pick(5)];
                } else {
                    p["underlying"] = "BTC";
                    p["expiry"] = market["underlyings"]["BTC"]["expiries"][pick(2)]["expiry"];
                    p["strike"] = btc_strikes[pick(7)];
                }
                if (pick(4) == 0) p["mark_vol"] = pick(2) ? "0.58" : "0.7";
                bool dup = false;  // an account holds each instrument once
                for (const json& q : legs)
                    dup = dup || (q["underlying"] == p["underlying"] && q["expiry"] == p["expiry"] && q["strike"] == p["strike"] &&
                                  q["option_type"] == p["option_type"]);
                if (!dup) legs.push_back(p);
            }
            if (pick(2)) legs.push_back({{"type", "perp"}, {"underlying", "BTC"}, {"size", sizes[pick(5)]}});
            req["account"]["positions"] = legs;
            const auto parsed = margin::api::parse_request(req.dump());
            REQUIRE(parsed.ok());
            hits_possible += static_cast<int>(legs.size());
            const std::string cached = answer(parsed.value, &cache), plain = answer(parsed.value, nullptr);
            INFO("snapshot " << snapshot << ", account " << k << ": " << req["account"].dump());
            CHECK(cached == plain);
            errors += plain.rfind("{\"error\"", 0) == 0 ? 1 : 0;
            ++compared;
        }
        if (snapshot % 2) CHECK(cache.size() > 0);  // the scenario grid's contracts (pmrm2)
    }
    CHECK(compared == 240);
    CHECK(errors >= 10);  // the negative-variance surface is reached, and its error is cached too
    CHECK(hits_possible > 600);
}
