// The liquidation cascade simulator (docs/cascade.md): a book under a shock, liquidations step by
// step, in house mode (MarginAccounts' rule as it is: positions pass to liquidators; an explicit
// path of markets) or market mode (positions unwound into the market, the net flow moving the price
// through an impact model; insurance fund, then socialised loss or auto-deleveraging), until no
// account is liquidatable or the step cap. Integer fixed point; the same bytes for any thread count.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "core/cascade/house_rule.hpp"
#include "core/cascade/impact.hpp"
#include "core/model.hpp"

namespace margin::cascade {

enum class mode : std::uint8_t { house, market };
/// What covers a deficit beyond the insurance fund (market mode; house mode is always `none`).
enum class loss_rule : std::uint8_t {
    none,      ///< the house's loss scale (lossMark): borne by the positive cash balances, the rest socialisedLoss
    ranked,    ///< ADL: profitable linear positions by score (upnl / equity) x (notional / equity), descending
    pro_rata,  ///< ADL: every profitable linear position in proportion to its upnl
};

inline constexpr std::size_t max_steps = 1'000;
/// Series vols one house push carries at most.
inline constexpr std::size_t max_push_vols = 1'000;

/// One option series' vol in a house push (the chain's `pushMarket` `vols`, one per live
/// series): from that push on, every option position of the book on the series (the path
/// market's underlying; this expiry, strike and kind) is valued with it as its `mark_vol`.
struct series_vol {
    std::int64_t expiry = 0;
    Wad strike;
    option_kind kind = option_kind::call;
    Wad vol;  ///< [margin::limits::min_vol, margin::limits::max_vol]
};
/// Threads a run uses at most (more are taken as this many).
inline constexpr std::size_t max_threads = 64;

/// The simulator's input. Preconditions (the door, core/api, checks them and reports with paths):
/// every request validated, its account's market replaced by the step's; house mode: every
/// account on the portfolio model, one underlying, no collateral, perps with entry prices.
struct input {
    cascade::mode mode = cascade::mode::house;
    std::vector<request> accounts;         ///< the book (1 .. stress::max_book_accounts)
    std::vector<std::uint32_t> groups;     ///< accounts of one group share parameters (one value_cache); empty: all one group
    std::vector<std::size_t> liquidators;  ///< house mode: book indices, tried in this order
    limits rule;
    Wad insurance_fund;
    loss_rule loss = loss_rule::none;
    std::map<std::string, cascade::liquidity> liquidity;  ///< market mode: by underlying symbol (an underlying without: no impact)
    market_state start;                                   ///< S0, validated
    std::vector<market_state>
        path;  ///< validated, 1 .. max_steps; house: the market of each push (step s: path[min(s, n - 1)]); market: the exogenous path (exogenous_step)
    std::size_t steps = 1;  ///< the step cap, 1 .. max_steps
    /// House mode: empty (the positions keep their mark_vol), or one list per path market (the
    /// series vols of that push; an empty list leaves the vols as they are). Each series held
    /// by the book at S0, at most once a push, at most max_push_vols.
    std::vector<std::vector<series_vol>> path_vols;
};

struct adl_charge {
    std::size_t account = 0;
    Wad notional;  ///< ceil(|closed size| x mark)
    Wad charge;    ///< what it gave up to the deficit
};

struct liquidation_record {
    std::size_t account = 0;
    std::optional<std::size_t> liquidator;  ///< house mode: who took it (none: it waits)
    std::optional<std::int64_t> scenario;   ///< the witness (portfolio model: the worst scenario)
    Wad equity, maintenance, fraction, reward, payment, shortfall, insurance, socialised;
    Wad notional;  ///< sum over positions of ceil(f x notional)
    std::vector<adl_charge> adl;
};

struct underlying_step {
    std::string symbol;
    Wad price;              ///< the mark after the step (perp mark, else spot)
    Wad price_no_feedback;  ///< the exogenous path's
    Wad flow;               ///< market mode: net signed units (negative: sold)
    Wad impact, execution;
    bool exhausted = false;
};

struct step_record {
    std::size_t step = 0;
    std::vector<underlying_step> underlyings;
    std::vector<liquidation_record> liquidations;
    std::size_t count = 0;  ///< liquidations executed (records with a liquidator, or all in market mode)
    Wad notional, fund, socialised_loss, bad_debt, adl_notional, total_positive_cash;
    loss_mark mark;
    Wad counterparty;  ///< market mode: the market's cash (it pays for what it takes)
    Wad dust;          ///< the rounding the ledger kept this step (>= 0: the loss scale's floors)
};

struct totals {
    std::size_t liquidations = 0, steps_run = 0;
    Wad notional, bad_debt, fund_used, adl_notional, capital_locked;
    std::map<std::string, std::optional<Wad>>
        amplification;    ///< (final - S0) / (S_shock - S0), floor; null when S_shock = S0 (S_shock: house path[0], market the path's last)
    bool capped = false;  ///< stopped by the step cap with an account still liquidatable (or the path not done)
};

struct result {
    std::vector<step_record> steps;
    totals total;
};

/// Runs the cascade. `threads` (>= 1; 1 under WebAssembly) split each step's evaluation of the
/// book; liquidations run in book order on one thread, so the result does not depend on it.
/// Errors: BAD_COUNT /steps (0 or > max_steps), OUT_OF_RANGE /accounts (empty), /rule/* (bounds), /path (empty, or
/// more than max_steps markets), /groups, /liquidators/<i> (not a book index),
/// /liquidity/<SYM>/{max_impact,depth,k,levels,bids/<i>,asks/<i>} (the bounds of `liquidity`),
/// MODEL_NOT_SUPPORTED /accounts/<i> (house mode off the portfolio model), /accounts/<i>/collateral
/// (collateral held), /path/<i> (house mode: not one underlying), OUT_OF_RANGE /path_vols (not one
/// list per path market), /path/<i>/vols (over max_push_vols), /path/<i>/vols/<k> (a series no
/// account holds, or given twice), /path/<i>/vols/<k>/mark_vol (outside [min_vol, max_vol]),
/// MODE_NOT_SUPPORTED /path/<i>/vols (market mode), and the engine's (with
/// /accounts/<i> before their path).
outcome<result> run(const input& in, std::size_t threads = 1);

}  // namespace margin::cascade
