// The bridge between the engine and the chain: PortfolioMargin's Book and Params through
// the ABI codec and back, the input hash, requests the chain's book cannot hold, and
// request_of / request_builder as book_of's inverse. The same against the EVM (the
// contract's own book() and input hash): contracts-interface/harness/portfolio.js.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>

#include "abi/abi.hpp"
#include "api/documents.hpp"
#include "api/request.hpp"
#include "api/response.hpp"
#include "bridge/book.hpp"
#include "bridge/request.hpp"
#include "bridge/settlement.hpp"
#include "core/margin.hpp"
#include "core/param_bounds.hpp"

using margin::error_code;

TEST_CASE("bridge: Book and Params round trip; requests the chain cannot hold", "[bridge]") {
    auto req = margin::api::parse_request(R"({"api_version":"1","params":"pmrm2",
      "market":{"timestamp":"1767225600","underlyings":{"BTC":{"spot":"100000","perp_mark":"100010","perp_confidence":"5",
        "expiries":[{"expiry":"1769817600","forward":"100500","rate":"0.05","discount_factor":"0.996"}]}},
        "collateral":{"USDC":{"price":"0.999"}}},
      "account":{"cash":"-2500.5","collateral":{"USDC":"100"},"positions":[
        {"type":"option","underlying":"BTC","expiry":"1769817600","strike":"110000","option_type":"call","size":"-2","mark_vol":"0.6"},
        {"type":"perp","underlying":"BTC","size":"0.5","entry_price":"99000"}]}})");
    REQUIRE(req.ok());
    auto b = bridge::book_of(req.value);
    REQUIRE(b.ok());
    CHECK(b.value.cash.to_string() == "-2500500000000000000000");
    REQUIRE(b.value.expiries.size() == 1);
    CHECK(b.value.expiries[0].seconds_to_expiry.to_string() == "2592000");
    CHECK(b.value.expiries[0].legs[0].amount.to_string() == "-2000000000000000000");
    CHECK(b.value.perp_entry.to_string() == "99000000000000000000000");
    REQUIRE(b.value.collaterals.size() == 1);
    CHECK(b.value.collaterals[0].im_haircut.to_string() == "10000000000000000");  // pmrm2 preset: USDC 1%

    auto enc = abi::encode(bridge::book_type(), bridge::to_value(b.value));
    REQUIRE(enc.ok());
    auto dec = abi::decode(bridge::book_type(), enc.value);
    REQUIRE(dec.ok());
    auto b2 = bridge::book_from_value(dec.value);
    REQUIRE(b2.ok());
    CHECK(b2.value == b.value);

    const auto& prm = req.value.portfolio.scenarios;
    auto penc = abi::encode(bridge::params_type(), bridge::to_value(prm));
    REQUIRE(penc.ok());
    auto p2 = bridge::params_from_value(abi::decode(bridge::params_type(), penc.value).value);
    REQUIRE(p2.ok());
    CHECK(abi::encode(bridge::params_type(), bridge::to_value(p2.value)).value == penc.value);
    CHECK(p2.value.scenarios.size() == prm.scenarios.size());
    CHECK(bridge::input_hash(b.value, prm, 3) != bridge::input_hash(b.value, prm, 4));

    // not representable: perp funding; an expiry without a rate (the engine would derive one from the DF)
    const std::string base =
        R"({"api_version":"1","params":"pmrm2","market":{"timestamp":"1767225600","underlyings":{"BTC":{"spot":"100000","perp_mark":"100000",
        "expiries":[{"expiry":"1769817600","forward":"100500","rate":"0.05"},{"expiry":"1772409600","forward":"101000","discount_factor":"0.99"}]}}},"account":{"cash":"0","positions":[)";
    const std::pair<std::string, std::string> cases[] = {
        {R"({"type":"perp","underlying":"BTC","size":"1"},{"type":"future","underlying":"BTC","expiry":"1772409600","size":"2"})",
         "/market/underlyings/BTC/expiries"},
        {R"({"type":"perp","underlying":"BTC","size":"1","funding":"3"})", "/account/positions/0/funding"},
    };
    for (const auto& [positions, path] : cases) {
        auto q = margin::api::parse_request(base + positions + "]}}");
        INFO(positions);
        REQUIRE(q.ok());
        auto x = bridge::book_of(q.value);
        REQUIRE_FALSE(x.ok());
        CHECK(x.err->code == error_code::NOT_REPRESENTABLE);
        CHECK(x.err->path == path);
    }
}

