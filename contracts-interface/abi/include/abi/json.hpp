// ABI values as JSON, by their types, for files people read (replay bundles): apart from
// abi.hpp so that code speaking only ABI includes no JSON library.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string_view>

#include "abi/abi.hpp"

namespace abi {

/// A value as JSON, by its type: a tuple with component names is an object (else an
/// array), T[k] and T[] arrays, numbers decimal strings (exact), bool true/false,
/// address / bytesN / bytes "0x" hex, string a string.
nlohmann::json to_json(const type& t, const value& v);
/// The inverse. Errors: ABI_BAD_VALUE with the JSON pointer of the field (missing or
/// unknown fields, wrong kinds, numbers that are not exact integers in range).
outcome<value> from_json(const type& t, const nlohmann::json& j);

/// The deepest nesting of arrays and objects in a JSON text, brackets inside strings skipped;
/// the scan stops as soon as it passes `stop_past` (and returns that depth). Linear, no
/// recursion: a cap checked before a document is parsed, copied or printed recursively.
std::size_t nesting_depth(std::string_view text, std::size_t stop_past = static_cast<std::size_t>(-1));

}  // namespace abi
