// The Solidity contract ABI's standard encoding (docs.soliditylang.org, "Contract
// ABI Specification"): what abi.encode writes and what external calls carry.
// Types: uintN, intN (N = 8..256 by 8), address, bool, bytesN (N = 1..32), bytes,
// string, T[k], T[] and tuples. Portable and exception-free, so it builds for
// wasm32 as well; depends on nothing of the engine (base/error.hpp and Boost only).
// Values as JSON: abi/json.hpp. Errors are margin::error with a stable code and the path of the
// offending part of the value (JSON-pointer style: "/2/expiries/0/legs/1/strike",
// component names where the type gives them, else indices).
//
// Error codes:
//   ABI_BAD_TYPE   a type string that does not parse (path: the character offset)
//   ABI_BAD_VALUE  encode: a value of the wrong shape or out of its type's range
//   ABI_BAD_DATA   decode: data too short, an offset or length outside the data,
//                  or dirty bits (a value outside its type's range, as Solidity's
//                  decoder rejects them), or a decoded size over its bound (aliased
//                  offsets: see decode)
#pragma once

#include <boost/multiprecision/cpp_int.hpp>

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/error.hpp"

namespace abi {

using margin::error;
using margin::error_code;
using margin::outcome;
using bytes = std::vector<std::uint8_t>;
/// An ABI integer (any intN/uintN, address, bool): exact, range-checked against its type.
using integer = boost::multiprecision::cpp_int;

/// An ABI type. Build with the factories or parse a Solidity type string.
struct type {
    enum class kind : std::uint8_t { uint_, int_, address, boolean, fixed_bytes, dynamic_bytes, string, fixed_array, array, tuple };
    kind k = kind::tuple;
    unsigned size = 0;               ///< bits (uintN/intN), N (bytesN), length (T[k])
    std::vector<type> elements;      ///< T[k] and T[]: one (T); tuple: the components
    std::vector<std::string> names;  ///< tuple: component names ("" = unnamed), for error paths

    static type uint_(unsigned bits = 256) { return {kind::uint_, bits, {}, {}}; }
    static type int_(unsigned bits = 256) { return {kind::int_, bits, {}, {}}; }
    static type address() { return {kind::address, 160, {}, {}}; }
    static type boolean() { return {kind::boolean, 8, {}, {}}; }
    static type fixed_bytes(unsigned n) { return {kind::fixed_bytes, n, {}, {}}; }
    static type dynamic_bytes() { return {kind::dynamic_bytes, 0, {}, {}}; }
    static type string() { return {kind::string, 0, {}, {}}; }
    static type array_of(type t) { return {kind::array, 0, {std::move(t)}, {}}; }
    static type fixed_array_of(type t, unsigned length) { return {kind::fixed_array, length, {std::move(t)}, {}}; }
    /// A tuple; `names`, if given, has one entry per component.
    static type tuple_of(std::vector<type> components, std::vector<std::string> names = {});

    /// Parses "uint256", "(int256,bool)[]", "tuple(int256 cash, address owner)[2]",
    /// "uint" (= uint256), "int" (= int256); whitespace around names is allowed.
    static outcome<type> parse(std::string_view text);
    /// The canonical form used in signatures: "(int256,bool)[]", no names.
    std::string canonical() const;
    /// Whether the encoding has a tail (bytes, string, T[], or one containing them).
    bool is_dynamic() const noexcept;
    /// Bytes this type takes in its enclosing head: 32, or the whole encoding of a static tuple / T[k].
    std::size_t head_size() const noexcept;
};

/// An ABI value: a number (every word type; bool as 0/1, address as its uint160),
/// bytes (bytesN, bytes, string's UTF-8), or a list (T[k], T[], tuple).
struct value {
    std::variant<integer, bytes, std::vector<value>> data;

    static value number(integer v) { return {std::move(v)}; }
    static value boolean(bool b) { return {integer(b ? 1 : 0)}; }
    static value blob(bytes b) { return {std::move(b)}; }
    static value text(std::string_view s) { return {bytes(s.begin(), s.end())}; }
    static value list(std::vector<value> items) { return {std::move(items)}; }

    /// nullptr when the value holds something else.
    const integer* as_number() const noexcept { return std::get_if<integer>(&data); }
    const bytes* as_bytes() const noexcept { return std::get_if<bytes>(&data); }
    const std::vector<value>* as_list() const noexcept { return std::get_if<std::vector<value>>(&data); }

    friend bool operator==(const value&, const value&) = default;
};

/// The standard encoding enc(v) of `v` as `t`. abi.encode(x1, ..., xn) and a call's
/// arguments are the encoding of the tuple (T1, ..., Tn): pass that tuple, not a lone T.
/// Errors: ABI_BAD_VALUE.
outcome<bytes> encode(const type& t, const value& v);
/// Inverse of encode (so abi.decode(data, (T1, ..., Tn)) is decode of that tuple).
/// Accepts any offsets inside the data, as Solidity does; rejects what Solidity's
/// decoder rejects: data too short, out-of-range words. Trailing bytes are ignored.
/// And it bounds the decoded size by the input's size (below). Errors: ABI_BAD_DATA.
///
/// The decoded size. Offsets may alias: two elements may point at one tail, so N offsets
/// to one L-byte `bytes` decode into N x L bytes (320 KB of input decoded into more than
/// 4.4 GB before this bound). Of the two cures, rejecting aliasing or bounding what is
/// decoded, this decoder bounds: it accepts exactly what Solidity's decoder accepts at any
/// size a contract could return (harness/abi.js checks that agreement on corrupted
/// encodings, offsets moved by a few words included), and a strict canonical-only decoder
/// would refuse some of those. The decoded size is the size of the decoded value's own
/// canonical encoding (a word per number, offset and length; 32 + padded length per
/// bytes/string; at least a word per array element), so a canonical encoding decodes to
/// exactly its own size; the decoder fails (ABI_BAD_DATA, "the decoded size exceeds ...")
/// as soon as it passes decode_budget(input size) = max(2 x input, 1 MiB). Memory is then
/// linear in the input: a few times the input at most, as Solidity's decoder is bounded by
/// the gas its memory costs.
outcome<value> decode(const type& t, std::span<const std::uint8_t> data);
/// The decoded-size bound for `n` bytes of input: max(decode_factor x n, decode_floor).
inline constexpr std::size_t decode_factor = 2;
inline constexpr std::size_t decode_floor = std::size_t(1) << 20;
constexpr std::size_t decode_budget(std::size_t n) noexcept { return n > decode_floor / decode_factor ? decode_factor * n : decode_floor; }

/// The 4-byte selector of a canonical signature, e.g. "transfer(address,uint256)".
std::array<std::uint8_t, 4> selector(std::string_view signature) noexcept;
/// selector ++ encode(args) for "name(type,...)" (types may be in any form parse accepts;
/// the selector is taken over their canonical form). Errors: ABI_BAD_TYPE, ABI_BAD_VALUE.
outcome<bytes> encode_call(std::string_view signature, const value& args);

/// Lower-case hex with a 0x prefix.
std::string to_hex(std::span<const std::uint8_t> data);
/// Hex with or without 0x, upper or lower case. Errors: ABI_BAD_DATA (path "").
outcome<bytes> from_hex(std::string_view text);

}  // namespace abi
