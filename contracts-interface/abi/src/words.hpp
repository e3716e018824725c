// The codec's shared vocabulary (private to src/): the 32-byte word, error paths, and
// the ranges of the word types. Used by the type parser, the encoder, the decoder and the
// JSON mapping alike.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "abi/abi.hpp"

namespace abi::detail {

inline constexpr std::size_t word_size = 32;

inline error bad(error_code code, std::string path, std::string message) { return {code, std::move(path), std::move(message)}; }

/// The path of component `i` of `t` below `path`: its name where the tuple gives one, else its index.
inline std::string child_path(const std::string& path, const type& t, std::size_t i) {
    if (t.k == type::kind::tuple && i < t.names.size() && !t.names[i].empty()) return path + "/" + t.names[i];
    return path + "/" + std::to_string(i);
}

/// The type of item `i` of a tuple, T[k] or T[].
inline const type& element_type(const type& t, std::size_t i) { return t.k == type::kind::tuple ? t.elements[i] : t.elements[0]; }

/// 2^256.
const integer& two_256();
/// The range [lo, hi] of a word type's numbers.
void range_of(const type& t, integer& lo, integer& hi);
bool is_word_number(type::kind k);
/// Appends v (in [-2^255, 2^256)) as a big-endian two's complement word.
void put_word(bytes& out, const integer& v);
/// The first word of `w`, unsigned.
integer get_word(std::span<const std::uint8_t> w);

inline std::size_t padded(std::size_t n) { return (n + word_size - 1) / word_size * word_size; }

}  // namespace abi::detail
