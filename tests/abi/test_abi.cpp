// The ABI codec against the worked examples of the Solidity ABI specification
// (docs.soliditylang.org, "Contract ABI Specification", Examples and "Use of Dynamic
// Types"), written out there word by word; plus the decoder's refusals. The cross-check
// against the EVM's own abi.encode on random values is contracts-interface/harness/abi.js.
#include <catch2/catch.hpp>

#include <string>

#include "abi/abi.hpp"

using margin::error_code;

namespace {

using abi::integer;
using abi::value;

std::string w(const std::string& hex) { return std::string(64 - hex.size(), '0') + hex; }  // a left-padded word
std::string r(const std::string& hex) { return hex + std::string(64 - hex.size(), '0'); }  // a right-padded word
std::string call_hex(const std::string& sig, const value& args) {
    auto out = abi::encode_call(sig, args);
    REQUIRE(out.ok());
    return abi::to_hex(out.value);
}
value n(long long v) { return value::number(integer(v)); }
abi::type parse(const std::string& s) {
    auto t = abi::type::parse(s);
    INFO(s);
    REQUIRE(t.ok());
    return t.value;
}

}  // namespace

TEST_CASE("abi: the specification's examples", "[abi]") {
    // baz(uint32 x, bool y) with 69, true
    CHECK(call_hex("baz(uint32,bool)", value::list({n(69), value::boolean(true)})) == "0xcdcd77c0" + w("45") + w("1"));
    // bar(bytes3[2]) with ["abc", "def"]
    CHECK(call_hex("bar(bytes3[2])", value::list({value::list({value::text("abc"), value::text("def")})})) ==
          "0xfce353f6" + r("616263") + r("646566"));
    // sam(bytes, bool, uint[]) with "dave", true, [1, 2, 3]
    CHECK(call_hex("sam(bytes,bool,uint[])", value::list({value::text("dave"), value::boolean(true), value::list({n(1), n(2), n(3)})})) ==
          "0xa5643bf2" + w("60") + w("1") + w("a0") + w("4") + r("64617665") + w("3") + w("1") + w("2") + w("3"));
    // f(uint256, uint32[], bytes10, bytes) with 0x123, [0x456, 0x789], "1234567890", "Hello, world!"
    CHECK(call_hex("f(uint256,uint32[],bytes10,bytes)",
                   value::list({n(0x123), value::list({n(0x456), n(0x789)}), value::text("1234567890"), value::text("Hello, world!")})) ==
          "0x8be65246" + w("123") + w("80") + r("31323334353637383930") + w("e0") + w("2") + w("456") + w("789") + w("d") +
              r("48656c6c6f2c20776f726c6421"));
    // g(uint256[][], string[]) with [[1, 2], [3]], ["one", "two", "three"]
    CHECK(call_hex("g(uint256[][],string[])", value::list({value::list({value::list({n(1), n(2)}), value::list({n(3)})}),
                                                           value::list({value::text("one"), value::text("two"), value::text("three")})})) ==
          "0x2289b18c" + w("40") + w("140") + w("2") + w("40") + w("a0") + w("2") + w("1") + w("2") + w("1") + w("3") + w("3") + w("60") +
              w("a0") + w("e0") + w("3") + r("6f6e65") + w("3") + r("74776f") + w("5") + r("7468726565"));
}

TEST_CASE("abi: signed words, ranges, addresses", "[abi]") {
    const auto t = parse("(int8,int256,uint8,address)");
    auto e = abi::encode(t, value::list({n(-1), value::number(-(integer(1) << 255)), n(255), value::number((integer(1) << 160) - 1)}));
    REQUIRE(e.ok());
    CHECK(abi::to_hex(e.value) == "0x" + std::string(64, 'f') + "8" + std::string(63, '0') + w("ff") + w(std::string(40, 'f')));
    auto back = abi::decode(t, e.value);
    REQUIRE(back.ok());
    CHECK(abi::encode(t, back.value).value == e.value);
    CHECK(*back.value.as_list()->at(0).as_number() == -1);

    // out of range: int8 128, uint8 -1, address 2^160, bool 2
    for (const auto& [ty, v] :
         {std::pair{"(int8)", n(128)}, {"(uint8)", n(-1)}, {"(address)", value::number(integer(1) << 160)}, {"(bool)", n(2)}}) {
        auto bad = abi::encode(parse(ty), value::list({v}));
        REQUIRE_FALSE(bad.ok());
        CHECK(bad.err->code == error_code::ABI_BAD_VALUE);
        CHECK(bad.err->path == "/0");
    }
}

TEST_CASE("abi: names in paths, type strings", "[abi]") {
    const auto t = parse("tuple(int256 cash, (int256 strike, bool call)[] legs)");
    CHECK(t.canonical() == "(int256,(int256,bool)[])");
    CHECK(t.is_dynamic());
    CHECK(parse("(int256,bool[3])").head_size() == 4 * 32);
    auto bad = abi::encode(t, value::list({n(1), value::list({value::list({n(5), n(7)})})}));
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.err->path == "/legs/0/call");
    for (const char* s : {"uint7", "uint264", "bytes33", "bytes0", "int256[0]", "(int256", "foo", "(int256,)", "uint256]", "uint08"}) {
        auto p = abi::type::parse(s);
        INFO(s);
        REQUIRE_FALSE(p.ok());
        CHECK(p.err->code == error_code::ABI_BAD_TYPE);
    }
    std::string deep(100, '(');
    deep += "int256" + std::string(100, ')');
    CHECK_FALSE(abi::type::parse(deep).ok());  // nesting bound, not a stack overflow
}

