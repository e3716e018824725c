// Standard margin: each formula on hand-computed cases (the arithmetic is in
// the comments), the published Deribit figures, and the account assembly; then
// the scenario presets and a hand-checked span16 case.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>

#include "api/documents.hpp"
#include "api/pipeline.hpp"
#include "api/request.hpp"
#include "api/response.hpp"
#include "core/scenario.hpp"
#include "fixtures.hpp"

using namespace margin;
using namespace margin::api;
using nlohmann::json;

using margin::error_code;

namespace {

fp::Wad W(const std::string& s) {
    const auto r = fp::parse(s);
    REQUIRE(r.ok());
    return r.value;
}
std::string F(const fp::Wad& w) { return fp::format(w); }

// A market: BTC spot 100,000 with a 7-day expiry (forward 100,000, DF 1) and an
// ETH expiry; USDC priced 0.9998 +- 0.0002. Default parameters.
json base_request() {
    return json::parse(R"({
      "api_version": "1",
      "market": {
        "timestamp": "1767225600",
        "underlyings": {
          "BTC": { "spot": "100000", "perp_mark": "100000",
                   "expiries": [ { "expiry": "1767830400", "forward": "100000", "discount_factor": "1" } ] },
          "ETH": { "spot": "3500", "perp_mark": "3500",
                   "expiries": [ { "expiry": "1769760000", "forward": "3512", "discount_factor": "0.9965" } ] }
        },
        "collateral": { "USDC": { "price": "0.9998", "confidence": "0.0002" } }
      },
      "account": { "cash": "0", "positions": [] }
    })");
}

json btc_option(const char* kind, const char* strike, const char* size) {
    return {{"type", "option"}, {"underlying", "BTC"}, {"expiry", "1767830400"}, {"option_type", kind},
            {"strike", strike}, {"size", size},        {"mark_vol", "0.5"}};
}

account_result run(const json& req) {
    const auto parsed = parse_request(req.dump());
    INFO((parsed.ok() ? std::string() : std::string(margin::name(parsed.err->code)) + " " + parsed.err->path + " " + parsed.err->message));
    REQUIRE(parsed.ok());
    const auto r = compute_standard(parsed.value);
    REQUIRE(r.ok());
    return r.value;
}

}  // namespace

TEST_CASE("Deribit linear BTC perp: 25 BTC at 100,000 (published figures)", "[margin]") {
    // Deribit: IM = 2% + size x 0.005%, MM = 1% + size x 0.005% of notional.
    // 25 BTC: IM rate 2% + 25 x 0.005% = 2.125%; MM rate 1.125%.
    // notional 25 x 100,000 = 2,500,000: IM 53,125, MM 28,125.
    json req = base_request();
    req["account"]["positions"].push_back({{"type", "perp"}, {"underlying", "BTC"}, {"size", "25"}});
    const account_result r = run(req);
    REQUIRE(r.positions.size() == 1);
    CHECK(F(r.positions[0].initial_margin) == "53125");
    CHECK(F(r.positions[0].maintenance_margin) == "28125");
    CHECK(F(r.positions[0].notional) == "2500000");
    CHECK(F(r.positions[0].value) == "0");  // entry defaults to the mark
    // a short of the same size needs the same margin
    req["account"]["positions"][0]["size"] = "-25";
    CHECK(F(run(req).positions[0].initial_margin) == "53125");
}

TEST_CASE("short option exchange formula: max(a - OTM/U, b) U + mark", "[margin]") {
    json req = base_request();
    // U = forward = 100,000; a = 0.15, b = 0.1 (IM); MM a = b = 0.075.
    // put K = 90,000, 2 short: OTM = 10,000; max(0.15 - 0.1, 0.1) = 0.1 -> 10,000 per contract
    //   IM = 2 x 10,000 + premium = 20,000 + |value|; MM = 2 x 7,500 + |value| = 15,000 + |value|
    req["account"]["positions"].push_back(btc_option("put", "90000", "-2"));
    // call K = 104,000, 1 short: OTM = 4,000; max(0.15 - 0.04, 0.1) = 0.11 -> IM 11,000 + |value|
    req["account"]["positions"].push_back(btc_option("call", "104000", "-1"));
    // call K = 95,000, 3 short: in the money, OTM = 0 -> 0.15 x 100,000 = 15,000 each: IM 45,000 + |value|
    req["account"]["positions"].push_back(btc_option("call", "95000", "-3"));
    const account_result r = run(req);
    const std::string risk_im[] = {"20000", "11000", "45000"};
    const std::string risk_mm[] = {"15000", "7500", "22500"};
    for (int i = 0; i < 3; ++i) {
        const position_result& p = r.positions[static_cast<std::size_t>(i)];
        INFO("position " << i);
        CHECK(p.value < fp::Wad{});
        CHECK(F(fp::add(p.initial_margin, p.value).value) == risk_im[i]);
        CHECK(F(fp::add(p.maintenance_margin, p.value).value) == risk_mm[i]);
    }
}

