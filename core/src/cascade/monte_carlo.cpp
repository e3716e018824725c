// Monte Carlo bad-debt risk (docs/cascade-monte-carlo.md): per path, a seeded Philox
// stream (its own counter: independent of the thread count) draws correlated daily log
// returns, the book cascades in market mode over that exogenous path with the fund at 0, and
// the per-path bad debts give VaR, ES and the fund covering 99 % of paths.
#include "core/cascade/monte_carlo.hpp"

#include <algorithm>
#include <optional>

#include "../risk/monte_carlo.hpp"
#include "../risk/random.hpp"
#include "core/cascade/paths.hpp"
#include "core/validate.hpp"
#include "internal.hpp"
#include "wad_ops.hpp"

namespace margin::cascade {
namespace {

constexpr auto FLOOR = fp::rounding::floor;

template <class T>
outcome<T> fail(error_code c, const std::string& path, std::string msg) {
    return outcome<T>::failure(c, path, std::move(msg));
}

// One path's cascade: `in` with the path's markets.
outcome<mc_path> one_path(const input& in, const mc_spec& spec, const std::vector<Wad>& chol, std::size_t p) {
    auto ms = mc_markets(in.path.front(), spec, chol, p);
    if (!ms.ok()) return outcome<mc_path>::failure(*ms.err);
    input x = in;
    x.path = std::move(ms.value);
    auto r = run(x, 1);
    if (!r.ok()) return outcome<mc_path>::failure(*r.err);
    mc_path out;
    calc c;
    out.bad_debt = r.value.total.bad_debt;
    for (const auto& s : r.value.steps)
        for (const auto& l : s.liquidations) out.shortfall = c(fp::add(out.shortfall, l.shortfall));
    out.liquidations = r.value.total.liquidations;
    out.steps = r.value.total.steps_run;
    out.capped = r.value.total.capped;
    if (!c.ok()) return fail<mc_path>(error_code::ARITHMETIC_OVERFLOW, "", "cascade: overflow in a path's shortfall");
    return outcome<mc_path>{out, std::nullopt};
}

}  // namespace

outcome<std::vector<Wad>> covariance_of(const std::vector<std::string>& symbols, const std::vector<Wad>& vols,
                                        const std::map<std::pair<std::string, std::string>, Wad>& rho, const std::string& path) {
    using R = outcome<std::vector<Wad>>;
    const std::size_t n = symbols.size();
    const Wad one = Wad::from_int(1);
    for (std::size_t a = 0; a < n; ++a)
        if (vols[a] < Wad{} || vols[a] > Wad::from_int(2))
            return R::failure(error_code::OUT_OF_RANGE, path + "/vol/" + symbols[a],
                              "a daily vol is in [0, 2], got " + fp::format(vols[a]));
    for (const auto& [ab, r] : rho) {
        const std::string at = path + "/correlation/" + ab.first + "/" + ab.second;
        if (r < fp::neg(one).value || r > one) return R::failure(error_code::OUT_OF_RANGE, at, "a correlation is in [-1, 1]");
        if (!std::binary_search(symbols.begin(), symbols.end(), ab.first) || !std::binary_search(symbols.begin(), symbols.end(), ab.second))
            return R::failure(error_code::OUT_OF_RANGE, at, "a correlation between underlyings given a vol");
        if (ab.first == ab.second)
            return R::failure(error_code::OUT_OF_RANGE, at, "an underlying's correlation with itself is 1, not an input");
        if (ab.first > ab.second && rho.count({ab.second, ab.first}))
            return R::failure(error_code::OUT_OF_RANGE, at, "a correlation is given once, for one order of the pair");
    }
    calc c;
    std::vector<Wad> cov(n * n);
    for (std::size_t a = 0; a < n; ++a)
        for (std::size_t b = 0; b < n; ++b) {
            Wad r = a == b ? one : Wad{};
            if (a != b) {
                auto it = rho.find({symbols[a], symbols[b]});
                if (it == rho.end()) it = rho.find({symbols[b], symbols[a]});
                if (it != rho.end()) r = it->second;
            }
            cov[a * n + b] = c(fp::mul(c(fp::mul(vols[a], vols[b], FLOOR)), r, FLOOR));
        }
    if (!c.ok()) return R::failure(error_code::ARITHMETIC_OVERFLOW, path, "cascade: overflow in the covariance");
    return R{std::move(cov), std::nullopt};
}

outcome<std::vector<market_state>> mc_markets(const market_state& base, const mc_spec& spec, const std::vector<Wad>& chol, std::size_t p) {
    using R = outcome<std::vector<market_state>>;
    const std::size_t n = spec.symbols.size();
    risk::detail::normal_stream draws(spec.seed, p);
    const bool t = spec.model == risk::innovation::student_t;
    const Wad nu_minus_2 = Wad::from_int(spec.dof - 2);
    calc c;
    std::vector<Wad> mark(n), z(n);
    for (std::size_t a = 0; a < n; ++a) mark[a] = detail::mark_of(base.underlyings.at(spec.symbols[a]));
    std::vector<market_state> out;
    for (std::size_t d = 0; d < spec.horizon; ++d) {
        for (std::size_t a = 0; a < n; ++a) {
            z[a] = c(draws.next());
            if (t) {  // t = z sqrt((nu - 2) / chi2), chi2 the sum of nu squared normals: unit variance (as risk's)
                Wad chi2;
                for (std::int32_t i = 0; i < spec.dof; ++i) {
                    const Wad e = c(draws.next());
                    chi2 = c(fp::add(chi2, c(fp::mul(e, e, FLOOR))));
                }
                if (chi2.raw().sign() > 0)
                    z[a] = c(fp::mul(z[a], c(fp::sqrt(c(fp::div(nu_minus_2, chi2, FLOOR)))), fp::rounding::toward_zero));
            }
        }
        market_state m = base;
        for (std::size_t a = 0; a < n; ++a) {
            const Wad x = c(fp::dot(std::span<const Wad>(&chol[a * n], a + 1), std::span<const Wad>(z.data(), a + 1), FLOOR));
            mark[a] = c(fp::mul(mark[a], c(fp::exp(x)), FLOOR));
            if (mark[a].raw().sign() <= 0) mark[a] = Wad::from_raw(fp::I256(1));  // one wei: a price stays > 0
            if (!c.ok()) break;
            if (auto e = move_mark(m, spec.symbols[a], mark[a])) return R::failure(*e);
        }
        if (!c.ok()) return R::failure(error_code::ARITHMETIC_OVERFLOW, "/monte_carlo", "cascade: overflow in path " + std::to_string(p));
        auto v = detail::validated_market(std::move(m), "/monte_carlo/paths/" + std::to_string(p),
                                          "cascade: path " + std::to_string(p) + ", day " + std::to_string(d + 1) + ": ");
        if (!v.ok()) return R::failure(*v.err);
        out.push_back(std::move(v.value));
    }
    return R{std::move(out), std::nullopt};
}

outcome<mc_result> monte_carlo(const input& in0, const mc_spec& spec, std::size_t threads) {
    using R = outcome<mc_result>;
    if (spec.paths == 0 || spec.paths > max_paths)
        return R::failure(error_code::OUT_OF_RANGE, "/monte_carlo/paths", "paths is 1 .. 100,000, got " + std::to_string(spec.paths));
    if (spec.horizon == 0 || spec.horizon > max_horizon)
        return R::failure(error_code::OUT_OF_RANGE, "/monte_carlo/horizon",
                          "horizon is 1 .. 250 days, got " + std::to_string(spec.horizon));
    if (spec.model == risk::innovation::student_t && (spec.dof < 3 || spec.dof > 30))
        return R::failure(error_code::OUT_OF_RANGE, "/monte_carlo/dof", "dof is 3 .. 30");
    if (in0.mode != mode::market) return R::failure(error_code::MODE_NOT_SUPPORTED, "/mode", "Monte Carlo runs market mode");
    const std::uint64_t work = static_cast<std::uint64_t>(spec.paths) * in0.accounts.size() * std::max(spec.horizon, in0.steps);
    if (work > max_mc_account_steps)
        return R::failure(error_code::BAD_COUNT, "/monte_carlo/paths",
                          "paths x accounts x max(horizon, steps) is at most 50,000,000 account-steps, got " + std::to_string(work));
    if (in0.path.empty()) return R::failure(error_code::OUT_OF_RANGE, "/path", "no base market");
    for (const auto& s : spec.symbols)
        if (!in0.path.front().underlyings.count(s))
            return R::failure(error_code::OUT_OF_RANGE, "/monte_carlo/vol/" + s, s + " is not an underlying of the market");
    const std::size_t n = spec.symbols.size();
    if (spec.cov.size() != n * n) return R::failure(error_code::OUT_OF_RANGE, "/monte_carlo", "one covariance per pair of underlyings");
    auto chol = risk::detail::cholesky(spec.cov, n);
    if (!chol.ok()) return R::failure(chol.err->code, "/monte_carlo", "the covariance: " + chol.err->message);
    input in = in0;
    in.insurance_fund = Wad{};
    in.steps = std::max(in.steps, spec.horizon);
#ifdef __EMSCRIPTEN__
    threads = 1;
#endif
    threads = std::max<std::size_t>(1, std::min({threads, spec.paths, max_threads}));
    std::vector<mc_path> paths(spec.paths);
    std::vector<std::optional<error>> errs(threads);
    auto part = [&](std::size_t t) {
        for (std::size_t p = spec.paths * t / threads; p < spec.paths * (t + 1) / threads; ++p) {
            auto r = one_path(in, spec, chol.value, p);
            if (!r.ok()) {
                errs[t] = *r.err;
                if (errs[t]->path.compare(0, 12, "/monte_carlo") != 0)
                    errs[t]->path = "/monte_carlo/paths/" + std::to_string(p) + errs[t]->path;
                return;
            }
            paths[p] = r.value;
        }
    };
    detail::parallel(threads, part);
    for (auto& e : errs)
        if (e) return R::failure(*e);  // the lowest part's: the lowest failing path
    mc_result res;
    calc c;
    std::vector<Wad> pnl(spec.paths), asc(spec.paths);
    Wad sum;
    for (std::size_t p = 0; p < spec.paths; ++p) {
        pnl[p] = c(fp::neg(paths[p].bad_debt));
        asc[p] = paths[p].bad_debt;
        sum = c(fp::add(sum, paths[p].bad_debt));
    }
    std::sort(asc.begin(), asc.end());
    res.max = asc.back();
    res.mean = c(fp::div(sum, Wad::from_int(static_cast<std::int64_t>(spec.paths)), FLOOR));
    auto t95 = risk::tail_of(pnl, Wad::from_raw(fp::I256::from_i128(950'000'000'000'000'000)));
    auto t99 = risk::tail_of(pnl, Wad::from_raw(fp::I256::from_i128(990'000'000'000'000'000)));
    if (!t95.ok() || !t99.ok() || !c.ok())
        return R::failure(error_code::ARITHMETIC_OVERFLOW, "/monte_carlo", "cascade: overflow in the tail");
    res.t95 = std::move(t95.value);
    res.t99 = std::move(t99.value);
    res.fund_rank = (99 * spec.paths + 99) / 100;  // ceil(0.99 N)
    res.fund_99 = asc[res.fund_rank - 1];
    res.paths = std::move(paths);
    if (spec.emit && *spec.emit < spec.paths) {
        auto ms = mc_markets(in.path.front(), spec, chol.value, *spec.emit);
        if (!ms.ok()) return R::failure(*ms.err);
        res.emitted = std::move(ms.value);
    }
    return R{std::move(res), std::nullopt};
}

}  // namespace margin::cascade
