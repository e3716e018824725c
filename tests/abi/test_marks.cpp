// The mark-cache audit's decoder and comparison (chain/marks.hpp) on data alone: a
// MarketInputs log as the house writes it (abi.encode(bytes) of pushMarket's arguments, the
// timestamp indexed) decoded field for field; logs that are not it refused; the audit's
// engine marks consistent (put-call parity) and a cached mark one wei off caught. Against a
// real house on anvil: contracts-interface/harness/accounts.js (margin audit-marks).
#include <catch2/catch.hpp>

#include <array>
#include <cstdio>

#include "abi/keccak.hpp"
#include "api/request.hpp"
#include "chain/marks.hpp"

using margin::error_code;
using nlohmann::json;

namespace {

abi::value num(const char* wad) { return abi::value::number(abi::integer(fp::parse(wad).value.raw().to_string())); }
abi::value raw(std::int64_t v) { return abi::value::number(abi::integer(v)); }

// pushMarket's arguments stamped 1767225600: spot 100000, two expiries, three series' vols.
abi::value push_args() {
    using abi::value;
    return value::list({value::list({raw(1767225600), num("100000"), num("10"), num("100010"), num("12"), num("1")}),
                        value::list({value::list({num("100100"), num("5"), num("0.05"), num("0.99589")}),
                                     value::list({num("100400"), num("6"), num("0.05"), num("0.98777")})}),
                        value::list({num("0.5"), num("0.6"), num("0.55")})});
}

json log_of(const abi::value& args, std::uint64_t indexed) {
    const abi::bytes inner = abi::encode(chain::push_args_type(), args).value;
    const abi::bytes data =
        abi::encode(abi::type::tuple_of({abi::type::dynamic_bytes()}), abi::value::list({abi::value::blob(inner)})).value;
    std::array<char, 67> t{};
    std::snprintf(t.data(), t.size(), "0x%064llx", static_cast<unsigned long long>(indexed));
    return {{"address", "0x" + std::string(38, '0') + "11"},
            {"blockNumber", "0x2a"},
            {"transactionHash", "0x" + std::string(64, 'b')},
            {"topics", {chain::market_inputs_topic(), std::string(t.data())}},
            {"data", abi::to_hex(data)}};
}

margin::scenario::params pmrm2() {
    auto req = margin::api::parse_request(R"({"api_version":"1","params":"pmrm2","market":{"timestamp":"1767225600",
      "underlyings":{"BTC":{"spot":"100000"}}},"account":{"cash":"0","positions":[]}})");
    REQUIRE(req.ok());
    return req.value.portfolio.scenarios;
}

}  // namespace

TEST_CASE("decode_market_inputs: pushMarket's arguments from the house's log", "[chain][marks]") {
    std::array<char, 67> topic{};
    CHECK(chain::market_inputs_topic() == abi::to_hex(abi::keccak256("MarketInputs(uint64,bytes)"), topic));
    auto in = chain::decode_market_inputs(log_of(push_args(), 1767225600));
    REQUIRE(in.ok());
    CHECK(in.value.market.timestamp == 1767225600);
    CHECK(in.value.market.spot.to_string() == "100000000000000000000000");
    CHECK(in.value.market.perp_confidence.to_string() == "12000000000000000000");
    CHECK(in.value.market.stable_price.to_string() == "1000000000000000000");
    REQUIRE(in.value.by_expiry.size() == 2);
    CHECK(in.value.by_expiry[1].forward.to_string() == "100400000000000000000000");
    CHECK(in.value.by_expiry[1].discount.to_string() == "987770000000000000");
    REQUIRE(in.value.vols.size() == 3);
    CHECK(in.value.vols[2].to_string() == "550000000000000000");
    CHECK(in.value.block == 42);

    // inputs stamped otherwise than the indexed timestamp, another event, truncated data
    CHECK(chain::decode_market_inputs(log_of(push_args(), 1767225601)).err->code == error_code::ABI_BAD_DATA);
    json other = log_of(push_args(), 1767225600);
    other["topics"][0] = "0x" + std::string(64, '0');
    CHECK(chain::decode_market_inputs(other).err->code == error_code::NOT_FOUND);
    json cut = log_of(push_args(), 1767225600);
    cut["data"] = cut["data"].get<std::string>().substr(0, 200);
    CHECK_FALSE(chain::decode_market_inputs(cut).ok());
}

TEST_CASE("audit_marks: the engine's marks of the pushed market, and a cached mark one wei off caught", "[chain][marks]") {
    auto in = chain::decode_market_inputs(log_of(push_args(), 1767225600));
    REQUIRE(in.ok());
    const std::uint64_t e1 = 1767225600 + 30 * 86400, e2 = 1767225600 + 90 * 86400;
    const fp::I256 k = fp::parse("100000").value.raw();
    // a call and a put at one strike on the first expiry (same vol), a call on the second
    in.value.vols[1] = in.value.vols[0];
    const std::vector<chain::listed_series> live = {{7, e1, k, true}, {8, e1, k, false}, {9, e2, k, true}};
    const std::vector<std::uint64_t> expiries = {e1, e2};
    auto first = chain::audit_marks(in.value, live, expiries, {fp::I256{}, fp::I256{}, fp::I256{}}, pmrm2());
    REQUIRE(first.ok());
    CHECK(first.value.mismatches() == 3);  // nothing cached: every series differs
    std::vector<fp::I256> engine;
    for (const auto& c : first.value.checks) engine.push_back(c.engine_mark);
    // put-call parity on the first expiry: C - P = DF (F - K), within the two floors
    using fp::Wad;
    const Wad intrinsic = fp::sub(Wad::from_raw(in.value.by_expiry[0].forward), Wad::from_raw(k)).value;
    const Wad parity = fp::mul(Wad::from_raw(in.value.by_expiry[0].discount), intrinsic, fp::rounding::floor).value;
    const Wad gap = fp::sub(fp::sub(Wad::from_raw(engine[0]), Wad::from_raw(engine[1])).value, parity).value;
    CHECK(gap.raw() < fp::I256{4});
    CHECK(gap.raw() > fp::I256{-4});
    CHECK(engine[2] > engine[0]);  // more time, more value
    auto same = chain::audit_marks(in.value, live, expiries, engine, pmrm2());
    REQUIRE(same.ok());
    CHECK(same.value.mismatches() == 0);
    auto off = engine;
    off[2] = fp::add(fp::Wad::from_raw(off[2]), fp::Wad::from_raw(fp::I256{1})).value.raw();
    auto bitten = chain::audit_marks(in.value, live, expiries, off, pmrm2());
    REQUIRE(bitten.ok());
    REQUIRE(bitten.value.mismatches() == 1);
    CHECK_FALSE(bitten.value.checks[2].match());
    CHECK(chain::to_json(bitten.value)["series"][2]["id"] == "9");
    // a push whose vols do not follow the live series is refused, not compared
    CHECK(chain::audit_marks(in.value, {live[0], live[1]}, expiries, {engine[0], engine[1]}, pmrm2()).err->code ==
          error_code::ABI_BAD_DATA);
}