TEST_CASE("long options need their premium; perps and futures a share of notional", "[margin]") {
    json req = base_request();
    req["account"]["positions"].push_back(btc_option("call", "110000", "1.5"));
    // ETH future: 3 short at forward 3,512, entry 3,450: value = -3 x (3,512 - 3,450) = -186;
    // notional 10,536; IM 2% = 210.72; MM 1% = 105.36 (ETH uses the "*" defaults, no size add-on).
    req["account"]["positions"].push_back(
        {{"type", "future"}, {"underlying", "ETH"}, {"expiry", "1769760000"}, {"size", "-3"}, {"entry_price", "3450"}});
    // ETH perp: 2 long at mark 3,500, entry 3,400, funding owed 12.5: value 2 x 100 - 12.5 = 187.5;
    // IM 2% of 7,000 = 140; MM 70.
    req["account"]["positions"].push_back(
        {{"type", "perp"}, {"underlying", "ETH"}, {"size", "2"}, {"entry_price", "3400"}, {"funding", "-12.5"}});
    const account_result r = run(req);
    CHECK(r.positions[0].initial_margin == r.positions[0].value);
    CHECK(r.positions[0].maintenance_margin == r.positions[0].value);
    CHECK(r.positions[0].value > fp::Wad{});
    CHECK(F(r.positions[1].value) == "-186");
    CHECK(F(r.positions[1].initial_margin) == "210.72");
    CHECK(F(r.positions[1].maintenance_margin) == "105.36");
    CHECK(F(r.positions[1].position_greeks.delta) == "-3");
    CHECK(F(r.positions[2].value) == "187.5");
    CHECK(F(r.positions[2].initial_margin) == "140");
    CHECK(F(r.positions[2].maintenance_margin) == "70");
}

TEST_CASE("collateral: valued at price - confidence after the MM haircut; IM adds the rest", "[margin]") {
    json req = base_request();
    req["account"]["collateral"] = {{"USDC", "50000"}};
    // low price 0.9996; gross 49,980; USDC haircuts IM 2%, MM 1%:
    // value 49,980 x 0.99 = 49,480.2; IM charge 49,980 x 0.01 = 499.8
    const account_result r = run(req);
    REQUIRE(r.collateral.size() == 1);
    CHECK(F(r.collateral[0].value) == "49480.2");
    CHECK(F(r.collateral[0].im_charge) == "499.8");
    CHECK(F(r.equity) == "49990");  // at price 0.9998, no haircut: the chain's equity
    CHECK(F(r.margin_balance) == "49480.2");
    REQUIRE(r.balance_adjustments.size() == 3);
    CHECK(F(r.balance_adjustments[1].amount) == "10");     // confidence: 50,000 x 0.0002
    CHECK(F(r.balance_adjustments[2].amount) == "499.8");  // MM haircut: 49,980 x 0.01
    CHECK(F(r.initial_margin) == "499.8");
    CHECK(F(r.maintenance_margin) == "0");
    CHECK(F(r.free_collateral) == "48980.4");
    CHECK(!r.margin_ratio.has_value() == false);
    CHECK(F(*r.margin_ratio) == "0");
}

