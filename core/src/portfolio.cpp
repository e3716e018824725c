// Portfolio (scenario) margin of an account: one scenario evaluation per
// underlying (core/scenario.hpp), inter-underlying offsets, contingencies summed
// (docs/scenario.md, "Accounts").
#include <map>
#include <optional>

#include "constants.hpp"
#include "core/margin.hpp"
#include "wad_ops.hpp"

namespace margin {
namespace {

using fp::rounding;
namespace sc = scenario;

// An oracle's confidence score in [0, 1] from an absolute confidence: 1 - conf / price, rounded down.
Wad score(calc& c, const Wad& confidence, const Wad& price) {
    if (confidence.raw().is_zero()) return WAD_ONE;
    return fp::max(c(fp::sub(WAD_ONE, c(fp::div(confidence, price, rounding::ceil)))), Wad{});
}

outcome<account_result> overflow(const std::string& path) {
    return outcome<account_result>::failure(error_code::ARITHMETIC_OVERFLOW, path, "a result exceeds the int256 fixed-point range");
}

int direction(const sc::params& prm, std::int64_t worst) {
    if (worst < 0 || worst >= static_cast<std::int64_t>(prm.scenarios.size())) return 0;  // basis contingency
    const sc::scenario& s = prm.scenarios[static_cast<std::size_t>(worst)];
    if (s.vol == sc::vol_move::linear_skew || s.vol == sc::vol_move::abs_skew) return 0;
    const Wad one = WAD_ONE;
    return s.spot_shock > one ? 1 : (s.spot_shock < one ? -1 : 0);
}

}  // namespace

outcome<account_result> compute_portfolio(const request& req, std::optional<std::int64_t> scenario_id, sc::value_cache* cache) {
    calc c;
    account_result res;
    res.model = margin_model::portfolio;
    res.mode = req.acct.mode;
    const portfolio_params& pp = req.portfolio;
    const sc::params& prm = pp.scenarios;
    if (scenario_id && (*scenario_id < 0 || *scenario_id > static_cast<std::int64_t>(prm.scenarios.size())))
        return outcome<account_result>::failure(error_code::OUT_OF_RANGE, "/scenario",
                                                "no scenario " + std::to_string(*scenario_id) + ": the list has " +
                                                    std::to_string(prm.scenarios.size()) + " (and the basis contingency at that index)");
    std::map<std::string, std::vector<std::int64_t>> expiry_times;  // per book, in the order of its expiries

    // The scenario portfolio of each underlying held (positions or moving collateral).
    std::map<std::string, sc::portfolio> books;
    std::map<std::string, std::map<std::int64_t, sc::expiry>> expiries;
    auto book = [&](const std::string& sym) -> sc::portfolio& {
        auto it = books.find(sym);
        if (it != books.end()) return it->second;
        sc::portfolio p;
        const underlying_market& um = req.market.underlyings.at(sym);
        p.spot = um.spot;
        p.spot_confidence = score(c, um.spot_confidence, um.spot);
        p.stable_price = req.market.stable_price;
        if (um.perp_mark) {
            p.perp_price = *um.perp_mark;
            p.perp_confidence = score(c, um.perp_confidence, *um.perp_mark);
        }
        return books.emplace(sym, p).first->second;
    };
    auto expiry_of = [&](const std::string& sym, const expiry_market& em) -> sc::expiry& {
        auto& m = expiries[sym];
        auto it = m.find(em.expiry);
        if (it != m.end()) return it->second;
        sc::expiry e;
        e.seconds = em.seconds_to_expiry;
        e.forward_variable = em.forward;
        e.discount = em.discount_factor;
        // the rate for static discounting: as given (>= 0), else -ln(DF) / t
        e.rate = em.rate ? fp::max(*em.rate, Wad{})
                         : fp::max(c(fp::mul_div(c(fp::neg(c(fp::ln(em.discount_factor)))), SECONDS_PER_YEAR_WAD,
                                                 Wad::from_int(em.seconds_to_expiry), rounding::floor)),
                                   Wad{});
        e.confidence = score(c, em.forward_confidence, em.forward);
        return m.emplace(em.expiry, e).first->second;
    };

    for (std::size_t i = 0; i < req.acct.positions.size(); ++i) {
        const position& pos = req.acct.positions[i];
        auto valued = value_position(req, i, cache, value_basis::equity);  // each value from mark_to_market below
        if (!valued.ok()) return outcome<account_result>::failure(*valued.err);
        position_result pr = std::move(valued.value);
        sc::portfolio& p = book(pos.underlying);
        const underlying_market& um = req.market.underlyings.at(pos.underlying);
        if (pos.type == instrument_type::option) {
            sc::expiry& e = expiry_of(pos.underlying, *um.find(pos.expiry));
            e.options.push_back(
                {pos.strike, *pr.vol, c(fp::mul(pos.size, pos.contract_size, rounding::toward_zero)), pos.kind == option_kind::call});
        } else {
            if (pos.type == instrument_type::perp)
                p.perp_position = c(fp::add(p.perp_position, pos.size));
            else {
                sc::expiry& e = expiry_of(pos.underlying, *um.find(pos.expiry));
                e.futures = c(fp::add(e.futures, pos.size));
            }
            p.perp_value = c(fp::add(p.perp_value, pr.value));  // linear positions' P&L and funding
        }
        add_greeks_into(c, res.greeks_by_underlying[pos.underlying], pr.position_greeks);
        res.positions.push_back(std::move(pr));
        if (!c.ok()) return overflow("/account/positions/" + std::to_string(i));
    }
    auto eq = mark_to_market(req, res.positions);
    if (!eq.ok()) return outcome<account_result>::failure(*eq.err);
    for (std::size_t i = 0; i < res.positions.size(); ++i) res.positions[i].value = eq.value.position_values[i];
    res.equity = eq.value.equity;
    // Collateral: risk-cancelling assets move with the underlying of the same symbol; the rest with nothing.
    sc::portfolio unattached;
    unattached.spot = WAD_ONE;
    unattached.spot_confidence = WAD_ONE;
    unattached.stable_price = req.market.stable_price;
    for (const auto& [asset, amount] : req.acct.collateral) {
        const asset_price& ap = req.market.collateral.at(asset);
        const collateral_rule& rule = pp.collateral.at(asset);
        const bool moves = rule.risk_cancelling && req.market.underlyings.count(asset) > 0;
        sc::portfolio& p = moves ? book(asset) : unattached;
        // the size-against-depth term on this holding (ceil: the larger haircut)
        const Wad held = rule.depth.present() ? c(fp::mul(amount, ap.price, rounding::ceil)) : Wad{};
        const Wad im_h = c(fp::add(rule.im_haircut, c(depth_addon(rule.depth, held, c(fp::add(rule.im_haircut, rule.mm_haircut))))));
        p.collaterals.push_back({asset, amount, ap.price, score(c, ap.confidence, ap.price), im_h, rule.mm_haircut, moves});
        collateral_result cr{asset, amount, ap.price, eq.value.collateral_values[res.collateral.size()], Wad{}};
        cr.im_charge = c(fp::mul(cr.value, c(fp::add(im_h, rule.mm_haircut)), rounding::ceil));
        res.collateral.push_back(std::move(cr));
    }
    for (auto& [sym, m] : expiries)
        for (auto& [t, e] : m) {
            book(sym).expiries.push_back(std::move(e));
            expiry_times[sym].push_back(t);
        }
    if (!c.ok()) return overflow("/account");

    // Evaluate each underlying; then the unattached collateral (no scenario moves it).
    Wad equity = req.acct.cash, mm_cont, im_cont;
    Wad im_factor = prm.loss.im_factor;
    std::map<std::string, std::pair<Wad, int>> risk;  // remaining size of the worst loss, its direction
    auto run = [&](const std::string& sym, const sc::portfolio& p) -> std::optional<error> {
        auto r = sc::evaluate(p, prm, sym.empty() ? nullptr : cache);
        if (!r.ok()) return error{r.err->code, sym.empty() ? "/account/collateral" : "/market/underlyings/" + sym, r.err->message};
        if (scenario_id) {  // the requested scenario instead of the worst
            const auto one = sc::evaluate_scenario(p, prm, *scenario_id, cache);
            if (!one.ok()) return error{one.err->code, "/market/underlyings/" + sym, one.err->message};
            r.value.worst_scenario = *scenario_id;
            r.value.worst_loss = one.value.pnl;
            for (std::size_t j = 0; j < r.value.expiries.size() && j < one.value.expiry_pnl.size(); ++j)
                r.value.expiries[j].worst_pnl = one.value.expiry_pnl[j];
        }
        underlying_risk u{sym,
                          {},
                          r.value.worst_scenario,
                          r.value.worst_loss,
                          r.value.basis_contingency,
                          r.value.mm_contingency,
                          r.value.im_contingency,
                          r.value.mark_to_market,
                          r.value.scenario_pnl};
        const auto& times = expiry_times[sym];
        for (std::size_t j = 0; j < r.value.expiries.size() && j < times.size(); ++j)
            u.expiries.push_back({times[j], r.value.expiries[j].mtm, r.value.expiries[j].worst_pnl});
        equity = c(fp::add(equity, u.mark_to_market));
        mm_cont = c(fp::add(mm_cont, u.mm_contingency));
        im_cont = c(fp::add(im_cont, u.im_contingency));
        im_factor = r.value.im_factor;  // the same peg adjustment for every book
        // a scenario's gain is no risk: the requirement counts losses only
        if (!sym.empty()) risk[sym] = {fp::max(c(fp::neg(u.worst_loss)), Wad{}), direction(prm, u.worst_scenario)};
        res.underlyings.push_back(std::move(u));
        return std::nullopt;
    };
    for (const auto& [sym, p] : books)
        if (auto e = run(sym, p)) return outcome<account_result>::failure(*e);
    if (!unattached.collaterals.empty())
        if (auto e = run("", unattached)) return outcome<account_result>::failure(*e);

    // Offsets in priority order: opposite worst-case directions earn rate x the smaller risk.
    Wad total;
    for (const auto& [sym, rd] : risk) total = c(fp::add(total, rd.first));
    for (const offset_rule& o : pp.offsets) {
        auto a = risk.find(o.a), b = risk.find(o.b);
        if (a == risk.end() || b == risk.end() || a->second.second * b->second.second >= 0) continue;
        const Wad m = fp::min(a->second.first, b->second.first);
        const Wad credit = c(fp::mul(m, o.rate, rounding::floor));
        a->second.first = c(fp::sub(a->second.first, m));
        b->second.first = c(fp::sub(b->second.first, m));
        total = c(fp::sub(total, credit));
        res.offsets.push_back({o.a, o.b, credit});
    }
    res.scenario_risk = total;
    // the chain's balance: cash + the underlyings' mark-to-market as the scenario engine (and
    // PortfolioMargin.sol) sums it; equal to mark_to_market()'s equity (tests/core/test_equity.cpp)
    res.margin_balance = equity;
    res.maintenance_margin = c(fp::add(c(fp::mul(total, prm.loss.mm_factor, rounding::ceil)), mm_cont));
    res.initial_margin = c(fp::add(c(fp::add(c(fp::mul(total, im_factor, rounding::ceil)), mm_cont)), im_cont));
    res.free_collateral = c(fp::sub(equity, res.initial_margin));
    res.health = c(fp::sub(equity, res.maintenance_margin));
    res.liquidatable = res.health.raw().is_negative();
    if (equity.raw().sign() > 0) res.margin_ratio = c(fp::div(res.maintenance_margin, equity, rounding::ceil));
    if (!c.ok()) return overflow("/account");
    outcome<account_result> o;
    o.value = std::move(res);
    return o;
}

outcome<account_result> compute(const request& req, scenario::value_cache* cache) {
    switch (req.model) {
        case margin_model::portfolio: return compute_portfolio(req, std::nullopt, cache);
        case margin_model::es: return compute_es(req);
        case margin_model::standard: break;
    }
    return compute_standard(req, cache);
}

}  // namespace margin
