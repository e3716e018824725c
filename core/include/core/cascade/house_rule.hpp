// The clearing house's liquidation rule, mirrored (docs/cascade.md §Rules): MarginAccounts._liquidate
// (contracts-interface/contracts/MarginAccounts.sol:325-366) and the ledger it writes, HouseState.sol's
// _setCash (:235-242), _perpSettle / _perpTrade (:266-279), _transferPositions (:282-298),
// _coverShortfall (:302-323) and AccountBook.claim (AccountBook.sol:148-155). Pure functions over
// plain state, line by line, each rounding as the contract names it; the cascade's house mode runs
// them and its market mode reuses the fraction, the reward and the loss scale.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "base/error.hpp"
#include "core/model.hpp"

namespace margin::cascade {

/// 1 (WAD).
inline Wad one() noexcept { return Wad::from_int(1); }

/// The liquidation's parameters: Timelock.RiskLimits' buffer and reward, and liquidateWithin's
/// liquidator limits. Bounds (the house's ParamBounds, checked by the door): 0 <= buffer <= 1,
/// 0 <= reward <= 0.5, 0 < max_fraction <= 1.
struct limits {
    Wad buffer, reward;
    Wad max_fraction = one();        ///< liquidate(): 1
    std::optional<Wad> max_payment;  ///< liquidate(): none (type(int256).max)
};

/// The fraction and the reward of one liquidation, from the witness's (equity, maintenance).
struct terms {
    Wad target;    ///< ceil((1 + buffer) MM)
    Wad per;       ///< floor((1 + buffer - reward) MM); 0 when equity <= 0 (not computed)
    Wad fraction;  ///< 1 if equity <= 0 or per <= 0, else min(1, ceil((target - equity) / per)); then min(., max_fraction)
    Wad reward;    ///< ceil(ceil(reward f) MM), at most max(equity, 0)
};

/// MarginAccounts.sol:335-348. Errors: ARITHMETIC_OVERFLOW (where the contract reverts FixedPointOverflow).
outcome<terms> fraction_and_reward(const Wad& equity, const Wad& maintenance, const limits& l);

/// The loss scale, lossMark = epoch << 128 | scale (HouseState.sol:202), kept as its two parts.
struct loss_mark {
    std::uint64_t epoch = 0;
    fp::I256 scale = scale0();          ///< 1e36 at the start of an epoch, multiplied down (floor) by each socialised loss
    static fp::I256 scale0() noexcept;  ///< SCALE0 = 1e36
    friend bool operator==(const loss_mark&, const loss_mark&) = default;
};

/// An account's cash as the house stores it: before its share of the losses socialised since `at`.
struct cash_entry {
    Wad cash;
    loss_mark at;
};

/// The house's loss ledger (its public views of the same names).
struct house_ledger {
    Wad insurance_fund, socialised_loss, total_positive_cash;
    loss_mark mark;
};

/// AccountBook.claim: the cash after its share of losses: cash if <= 0 or set at the current
/// mark; 0 from an earlier epoch; else floor(cash x scale / scale at entry).
Wad claim(const cash_entry& a, const loss_mark& mark);

/// HouseState._setCash: the account's share of losses since it was set comes off `cash`
/// (computed by the caller from a.cash), totalPositiveCash follows, the entry becomes the mark.
/// Errors: ARITHMETIC_OVERFLOW.
std::optional<error> set_cash(house_ledger& h, cash_entry& a, const Wad& cash);

/// What _coverShortfall did (its events InsuranceUsed and LossSocialised).
struct cover {
    Wad shortfall;   ///< -cash
    Wad insurance;   ///< min(fund, shortfall), the fund at least 0
    Wad socialised;  ///< shortfall - insurance (LossSocialised's amount; 0 when none)
    Wad borne;       ///< of it, borne at once by the positive cash balances (the rest joins socialisedLoss)
};

/// HouseState._coverShortfall on an account with negative cash. Errors: ARITHMETIC_OVERFLOW.
outcome<cover> cover_shortfall(house_ledger& h, cash_entry& a);

/// A house account: cash in the loss scale and the positions as the engine's request holds them
/// (options of contract size 1 and at most one perp with its entry price, on one underlying).
struct house_account {
    cash_entry cash;
    std::vector<position> positions;
};

/// The most option series an account holds (HouseState.MAX_LEGS = bridge::house_max_legs).
inline constexpr std::size_t house_max_legs = 32;

/// One liquidation as the house executes it: the Liquidated event's figures and the cover.
struct house_liquidation {
    terms t;
    Wad options_value;         ///< equity - cash after the perp's settlement at the mark
    Wad payment;               ///< floor(options_value f) - reward: liquidator -> account
    Wad shortfall;             ///< the Liquidated event's shortfall (0 unless f = 1 and cash < 0)
    cover covered;             ///< when shortfall > 0
    bool price_limit = false;  ///< reverted PriceLimit (payment > max_payment): nothing changed
    bool legs = false;         ///< reverted InvalidParameter("legs") or ("size"): nothing changed
};

/// MarginAccounts._liquidate from the witness on (the caller checked it liquidatable and, after,
/// that the liquidator holds IM: _requireIM is the engine's, not the ledger's): both accounts'
/// _settle charge (:328-329, no expiry paid: the cascade refuses paths across an expiry), the
/// terms, the perp settled at `perp_mark`, the payment, trunc(f x amount) of every position moved
/// (all at f = 1), the shortfall covered. On a revert (price_limit, legs) the state is as before.
/// Errors: ARITHMETIC_OVERFLOW.
outcome<house_liquidation> liquidate(house_ledger& h, house_account& account, house_account& liquidator, const Wad& equity,
                                     const Wad& maintenance, const std::optional<Wad>& perp_mark, const limits& l);

}  // namespace margin::cascade