TEST_CASE("abi: the decoder refuses malformed data", "[abi]") {
    const auto t = parse("(int8,bytes,uint256[])");
    auto good = abi::encode(t, value::list({n(-5), value::text("hello"), value::list({n(1), n(2)})}));
    REQUIRE(good.ok());
    const abi::bytes d = good.value;
    auto refuse = [&](abi::bytes data, const std::string& path) {
        auto v = abi::decode(t, data);
        REQUIRE_FALSE(v.ok());
        CHECK(v.err->code == error_code::ABI_BAD_DATA);
        CHECK(v.err->path == path);
    };
    // dirty high bits of an int8
    abi::bytes dirty = d;
    dirty[0] = 0x7f;
    refuse(dirty, "/0");
    // offset of the bytes past the end
    abi::bytes far = d;
    far[63] = 0xff;
    far[62] = 0xff;
    refuse(far, "/1");
    // array length far beyond the data (no huge allocation)
    abi::bytes huge = d;
    const std::size_t arr = 0xa0;  // head 3 words, then the bytes: length and one data word
    for (std::size_t i = 0; i < 8; ++i) huge[arr + i] = 0xff;
    refuse(huge, "/2");
    // truncated
    refuse(abi::bytes(d.begin(), d.begin() + 40), "/1");
    refuse(abi::bytes(d.begin(), d.end() - 32), "/2");  // the length claims more words than remain
    // good data decodes and re-encodes to itself
    auto v = abi::decode(t, d);
    REQUIRE(v.ok());
    CHECK(abi::encode(t, v.value).value == d);
    CHECK_FALSE(abi::from_hex("0x123").ok());
    CHECK_FALSE(abi::from_hex("zz").ok());
    CHECK(abi::from_hex("0xAbCd").value == abi::bytes{0xab, 0xcd});
}

namespace {

// bytes[] of `count` elements whose offsets all point at one `length`-byte element: aliased
// offsets, which Solidity's decoder accepts. Size: 64 + 32 * count + 32 + length.
abi::bytes aliased_bytes_array(std::size_t count, std::size_t length) {
    abi::bytes d;
    auto word = [&](std::uint64_t v) {
        for (int i = 0; i < 24; ++i) d.push_back(0);
        for (int i = 7; i >= 0; --i) d.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
    };
    word(32);                                                  // the tuple's one member (bytes[]) starts after this head word
    word(count);                                               // the array's length
    for (std::size_t i = 0; i < count; ++i) word(32 * count);  // every element: the one tail after the offsets
    word(length);
    d.insert(d.end(), length, 0xab);
    return d;
}

}  // namespace

TEST_CASE("abi: aliased offsets cannot blow up the decoded size (bounded by the input)", "[abi]") {
    const auto t = parse("(bytes[])");
    // 2,000 offsets to one 64 KiB element: 128 KiB of input would decode into 128 MiB
    const abi::bytes attack = aliased_bytes_array(2000, 64 * 1024);
    CHECK(attack.size() < 140 * 1024);
    auto v = abi::decode(t, attack);
    REQUIRE_FALSE(v.ok());
    CHECK(v.err->code == error_code::ABI_BAD_DATA);
    CHECK(v.err->message.find("decoded size") != std::string::npos);
    // the same shape within the bound still decodes, aliases and all (Solidity accepts it)
    auto small = abi::decode(t, aliased_bytes_array(3, 64));
    REQUIRE(small.ok());
    REQUIRE(small.value.as_list()->at(0).as_list()->size() == 3);
    CHECK(small.value.as_list()->at(0).as_list()->at(2).as_bytes()->size() == 64);
    // a large canonical encoding (no aliasing) of the same size decodes: the bound is the input's own size
    std::vector<value> many;
    for (int i = 0; i < 2000; ++i) many.push_back(value::blob(abi::bytes(64, static_cast<std::uint8_t>(i))));
    auto big = abi::encode(t, value::list({value::list(many)}));
    REQUIRE(big.ok());
    CHECK(big.value.size() > attack.size());
    auto back = abi::decode(t, big.value);
    REQUIRE(back.ok());
    CHECK(abi::encode(t, back.value).value == big.value);
    // nested aliasing (each level's offsets all pointing at one element) is refused as early
    const auto nested = parse("(bytes[][])");
    abi::bytes d;
    auto word = [&](std::uint64_t x) {
        for (int i = 0; i < 24; ++i) d.push_back(0);
        for (int i = 7; i >= 0; --i) d.push_back(static_cast<std::uint8_t>(x >> (8 * i)));
    };
    word(32);
    word(300);                                     // outer length
    for (int i = 0; i < 300; ++i) word(32 * 300);  // each outer element: the one inner array
    word(300);                                     // inner length
    for (int i = 0; i < 300; ++i) word(32 * 300);  // each inner element: the one bytes
    word(1024);
    d.insert(d.end(), 1024, 0xcd);  // ~20 KB of input; 90,000 aliases of 1 KiB = 90 MB decoded
    auto n = abi::decode(nested, d);
    REQUIRE_FALSE(n.ok());
    CHECK(n.err->code == error_code::ABI_BAD_DATA);
}
