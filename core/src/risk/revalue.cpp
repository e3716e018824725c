#include "core/risk/revalue.hpp"

#include <algorithm>
#include <map>

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

// One option position priced at moved forwards F' = floor(F g) with vols times the spot-vol
// multiplier: the formulas and roundings of value_position() (ln K held across scenarios).
struct option_pricer {
    const position* pos = nullptr;
    const expiry_market* em = nullptr;
    Wad q, ln_k;
    vol_rule rule;

    fp::result<Wad> at(const Wad& g) const {
        calc c;
        const Wad m = vol_multiplier(c, rule, g);
        const Wad fwd = c(fp::mul(em->forward, g, rounding::floor));
        fp::result<fp::I256> w = fp::result<fp::I256>::failure(fp::errc::domain);
        if (pos->mark_vol) {
            w = fp::total_variance_ext(c(fp::mul(*pos->mark_vol, m, rounding::floor)), em->seconds_to_expiry);
        } else {
            const auto w0 = svi_total_variance_at(*em->svi, c(fp::sub(ln_k, c(fp::ln(fwd)))));
            if (!w0.ok()) return fp::result<Wad>::failure(w0.error);
            w = fp::total_variance_ext(c(fp::mul(w0.value, c(fp::mul(m, m, rounding::floor)), rounding::floor)));
        }
        if (!c.ok()) return fp::result<Wad>::failure(c.error);
        if (!w.ok()) return fp::result<Wad>::failure(w.error);
        const auto t = fp::black76(fwd, pos->strike, w.value);
        if (!t.ok()) return fp::result<Wad>::failure(t.error);
        return option_value(q, em->discount_factor, pos->kind == option_kind::call ? t.value.call : t.value.put);
    }
};

constexpr std::int64_t grid_intervals = 256;

fp::i128 floor_div(fp::i128 a, fp::i128 b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0); }

// The grid of one underlying (docs/risk.md §Revaluation): nodes g_j = lo + j h, j = 0 .. 256,
// h = max(ceil((hi - lo) / 256), 1 wei), spanning the scenarios' growth factors; for each
// scenario its interval j (clamped to 1 .. 254, so nodes j-1 .. j+2 exist), t = (g - g_j) / h
// to 2^-32 (T = floor(2^32 (g - g_j) / h)), and the cubic Lagrange weights of nodes j-1 .. j+2
// in units of 2^-64, each floor(. / (6 or 2) / 2^32) of the exact product in T.
// nullopt when a growth factor's raw value reaches 2^90 (no grid: full revaluation).
std::optional<interpolation> make_grid(const scenario_set& s, std::size_t col) {
    const std::size_t n = s.size();
    constexpr fp::i128 cap = fp::i128{1} << 90;
    fp::i128 lo = 0, hi = 0;
    for (std::size_t k = 0; k < n; ++k) {
        const fp::I256& r = s.g(k, col).raw();
        if (!r.fits_i128() || r.to_i128() >= cap) return std::nullopt;
        const fp::i128 v = r.to_i128();
        lo = k == 0 ? v : std::min(lo, v);
        hi = k == 0 ? v : std::max(hi, v);
    }
    interpolation gr;
    const fp::i128 h = std::max<fp::i128>((hi - lo + grid_intervals - 1) / grid_intervals, 1);
    for (std::int64_t j = 0; j <= grid_intervals; ++j) gr.nodes.push_back(Wad::from_raw(fp::I256::from_i128(lo + j * h)));
    gr.base.resize(n);
    gr.weights.resize(n);
    constexpr fp::i128 S = fp::i128{1} << 32;
    for (std::size_t k = 0; k < n; ++k) {
        const fp::i128 off = s.g(k, col).raw().to_i128() - lo;
        const fp::i128 j = std::clamp<fp::i128>(off / h, 1, grid_intervals - 2);
        gr.base[k] = static_cast<std::uint32_t>(j - 1);
        const fp::i128 T = floor_div((off - j * h) * S, h);  // |off - j h| < 2^90 and h >= 1: no overflow; T in [-S, 2S]
        const fp::i128 A = T + S, B = T, C = T - S, D = T - 2 * S;
        gr.weights[k] = {floor_div(-(B * C * D), 6 * S), floor_div(A * C * D, 2 * S), floor_div(-(A * B * D), 2 * S),
                         floor_div(A * B * C, 6 * S)};
    }
    return gr;
}

}  // namespace

