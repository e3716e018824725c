// The scenario engine on its int256 lane alone (internal; for tests). evaluate() and
// evaluate_scenario() run on 128-bit integers first and again on int256 (Wad)
// arithmetic when anything does not fit (lanes.hpp); these skip the first lane, so
// that tests/core/test_scenario_properties.cpp can check the two give the same bits.
#pragma once

#include <cstdint>

#include "core/scenario.hpp"

namespace margin::scenario::detail {

/// evaluate() on the int256 (Wad) lane only. Errors: ARITHMETIC_OVERFLOW.
outcome<result> evaluate_wide(const portfolio& p, const params& prm, value_cache* cache = nullptr);

/// evaluate_scenario() on the int256 (Wad) lane only. Errors: OUT_OF_RANGE (id), ARITHMETIC_OVERFLOW.
outcome<scenario_outcome> evaluate_scenario_wide(const portfolio& p, const params& prm, std::int64_t id, value_cache* cache = nullptr);

}  // namespace margin::scenario::detail