TEST_CASE("account assembly: equity, IM, MM, free collateral, health, ratio, liquidation", "[margin]") {
    json req = base_request();
    req["account"]["cash"] = "30000";
    req["account"]["positions"].push_back({{"type", "perp"}, {"underlying", "BTC"}, {"size", "25"}, {"entry_price", "100100"}});
    // value 25 x (100,000 - 100,100) = -2,500; equity 27,500; IM 53,125; MM 28,125
    account_result r = run(req);
    CHECK(F(r.equity) == "27500");
    CHECK(F(r.initial_margin) == "53125");
    CHECK(F(r.maintenance_margin) == "28125");
    CHECK(F(r.free_collateral) == "-25625");
    CHECK(F(r.health) == "-625");
    CHECK(r.liquidatable);
    // MM / equity = 28,125 / 27,500 = 1.022727... ceil to the wei
    CHECK(F(*r.margin_ratio) == "1.022727272727272728");
    req["account"]["cash"] = "30625";  // health exactly 0: not liquidatable
    r = run(req);
    CHECK(F(r.health) == "0");
    CHECK(!r.liquidatable);
    req["account"]["cash"] = "-10000";  // equity <= 0: no ratio
    r = run(req);
    CHECK(!r.margin_ratio.has_value());
    CHECK(r.liquidatable);
}

TEST_CASE("totals are the sums of the breakdown and independent of position order", "[margin]") {
    json req = base_request();
    req["account"]["cash"] = "12345.678";
    req["account"]["collateral"] = {{"USDC", "1000.5"}};
    req["account"]["positions"] = json::array({btc_option("put", "90000", "-2"), btc_option("call", "110000", "1"),
                                               json{{"type", "perp"}, {"underlying", "ETH"}, {"size", "-4.25"}}});
    const account_result a = run(req);
    fp::Wad eq = W("12345.678"), im, mm;
    for (const auto& c : a.collateral) {
        eq = fp::add(eq, c.value).value;
        im = fp::add(im, c.im_charge).value;
    }
    for (const auto& p : a.positions) {
        eq = fp::add(eq, p.value).value;
        im = fp::add(im, p.initial_margin).value;
        mm = fp::add(mm, p.maintenance_margin).value;
    }
    CHECK(a.margin_balance == eq);
    CHECK(a.initial_margin == im);
    CHECK(a.maintenance_margin == mm);
    std::swap(req["account"]["positions"][0], req["account"]["positions"][2]);
    const account_result b = run(req);
    CHECK(b.equity == a.equity);
    CHECK(b.initial_margin == a.initial_margin);
    CHECK(b.maintenance_margin == a.maintenance_margin);
    CHECK(b.greeks_by_underlying.at("BTC").delta == a.greeks_by_underlying.at("BTC").delta);
}

TEST_CASE("requirements round up and values down, by at most a wei", "[margin]") {
    json req = base_request();
    // perp of 1e-18 BTC at 100,000: notional 1e-13, IM 2% = 2e-15 exactly; at mark 100,000.000000000000000001
    // the exact IM is 2.00000000000000000000002e-15: rounded up by a fraction of a wei.
    req["market"]["underlyings"]["BTC"]["perp_mark"] = "100000.000000000000000001";
    req["account"]["positions"].push_back(
        {{"type", "perp"}, {"underlying", "BTC"}, {"size", "0.000000000000000001"}, {"entry_price", "100000.000000000000000002"}});
    const account_result r = run(req);
    CHECK(F(r.positions[0].initial_margin) == "0.000000000000002001");
    CHECK(F(r.positions[0].maintenance_margin) == "0.000000000000001001");
    // value 1e-18 x (-1e-18) = -1e-36: floored to -1 wei, never to 0
    CHECK(F(r.positions[0].value) == "-0.000000000000000001");
}

TEST_CASE("isolated mode: each position against its own margin", "[margin]") {
    json req = base_request();
    req["account"]["margin_mode"] = "isolated";
    req["account"]["cash"] = "100000";
    // A: 25 BTC perp entered at 100,400 (value -10,000) with 35,000 assigned: equity 25,000 < MM 28,125.
    req["account"]["positions"].push_back(
        {{"type", "perp"}, {"underlying", "BTC"}, {"size", "25"}, {"entry_price", "100400"}, {"isolated_margin", "35000"}});
    // B: ETH future with 1,000 assigned: value -186, MM 105.36: health 708.64.
    req["account"]["positions"].push_back({{"type", "future"},
                                           {"underlying", "ETH"},
                                           {"expiry", "1769760000"},
                                           {"size", "-3"},
                                           {"entry_price", "3450"},
                                           {"isolated_margin", "1000"}});
    const account_result r = run(req);
    CHECK(F(*r.positions[0].isolated_balance) == "25000");
    CHECK(r.positions[0].liquidatable);
    CHECK(F(*r.positions[1].isolated_balance) == "814");
    CHECK(!r.positions[1].liquidatable);
    // pool = 100,000 - 36,000 = 64,000; health = min(pool, -3,125, 708.64)
    CHECK(F(r.free_collateral) == "64000");
    CHECK(F(r.health) == "-3125");
    CHECK(r.liquidatable);
    CHECK(F(r.equity) == "89814");  // 100,000 - 10,000 - 186
}