TEST_CASE("bridge: a collateral depth term is refused, not dropped", "[bridge]") {
    // the chain's collateral rules hold two haircuts; the per-account depth term is off-chain only
    nlohmann::json doc = nlohmann::json::parse(margin::api::document("pmrm2"));
    doc["collateral"]["ETH"]["depth"] = "250000000";
    const std::string text = R"({"api_version":"1","params":)" + doc.dump() +
                             R"(,"market":{"timestamp":"1767225600","underlyings":{"BTC":{"spot":"100000","perp_mark":"100000"}}},)"
                             R"("account":{"cash":"0","positions":[{"type":"perp","underlying":"BTC","size":"1"}]}})";
    auto q = margin::api::parse_request(text);
    REQUIRE(q.ok());
    auto x = bridge::book_of(q.value);
    REQUIRE_FALSE(x.ok());
    CHECK(x.err->code == error_code::NOT_REPRESENTABLE);
    CHECK(x.err->path == "/params/collateral/ETH/depth");
    CHECK(x.err->message.find("depth haircut not supported on chain") != std::string::npos);
    // without the term the same request has a book
    doc["collateral"]["ETH"].erase("depth");
    auto y = margin::api::parse_request(R"({"api_version":"1","params":)" + doc.dump() + text.substr(text.find(R"(,"market")")));
    REQUIRE(y.ok());
    CHECK(bridge::book_of(y.value).ok());
}

TEST_CASE("bridge: request_of is book_of's inverse", "[bridge]") {
    auto req = margin::api::parse_request(R"({"api_version":"1","params":"pmrm2",
      "market":{"timestamp":"1767225600","underlyings":{"BTC":{"spot":"100000","spot_confidence":"12","perp_mark":"100010","perp_confidence":"5",
        "expiries":[{"expiry":"1769817600","forward":"100500","rate":"0.05","discount_factor":"0.996"},
                    {"expiry":"1775001600","forward":"101500","forward_confidence":"3","rate":"0.04","discount_factor":"0.99"}]}},
        "collateral":{"BTC":{"price":"100000"},"USDC":{"price":"0.999","confidence":"0.001"}}},
      "account":{"cash":"-2500.5","collateral":{"BTC":"0.25","USDC":"100"},"positions":[
        {"type":"option","underlying":"BTC","expiry":"1775001600","strike":"90000","option_type":"put","size":"3","mark_vol":"0.7"},
        {"type":"option","underlying":"BTC","expiry":"1769817600","strike":"110000","option_type":"call","size":"-2","mark_vol":"0.6"},
        {"type":"future","underlying":"BTC","expiry":"1775001600","size":"-1.5","entry_price":"101000"},
        {"type":"perp","underlying":"BTC","size":"0.5","entry_price":"99000"}]}})");
    REQUIRE(req.ok());
    auto b = bridge::book_of(req.value);
    REQUIRE(b.ok());
    auto q = bridge::request_of(b.value, req.value.portfolio.scenarios, "BTC", 1767225600);
    INFO((q.ok() ? std::string() : std::string(margin::name(q.err->code)) + " " + q.err->path + " " + q.err->message));
    REQUIRE(q.ok());
    auto b2 = bridge::book_of(q.value);
    REQUIRE(b2.ok());
    CHECK(b2.value == b.value);
    // the same account: the same margin
    auto r1 = margin::compute_portfolio(req.value), r2 = margin::compute_portfolio(q.value);
    REQUIRE(r1.ok());
    REQUIRE(r2.ok());
    CHECK(r1.value.maintenance_margin == r2.value.maintenance_margin);
    CHECK(r1.value.initial_margin == r2.value.initial_margin);
    CHECK(r1.value.equity == r2.value.equity);

    // the builder (parameters validated once) gives the same request; a request that
    // carries "params" is refused by the parse that takes them from the caller
    auto rb = bridge::request_builder::make(req.value.portfolio.scenarios, "BTC");
    REQUIRE(rb.ok());
    auto q3 = rb.value.build(b.value, 1767225600);
    REQUIRE(q3.ok());
    CHECK(margin::api::canonical_request(q3.value) == margin::api::canonical_request(q.value));
    auto twice = margin::api::parse_request(margin::api::canonical_request(q.value), q.value.portfolio);
    REQUIRE_FALSE(twice.ok());
    CHECK(twice.err->code == error_code::UNKNOWN_FIELD);
    CHECK(twice.err->path == "/params");

    // an expired expiry has no request form
    bridge::book expired = b.value;
    expired.expiries[0].seconds_to_expiry = fp::I256{0};
    auto x = bridge::request_of(expired, req.value.portfolio.scenarios, "BTC", 1767225600);
    REQUIRE_FALSE(x.ok());
    CHECK(x.err->code == error_code::NOT_REPRESENTABLE);
    CHECK(x.err->path == "/expiries/0/secondsToExpiry");
    // a value the API refuses comes back as its validation error
    bridge::book negative = b.value;
    negative.spot = fp::I256{-1};
    auto y = bridge::request_of(negative, req.value.portfolio.scenarios, "BTC", 1767225600);
    REQUIRE_FALSE(y.ok());
    CHECK(y.err->path == "/market/underlyings/BTC/spot");
}

