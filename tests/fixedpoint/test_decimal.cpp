// Exact decimal strings: grammar, errors, canonical form, round trip.
#include "test_util.hpp"

using namespace fp;
using fp::test::big;
using fp::test::raw;

namespace {
std::string P(const char* s) {
    const auto r = parse(s);
    return r.ok() ? r.value.raw().to_string() : std::string(errc_name(r.error));
}
}  // namespace

TEST_CASE("parse: valid forms are exact", "[decimal]") {
    CHECK(P("0") == "0");
    CHECK(P("-0") == "0");
    CHECK(P("1") == "1000000000000000000");
    CHECK(P("1.5") == "1500000000000000000");
    CHECK(P("-1.5") == "-1500000000000000000");
    CHECK(P("0.000000000000000001") == "1");
    CHECK(P("-0.000000000000000001") == "-1");
    CHECK(P("007.250") == "7250000000000000000");
    CHECK(P("123456789012345678901234567890.123456789012345678") == "123456789012345678901234567890123456789012345678");
    // int256 extremes: 2^255 - 1 and -2^255 in wei, written as decimals
    const big max = (big(1) << 255) - 1;
    const std::string ms = max.str();
    const std::string dec = ms.substr(0, ms.size() - 18) + "." + ms.substr(ms.size() - 18);
    CHECK(P(dec.c_str()) == ms);
    CHECK(P(("-" + ms.substr(0, ms.size() - 18) + "." + big(max + 1).str().substr(ms.size() - 18)).c_str()) == big(-(max + 1)).str());
}

TEST_CASE("parse: every malformed input has its code", "[decimal]") {
    for (const char* s : {"",    "-",    "+1",  " 1", "1 ", "1.",  ".5",  "-.5",   "1e3", "1E3", "0x10",
                          "1,5", "1..2", "--1", "1-", "∞",  "NaN", "inf", "1.2.3", "12a", "\t1", "1_000"})
        CHECK(P(s) == "FP_PARSE_SYNTAX");
    CHECK(P("0.0000000000000000001") == "FP_PARSE_PRECISION");  // 19 digits: never rounded
    CHECK(P("1.0000000000000000000") == "FP_PARSE_PRECISION");  // even when the extra digit is 0
    const big max = (big(1) << 255) - 1;
    const std::string ms = max.str();
    const std::string over = big(max + 1).str();
    CHECK(P((over.substr(0, over.size() - 18) + "." + over.substr(over.size() - 18)).c_str()) == "FP_PARSE_RANGE");
    CHECK(P(std::string(100, '9').c_str()) == "FP_PARSE_RANGE");
    CHECK(P(std::string(100000, '9').c_str()) == "FP_PARSE_RANGE");  // long input: no hang, no crash
    CHECK(P(("000000000000000000000000000000000000000000000000000000000000000000000000000000000000001")) ==
          "1000000000000000000");  // leading zeros do not count towards range
}

TEST_CASE("format is canonical and round-trips", "[decimal]") {
    CHECK(format(raw(0)) == "0");
    CHECK(format(raw(1)) == "0.000000000000000001");
    CHECK(format(raw(-1)) == "-0.000000000000000001");
    CHECK(format(raw(big("1500000000000000000"))) == "1.5");
    CHECK(format(raw(big("-20000000000000000000"))) == "-20");
    CHECK(format(raw(-(big(1) << 255))) == "-57896044618658097711785492504343953926634992332820282019728.792003956564819968");
    fp::test::gen g(5);
    for (int i = 0; i < 20000; ++i) {
        const Wad w = raw(g.any());
        const std::string s = format(w);
        const auto back = parse(s);
        REQUIRE(back.ok());
        REQUIRE(back.value == w);
        REQUIRE((s.find('.') == std::string::npos || s.back() != '0'));
    }
}

TEST_CASE("I256 integer text", "[decimal]") {
    CHECK(I256::parse("-57896044618658097711785492504343953926634992332820282019728792003956564819968").ok());
    CHECK(I256::parse("57896044618658097711785492504343953926634992332820282019728792003956564819968").error == errc::parse_range);
    CHECK(I256::parse("1.5").error == errc::parse_syntax);
    CHECK(I256::parse("").error == errc::parse_syntax);
}
