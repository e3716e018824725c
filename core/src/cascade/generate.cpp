// The book generator (docs/cascade-books.md): every draw a Philox4x32-10 uniform of
// the account's own stream, every transform fixed point (fp::ln, fp::exp) with its rounding named.
#include "core/cascade/generate.hpp"

#include <algorithm>

#include "../wad_ops.hpp"
#include "core/limits.hpp"
#include "core/pricing.hpp"
#include "core/stress/book.hpp"
#include "fixedpoint/black76.hpp"
#include "fixedpoint/philox.hpp"

namespace margin::cascade {
namespace {

using fp::rounding;
using R = outcome<book>;

constexpr fp::i128 WAD = 1'000'000'000'000'000'000;

// The draws of one account (docs/cascade.md: draw d of path stream_path(i) under the seed).
enum draw : std::uint64_t { d_strategy = 0, d_leverage = 1, d_size = 2, d_side = 3, d_underlying = 4, d_moneyness = 5 };

fp::i128 uniform(std::uint64_t seed, std::size_t i, draw d) noexcept {
    return fp::uniform_open_raw(fp::philox_bits64(seed, stream_path(i), d));
}

Wad wad_raw(fp::i128 v) noexcept { return raw_i128(v); }
Wad whole(std::int64_t n) noexcept { return Wad::from_int(n); }

// x rounded to `decimals` decimals as `r` (floor, ceil or toward zero). Precondition: x fits i128.
Wad quantize(const Wad& x, int decimals, rounding r) noexcept {
    fp::i128 unit = 1;
    for (int k = decimals; k < 18; ++k) unit *= 10;
    const fp::i128 v = x.raw().to_i128();
    fp::i128 q = v / unit;  // toward zero
    const fp::i128 rem = v % unit;
    if (rem != 0 && r == rounding::floor && v < 0) --q;
    if (rem != 0 && r == rounding::ceil && v > 0) ++q;
    return wad_raw(q * unit);
}

// The expiries of `um` that have an SVI surface, ascending.
std::vector<const expiry_market*> svi_expiries(const underlying_market& um) {
    std::vector<const expiry_market*> out;
    for (const auto& e : um.expiries)
        if (e.svi) out.push_back(&e);
    return out;
}

position perp(const std::string& id, const std::string& sym, const Wad& size, const Wad& mark) {
    position p;
    p.id = id;
    p.type = instrument_type::perp;
    p.underlying = sym;
    p.size = size;
    p.entry_price = mark;
    return p;
}

position option(const std::string& id, const std::string& sym, const expiry_market& e, option_kind k, const Wad& strike, const Wad& size) {
    position p;
    p.id = id;
    p.type = instrument_type::option;
    p.underlying = sym;
    p.expiry = e.expiry;
    p.kind = k;
    p.strike = strike;
    p.size = size;
    return p;
}

// Delta per unit of the underlying of one option at `strike` on `e` (Black-76 on the SVI vol).
Wad unit_delta(calc& c, const expiry_market& e, option_kind k, const Wad& strike) {
    const Wad w = c(svi_total_variance(*e.svi, e.forward, strike));
    if (!c.ok()) return {};
    const auto ext = fp::total_variance_ext(w);
    if (!ext.ok()) {
        c.error = ext.error;
        return {};
    }
    option_inputs in{e.forward, strike, e.discount_factor, k, e.seconds_to_expiry, e.sqrt_year_q125, ext.value};
    const auto q = price_option(in);
    if (!q.ok()) {
        c.error = q.error;
        return {};
    }
    return q.value.unit_greeks.delta;
}

struct draws {
    strategy kind;
    Wad leverage, multiplier;
    bool long_side;
    std::size_t underlying;
    Wad moneyness;  // 0.05, 0.10, 0.15 or 0.20
};

draws draw_account(calc& c, const book_spec& s, std::size_t i) {
    const book_params& p = s.params;
    draws d{};
    const fp::i128 us = uniform(s.seed, i, d_strategy);
    std::size_t k = 0;
    while (k + 1 < strategy_count && us >= p.mix[k]) ++k;
    d.kind = static_cast<strategy>(k);
    // leverage: exp(ln lmin + u (ln lmax - ln lmin)), the product FLOOR, then FLOOR to 4 decimals
    const Wad lo = c(fp::ln(wad_raw(p.leverage_min))), hi = c(fp::ln(wad_raw(p.leverage_max)));
    const Wad t = c(fp::mul(wad_raw(uniform(s.seed, i, d_leverage)), c(fp::sub(hi, lo)), rounding::floor));
    d.leverage = std::clamp(quantize(c(fp::exp(c(fp::add(lo, t)))), 4, rounding::floor), wad_raw(p.leverage_min), wad_raw(p.leverage_max));
    // Pareto: min(cap, exp(-ln(u) / alpha)), the quotient FLOOR (the inverse CDF of P(X > x) = x^-alpha)
    const Wad e = c(fp::div(c(fp::neg(c(fp::ln(wad_raw(uniform(s.seed, i, d_size)))))), wad_raw(p.pareto_alpha), rounding::floor));
    const Wad cap = whole(p.pareto_cap);
    d.multiplier = e >= c(fp::ln(cap)) ? cap : std::min(cap, c(fp::exp(e)));
    d.long_side = uniform(s.seed, i, d_side) < p.long_share;
    const auto n = static_cast<fp::i128>(s.underlyings.size());
    d.underlying = static_cast<std::size_t>(static_cast<fp::i128>(uniform(s.seed, i, d_underlying)) * n / WAD);  // floor
    const auto bucket = static_cast<fp::i128>(uniform(s.seed, i, d_moneyness)) * 4 / WAD;                        // floor: 0 .. 3
    d.moneyness = wad_raw((bucket + 1) * 50'000'000'000'000'000);
    return d;
}

}  // namespace

const char* strategy_name(strategy s) noexcept {
    switch (s) {
        case strategy::directional: return "directional";
        case strategy::short_put: return "short_put";
        case strategy::covered: return "covered";
        case strategy::straddle: return "straddle";
        case strategy::calendar: return "calendar";
    }
    return "?";
}

outcome<book> generate(const book_spec& s, const market_state& market) {
    if (s.accounts == 0 || s.accounts > stress::max_book_accounts)
        return R::failure(error_code::BAD_COUNT, "/accounts",
                          "a generated book has 1 to 100,000 accounts, got " + std::to_string(s.accounts));
    if (s.underlyings.empty() || s.underlyings.size() > limits::max_underlyings || (s.house && s.underlyings.size() != 1))
        return R::failure(error_code::OUT_OF_RANGE, "/underlyings",
                          s.house ? "a house-mode book has one underlying" : "a book draws from 1 to 64 underlyings");
    std::vector<const underlying_market*> ums;
    std::vector<std::vector<const expiry_market*>> exps;
    for (std::size_t u = 0; u < s.underlyings.size(); ++u) {
        const std::string path = "/underlyings/" + std::to_string(u);
        const auto it = market.underlyings.find(s.underlyings[u]);
        if (it == market.underlyings.end())
            return R::failure(error_code::UNKNOWN_UNDERLYING, path, "the market does not list " + s.underlyings[u]);
        if (std::find(s.underlyings.begin(), s.underlyings.begin() + static_cast<std::ptrdiff_t>(u), s.underlyings[u]) !=
            s.underlyings.begin() + static_cast<std::ptrdiff_t>(u))
            return R::failure(error_code::OUT_OF_RANGE, path, s.underlyings[u] + " is listed twice");
        if (!it->second.perp_mark) return R::failure(error_code::NO_PERP_MARK, path, s.underlyings[u] + " has no perp mark");
        ums.push_back(&it->second);
        exps.push_back(svi_expiries(it->second));
        if (exps.back().empty())
            return R::failure(error_code::NO_VOLATILITY, path, s.underlyings[u] + " has no expiry with an SVI surface");
    }
    book b;
    b.accounts.reserve(s.accounts);
    calc c;
    Wad total;
    for (std::size_t i = 0; i < s.accounts; ++i) {
        const draws d = draw_account(c, s, i);
        const std::string& sym = s.underlyings[d.underlying];
        const underlying_market& um = *ums[d.underlying];
        const Wad spot = um.spot, mark = *um.perp_mark;
        const expiry_market& near = *exps[d.underlying][0];
        // size: base x multiplier / spot, FLOOR to 4 decimals (at least 0.0001)
        Wad q = quantize(c(fp::div(c(fp::mul(whole(s.params.base_notional), d.multiplier, rounding::floor)), spot, rounding::floor)), 4,
                         rounding::floor);
        if (q.raw().is_zero()) q = wad_raw(100'000'000'000'000);
        const Wad sq = d.long_side ? q : c(fp::neg(q));
        const Wad nq = c(fp::neg(q));
        const Wad one = whole(1);
        const Wad k_down = quantize(c(fp::mul(spot, c(fp::sub(one, d.moneyness)), rounding::floor)), 0, rounding::floor);
        const Wad k_up = quantize(c(fp::mul(spot, c(fp::add(one, d.moneyness)), rounding::ceil)), 0, rounding::ceil);
        const std::string n = strategy_name(d.kind);
        generated_account g;
        g.kind = d.kind;
        g.underlying = sym;
        g.long_side = d.long_side;
        g.leverage = d.leverage;
        auto& ps = g.acct.positions;
        switch (d.kind) {
            case strategy::directional: ps.push_back(perp(n + "-perp", sym, sq, mark)); break;
            case strategy::short_put: ps.push_back(option(n + "-put", sym, near, option_kind::put, k_down, nq)); break;
            case strategy::covered:
                if (d.long_side) {  // a covered call: long perp, short call above
                    ps.push_back(perp(n + "-perp", sym, q, mark));
                    ps.push_back(option(n + "-call", sym, near, option_kind::call, k_up, nq));
                } else {  // a bearish risk reversal: long put below, short call above
                    ps.push_back(option(n + "-put", sym, near, option_kind::put, k_down, q));
                    ps.push_back(option(n + "-call", sym, near, option_kind::call, k_up, nq));
                }
                break;
            case strategy::straddle: {  // at the near forward (nearest whole), hedged to delta 0 by a perp
                const Wad k = quantize(c(fp::add(near.forward, wad_raw(WAD / 2))), 0, rounding::floor);
                ps.push_back(option(n + "-call", sym, near, option_kind::call, k, sq));
                ps.push_back(option(n + "-put", sym, near, option_kind::put, k, sq));
                const Wad delta = c(fp::add(unit_delta(c, near, option_kind::call, k), unit_delta(c, near, option_kind::put, k)));
                const Wad h = quantize(c(fp::neg(c(fp::mul(sq, delta, rounding::toward_zero)))), 4, rounding::toward_zero);
                if (!h.raw().is_zero()) ps.push_back(perp(n + "-hedge", sym, h, mark));
                break;
            }
            case strategy::calendar:
                if (exps[d.underlying].size() >= 2) {  // short the near call, long the far one, at the near forward
                    const Wad k = quantize(c(fp::add(near.forward, wad_raw(WAD / 2))), 0, rounding::floor);
                    ps.push_back(option(n + "-near", sym, near, option_kind::call, k, d.long_side ? nq : q));
                    ps.push_back(option(n + "-far", sym, *exps[d.underlying][1], option_kind::call, k, d.long_side ? q : nq));
                } else {  // a protected perp: long perp + long put below, or short perp + long call above
                    ps.push_back(perp(n + "-perp", sym, sq, mark));
                    ps.push_back(d.long_side ? option(n + "-put", sym, near, option_kind::put, k_down, q)
                                             : option(n + "-call", sym, near, option_kind::call, k_up, q));
                }
                break;
        }
        // the account's size: the first leg's |size| x spot; cash = size / leverage, CEIL to the cent
        g.notional = c(fp::mul(q, spot, rounding::floor));
        g.acct.cash = quantize(c(fp::div(g.notional, d.leverage, rounding::ceil)), 2, rounding::ceil);
        total = c(fp::add(total, g.notional));
        b.depth[sym] = c(fp::add(b.depth[sym], g.notional));
        if (!c.ok())
            return R::failure(error_code::ARITHMETIC_OVERFLOW, "/accounts/" + std::to_string(i), "the generated account overflows");
        b.accounts.push_back(std::move(g));
    }
    for (const auto& sym : s.underlyings) b.depth[sym] = std::max(quantize(b.depth[sym], 0, rounding::ceil), whole(1));
    if (s.house) {
        // max(2, ceil(n / 500)) liquidators (at most 200), each with cash ceil(book notional / count) (whole USD)
        const std::size_t count = std::min<std::size_t>(200, std::max<std::size_t>(2, (s.accounts + 499) / 500));
        const Wad cash = quantize(c(fp::div(total, whole(static_cast<std::int64_t>(count)), rounding::ceil)), 0, rounding::ceil);
        if (!c.ok()) return R::failure(error_code::ARITHMETIC_OVERFLOW, "/accounts", "the liquidators' cash overflows");
        for (std::size_t k = 0; k < count; ++k) {
            account a;
            a.cash = cash;
            b.liquidators.push_back(std::move(a));
        }
    }
    return R{std::move(b), std::nullopt};
}

}  // namespace margin::cascade
