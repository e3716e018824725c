// JSON texts the service reads: checked against the API's caps before nlohmann builds them
// (size, depth, value count: a 16 MiB text of "[[[[" must not recurse, one of tiny values must
// not allocate millions of nodes), with duplicate keys refused as the API refuses them.
#pragma once

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "base/error.hpp"

namespace service::text {

using json = nlohmann::ordered_json;

/// The text as a document, or JSON_TOO_LARGE / JSON_TOO_DEEP / JSON_SYNTAX / DUPLICATE_KEY.
margin::outcome<json> parse(std::string_view text);

/// A request body (parse()'s checks) that must be a JSON object whose members are among
/// `fields`: else WRONG_TYPE at "" or UNKNOWN_FIELD at the first other member. `what` names
/// the request in the messages ("a book-risk request").
margin::outcome<json> parse_object(std::string_view text, std::initializer_list<std::string_view> fields, std::string_view what);

/// {"error": {...}} compact, as the API writes it.
std::string error_document(const margin::error& e);

/// Compact dump that never throws (strings came through the parser, so they are UTF-8).
std::string dump(const json& j);

}  // namespace service::text
