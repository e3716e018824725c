// Backtesting margin against realised losses (docs/backtest.md): the shipped portfolio set,
// each day's market (spot and perp mark at the day's close, an implied-vol proxy from the
// history), the margin of a model on that day, the realised h-day loss of the same
// portfolio, and the integer parts of the summary (exception counts, transition counts,
// Basel traffic-light zones, procyclicality ratios). Everything here is integer fixed point
// and deterministic; the test statistics computed from these counts (Kupiec, Christoffersen
// likelihood ratios and their p-values) are report figures computed outside core.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.hpp"
#include "core/model.hpp"
#include "core/risk/history.hpp"
#include "core/risk/params.hpp"
#include "core/scenario.hpp"

namespace margin::risk {

/// The shipped portfolio set (docs/backtest.md §Portfolios), formed afresh every day.
enum class bt_portfolio : std::uint8_t {
    long_btc,                     ///< +1 BTC perp
    short_btc_perp,               ///< -1 BTC perp
    short_strangle,               ///< -1 put at 0.9 S, -1 call at 1.1 S, 30 days
    covered_call,                 ///< +1 BTC perp, -1 call at 1.1 S, 30 days
    calendar_spread,              ///< -1 ATM call 30 days, +1 ATM call 90 days
    btc_eth_pair,                 ///< +1 BTC perp, -(S_BTC / S_ETH) ETH perps
    risk_reversal,                ///< +1 call at 1.1 S, -1 put at 0.9 S, 30 days
    delta_hedged_short_straddle,  ///< -1 ATM call, -1 ATM put, 30 days, + the perp hedging their delta
};
inline constexpr std::array<std::string_view, 8> bt_portfolio_names = {
    "long_btc",        "short_btc_perp", "short_strangle", "covered_call",
    "calendar_spread", "btc_eth_pair",   "risk_reversal",  "delta_hedged_short_straddle"};

/// The documented choices of a run (docs/backtest.md); every bound is checked by check_options.
struct bt_options {
    std::int32_t first_day = 0;     ///< the first day the realised window may start (days since 1970-01-01)
    std::int32_t last_day = 0;      ///< the last day it may end: portfolios are formed on first .. last - h
    std::int32_t horizon_days = 2;  ///< h: the realised loss is over h days (1 .. 30)
    /// The implied-vol proxy: EWMA of daily log returns with this lambda, annualised (x 365),
    /// then clamped to [vol_floor, vol_cap].
    Wad vol_lambda = Wad::from_raw(fp::I256::from_i128(940'000'000'000'000'000));  ///< 0.94
    Wad vol_floor = Wad::from_raw(fp::I256::from_i128(300'000'000'000'000'000));   ///< 0.30
    Wad vol_cap = Wad::from_int(3);
    /// Statistics run on every `stride`-th formed day (non-overlapping windows: stride = h).
    std::int32_t stride = 2;
};

/// Caps (docs/backtest.md §Caps).
inline constexpr std::int32_t bt_max_days = 4000;          ///< formed days in one run
inline constexpr std::int32_t bt_vol_seed_distance = 400;  ///< the vol recursion starts this many days before first_day
inline constexpr std::int32_t bt_vol_seed_returns = 30;    ///< returns averaged to seed it
inline constexpr std::int64_t bt_basel_window = 250;       ///< observations per traffic-light window

/// Bounds of `o` against `h` (BTC must cover the vol warm-up, the window and its horizon;
/// the pair needs ETH from first_day). Errors: OUT_OF_RANGE (path "/backtest/<field>"),
/// HISTORY_TOO_SHORT / NO_HISTORY (path "/history/<symbol>").
std::optional<error> check_options(const bt_options& o, const history& h, bool needs_eth);

/// The implied-vol proxy of every day first_day .. last_day (index 0 = first_day):
/// x_d = ln(floor(P_d / P_{d-1})) (nearest), sigma^2 seeded on day E = first_day - 400 with
/// the mean (floor) of x^2 over the 30 returns ending on E, then
/// sigma^2_d = floor(lambda sigma^2_{d-1}) + floor((1 - lambda) floor(x_d^2)); the vol of day d
/// is clamp(sqrt(365 sigma^2_d), vol_floor, vol_cap) (sqrt to nearest).
outcome<std::vector<Wad>> vol_proxy(const series& s, const bt_options& o);

/// The variance behind it, unclamped and not annualised, of every day first .. last (index 0 =
/// first): seeded on day first - 400 with the mean (floor) of floor(x^2) over the 30 returns
/// ending there, then sigma^2_d = floor(lambda sigma^2_{d-1}) + floor((1 - lambda) floor(x_d^2)).
/// Precondition: `s` holds first - 430 .. last. Errors: ARITHMETIC_OVERFLOW.
outcome<std::vector<Wad>> ewma_variance(const series& s, const Wad& lambda, std::int32_t first, std::int32_t last);
/// floor(x_d^2), x_d = ln(floor(P_d / P_{d-1})) (ln to nearest), for d = from .. to (index 0 =
/// from). Precondition: `s` holds from - 1 .. to. Errors: ARITHMETIC_OVERFLOW.
outcome<std::vector<Wad>> squared_returns(const series& s, std::int32_t from, std::int32_t to);

/// The request of portfolio `p` formed on `day` (draft, not validated): the market at the
/// day's close (timestamp = the end of the day, (day + 1) x 86400; spot = perp mark = forward
/// = the close; discount factors 1; no confidence), options with mark_vol = `vol`, expiries
/// 30 and 90 days after the timestamp, strikes floor(S x moneyness) to whole dollars; the
/// straddle's hedge is -(the options' delta) toward zero to 0.001; cash 0. The model and its
/// parameters are `model`'s (its history pointer and, for es, risk.as_of = day, are set).
/// `lead` is the underlying every position is on but the pair's short leg: "BTC" (the shipped
/// set) or another symbol of `h` (the same portfolios, sized in that underlying's units; the
/// pair needs "BTC"). Precondition: `h` holds `lead` on `day`.
outcome<request> form_portfolio(bt_portfolio p, std::int32_t day, const history& h, const Wad& vol, const request& model,
                                const std::string& lead = "BTC");

/// One day of one portfolio under one model.
struct bt_day {
    std::int32_t day = 0;  ///< formation day
    Wad margin;            ///< the model's initial margin
    Wad mm;                ///< its maintenance margin
    Wad var, es;           ///< es models: the measure's VaR and ES (0 otherwise)
    Wad loss;              ///< realised h-day loss (-P&L)
    Wad spot;              ///< the lead underlying's close on `day` (the portfolios' scale)
};

/// The realised h-day P&L of a validated request formed on `day`: every position revalued by
/// risk::revalue under the one scenario g_s = floor(P_s(day + h) / P_s(day)) of each underlying
/// (the measures' revaluation: spot-vol rule `rules`, no time decay, forwards and marks x g).
outcome<Wad> realised_pnl(const request& validated, const history& h, std::int32_t day, std::int32_t horizon, const params& rules);

/// The model's margin and the realised loss of `p` on every formed day.
/// Errors: those of form_portfolio, validate, compute and realised_pnl (the message names the day).
/// `daily`, if given, holds the scenario parameters of every formed day (index 0 = first_day;
/// model: portfolio): each day's request uses its day's grid (docs/dynamic-params.md).
outcome<std::vector<bt_day>> run_backtest(bt_portfolio p, const request& model, const history& h, const std::vector<Wad>& vols,
                                          const bt_options& o, const std::vector<scenario::params>* daily = nullptr,
                                          const std::string& lead = "BTC");

/// Exception counts on a 0/1 sequence and its first-order transition counts (Christoffersen).
struct bt_coverage {
    std::int64_t n = 0, exceptions = 0;
    std::int64_t n00 = 0, n01 = 0, n10 = 0, n11 = 0;
    // Basel traffic light over every rolling window of 250 observations: green 0..4, yellow 5..9, red >= 10
    std::int64_t windows = 0, green = 0, yellow = 0, red = 0, max_in_window = 0;
    std::int64_t last_window_exceptions = -1;  ///< -1: fewer than 250 observations
};
bt_coverage coverage_of(const std::vector<bool>& hits);
/// Coverage of the maintenance margin: every stride-th day, loss > mm.
bt_coverage mm_coverage_of(const std::vector<bt_day>& days, std::int32_t stride);
/// "green", "yellow", "red" for a window's exception count; "n/a" for -1.
std::string_view basel_zone(std::int64_t exceptions_in_window);

/// The integer summary of one portfolio under one model (docs/backtest.md §Statistics).
struct bt_summary {
    std::int64_t days = 0;                    ///< formed days
    std::int64_t exceptions_overlapping = 0;  ///< every day: loss > margin (h-day windows overlap: descriptive)
    bt_coverage margin_cov;                   ///< every stride-th day: loss > margin
    bt_coverage var_cov;                      ///< es models, every stride-th day: loss > VaR
    Wad tail_loss_over_es;                    ///< es models: mean over those VaR exceptions of loss / ES (floor); 0 if none
    Wad average_margin;                       ///< floor of the mean
    Wad peak, trough;                         ///< largest and smallest margin
    Wad peak_to_trough;                       ///< peak / trough (floor); 0 when trough <= 0
    /// The same on the margin per dollar of BTC spot, M_t / S_t (floor): the peak-to-trough of a
    /// portfolio whose size is held at a constant dollar notional instead of 1 BTC.
    Wad peak_to_trough_per_spot;
    std::array<Wad, 3> largest_increase;                 ///< over 1, 5, 30 days: max of M_t / M_{t-k} - 1 (floor) with M_{t-k} > 0
    std::array<std::int32_t, 3> largest_increase_day{};  ///< the day t of each
};
outcome<bt_summary> summarise(const std::vector<bt_day>& days, bool has_var, std::int32_t stride);

}  // namespace margin::risk
