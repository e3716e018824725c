// Standard margin (docs/margin.md): each position's requirement by
// exchange-style formulas, summed over a cross-margined account or held per
// position in isolated mode. Every amount rounds against the account: values
// toward -infinity, requirements toward +infinity.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "core/model.hpp"
#include "core/pricing.hpp"
#include "core/risk/measures.hpp"

namespace margin {

struct position_result {
    Wad mark_price;          ///< per contract: option price * contract size; perp/future mark
    Wad underlying_price;    ///< forward of the expiry (options, futures) or perp mark
    Wad value;               ///< in a result: its part of equity (mark_to_market()); from value_position, an option's exact floor(q DF B76)
    Wad unit_value;          ///< options: floor(DF x Black-76) per unit at `vol`, the chain's per-unit value
    Wad notional;            ///< |quantity| * underlying price (ceil)
    Wad initial_margin;      ///< ceil
    Wad maintenance_margin;  ///< ceil
    std::optional<Wad> vol;  ///< options: the vol priced with
    greeks position_greeks;  ///< quantity * unit Greeks, toward zero
    std::optional<Wad> isolated_balance;  ///< isolated mode: isolated_margin + value
    bool liquidatable = false;            ///< isolated mode: isolated_balance < maintenance_margin
};

struct collateral_result {
    std::string asset;
    Wad amount, price, value, im_charge;
};

/// Portfolio model: one underlying's scenario risk (docs/scenario.md).
struct expiry_risk {
    std::int64_t expiry = 0;  ///< Unix seconds
    Wad mark_to_market;       ///< its options
    Wad worst_pnl;            ///< its part of the underlying's worst loss
};

struct underlying_risk {
    std::string symbol;  ///< "" for collateral that moves with no underlying
    std::vector<expiry_risk> expiries;
    std::int64_t worst_scenario = -1;  ///< index into the scenario list; list size = basis contingency
    Wad worst_loss;                    ///< <= 0
    Wad basis_contingency;
    Wad mm_contingency, im_contingency;  ///< IM adds both
    Wad mark_to_market;                  ///< its positions and collateral
    std::vector<Wad> scenario_pnl;
};

struct offset_credit {
    std::string a, b;
    Wad credit;
};

/// A named difference between equity and a model's margin balance (docs/api.md, "Equity").
struct balance_adjustment {
    std::string name;  ///< collateral_stable_price, collateral_confidence, collateral_haircut
    Wad amount;        ///< subtracted from equity
};

struct account_result {
    margin_model model = margin_model::standard;
    margin_mode mode = margin_mode::cross;
    Wad equity;                                           ///< mark_to_market(): the same number under every model
    Wad margin_balance;                                   ///< equity - the adjustments: the balance health and liquidatable use
    std::vector<balance_adjustment> balance_adjustments;  ///< standard: the collateral terms; portfolio, es: none
    Wad initial_margin;                                   ///< standard: position IMs + collateral IM charges
    Wad maintenance_margin;                               ///< standard: position MMs
    Wad free_collateral;                                  ///< cross: margin_balance - IM; isolated: the pool less its IM charges
    Wad health;                                           ///< cross: margin_balance - MM; isolated: min(pool, min over positions)
    std::optional<Wad> pool_balance;                      ///< isolated mode: cash and collateral values not assigned to positions
    std::optional<Wad> margin_ratio;                      ///< MM / margin_balance (ceil) when margin_balance > 0
    bool liquidatable = false;                            ///< health < 0
    std::vector<position_result> positions;               ///< request order
    std::vector<collateral_result> collateral;            ///< by asset symbol
    std::map<std::string, greeks> greeks_by_underlying;
    // portfolio model only
    std::vector<underlying_risk> underlyings;  ///< by symbol, then the unattached collateral ("")
    std::vector<offset_credit> offsets;        ///< credits granted, in priority order
    Wad scenario_risk;                         ///< sum of the worst losses' sizes less the credits
    // es model only
    std::optional<risk::risk_result> risk;  ///< the measure IM is built on
    Wad es_requirement;                     ///< ceil(max(ES, 0) x the de-peg factor): IM less the contingencies
};

/// The account's equity (docs/api.md, "Equity"), one definition for every model and the
/// chain's (PortfolioMargin.sol): cash + each linear position's value (size x (mark -
/// entry), floor, + funding) + per option expiry floor(sum of amount x unit_value) +
/// per collateral asset floor(amount x price / stable_price). No confidence, no haircut.
struct equity_parts {
    Wad equity;
    std::vector<Wad> position_values;    ///< request order; an expiry's total split over its options, largest remainders first
    std::vector<Wad> collateral_values;  ///< by asset symbol (the request's collateral order)
};

/// `positions`: value_position of each of the request's positions, in order (their `value`
/// and `unit_value` are read). Errors: ARITHMETIC_OVERFLOW.
outcome<equity_parts> mark_to_market(const request& req, const std::vector<position_result>& positions);

/// What value_position gives as an option's `value`: `exact`, floor(q DF B76) (the risk
/// measures' base); `equity`, zero, for a caller that takes each option's part of equity from
/// mark_to_market() instead (compute: three 256-bit divisions a leg it would throw away).
enum class value_basis { exact, equity };

/// A position's mark-to-market figures (value, mark, notional, vol, Greeks; no
/// margin), shared by both models. Errors: SVI_NON_POSITIVE_VARIANCE, ARITHMETIC_OVERFLOW.
/// `cache` (one market snapshot): an option's mark quote is priced once per distinct
/// contract and reused, the same bits and errors as without it.
outcome<position_result> value_position(const request& req, std::size_t index, scenario::value_cache* cache = nullptr,
                                        value_basis basis = value_basis::exact);

/// Evaluates a validated request. Errors (with the path of the position or
/// asset): SVI_NON_POSITIVE_VARIANCE, ARITHMETIC_OVERFLOW.
/// `cache`: as value_position's.
outcome<account_result> compute_standard(const request& req, scenario::value_cache* cache = nullptr);

/// Portfolio (scenario) margin of a validated request with model == portfolio
/// (docs/scenario.md). With `scenario`, every underlying is evaluated at that one
/// scenario (the scenario list's length = the basis contingency) instead of its
/// worst: the account as the chain re-executes it, bit-identical to the full
/// evaluation wherever that scenario is the worst. Errors: SVI_NON_POSITIVE_VARIANCE,
/// OUT_OF_RANGE (scenario), ARITHMETIC_OVERFLOW, MODEL_NOT_SUPPORTED (scenario with the standard model).
/// `cache`: contract values shared by accounts of one market snapshot and parameter set
/// (scenario::value_cache; keepers): the same bits, faster. Clear it when either changes.
outcome<account_result> compute_portfolio(const request& req, std::optional<std::int64_t> scenario = std::nullopt,
                                          scenario::value_cache* cache = nullptr);

/// The es model (docs/risk.md, "The es margin model") of a validated request with
/// model == es: equity and contingencies as the portfolio model values them, IM = the
/// ES requirement + the contingencies, MM = mm_factor x IM (ceil). Errors: those of
/// risk::measure (HISTORY_TOO_SHORT, NO_HISTORY, ...), SVI_NON_POSITIVE_VARIANCE, ARITHMETIC_OVERFLOW.
outcome<account_result> compute_es(const request& req);

/// The request's model. `cache`: as compute_portfolio's (the es model does not use it).
outcome<account_result> compute(const request& req, scenario::value_cache* cache = nullptr);

}  // namespace margin
