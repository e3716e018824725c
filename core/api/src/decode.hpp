// The decoders of the API's documents into the model (types and presence only; core's
// validate() checks bounds and derives). Internal to api/.
#pragma once

#include <string>

#include "api/cascade.hpp"
#include "api/documents.hpp"
#include "core/cascade/cascade.hpp"
#include "core/cascade/paths.hpp"
#include "core/model.hpp"
#include "core/stress/stress.hpp"
#include "decoder.hpp"

namespace margin::api::detail {

void decode_standard(decoder& d, const json& o, const std::string& path, standard_params& p);
void decode_portfolio(decoder& d, const json& o, const std::string& path, portfolio_params& p);
void decode_scenarios(decoder& d, const json& o, const std::string& path, scenario::params& p);
/// One position of an account or a trade.
void decode_position(decoder& d, const json& o, const std::string& path, position& p);
void decode_es(decoder& d, const json& o, const std::string& path, es_params& p);
/// A partial parameter document at `path` ({"base": PRESET, ...}): the preset's document with
/// the given members merged over it (objects member by member, any other value replaces;
/// docs/api.md, "Partial parameter documents"), into `out`; the result is then decoded as a
/// full document, so its unknown fields are refused at their paths. PRESET: "standard",
/// "pmrm2", "span16" or "es" (else UNKNOWN_PRESET at path/base). False after an error.
bool resolve_base(decoder& d, const json& o, const std::string& path, json& out);
/// A risk measure's parameters ("risk" of a risk request or of an es/1 document); include_pnl
/// is read when the pointer is given, else the field is unknown.
void decode_risk_params(decoder& d, const json& o, const std::string& path, risk::params& p, bool* include_pnl);
/// "history": symbol -> CSV text or [date, close] rows.
void decode_history(decoder& d, const json& o, const std::string& path, risk::history& h);
/// One stress/1 scenario object (types and presence; stress::validate checks it).
void decode_stress_scenario(decoder& d, const json& o, const std::string& path, stress::scenario& s);
/// A house path entry of a cascade/1 request at `path`: the market it pushes (returned; its path
/// in `market_path`) and the series vols it carries, appended to `vols`. Null after an error.
const json* decode_path_entry(decoder& d, const json& o, const std::string& path, std::string& market_path,
                              std::vector<cascade::series_vol>& vols);
/// cascade/1's "monte_carlo" (decode_cascade_mc.cpp): paths, seed, horizon, model, dof, the vols and
/// correlations or a calibration on `h`, emit_path, list. The error, if any.
std::optional<error> decode_cascade_mc(decoder& d, const json& o, const std::string& path, const cascade::input& in, const risk::history& h,
                                       cascade_mc_request& out);
/// A cascade replay's window {"from", "to", "series"?} (dates "YYYY-MM-DD"); nullopt after an error (in d).
std::optional<cascade::replay_window> decode_replay_window(decoder& d, const json& o, const std::string& path);
/// A request's fields; the portfolio parameters from `given` (already validated) instead of "params".
/// "history" is read when `history_allowed` (risk requests) or under the es model.
outcome<request> decode_request(const json& root, const portfolio_params* given, bool history_allowed = false);

}  // namespace margin::api::detail
