// Risk measures (docs/risk.md): milliseconds per VaR/ES of a 20-position account over two
// underlyings (12 options on SVI surfaces, 4 perps/futures, 4 more options with mark vols),
// by method, natively or in wasm; beside Monte Carlo, the same algorithm in double precision
// (normal draws, Cholesky, e^x, SVI and Black-76 per path and option) for the ratio.
//
//   bench_risk [--json]     (natively, or `node bench_risk.js` for wasm)
//
// Also: delta-gamma (Cornish-Fisher); and a whole book's ES: 10,000 accounts x 1,000 HS
// scenarios with the contract values shared: each of the 20 contracts is revalued once per
// scenario (size 1), and an account's P&L in a scenario is the exact dot product of its sizes
// with those unit P&Ls, floored once (fp::dot), then its tail (risk::tail_of): accounts/s on one core.
//
//   bench_risk [--json] [ROW]   ROW: a substring of the rows to run (e.g. "MC ES, 10,000 paths, normal", "book")
//
// The history is synthetic and made here (a seeded lognormal walk), so the figures need no
// data files. Figures, not tests.
#include <boost/math/special_functions/erf.hpp>
#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#endif

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <random>
#include <string>
#include <vector>

#include "core/risk/measures.hpp"
#include "core/risk/scenarios.hpp"
#include "core/validate.hpp"

using fp::Wad;
using namespace margin;

namespace {

Wad dec(const std::string& s) { return fp::parse(s).value; }

// Milliseconds of CPU time: natively std::clock (the process's); under Node the process's
// process.cpuUsage() (user + system: Emscripten's clock() follows the wall clock). The project's
// machines are shared 2-core VMs: wall time there measures the neighbours as much as the code,
// CPU time what the run spends (under Node it includes V8's compiler and GC threads).
#ifdef __EMSCRIPTEN__
double cpu_ms() {
    return EM_ASM_DOUBLE({
        const u = process.cpuUsage();
        return (u.user + u.system) / 1000;
    });
}
#else
double cpu_ms() { return 1000.0 * static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }
#endif

risk::history synthetic_history() {
    risk::history h;
    // Bench data only. Box-Muller on mt19937_64's raw outputs (both fully specified), not
    // std::normal_distribution (libstdc++ and Emscripten's libc++ draw differently): the native
    // and wasm benches then measure the same book on the same history (their ES rows agree).
    std::mt19937_64 rng(11);
    auto z = [](std::mt19937_64& g) {
        const double u1 = (static_cast<double>(g() >> 11) + 0.5) / 9007199254740992.0,
                     u2 = static_cast<double>(g() >> 11) / 9007199254740992.0;
        return std::sqrt(-2 * std::log(u1)) * std::cos(6.283185307179586 * u2);
    };
    const std::int32_t first = *risk::parse_date("2019-01-01");
    double btc = 9000, eth = 250;
    risk::series b{first, {}, 0}, e{first, {}, 0};
    for (int d = 0; d < 2200; ++d) {
        const double zb = z(rng), ze = 0.8 * zb + 0.6 * z(rng);
        btc *= std::exp(0.035 * zb);
        eth *= std::exp(0.045 * ze);
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.6f", btc);
        b.closes.push_back(dec(buf));
        std::snprintf(buf, sizeof buf, "%.6f", eth);
        e.closes.push_back(dec(buf));
    }
    h["BTC"] = b;
    h["ETH"] = e;
    return h;
}

request book() {
    request r;
    r.market.timestamp = 1767225600;
    const std::int64_t t1 = r.market.timestamp + 7 * 86400, t2 = r.market.timestamp + 60 * 86400, t3 = r.market.timestamp + 180 * 86400;
    auto expiry = [](std::int64_t t, const char* fwd, svi_params s) {
        expiry_market e;
        e.expiry = t;
        e.given_forward = dec(fwd);
        e.given_discount_factor = dec("0.995");
        e.svi = s;
        return e;
    };
    const svi_params sb{dec("0.002"), dec("0.02"), dec("-0.3"), dec("0.01"), dec("0.1")};
    const svi_params se{dec("0.004"), dec("0.03"), dec("-0.2"), dec("0.02"), dec("0.15")};
    underlying_market btc;
    btc.spot = dec("100000");
    btc.perp_mark = dec("100040");
    btc.expiries = {expiry(t1, "100080", sb), expiry(t2, "100600", sb), expiry(t3, "101900", sb)};
    underlying_market eth;
    eth.spot = dec("3500");
    eth.perp_mark = dec("3501");
    eth.expiries = {expiry(t1, "3502", se), expiry(t2, "3520", se), expiry(t3, "3560", se)};
    r.market.underlyings = {{"BTC", btc}, {"ETH", eth}};
    auto option = [](const char* u, std::int64_t t, const char* k, option_kind kind, const char* size) {
        position p;
        p.type = instrument_type::option;
        p.underlying = u;
        p.expiry = t;
        p.strike = dec(k);
        p.kind = kind;
        p.size = dec(size);
        return p;
    };
    auto& ps = r.acct.positions;
    const char* bk[] = {"90000", "95000", "100000", "105000", "110000", "120000"};
    const char* ek[] = {"3000", "3300", "3500", "3700", "4000", "4400"};
    for (int i = 0; i < 6; ++i) {
        ps.push_back(option("BTC", i < 3 ? t1 : t2, bk[i], i % 2 ? option_kind::call : option_kind::put, i % 3 ? "-2" : "3"));
        ps.push_back(option("ETH", i < 3 ? t2 : t3, ek[i], i % 2 ? option_kind::call : option_kind::put, i % 3 ? "-20" : "30"));
    }
    for (int i = 0; i < 2; ++i) {
        position p = option(i ? "ETH" : "BTC", t3, i ? "3900" : "115000", option_kind::call, "-1");
        p.mark_vol = dec("0.6");
        ps.push_back(p);
        position q = option(i ? "ETH" : "BTC", t3, i ? "3100" : "85000", option_kind::put, "1");
        q.mark_vol = dec("0.7");
        ps.push_back(q);
    }
    position perp;
    perp.type = instrument_type::perp;
    perp.underlying = "BTC";
    perp.size = dec("-1.5");
    ps.push_back(perp);
    perp.underlying = "ETH";
    perp.size = dec("25");
    ps.push_back(perp);
    position fut;
    fut.type = instrument_type::future;
    fut.underlying = "BTC";
    fut.expiry = t2;
    fut.size = dec("0.5");
    ps.push_back(fut);
    fut.underlying = "ETH";
    fut.size = dec("-10");
    ps.push_back(fut);
    r.params.underlyings["*"] = {};
    return validate(r).value;
}

double ms(const request& req, const risk::history& h, const risk::params& p, Wad& es_out, double& wall_out) {
    std::vector<double> runs, walls;
    for (int rep = 0; rep < 5; ++rep) {
        const double t0 = cpu_ms();
        const auto w0 = std::chrono::steady_clock::now();
        auto r = risk::measure(req, h, p);
        runs.push_back(cpu_ms() - t0);
        walls.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - w0).count());
        if (!r.ok()) {
            std::fprintf(stderr, "bench_risk: %s %s\n", std::string(name(r.err->code)).c_str(), r.err->message.c_str());
            return -1;
        }
        es_out = r.value.es;
    }
    std::sort(runs.begin(), runs.end());
    std::sort(walls.begin(), walls.end());
    wall_out = walls[2];
    return runs[2];
}

