// Standard margin (docs/margin.md): each position's requirement by
// exchange-style formulas, summed over a cross-margined account or held per
// position in isolated mode. Every amount rounds against the account: values
// toward -infinity, requirements toward +infinity.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/model.hpp"
#include "core/pricing.hpp"

namespace margin {

struct position_result {
    Wad mark_price;               ///< per contract: option price * contract size; perp/future mark
    Wad underlying_price;         ///< forward of the expiry (options, futures) or perp mark
    Wad value;                    ///< mark-to-market value (floor)
    Wad notional;                 ///< |quantity| * underlying price (ceil)
    Wad initial_margin;           ///< ceil
    Wad maintenance_margin;       ///< ceil
    std::optional<Wad> vol;       ///< options: the vol priced with
    greeks position_greeks;       ///< quantity * unit Greeks, toward zero
    std::optional<Wad> isolated_equity;  ///< isolated mode: isolated_margin + value
    bool liquidatable = false;    ///< isolated mode: isolated_equity < maintenance_margin
};

struct collateral_result {
    std::string asset;
    Wad amount, price, value, im_charge;
};

struct account_result {
    margin_mode mode = margin_mode::cross;
    Wad equity;              ///< cash + collateral after MM haircut + position values
    Wad initial_margin;      ///< position IMs + collateral IM charges
    Wad maintenance_margin;  ///< position MMs
    Wad free_collateral;     ///< cross: equity - IM; isolated: the unassigned pool less its IM charges
    Wad health;              ///< cross: equity - MM; isolated: min(pool, min over positions)
    std::optional<Wad> margin_ratio;  ///< MM / equity (ceil) when equity > 0
    bool liquidatable = false;        ///< health < 0
    std::vector<position_result> positions;     ///< request order
    std::vector<collateral_result> collateral;  ///< by asset symbol
    std::map<std::string, greeks> greeks_by_underlying;
};

/// Evaluates a validated request. Errors (with the path of the position or
/// asset): SVI_NON_POSITIVE_VARIANCE, ARITHMETIC_OVERFLOW.
outcome<account_result> compute_standard(const request& req);

}  // namespace margin
