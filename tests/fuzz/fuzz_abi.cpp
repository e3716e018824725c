// libFuzzer target: the ABI codec's decoder and type parser (contracts-interface/abi, through
// its public header abi/abi.hpp only).
//
// The first byte picks the mode:
// - even: the rest is a Solidity type string. If it parses, its canonical form parses to
//   the same type (canonical(parse(canonical(t))) == canonical(t)), with the same
//   dynamic-ness and head size.
// - odd: the second byte picks a type (below; the clearing house's Book and Params among
//   them), the rest is ABI data. decode either fails with ABI_BAD_DATA and a valid pointer,
//   or gives a value that encodes (encode(decode(d)) succeeds), whose encoding decodes to the
//   same value (the decode -> encode -> decode round trip), and whose decoded size (its
//   canonical encoding's) is bounded by the input's: at most max(2 x input, 1 MiB), the bound
//   abi.hpp states for decode (abi::decode_budget), so that aliased offsets cannot expand a
//   small input (issue 31: 320 KB decoded into more than 4.4 GB).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "abi/abi.hpp"
#include "bridge/book.hpp"
#include "fuzz_common.hpp"

using margin::error_code;

namespace {

const std::vector<abi::type>& types() {
    static const std::vector<abi::type> t = [] {
        std::vector<abi::type> out = {bridge::book_type(), bridge::params_type()};
        for (const char* s : {"uint256", "int8", "(bool,address,bytes32)", "bytes", "string", "uint256[]", "int256[3]", "bytes[]",
                              "string[2]", "(int256,uint256[])[]", "uint256[][]", "(bytes,(uint8,string)[])", "int256[][2][]",
                              "(uint256,bytes)[2]", "bool[][][]", "(int128,(bytes4,address)[],string)"}) {
            auto p = abi::type::parse(s);
            fuzz::require(p.ok(), "a listed type parses", s);
            out.push_back(p.value);
        }
        return out;
    }();
    return t;
}

void type_string(std::string_view text) {
    const auto t = abi::type::parse(text);
    if (!t.ok()) {
        // abi.hpp: ABI_BAD_TYPE's path is the character offset of the fault in the type string.
        const margin::error& e = *t.err;
        fuzz::require(e.code == error_code::ABI_BAD_TYPE && !e.message.empty(), "abi::type::parse fails with ABI_BAD_TYPE", e.message);
        fuzz::require(!e.path.empty() && e.path.size() <= 6 && e.path.find_first_not_of("0123456789") == std::string::npos &&
                          std::stoul(e.path) <= text.size(),
                      "ABI_BAD_TYPE's path is a character offset in the type string", e.path);
        return;
    }
    const std::string c = t.value.canonical();
    const auto again = abi::type::parse(c);
    fuzz::require(again.ok(), "a canonical type parses", c);
    fuzz::require(again.value.canonical() == c, "canonical(parse(canonical(t))) == canonical(t)", c);
    fuzz::require(again.value.is_dynamic() == t.value.is_dynamic(), "the canonical type has the same dynamic-ness", c);
    fuzz::require(again.value.head_size() == t.value.head_size(), "the canonical type has the same head size", c);
}

void data(const abi::type& t, std::span<const std::uint8_t> d) {
    const auto v = abi::decode(t, d);
    if (!v.ok()) {
        fuzz::check_error(*v.err, {error_code::ABI_BAD_DATA}, "abi::decode");
        return;
    }
    const auto enc = abi::encode(t, v.value);
    fuzz::require(enc.ok(), "a decoded value encodes", t.canonical());
    const std::size_t budget = std::max<std::size_t>(2 * d.size(), std::size_t{1} << 20);
    fuzz::require(enc.value.size() <= budget, "the decoded size is bounded by the input's: max(2 x input, 1 MiB)",
                  t.canonical() + ": " + std::to_string(d.size()) + " bytes decode to " + std::to_string(enc.value.size()));
    const auto back = abi::decode(t, enc.value);
    fuzz::require(back.ok() && back.value == v.value, "decode(encode(decode(d))) == decode(d)", t.canonical());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* d, std::size_t size) {
    if (size == 0) return 0;
    if ((d[0] & 1) == 0) {
        type_string(std::string_view(reinterpret_cast<const char*>(d) + 1, size - 1));
    } else if (size >= 2) {
        const auto& ts = types();
        data(ts[d[1] % ts.size()], std::span<const std::uint8_t>(d + 2, size - 2));
    }
    return 0;
}
