// Scenarios by name and meaning: a label from a scenario's parameters, for people (the CLI's
// explain and compare). Labels are display text, never parsed; the parameters stay the truth.
#pragma once

#include <cstdint>
#include <string>

#include "core/scenario.hpp"

namespace margin::api {

/// Scenario `id` of `prm` in words, its decimals exact (fp::format, no trailing zeros):
///   spot: "spot ×S" (S the spot_shock multiplier) or "spot unchanged" when S = 1;
///   vol: ", vol up", ", vol down", ", linear skew", ", abs skew", nothing for none
///        (a scenario moving neither spot nor vol reads "spot unchanged");
///   weight: ", weight W" when W ≠ 1 (the scenario's P&L is dampened by W).
/// id = scenarios.size() is the basis contingency: "basis: spot ×U or ×D" (params.basis).
/// Any other id: "#id" (no such scenario). "×" is U+00D7 in UTF-8.
/// Example (pmrm2's scenario 5): "spot ×0.82, vol up".
std::string scenario_label(const scenario::params& prm, std::int64_t id);

}  // namespace margin::api