// The Monte Carlo of docs/risk.md in double: same structure, std::mt19937_64 normals.
double mc_double_ms(const request& req, const risk::history& h, const risk::params& p, double& es_out) {
    // EWMA covariance of the two log-return series (daily), times h; Cholesky 2x2
    const auto& b = h.at("BTC").closes;
    const auto& e = h.at("ETH").closes;
    auto lr = [](const std::vector<Wad>& v, std::size_t i) {
        return std::log(std::stod(fp::format(v[i])) / std::stod(fp::format(v[i - 1])));
    };
    double vb = 0, ve = 0, cbe = 0;
    const double lam = 0.97;
    for (std::size_t i = b.size() - 1500; i < b.size(); ++i) {
        const double x = lr(b, i), y = lr(e, i);
        vb = lam * vb + (1 - lam) * x * x;
        ve = lam * ve + (1 - lam) * y * y;
        cbe = lam * cbe + (1 - lam) * x * y;
    }
    const double hd = p.horizon_days;
    const double l11 = std::sqrt(vb * hd), l21 = cbe * hd / l11, l22 = std::sqrt(ve * hd - l21 * l21);
    struct leg {
        bool btc, option, call;
        double fwd, strike, df, t, size, mark_vol;
        double a, b, rho, m, sigma;  // SVI
    };
    auto D = [](const Wad& w) { return std::stod(fp::format(w)); };
    std::vector<leg> legs;
    for (const position& pos : req.acct.positions) {
        const underlying_market& um = req.market.underlyings.at(pos.underlying);
        leg l{pos.underlying == "BTC",
              pos.type == instrument_type::option,
              pos.kind == option_kind::call,
              0,
              0,
              1,
              0,
              D(pos.size),
              0,
              0,
              0,
              0,
              0,
              0};
        if (pos.type == instrument_type::perp) {
            l.fwd = D(*um.perp_mark);
        } else {
            const expiry_market& em = *um.find(pos.expiry);
            l.fwd = D(em.forward);
            l.df = D(em.discount_factor);
            l.t = static_cast<double>(em.seconds_to_expiry) / 31536000.0;
            l.strike = D(pos.strike);
            l.mark_vol = pos.mark_vol ? D(*pos.mark_vol) : 0;
            if (em.svi) {
                l.a = D(em.svi->a);
                l.b = D(em.svi->b);
                l.rho = D(em.svi->rho);
                l.m = D(em.svi->m);
                l.sigma = D(em.svi->sigma);
            }
        }
        legs.push_back(l);
    }
    auto value = [&](const leg& l, double g) {
        const double f = l.fwd * g;
        if (!l.option) return l.size * f;
        const double m = std::clamp(1 - (g - 1), 0.5, 3.0);
        double w;
        if (l.mark_vol > 0) {
            w = l.mark_vol * l.mark_vol * m * m * l.t;
        } else {
            const double k = std::log(l.strike / f);
            w = (l.a + l.b * (l.rho * (k - l.m) + std::sqrt((k - l.m) * (k - l.m) + l.sigma * l.sigma))) * m * m;
        }
        const double sw = std::sqrt(w), d1 = (std::log(f / l.strike) + w / 2) / sw, d2 = d1 - sw;
        auto N = [](double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); };
        const double c = f * N(d1) - l.strike * N(d2);
        return l.size * l.df * (l.call ? c : c - f + l.strike);
    };
    std::vector<double> v0(legs.size());
    for (std::size_t i = 0; i < legs.size(); ++i) v0[i] = value(legs[i], 1);
    std::vector<double> runs;
    for (int rep = 0; rep < 5; ++rep) {
        const double t0 = cpu_ms();
        std::mt19937_64 rng(p.seed);
        std::uniform_real_distribution<double> u(0, 1);
        std::vector<double> pnl(static_cast<std::size_t>(p.paths));
        for (auto& x : pnl) {
            const double z1 = -1.4142135623730951 * boost::math::erfc_inv(2 * u(rng)),
                         z2 = -1.4142135623730951 * boost::math::erfc_inv(2 * u(rng));
            const double gb = std::exp(l11 * z1), ge = std::exp(l21 * z1 + l22 * z2);
            double s = 0;
            for (std::size_t i = 0; i < legs.size(); ++i) s += value(legs[i], legs[i].btc ? gb : ge) - v0[i];
            x = s;
        }
        const std::size_t k = static_cast<std::size_t>(std::ceil(pnl.size() * (1 - 0.99)));
        std::partial_sort(pnl.begin(), pnl.begin() + static_cast<std::ptrdiff_t>(k), pnl.end());
        double tail = 0;
        for (std::size_t i = 0; i < k; ++i) tail -= pnl[i];
        es_out = tail / static_cast<double>(k);
        runs.push_back(cpu_ms() - t0);
    }
    std::sort(runs.begin(), runs.end());
    return runs[2];
}

