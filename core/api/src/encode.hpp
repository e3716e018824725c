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
/// A risk measure's parameters, every field explicit (canonical es/1 documents).
nlohmann::json risk_params_object(const risk::params& p);
/// The "risk" object of a risk result (docs/risk.md §Result); the P&L vector when include_pnl.
nlohmann::ordered_json risk_object(const risk::params& p, const risk::risk_result& res, bool include_pnl);

}  // namespace margin::api::detail