Wad interpolate(const std::array<fp::i128, 4>& w, const Wad* v) {
    // Fast path, the same floor exactly: |v_i| < 2^118 and |w_i| < 2^70 (weights are below 2^67).
    // v = vh 2^64 + vl, w = wh 2^32 + wl (vl < 2^64, wl < 2^32, vh and wh floors): sum v w =
    // 2^64 H + 2^32 A + B with H = sum vh w (|H| < 2^126), A = sum vl wh (|A| < 2^104) and
    // B = sum vl wl (0 <= B < 2^98); floor(. / 2^64) = H + floor((A + floor(B / 2^32)) / 2^32),
    // because the dropped B mod 2^32 never carries across a multiple of 2^32 (C++20 >> is a floor).
    constexpr fp::i128 v_cap = fp::i128{1} << 118, w_cap = fp::i128{1} << 70;
    bool fast = true;
    std::array<fp::i128, 4> vi{};
    for (std::size_t i = 0; i < 4 && fast; ++i) {
        const fp::I256& r = v[i].raw();
        fast = r.fits_i128() && w[i] < w_cap && w[i] > -w_cap;
        if (fast) vi[i] = r.to_i128();
        fast = fast && vi[i] < v_cap && vi[i] > -v_cap;
    }
    if (fast) {
        fp::i128 H = 0, A = 0;
        fp::u128 B = 0;
        for (std::size_t i = 0; i < 4; ++i) {
            const fp::i128 vh = vi[i] >> 64, wh = w[i] >> 32;
            const auto vl = static_cast<std::uint64_t>(static_cast<fp::u128>(vi[i]));
            const auto wl = static_cast<std::uint32_t>(static_cast<fp::u128>(w[i]));
            H += vh * w[i];
            A += static_cast<fp::i128>(vl) * wh;
            B += static_cast<fp::u128>(vl) * wl;
        }
        return Wad::from_raw(fp::I256::from_i128(H + ((A + static_cast<fp::i128>(B >> 32)) >> 32)));
    }
    using big = fp::detail::big512;
    big sum = 0;
    for (int i = 0; i < 4; ++i) sum += big(v[i].raw().big()) * big(w[static_cast<std::size_t>(i)]);
    // floor(sum / 2^64): Boost's division truncates toward zero; step down for a negative
    // non-multiple. (Until this fix the quotient came from Boost's >>, which already floors, and was
    // then stepped down once more: a negative non-multiple came out 1 wei below the floor.)
    const big two64 = big(1) << 64;
    big q = sum / two64;
    if (sum < 0 && q * two64 != sum) q -= 1;
    const auto r = fp::I256::from_big(q);
    return r.ok() ? Wad::from_raw(r.value) : Wad{};  // |result| <= max |v| x 1.25: within range for values the nodes held
}

Wad pnl_matrix::at(std::size_t row, std::size_t k) const {
    if (row < on_grid.size() && on_grid[row]) {
        const grid_row& g = *on_grid[row];
        const interpolation& ip = grids[g.grid];
        return fp::sub(interpolate(ip.weights[k], &g.node_values[ip.base[k]]), g.today).value;
    }
    return pnl[row * scenarios + k];
}

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
    out.on_grid.resize(rows);
    // Options on a grid when asked and when it saves pricing (more scenarios than twice the nodes).
    const bool use_grid = p.revaluation_used() == revaluation::grid && n > 2 * (grid_intervals + 1);
    std::map<std::size_t, std::size_t> grid_of;  // column -> index into out.grids
    if (use_grid)
        for (const position& pos : positions) {
            const std::size_t col = column(s, pos.underlying);
            if (pos.type != instrument_type::option || grid_of.count(col)) continue;
            if (auto g = make_grid(s, col)) {
                grid_of[col] = out.grids.size();
                out.grids.push_back(std::move(*g));
            }
        }

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
            option_pricer op{&pos, um.find(pos.expiry), c(fp::mul(pos.size, pos.contract_size, rounding::toward_zero)),
                             c(fp::ln(pos.strike)), rule};  // q exact (validated)
            auto failed = [&](fp::errc e, std::size_t k) {
                return outcome<pnl_matrix>::failure(
                    e == fp::errc::domain ? error_code::SVI_NON_POSITIVE_VARIANCE : error_code::ARITHMETIC_OVERFLOW, path,
                    e == fp::errc::domain ? "the surface gives total variance <= 0 at this strike under scenario " + std::to_string(k)
                                          : "a scenario value exceeds the int256 fixed-point range");
            };
            if (use_grid && grid_of.count(col)) {
                pnl_matrix::grid_row gr{grid_of[col], std::vector<Wad>(out.grids[grid_of[col]].nodes.size()), v0};
                for (std::size_t j = 0; j < gr.node_values.size(); ++j) {
                    const auto v = op.at(out.grids[gr.grid].nodes[j]);
                    if (!v.ok()) return failed(v.error, j);
                    gr.node_values[j] = v.value;
                }
                out.on_grid[i] = std::move(gr);
            } else {
                for (std::size_t k = 0; k < n; ++k) {
                    const auto v = op.at(s.g(k, col));
                    if (!v.ok()) return failed(v.error, k);
                    row[k] = c(fp::sub(v.value, v0));
                }
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
        if (!out.on_grid[r])
            for (std::size_t k = 0; k < n; ++k) out.total[k] = c(fp::add(out.total[k], out.pnl[r * n + k]));
    // Grid rows: per grid, the options' node values summed, interpolated once per scenario.
    for (std::size_t gi = 0; gi < out.grids.size(); ++gi) {
        const interpolation& ip = out.grids[gi];
        std::vector<Wad> sum(ip.nodes.size());
        Wad today;
        for (std::size_t r = 0; r < rows; ++r)
            if (out.on_grid[r] && out.on_grid[r]->grid == gi) {
                for (std::size_t j = 0; j < sum.size(); ++j) sum[j] = c(fp::add(sum[j], out.on_grid[r]->node_values[j]));
                today = c(fp::add(today, out.on_grid[r]->today));
            }
        for (std::size_t k = 0; k < n; ++k)
            out.total[k] = c(fp::add(out.total[k], c(fp::sub(interpolate(ip.weights[k], &sum[ip.base[k]]), today))));
    }
    if (!c.ok())
        return outcome<pnl_matrix>::failure(error_code::ARITHMETIC_OVERFLOW, "/account", "a scenario P&L exceeds the int256 range");
    return outcome<pnl_matrix>{std::move(out), std::nullopt};
}

}  // namespace margin::risk
