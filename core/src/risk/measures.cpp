#include "core/risk/measures.hpp"

#include <algorithm>

#include "core/limits.hpp"
#include "core/risk/scenarios.hpp"
#include "monte_carlo.hpp"
#include "wad_ops.hpp"

namespace margin::risk {
namespace {

using fp::rounding;

}  // namespace

outcome<tail> tail_of(std::span<const Wad> pnl, const Wad& confidence) {
    tail t;
    t.n = pnl.size();
    if (t.n == 0) return outcome<tail>::failure(error_code::OUT_OF_RANGE, "/risk", "no scenarios to measure");
    // k = ceil(n (10^18 - alpha_raw) / 10^18), exactly (alpha in (0.5, 1): 1 <= k <= n).
    const fp::i128 one = 1'000'000'000'000'000'000;
    const fp::i128 tail_raw = one - confidence.raw().to_i128();
    t.k = static_cast<std::size_t>((static_cast<fp::i128>(t.n) * tail_raw + one - 1) / one);
    std::vector<std::size_t> idx(t.n);
    for (std::size_t i = 0; i < t.n; ++i) idx[i] = i;
    // Largest loss = smallest P&L first; ties to the lower index: a total order.
    std::partial_sort(idx.begin(), idx.begin() + static_cast<std::ptrdiff_t>(t.k), idx.end(),
                      [&](std::size_t a, std::size_t b) { return pnl[a] != pnl[b] ? pnl[a] < pnl[b] : a < b; });
    idx.resize(t.k);
    t.order = std::move(idx);
    calc c;
    Wad sum;
    for (std::size_t i : t.order) sum = c(fp::sub(sum, pnl[i]));
    t.var = c(fp::neg(pnl[t.order.back()]));
    t.es = c(fp::div(sum, Wad::from_int(static_cast<std::int64_t>(t.k)), rounding::ceil));
    if (!c.ok()) return outcome<tail>::failure(error_code::ARITHMETIC_OVERFLOW, "/risk", "the tail loss exceeds the int256 range");
    return outcome<tail>{std::move(t), std::nullopt};
}

std::vector<Wad> split_in_proportion(const Wad& total, const std::vector<Wad>& w) {
    calc c;
    Wad sum;
    for (const Wad& x : w) sum = c(fp::add(sum, x));
    std::vector<Wad> part(w.size());
    if (w.empty() || !c.ok()) return part;
    if (sum.raw().sign() <= 0) {  // no positive total weight: no proportion to follow
        part[0] = total;
        return part;
    }
    const Wad one_wei = Wad::from_raw(fp::I256(1)), e18 = Wad::from_int(1);
    const Wad scaled = c(fp::mul_div(total, e18, one_wei, rounding::floor));  // total * 10^18, exact
    std::vector<Wad> frac(w.size());
    Wad assigned;
    for (std::size_t i = 0; i < w.size(); ++i) {
        part[i] = c(fp::mul_div(total, w[i], sum, rounding::floor));
        // the fractional part of total w_i / W, to 18 digits
        frac[i] = c(fp::sub(c(fp::mul_div(scaled, w[i], sum, rounding::floor)), c(fp::mul_div(part[i], e18, one_wei, rounding::floor))));
        assigned = c(fp::add(assigned, part[i]));
    }
    const fp::i128 left = c(fp::sub(total, assigned)).raw().to_i128();  // in [0, parts)
    std::vector<std::size_t> order(w.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return frac[a] > frac[b]; });
    for (fp::i128 i = 0; i < left && i < static_cast<fp::i128>(order.size()); ++i) {
        Wad& p = part[order[static_cast<std::size_t>(i)]];
        p = c(fp::add(p, one_wei));
    }
    return part;
}

std::vector<Wad> split_es(const pnl_matrix& m, const tail& t, std::span<const std::size_t> group, std::size_t groups) {
    calc c;
    std::vector<Wad> loss(groups);
    for (std::size_t r = 0; r < m.rows.size(); ++r)
        for (std::size_t i : t.order) loss[group[r]] = c(fp::sub(loss[group[r]], m.at(r, i)));
    return split_in_proportion(t.es, loss);
}