TEST_CASE("bridge: expiry settlement amounts, floor(amount x payoff), against the account", "[bridge][settlement]") {
    using fp::I256;
    auto I = [](const char* s) { return I256::parse(s).value; };
    auto cash = [&](const char* amount, const char* strike, bool call, const char* price) {
        auto r = bridge::settlement_cash(I(amount), I(strike), call, I(price));
        REQUIRE(r.ok());
        return r.value.to_string();
    };
    const char* K = "100000000000000000000000";  // 100,000
    // a call in the money: 1.5 x (101,000 - 100,000) = 1,500
    CHECK(cash("1500000000000000000", K, true, "101000000000000000000000") == "1500000000000000000000");
    // short: pays the same
    CHECK(cash("-1500000000000000000", K, true, "101000000000000000000000") == "-1500000000000000000000");
    // out of the money and at the strike: nothing, either side
    CHECK(cash("1500000000000000000", K, true, "99000000000000000000000") == "0");
    CHECK(cash("-1500000000000000000", K, false, "101000000000000000000000") == "0");
    CHECK(cash("-7", K, true, K) == "0");
    // a put: 2 x (100,000 - 90,000.5) = 19,999
    CHECK(cash("2000000000000000000", K, false, "90000500000000000000000") == "19999000000000000000000");
    // rounding: 1 wei x 1.5 = 1.5 wei: the long receives 1, the short pays 2
    CHECK(cash("1", "1000000000000000000", true, "2500000000000000000") == "1");
    CHECK(cash("-1", "1000000000000000000", true, "2500000000000000000") == "-2");
    // 1 wei of amount x a payoff of 1 wei: 1e-18 wei, down to 0 for the long and -1 for the short
    CHECK(cash("1", "1000000000000000000", true, "1000000000000000001") == "0");
    CHECK(cash("-1", "1000000000000000000", true, "1000000000000000001") == "-1");
    // the house's bounds (|amount| 1e12, prices 1e15) are far inside int256
    CHECK(cash("-1000000000000000000000000000000", "1", true, "1000000000000000000000000000000000") ==
          "-999999999999999999999999999999999000000000000");
    // outside int256: ARITHMETIC_OVERFLOW, as the contract's FixedPointOverflow
    const I256 big = I256::parse("57896044618658097711785492504343953926634992332820282019728792003956564819967").value;  // 2^255 - 1
    auto over = bridge::settlement_cash(big, I("1"), true, big);
    REQUIRE_FALSE(over.ok());
    CHECK(over.err->code == error_code::ARITHMETIC_OVERFLOW);
    auto under = bridge::settlement_cash(I("2"), big, false, I("-5"));  // the payoff itself overflows
    REQUIRE_FALSE(under.ok());
    CHECK(under.err->code == error_code::ARITHMETIC_OVERFLOW);
}

