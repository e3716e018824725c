// What the response writers share with the pipeline. Internal to api/.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/margin.hpp"
#include "core/model.hpp"

namespace margin::api::detail {

/// The exact decimal of a Wad.
std::string dec(const fp::Wad& w);
/// A response document as text (pretty: 2-space indent, else compact); never throws.
std::string dump(const nlohmann::ordered_json& j, bool pretty);
/// The "result" object of a response.
nlohmann::ordered_json result_object(const request& req, const account_result& r);

}  // namespace margin::api::detail
