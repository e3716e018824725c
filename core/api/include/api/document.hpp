// The JSON API's request as a document (nlohmann::json) instead of text, for code that
// assembles or edits requests as JSON: the same decoding and validation as the text
// functions, without printing and re-parsing.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "base/error.hpp"
#include "core/model.hpp"

namespace margin::api {

/// A JSON text read as the API reads every document: JSON_TOO_LARGE, JSON_TOO_DEEP,
/// JSON_SYNTAX (a NUL byte included), JSON_NUMBER (numbers are strings in this API) and
/// DUPLICATE_KEY with their paths, or the document (strings valid UTF-8). For tools that edit
/// a request's text before the engine reads it, so that what they print is what was given.
outcome<nlohmann::json> parse_json(std::string_view text);

/// The canonical request before printing: canonical_request(req) is this document printed
/// compactly (keys sorted by byte value).
nlohmann::json canonical_document(const request& req);

/// parse_request of the document's text: the same request, or the same error and path.
/// Precondition: strings in doc are valid UTF-8 (text parsing guarantees it).
outcome<request> parse_request_document(const nlohmann::json& doc);
/// The same without "params", under parameters already validated (parse_request's overload).
outcome<request> parse_request_document(const nlohmann::json& doc, const portfolio_params& params);

}  // namespace margin::api