// The whole book: unit P&L per contract and scenario once, then every account from them.
struct book_figures {
    double setup_ms = 0, accounts_per_s = 0;
    Wad first_es;
};

book_figures book_es(const request& req, const risk::history& h, std::size_t accounts) {
    request unit = req;
    for (position& p : unit.acct.positions) p.size = Wad::from_int(1);
    unit.acct.collateral.clear();
    risk::params p;
    p.kind = risk::method::historical;
    p.lookback_days = 1000;
    book_figures f;
    const double t0 = cpu_ms();
    const auto syms = risk::moved_symbols(unit, h);
    auto s = risk::make_scenarios(h, p, syms);
    if (!s.ok()) return f;
    auto m = risk::revalue(unit, s.value, p);
    if (!m.ok()) return f;
    const std::size_t n = m.value.scenarios, c = unit.acct.positions.size();
    std::vector<Wad> by_scenario(n * c);  // [scenario][contract]
    for (std::size_t i = 0; i < c; ++i)
        for (std::size_t k = 0; k < n; ++k) by_scenario[k * c + i] = m.value.at(i, k);
    f.setup_ms = cpu_ms() - t0;
    std::mt19937_64 rng(5);  // bench data only: sizes -50.00 .. 50.00
    std::vector<Wad> sizes(accounts * c);
    for (Wad& w : sizes) w = Wad::from_raw(fp::I256::from_i128((static_cast<fp::i128>(rng() % 10001) - 5000) * 10'000'000'000'000'000));
    std::vector<Wad> pnl(n);
    const Wad alpha = dec("0.99");
    const double t1 = cpu_ms();
    for (std::size_t a = 0; a < accounts; ++a) {
        const std::span<const Wad> q(&sizes[a * c], c);
        for (std::size_t k = 0; k < n; ++k) pnl[k] = fp::dot(q, std::span<const Wad>(&by_scenario[k * c], c), fp::rounding::floor).value;
        const auto t = risk::tail_of(pnl, alpha);
        if (a == 0) f.first_es = t.value.es;
    }
    f.accounts_per_s = static_cast<double>(accounts) / ((cpu_ms() - t1) / 1000.0);
    return f;
}

}  // namespace

int main(int argc, char** argv) {
    const bool json = argc > 1 && std::strcmp(argv[1], "--json") == 0;
    const std::string only = argc > 1 + (json ? 1 : 0) ? argv[1 + (json ? 1 : 0)] : "";  // a substring of the rows to run
    const risk::history h = synthetic_history();
    const request req = book();
    struct row {
        const char* what;
        risk::params p;
    };
    std::vector<row> rows;
    risk::params p;
    p.kind = risk::method::historical;
    rows.push_back({"HS ES, 1,460 scenarios", p});
    p.kind = risk::method::filtered_historical;
    rows.push_back({"FHS ES, 1,460 scenarios", p});
    p.kind = risk::method::parametric;
    rows.push_back({"delta-normal ES", p});
    p.kind = risk::method::delta_gamma;
    rows.push_back({"delta-gamma ES (Cornish-Fisher)", p});
    p.kind = risk::method::monte_carlo;
    p.paths = 10000;
    p.seed = 1;
    rows.push_back({"MC ES, 10,000 paths, normal", p});
    p.innovations = risk::innovation::student_t;
    rows.push_back({"MC ES, 10,000 paths, Student t (5)", p});
    if (!json) std::printf("%-40s %12s %9s  %s\n", "measure (20 positions, 2 underlyings)", "CPU ms", "wall ms", "ES");
    for (const row& r : rows) {
        if (!only.empty() && std::string(r.what).find(only) == std::string::npos) continue;
        Wad es;
        double wall = 0;
        const double t = ms(req, h, r.p, es, wall);
        if (json)
            std::printf("{\"bench\":\"risk\",\"op\":\"%s\",\"ms\":%.3f,\"wall_ms\":%.3f}\n", r.what, t, wall);
        else
            std::printf("%-40s %12.2f %9.2f  %s\n", r.what, t, wall, fp::format(es).c_str());
    }
    if (only.empty() || std::string("book ES, 10,000 accounts x 1,000 scenarios").find(only) != std::string::npos) {
        const book_figures f = book_es(req, h, 10000);
        if (json)
            std::printf("{\"bench\":\"risk\",\"op\":\"book ES accounts/s\",\"accounts_per_s\":%.1f,\"setup_ms\":%.3f}\n", f.accounts_per_s,
                        f.setup_ms);
        else
            std::printf("%-40s %12.0f  accounts/s on one core (contract values once: %.1f ms; account 0 ES %s)\n",
                        "book ES, 10,000 accounts x 1,000 scenarios", f.accounts_per_s, f.setup_ms, fp::format(f.first_es).c_str());
    }
    if (!only.empty() && std::string("MC ES, 10,000 paths, double baseline").find(only) == std::string::npos) return 0;
    risk::params mc;
    mc.kind = risk::method::monte_carlo;
    mc.paths = 10000;
    mc.seed = 1;
    double es = 0;
    const double t = mc_double_ms(req, h, mc, es);
    if (json)
        std::printf("{\"bench\":\"risk\",\"op\":\"MC ES double baseline\",\"ms\":%.3f}\n", t);
    else
        std::printf("%-40s %12.2f  %.2f\n", "MC ES, 10,000 paths, double baseline", t, es);
    return 0;
}
