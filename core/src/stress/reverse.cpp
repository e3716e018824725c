// stress::reverse: the smallest move along a direction that makes the account liquidatable,
// scanned then bisected on a stated grid (docs/stress.md §Reverse stress).
#include "../wad_ops.hpp"
#include "core/stress/stress.hpp"

namespace margin::stress {
namespace {

using fp::rounding;

Wad times(const Wad& x, const Wad& t) { return fp::mul(x, t, rounding::toward_zero).value; }  // |x| <= 10, t <= 10: no overflow

const char* kind_name(direction_kind k) {
    switch (k) {
        case direction_kind::spot_down: return "spot down";
        case direction_kind::spot_up: return "spot up";
        case direction_kind::vol_up: return "vol up";
        case direction_kind::joint: return "joint";
    }
    return "";
}

}  // namespace

scenario at_distance(const direction& d, const Wad& t) {
    scenario s;
    if (d.kind == direction_kind::joint) {
        s = d.shape;
        for (auto& [sym, u] : s.underlyings) {
            u.spot = times(u.spot, t);
            u.basis = times(u.basis, t);
            u.perp_basis = times(u.perp_basis, t);
            u.funding_rate = times(u.funding_rate, t);
            u.rate = times(u.rate, t);
            if (u.vol) {
                u.vol->relative = times(u.vol->relative, t);
                u.vol->absolute = times(u.vol->absolute, t);
                u.vol->skew = times(u.vol->skew, t);
            }
        }
        for (auto& [asset, k] : s.collateral) {
            if (k.price) k.price = times(*k.price, t);
            k.haircut = times(k.haircut, t);
        }
        s.name = d.shape.name + " x " + fp::format(t);
        return s;
    }
    underlying_shock& u = s.underlyings[d.underlying];
    if (d.kind == direction_kind::vol_up) {
        u.vol = vol_shock{};
        u.vol->relative = t;
    } else {
        u.spot = d.kind == direction_kind::spot_down ? fp::neg(t).value : t;
    }
    s.name = d.underlying + " " + kind_name(d.kind) + " " + fp::format(t);
    return s;
}

outcome<reverse_result> reverse(const direction& d, const search& s, const request& req, const std::string& path) {
    using R = outcome<reverse_result>;
    reverse_result out;
    out.dir = d;
    const Wad deflt = d.kind == direction_kind::spot_down ? Wad::from_raw(fp::I256::from_i128(990'000'000'000'000'000))
                      : d.kind == direction_kind::joint   ? Wad::from_int(1)
                                                          : Wad::from_int(10);
    out.max = s.max.value_or(deflt);
    const fp::i128 g = s.grid.raw().fits_i128() ? s.grid.raw().to_i128() : 0, sc = s.scan.raw().fits_i128() ? s.scan.raw().to_i128() : 0,
                   mx = out.max.raw().fits_i128() ? out.max.raw().to_i128() : 0;
    if (g <= 0) return R::failure(error_code::OUT_OF_RANGE, child(path, "grid"), "the grid step must be > 0");
    if (sc < g || sc % g != 0)
        return R::failure(error_code::OUT_OF_RANGE, child(path, "scan"), "the scan step is a multiple of the grid step");
    if (mx < sc || mx % g != 0 || mx > Wad::from_int(10).raw().to_i128())
        return R::failure(error_code::OUT_OF_RANGE, child(path, "max"),
                          "max is a multiple of the grid step, at least the scan step and at most 10");
    if (d.kind == direction_kind::spot_down && out.max > deflt)
        return R::failure(error_code::OUT_OF_RANGE, child(path, "max"), "spot down goes at most to -99%");
    if (mx / g > max_grid_points) return R::failure(error_code::OUT_OF_RANGE, child(path, "grid"), "at most 100,000 grid points up to max");
    const std::int64_t scans = static_cast<std::int64_t>((mx + sc - 1) / sc);
    if (scans > static_cast<std::int64_t>(max_scan_points))
        return R::failure(error_code::OUT_OF_RANGE, child(path, "scan"), "at most 2,000 scan points up to max");
    if (req.model == margin_model::es && scans > static_cast<std::int64_t>(max_scan_points_es))
        return R::failure(
            error_code::OUT_OF_RANGE, child(path, "scan"),
            "under the es model at most 100 scan points up to max (each evaluation measures an ES): a coarser scan or a smaller max");
    const std::size_t evals = static_cast<std::size_t>(scans) + 19;  // scan, bisection (<= 17), the point found, t = 0
    if (evals * std::max<std::size_t>(req.acct.positions.size(), 1) > max_reverse_cells)
        return R::failure(error_code::OUT_OF_RANGE, path, "evaluations x positions over 4,000,000: a coarser scan or a smaller account");
    if (d.kind == direction_kind::joint)
        if (auto e = validate(at_distance(d, out.max), child(path, "shape"))) return R::failure(*e);
    if (d.kind != direction_kind::joint && !req.market.underlyings.count(d.underlying))
        return R::failure(error_code::UNKNOWN_UNDERLYING, child(path, "underlying"), d.underlying + " is not an underlying of the market");

    // liquidatable at grid point n, with the account there
    auto eval = [&](fp::i128 n) -> outcome<std::pair<bool, account_result>> {
        ++out.evaluations;
        const Wad t = Wad::from_raw(fp::I256::from_i128(n * g));
        auto shocked = apply(at_distance(d, t), req, path);
        if (!shocked.ok()) {
            shocked.err->message = "at t = " + fp::format(t) + ": " + shocked.err->message;
            return outcome<std::pair<bool, account_result>>::failure(*shocked.err);
        }
        auto r = compute(shocked.value);
        if (!r.ok())
            return outcome<std::pair<bool, account_result>>::failure(
                r.err->code, path, "at t = " + fp::format(t) + ": " + r.err->path + ": " + r.err->message);
        return outcome<std::pair<bool, account_result>>{{r.value.liquidatable, std::move(r.value)}, std::nullopt};
    };
    auto finish = [&](fp::i128 hi, account_result a) {
        out.found = true;
        out.t = Wad::from_raw(fp::I256::from_i128(hi * g));
        out.safe_t = hi > 0 ? Wad::from_raw(fp::I256::from_i128((hi - 1) * g)) : Wad{};
        out.at = at_distance(d, out.t);
        out.margin_at = std::move(a);
        if (d.kind == direction_kind::spot_down || d.kind == direction_kind::spot_up) {
            const Wad spot = req.market.underlyings.at(d.underlying).spot;
            const Wad gr = fp::add(Wad::from_int(1), out.at.underlyings.at(d.underlying).spot).value;
            out.liquidation_price = fp::mul(spot, gr, rounding::floor).value;
        }
        return R{std::move(out), std::nullopt};
    };
    auto zero = eval(0);
    if (!zero.ok()) return R::failure(*zero.err);
    if (zero.value.first) {
        out.already = true;
        return finish(0, std::move(zero.value.second));
    }
    const fp::i128 per = sc / g, last = mx / g;
    fp::i128 lo = 0;
    for (fp::i128 n = per;; n = std::min(n + per, last)) {
        auto r = eval(n);
        if (!r.ok()) return R::failure(*r.err);
        if (r.value.first) {
            fp::i128 hi = n;
            account_result at = std::move(r.value.second);
            while (hi - lo > 1) {  // lo safe, hi liquidatable
                const fp::i128 mid = lo + (hi - lo) / 2;
                auto m = eval(mid);
                if (!m.ok()) return R::failure(*m.err);
                if (m.value.first) {
                    hi = mid;
                    at = std::move(m.value.second);
                } else {
                    lo = mid;
                }
            }
            return finish(hi, std::move(at));
        }
        lo = n;
        if (n == last) break;
    }
    return R{std::move(out), std::nullopt};
}

}  // namespace margin::stress