// The one table of parameter bounds (core/tools/gen_bounds.py): every bound of the chain's
// Params, through the ABI value the contract holds, is accepted at the bound and refused one wei
// beyond it by the engine (request_builder::make: validate()). harness/guards.js holds
// MarginAccounts.setParams to the same rows on anvil.
TEST_CASE("bridge: the parameter bounds table, at every bound and one wei beyond", "[bridge][bounds]") {
    namespace pb = margin::param_bounds;
    auto req = margin::api::parse_request(R"({"api_version":"1","params":"pmrm2","market":{"timestamp":"1767225600",
      "underlyings":{"BTC":{"spot":"100000"}}},"account":{"cash":"0","positions":[]}})");
    REQUIRE(req.ok());
    const abi::value base = bridge::to_value(req.value.portfolio.scenarios);
    REQUIRE(bridge::request_builder::make(req.value.portfolio.scenarios, "BTC").ok());
    // the first scenario that moves spot (a skew scenario must keep spot shock 1)
    const auto& scen = req.value.portfolio.scenarios.scenarios;
    std::size_t plain = 0;
    while (scen[plain].vol == margin::scenario::vol_move::linear_skew || scen[plain].vol == margin::scenario::vol_move::abs_skew) ++plain;
    auto bound = [](const pb::row& r, bool hi) {
        if (r.k == pb::kind::seconds) return abi::integer(hi ? r.hi : r.lo);
        return abi::integer(fp::parse(hi ? r.hi : r.lo).value.raw().to_string());
    };
    auto run = [&](abi::value v) -> std::optional<margin::error> {
        auto p = bridge::params_from_value(v);
        if (!p.ok()) return *p.err;
        auto rb = bridge::request_builder::make(p.value, "BTC");
        if (!rb.ok()) return *rb.err;
        return std::nullopt;
    };
    auto code_below = [](const pb::row& r) {
        switch (r.k) {
            case pb::kind::nonneg: return error_code::NEGATIVE;
            case pb::kind::positive: return error_code::NOT_POSITIVE;
            case pb::kind::seconds: return error_code::BAD_INTEGER;
            default: return error_code::OUT_OF_RANGE;
        }
    };
    auto code_above = [](const pb::row& r) { return r.k == pb::kind::seconds ? error_code::BAD_INTEGER : error_code::OUT_OF_RANGE; };
    int checked = 0;
    for (std::size_t i = 0; i < std::size(pb::params); ++i) {
        const pb::row& r = pb::params[i];
        const std::string path = std::string("/params/scenarios/") + r.group + "/" + r.key;
        for (bool hi : {false, true}) {
            abi::value v = base;
            auto& fields = std::get<std::vector<abi::value>>(v.data);
            const abi::integer at = bound(r, hi);
            fields[i + 1] = abi::value::number(at);
            // IM >= MM is a rule of its own: keep the other factor on the tested one's side
            const std::string f = r.field;
            if (f == "imFactor" || f == "mmFactor") fields[f == "imFactor" ? 16 : 15] = abi::value::number(at);
            INFO(r.field << (hi ? " at hi" : " at lo"));
            CHECK_FALSE(run(v).has_value());
            fields[i + 1] = abi::value::number(abi::integer(hi ? abi::integer(at + 1) : abi::integer(at - 1)));
            auto e = run(v);
            REQUIRE(e.has_value());
            CHECK(e->code == (hi ? code_above(r) : code_below(r)));
            CHECK(e->path == path);
            checked += 2;
        }
    }
    for (std::size_t i = 0; i < std::size(pb::scenario); ++i) {
        const pb::row& r = pb::scenario[i];
        const std::size_t at_index = std::string(r.field) == "spotShock" ? 0 : 2;  // (spotShock, vol, weight)
        for (bool hi : {false, true}) {
            abi::value v = base;
            auto& s = std::get<std::vector<abi::value>>(
                std::get<std::vector<abi::value>>(std::get<std::vector<abi::value>>(v.data)[0].data)[plain].data);
            const abi::integer at = bound(r, hi);
            s[at_index] = abi::value::number(at);
            INFO(r.field << (hi ? " at hi" : " at lo"));
            CHECK_FALSE(run(v).has_value());
            s[at_index] = abi::value::number(abi::integer(hi ? abi::integer(at + 1) : abi::integer(at - 1)));
            auto e = run(v);
            REQUIRE(e.has_value());
            CHECK(e->code == (hi ? code_above(r) : code_below(r)));
            CHECK(e->path == "/params/scenarios/scenarios/" + std::to_string(plain) + "/" + r.key);
            checked += 2;
        }
    }
    CHECK(checked == 2 * 2 * static_cast<int>(std::size(pb::params) + std::size(pb::scenario)));
    // the issue's cases: IM < MM (mmFactor 0.1 is out of the table already), a negative
    // discount, basisUp below 1
    auto with = [&](std::size_t field, const char* dec) {
        abi::value v = base;
        std::get<std::vector<abi::value>>(v.data)[field + 1] = abi::value::number(abi::integer(fp::parse(dec).value.raw().to_string()));
        return run(v);
    };
    CHECK(with(15, "0.1")->path == "/params/scenarios/loss/mm_factor");
    CHECK(with(31, "-5")->path == "/params/scenarios/contingency/im_perp_percent");
    CHECK(with(20, "-0.01")->path == "/params/scenarios/loss/long_base_discount");
    CHECK(with(22, "0.999999999999999999")->path == "/params/scenarios/basis/spot_up");
}
