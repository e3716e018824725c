#include "core/risk/revalue.hpp"

#include <algorithm>

#include "core/margin.hpp"
#include "core/pricing.hpp"
#include "wad_ops.hpp"

namespace margin::risk {
namespace {

using fp::rounding;

const Wad ONE = Wad::from_int(1);

// m = clamp(1 - beta (g - 1), min, max): the spot-vol rule's vol multiplier.
Wad vol_multiplier(calc& c, const vol_rule& r, const Wad& g) {
    const Wad m = c(fp::sub(ONE, c(fp::mul(r.beta, c(fp::sub(g, ONE)), rounding::toward_zero))));
    return fp::min(fp::max(m, r.min_multiplier), r.max_multiplier);
}

std::size_t column(const scenario_set& s, const std::string& symbol) {
    return static_cast<std::size_t>(std::lower_bound(s.symbols.begin(), s.symbols.end(), symbol) - s.symbols.begin());
}

// The value of an option position at forward F' = floor(F g) with vols times m.
fp::result<Wad> option_at(const position& pos, const expiry_market& em, const Wad& q, const Wad& g, const Wad& m) {
    calc c;
    const Wad fwd = c(fp::mul(em.forward, g, rounding::floor));
    fp::result<fp::I256> w = fp::result<fp::I256>::failure(fp::errc::domain);
    if (pos.mark_vol) {
        w = fp::total_variance_ext(c(fp::mul(*pos.mark_vol, m, rounding::floor)), em.seconds_to_expiry);
    } else {
        const auto w0 = svi_total_variance(*em.svi, fwd, pos.strike);
        if (!w0.ok()) return fp::result<Wad>::failure(w0.error);
        w = fp::total_variance_ext(c(fp::mul(w0.value, c(fp::mul(m, m, rounding::floor)), rounding::floor)));
    }
    if (!c.ok()) return fp::result<Wad>::failure(c.error);
    if (!w.ok()) return fp::result<Wad>::failure(w.error);
    const auto quote = price_option({fwd, pos.strike, em.discount_factor, pos.kind, em.seconds_to_expiry, em.sqrt_year_q125, w.value});
    if (!quote.ok()) return fp::result<Wad>::failure(quote.error);
    return option_value(q, em.discount_factor, quote.value.undiscounted);
}

}  // namespace

std::vector<std::string> moved_symbols(const request& req, const history& h) {
    std::vector<std::string> out;
    for (const position& p : req.acct.positions) out.push_back(p.underlying);
    for (const auto& [asset, amount] : req.acct.collateral)
        if (h.count(asset)) out.push_back(asset);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

outcome<pnl_matrix> revalue(const request& req, const scenario_set& s, const params& p) {
    pnl_matrix out;
    const std::size_t n = s.size();
    out.scenarios = n;
    const auto& positions = req.acct.positions;
    std::vector<std::pair<std::string, Wad>> moving;  // collateral that moves: asset, amount
    for (const auto& [asset, amount] : req.acct.collateral)
        if (std::binary_search(s.symbols.begin(), s.symbols.end(), asset)) moving.emplace_back(asset, amount);
    const std::size_t rows = positions.size() + moving.size();
    out.pnl.resize(rows * n);
    out.total.assign(n, Wad{});

    for (std::size_t i = 0; i < positions.size(); ++i) {
        const position& pos = positions[i];
        const std::string path = "/account/positions/" + std::to_string(i);
        out.rows.push_back(path);
        out.row_symbol.push_back(pos.underlying);
        auto today = value_position(req, i);
        if (!today.ok()) return outcome<pnl_matrix>::failure(*today.err);
        const Wad v0 = today.value.value;
        const std::size_t col = column(s, pos.underlying);
        const underlying_market& um = req.market.underlyings.at(pos.underlying);
        const vol_rule rule = p.rule_for(pos.underlying);
        calc c;
        Wad* row = &out.pnl[i * n];
        if (pos.type == instrument_type::option) {
            const expiry_market& em = *um.find(pos.expiry);
            const Wad q = c(fp::mul(pos.size, pos.contract_size, rounding::toward_zero));  // exact (validated)
            for (std::size_t k = 0; k < n; ++k) {
                const Wad& g = s.g(k, col);
                const auto v = option_at(pos, em, q, g, vol_multiplier(c, rule, g));
                if (!v.ok())
                    return outcome<pnl_matrix>::failure(
                        v.error == fp::errc::domain ? error_code::SVI_NON_POSITIVE_VARIANCE : error_code::ARITHMETIC_OVERFLOW, path,
                        v.error == fp::errc::domain
                            ? "the surface gives total variance <= 0 at this strike under scenario " + std::to_string(k)
                            : "a scenario value exceeds the int256 fixed-point range");
                row[k] = c(fp::sub(v.value, v0));
            }
        } else {
            const Wad mark = pos.type == instrument_type::perp ? *um.perp_mark : um.find(pos.expiry)->forward;
            const Wad entry = pos.entry_price ? *pos.entry_price : mark;
            for (std::size_t k = 0; k < n; ++k) {
                const Wad moved = c(fp::mul(mark, s.g(k, col), rounding::floor));
                const Wad v = c(fp::add(c(fp::mul(pos.size, c(fp::sub(moved, entry)), rounding::floor)), pos.funding));
                row[k] = c(fp::sub(v, v0));
            }
        }
        if (!c.ok())
            return outcome<pnl_matrix>::failure(error_code::ARITHMETIC_OVERFLOW, path, "a scenario value exceeds the int256 range");
    }
    for (std::size_t j = 0; j < moving.size(); ++j) {
        const auto& [asset, amount] = moving[j];
        const std::string path = child("/account/collateral", asset);
        out.rows.push_back(path);
        out.row_symbol.push_back(asset);
        const Wad price = req.market.collateral.at(asset).price;
        const std::size_t col = column(s, asset);
        calc c;
        Wad* row = &out.pnl[(positions.size() + j) * n];
        for (std::size_t k = 0; k < n; ++k)
            row[k] = c(fp::mul(amount, c(fp::sub(c(fp::mul(price, s.g(k, col), rounding::floor)), price)), rounding::floor));
        if (!c.ok())
            return outcome<pnl_matrix>::failure(error_code::ARITHMETIC_OVERFLOW, path, "a scenario value exceeds the int256 range");
    }
    calc c;
    for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t k = 0; k < n; ++k) out.total[k] = c(fp::add(out.total[k], out.pnl[r * n + k]));
    if (!c.ok())
        return outcome<pnl_matrix>::failure(error_code::ARITHMETIC_OVERFLOW, "/account", "a scenario P&L exceeds the int256 range");
    return outcome<pnl_matrix>{std::move(out), std::nullopt};
}

}  // namespace margin::risk
