// JSON texts the service reads: checked against the API's caps before nlohmann builds them
// (size, depth, value count: a 16 MiB text of "[[[[" must not recurse, one of tiny values must
// not allocate millions of nodes), with duplicate keys refused as the API refuses them.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "base/error.hpp"

namespace service::text {

using json = nlohmann::ordered_json;

/// The text as a document, or JSON_TOO_LARGE / JSON_TOO_DEEP / JSON_SYNTAX / DUPLICATE_KEY.
margin::outcome<json> parse(std::string_view text);

/// {"error": {...}} compact, as the API writes it.
std::string error_document(const margin::error& e);

/// Compact dump that never throws (strings came through the parser, so they are UTF-8).
std::string dump(const json& j);

}  // namespace service::text
