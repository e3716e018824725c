// JSON API v1, writing: responses, error documents and the canonical request encoding
// (docs/api.md). Numbers are exact decimal strings. Nothing here throws.
#pragma once

#include <string>

#include "base/error.hpp"
#include "core/margin.hpp"
#include "core/model.hpp"

namespace margin::api {

/// "margin <engine version> build <build id> (json api v1, fixedpoint spec v1)"; the build
/// id hashes the engine's sources (cmake/build_id.cmake), so native and WASM builds share it.
std::string version_string();

/// Canonical encoding of a request (docs/api.md §Canonical encoding): every default made
/// explicit, keys sorted by byte value, no whitespace, decimals in canonical form. Equal
/// meaning gives equal bytes; parse -> encode is idempotent.
std::string canonical_request(const request& req);

/// A scenario/1 parameter document of `p` (keys in byte order, 2-space indent; `name` and
/// `description` when not empty): parse_scenario_params reads it back to the same parameters.
std::string scenario_document(const scenario::params& p, const std::string& name = "", const std::string& description = "");

/// The response document for a result (pretty: 2-space indent, else compact).
std::string encode_result(const request& req, const account_result& res, bool pretty);
/// {"error": {"code", "path", "message"}}.
std::string encode_error(const error& e, bool pretty);

}  // namespace margin::api
