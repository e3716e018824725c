#include "core/risk/measures.hpp"

#include <algorithm>

#include "core/limits.hpp"
#include "core/risk/scenarios.hpp"
#include "monte_carlo.hpp"
#include "wad_ops.hpp"

namespace margin::risk {
namespace {

using fp::rounding;

Wad wei(fp::i128 v) { return Wad::from_raw(fp::I256::from_i128(v)); }

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

std::vector<Wad> split_es(const pnl_matrix& m, const tail& t, std::span<const std::size_t> group, std::size_t groups) {
    calc c;
    std::vector<Wad> loss(groups);
    for (std::size_t r = 0; r < m.rows.size(); ++r)
        for (std::size_t i : t.order) loss[group[r]] = c(fp::sub(loss[group[r]], m.at(r, i)));
    const Wad k = Wad::from_int(static_cast<std::int64_t>(t.k));
    std::vector<Wad> part(groups), rem(groups);
    Wad assigned;
    for (std::size_t g = 0; g < groups; ++g) {
        part[g] = c(fp::div(loss[g], k, rounding::floor));  // raw(loss) / k, floor
        rem[g] = c(fp::sub(loss[g], c(fp::mul(part[g], k, rounding::floor))));
        assigned = c(fp::add(assigned, part[g]));
    }
    // es - sum of floors is in [0, groups]: one wei each to the largest remainders.
    fp::i128 left = c(fp::sub(t.es, assigned)).raw().to_i128();
    std::vector<std::size_t> by_rem(groups);
    for (std::size_t g = 0; g < groups; ++g) by_rem[g] = g;
    std::stable_sort(by_rem.begin(), by_rem.end(), [&](std::size_t a, std::size_t b) { return rem[a] > rem[b]; });
    for (std::size_t i = 0; i < groups && left > 0; ++i, --left) part[by_rem[i]] = c(fp::add(part[by_rem[i]], wei(1)));
    return part;
}

outcome<risk_result> measure(const request& req, const history& h, const params& p) {
    for (std::size_t i = 0; i < req.acct.positions.size(); ++i)
        if (!h.count(req.acct.positions[i].underlying))
            return outcome<risk_result>::failure(error_code::NO_HISTORY, "/account/positions/" + std::to_string(i) + "/underlying",
                                                 "no price history for " + req.acct.positions[i].underlying);
    const std::vector<std::string> symbols = moved_symbols(req, h);
    if (p.kind == method::parametric) return detail::parametric(req, h, p, symbols);

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