outcome<risk_result> measure(const request& req, const history& h, const params& p) {
    for (std::size_t i = 0; i < req.acct.positions.size(); ++i)
        if (!h.count(req.acct.positions[i].underlying))
            return outcome<risk_result>::failure(error_code::NO_HISTORY, "/account/positions/" + std::to_string(i) + "/underlying",
                                                 "no price history for " + req.acct.positions[i].underlying);
    const std::vector<std::string> symbols = moved_symbols(req, h);
    if (symbols.empty() && (p.kind == method::parametric || p.kind == method::delta_gamma))  // no window: nothing to estimate on
        return outcome<risk_result>::failure(error_code::OUT_OF_RANGE, "/risk", "nothing the account holds moves: no symbol to measure");
    if (p.kind == method::parametric) return detail::parametric(req, h, p, symbols);
    if (p.kind == method::delta_gamma) return detail::delta_gamma(req, h, p, symbols);

    risk_result res;
    res.kind = p.kind;
    std::size_t moving_collateral = 0;
    for (const auto& [asset, amount] : req.acct.collateral) moving_collateral += h.count(asset);
    const std::size_t rows = req.acct.positions.size() + moving_collateral;
    const std::size_t count = p.kind == method::monte_carlo ? static_cast<std::size_t>(p.paths) : static_cast<std::size_t>(p.lookback_days);
    if (rows * count > limits::max_risk_cells)
        return outcome<risk_result>::failure(
            error_code::OUT_OF_RANGE, p.kind == method::monte_carlo ? "/risk/paths" : "/risk/lookback_days",
            std::to_string(rows) + " contributors x " + std::to_string(count) + " scenarios exceed the cap of 2,000,000 revaluations");
    if (p.kind == method::monte_carlo) {  // each Student t draw costs dof + 1 normal draws (monte_carlo.cpp)
        const std::size_t per = p.innovations == innovation::student_t ? static_cast<std::size_t>(p.dof) + 1 : 1;
        if (count * symbols.size() * per > limits::max_normal_draws)
            return outcome<risk_result>::failure(
                error_code::OUT_OF_RANGE, "/risk/paths",
                std::to_string(count) + " paths x " + std::to_string(symbols.size()) + " symbols x " + std::to_string(per) +
                    " normal draws each exceed the cap of 5,000,000 draws: fewer paths" + (per > 1 ? " or degrees of freedom" : ""));
    }
    std::size_t options = 0;
    for (const position& pos : req.acct.positions) options += pos.type == instrument_type::option;
    const bool on_grid = p.revaluation_used() == revaluation::grid && count > 514;  // revalue()'s rule (it may still fall back)
    if (!on_grid && options * count > limits::max_full_option_revaluations)
        return outcome<risk_result>::failure(
            error_code::OUT_OF_RANGE, p.kind == method::monte_carlo ? "/risk/paths" : "/risk/lookback_days",
            std::to_string(options) + " options x " + std::to_string(count) +
                " scenarios exceed the cap of 500,000 full revaluations: fewer scenarios, or \"revaluation\": \"grid\"");
    auto s = make_scenarios(h, p, symbols);
    if (!s.ok()) return outcome<risk_result>::failure(*s.err);
    res.first_day = s.value.first_day;
    res.last_day = s.value.last_day;
    auto m = revalue(req, s.value, p);
    if (!m.ok()) return outcome<risk_result>::failure(*m.err);
    auto t = tail_of(m.value.total, p.confidence);
    if (!t.ok()) return outcome<risk_result>::failure(*t.err);
    res.scenarios = t.value.n;
    res.k = t.value.k;
    res.var = t.value.var;
    res.es = t.value.es;

    // Components: one group per contributor, and one per moved symbol.
    std::vector<std::size_t> per_row(rows), per_symbol(rows);
    for (std::size_t r = 0; r < rows; ++r) {
        per_row[r] = r;
        per_symbol[r] = static_cast<std::size_t>(std::lower_bound(symbols.begin(), symbols.end(), m.value.row_symbol[r]) - symbols.begin());
    }
    const std::vector<Wad> by_row = split_es(m.value, t.value, per_row, rows);
    res.es_by_position.assign(by_row.begin(), by_row.begin() + static_cast<std::ptrdiff_t>(req.acct.positions.size()));
    for (std::size_t r = req.acct.positions.size(); r < rows; ++r) res.es_by_collateral[m.value.row_symbol[r]] = by_row[r];
    const std::vector<Wad> by_symbol = split_es(m.value, t.value, per_symbol, symbols.size());
    for (std::size_t a = 0; a < symbols.size(); ++a) res.es_by_underlying[symbols[a]] = by_symbol[a];

    for (std::size_t i = 0; i < std::min<std::size_t>(10, t.value.order.size()); ++i) {
        const std::size_t sc = t.value.order[i];
        res.worst.push_back({sc, s.value.labels[sc], m.value.total[sc]});
    }
    res.pnl = std::move(m.value.total);
    return outcome<risk_result>{std::move(res), std::nullopt};
}

}  // namespace margin::risk