TEST_CASE("forward and discount factor from a rate", "[margin]") {
    json req = base_request();
    // one year at 5%: F = floor(100,000 e^0.05) with e^0.05 = 1.051271096376024039697 (nearest wei:
    // 1.05127109637602404) -> 105,127.109637602404; DF = e^-0.05 = 0.95122942450071400909 (mpmath) -> 0.951229424500714009 (nearest)
    req["market"]["underlyings"]["BTC"]["expiries"] = json::array({{{"expiry", std::to_string(1767225600 + 31536000)}, {"rate", "0.05"}}});
    req["account"]["positions"].push_back(
        {{"type", "future"}, {"underlying", "BTC"}, {"expiry", std::to_string(1767225600 + 31536000)}, {"size", "1"}});
    const auto parsed = parse_request(req.dump());
    REQUIRE(parsed.ok());
    const expiry_market& e = parsed.value.market.underlyings.at("BTC").expiries.at(0);
    CHECK(F(e.forward) == "105127.109637602404");
    CHECK(F(e.discount_factor) == "0.951229424500714009");
}

// --- scenario presets ---

TEST_CASE("scenario presets parse: pmrm2 (31 scenarios), span16 (16, extremes at 35%)", "[scenario]") {
    const auto pm = margin::api::parse_scenario_params(margin::api::document("scenarios/pmrm2"));
    REQUIRE(pm.ok());
    CHECK(pm.value.scenarios.size() == 31);
    const auto sp = margin::api::parse_scenario_params(margin::api::document("scenarios/span16"));
    REQUIRE(sp.ok());
    REQUIRE(sp.value.scenarios.size() == 16);
    CHECK(F(sp.value.scenarios[14].weight) == "0.35");
    CHECK(F(sp.value.scenarios[14].spot_shock) == "1.3");
    CHECK(margin::api::document("scenarios/nope").empty());
    // a bad document: the error names the field
    const auto bad =
        margin::api::parse_scenario_params(R"({"version":"scenario/1","scenarios":[{"spot_shock":"1.1","vol":"sideways","weight":"1"}]})");
    REQUIRE(!bad.ok());
    CHECK(bad.err->code == error_code::BAD_ENUM);
    CHECK(bad.err->path == "/scenarios/0/vol");
}

TEST_CASE("span16 on a long perp: worst of the grid and the covered extremes, by hand", "[scenario]") {
    namespace sc = margin::scenario;
    const auto prm = margin::api::parse_scenario_params(margin::api::document("scenarios/span16"));
    REQUIRE(prm.ok());
    sc::portfolio p = fixtures::book(W("100"), W("100"));
    p.perp_position = W("2");
    const auto r = sc::evaluate(p, prm.value);
    REQUIRE(r.ok());
    // 2 long at 100: -15% costs 30; the -30% extreme costs 60 x 0.35 = 21: the grid's -15% is worst
    CHECK(F(r.value.worst_loss) == "-30");
    CHECK(r.value.worst_scenario == 12);  // 0.85, vol up: the first of the two equal losses
    CHECK(F(r.value.scenario_pnl[15]) == "-21");
    CHECK(F(r.value.maintenance_margin) == "-30");  // no cash, no contingencies
    // the single-scenario evaluation gives the same bits
    const auto one = sc::evaluate_scenario(p, prm.value, 15);
    REQUIRE(one.ok());
    CHECK(one.value.pnl == r.value.scenario_pnl[15]);
    CHECK(sc::evaluate_scenario(p, prm.value, 17).err->code == error_code::OUT_OF_RANGE);
}
