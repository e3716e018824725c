// The es margin model (docs/risk.md, "The es margin model"): the account's Expected
// Shortfall as its scenario risk, with the portfolio model's contingencies.
#include "constants.hpp"
#include "core/margin.hpp"
#include "wad_ops.hpp"

namespace margin {
namespace {

using fp::rounding;

// The portfolio model with one neutral scenario (spot unchanged, full weight, no basis or
// loss factors): its worst loss is 0, so it yields the mark-to-market and the contingencies
// alone, computed by the same code as for pmrm2.
portfolio_params contingencies_only(const es_params& es) {
    portfolio_params pp;
    pp.version = "portfolio/1";
    scenario::params& s = pp.scenarios;
    s.scenarios = {{WAD_ONE, scenario::vol_move::none, WAD_ONE}};
    s.loss.im_factor = WAD_ONE;
    s.loss.mm_factor = WAD_ONE;
    s.loss.long_base_discount = WAD_ONE;
    s.loss.short_base_discount = WAD_ONE;
    s.basis.spot_up = WAD_ONE;
    s.basis.spot_down = WAD_ONE;
    s.contingency = es.contingency;
    for (const auto& [asset, rule] : es.collateral) pp.collateral[asset] = {rule.im_haircut, rule.mm_haircut, false, rule.depth};
    return pp;
}

}  // namespace

outcome<account_result> compute_es(const request& req) {
    request base = req;
    base.model = margin_model::portfolio;
    base.portfolio = contingencies_only(req.es);
    auto pm = compute_portfolio(base);
    if (!pm.ok()) return pm;
    // An account holding nothing (a cascade's account closed out) has no loss to measure: ES 0, no
    // `risk` block (the risk measures themselves refuse it: OUT_OF_RANGE, nothing moves).
    const bool holds_nothing = req.acct.positions.empty() && req.acct.collateral.empty();
    outcome<risk::risk_result> measured;
    if (!holds_nothing) {
        measured = risk::measure(req, *req.history, req.es.risk);
        if (!measured.ok()) return outcome<account_result>::failure(*measured.err);
    }
    account_result res = std::move(pm.value);
    res.model = margin_model::es;
    calc c;
    // The de-peg adjustment of the portfolio model: factor 1 + (threshold - stable price) x factor below the threshold.
    const scenario::contingency_params& cp = req.es.contingency;
    Wad factor = WAD_ONE;
    if (req.market.stable_price < cp.peg_loss_threshold)
        factor =
            c(fp::add(factor, c(fp::mul(c(fp::sub(cp.peg_loss_threshold, req.market.stable_price)), cp.peg_loss_factor, rounding::ceil))));
    const Wad es = holds_nothing ? Wad{} : fp::max(measured.value.es, Wad{});
    res.es_requirement = c(fp::mul(es, factor, rounding::ceil));
    // pm's IM is its contingencies alone (MM and IM parts): the neutral scenario has no loss.
    res.initial_margin = c(fp::add(res.es_requirement, pm.value.initial_margin));
    res.maintenance_margin = c(fp::mul(res.initial_margin, req.es.mm_factor, rounding::ceil));
    res.scenario_risk = es;
    res.free_collateral = c(fp::sub(res.margin_balance, res.initial_margin));
    res.health = c(fp::sub(res.margin_balance, res.maintenance_margin));
    res.liquidatable = res.health.raw().is_negative();
    res.margin_ratio.reset();
    if (res.margin_balance.raw().sign() > 0) res.margin_ratio = c(fp::div(res.maintenance_margin, res.margin_balance, rounding::ceil));
    if (!holds_nothing) res.risk = std::move(measured.value);
    if (!c.ok()) return outcome<account_result>::failure(error_code::ARITHMETIC_OVERFLOW, "/account", "a result exceeds the int256 range");
    return outcome<account_result>{std::move(res), std::nullopt};
}

}  // namespace margin
