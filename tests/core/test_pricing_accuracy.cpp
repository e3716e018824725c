// Black-76 and SVI against an MPFR reference (200-bit), >= 10,000 random
// contracts across moneyness (K/F from e^-3 to e^3), vol (1%-500%) and expiry
// (1 minute - 3 years), plus finite differences of the reference for the
// Greeks' definitions. The bounds asserted are the ones docs/pricing.md states;
// the measured maxima are printed (run: build/native/bin/core_accuracy -s).
#include <boost/multiprecision/mpfr.hpp>
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <random>
#include <string>

#include "core/pricing.hpp"

using namespace margin;
using mpf = boost::multiprecision::number<boost::multiprecision::mpfr_float_backend<60>, boost::multiprecision::et_off>;

namespace {

const mpf E18("1e18");
const mpf YEAR(31536000);

mpf real(const fp::Wad& w) { return mpf(w.raw().to_string()) / E18; }
mpf real_q125(const fp::I256& v) { return mpf(v.to_string()) / pow(mpf(2), 125) / E18; }
fp::Wad wad(const std::string& s) { return fp::parse(s).value; }
mpf Phi(const mpf& x) { return erfc(-x / sqrt(mpf(2))) / 2; }
mpf phi(const mpf& x) { return exp(-x * x / 2) / sqrt(2 * boost::math::constants::pi<mpf>()); }

struct ref_inputs {
    mpf f, k, df, vol, t;
    bool call;
};

// Black-76 value (discounted), exact reference.
mpf ref_value(const ref_inputs& r) {
    const mpf v = r.vol * sqrt(r.t);
    const mpf d1 = (log(r.f / r.k) + v * v / 2) / v, d2 = d1 - v;
    // each option by its own formula: parity would cancel digits deep in the money
    return r.df * (r.call ? mpf(r.f * Phi(d1) - r.k * Phi(d2)) : mpf(r.k * Phi(-d2) - r.f * Phi(-d1)));
}

struct contract {
    std::string f, k, df, vol;
    std::int64_t seconds;
    option_kind kind;
};

// Decimal text with `digits` fractional digits (the value is then exact input).
std::string dec(double x, int digits) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", digits, x);
    return buf;
}

contract random_contract(std::mt19937_64& rng) {
    std::uniform_real_distribution<double> u(0, 1);
    const double f = std::exp(std::log(10.0) + u(rng) * std::log(1e5));
    const double m = std::exp((2 * u(rng) - 1) * 3.0);
    const double vol = std::exp(std::log(0.01) + u(rng) * std::log(500.0));
    const auto seconds = static_cast<std::int64_t>(std::exp(std::log(60.0) + u(rng) * std::log(3 * 31536000.0 / 60)));
    const double df = 0.8 + 0.2 * u(rng);
    return {dec(f, 6), dec(f * m, 6), dec(df, 12), dec(vol, 8), seconds, (rng() & 1) ? option_kind::call : option_kind::put};
}

fp::result<option_quote> price(const contract& c) {
    const auto w = fp::total_variance_ext(wad(c.vol), c.seconds);
    REQUIRE(w.ok());
    return price_option({wad(c.f), wad(c.k), wad(c.df), c.kind, c.seconds, fp::sqrt_year_fraction(c.seconds).value, w.value});
}

ref_inputs ref_of(const contract& c) {
    return {mpf(c.f), mpf(c.k), mpf(c.df), mpf(c.vol), mpf(c.seconds) / YEAR, c.kind == option_kind::call};
}

mpf rel(const mpf& got, const mpf& ref) { return abs(got - ref) / abs(ref); }

}  // namespace

TEST_CASE("Black-76: price and Greeks against MPFR on 20,000 random contracts", "[accuracy][black76]") {
    std::mt19937_64 rng(20261121);
    mpf kernel_rel = 0, price_excess = 0, delta_abs = 0, gamma_rel = 0, vega_rel = 0, theta_rel = 0;
    long counted = 0, n = 0;
    for (int i = 0; i < 20000; ++i) {
        const contract c = random_contract(rng);
        const auto q = price(c);
        REQUIRE(q.ok());
        const ref_inputs r = ref_of(c);
        const mpf ref = ref_value(r);
        ++n;
        // The kernel's unrounded value (undiscounted) against the reference.
        const mpf kernel = real_q125(q.value.undiscounted);
        const mpf ref_undiscounted = ref / r.df;
        if (ref_undiscounted > r.f * mpf("1e-6")) {
            ++counted;
            kernel_rel = std::max(kernel_rel, rel(kernel, ref_undiscounted));
        }
        CHECK(abs(kernel - ref_undiscounted) <= r.f * mpf("1e-20"));
        // The rounded unit price: floor, so within 1 wei below the exact value.
        const mpf err = ref - real(q.value.unit_price);
        CHECK(err >= -ref * mpf("1e-20"));
        CHECK(err <= mpf("1e-18") + ref * mpf("1e-20"));
        if (ref > 0) price_excess = std::max(price_excess, mpf(std::max(mpf(0), mpf(abs(err) - mpf("1e-18"))) / ref));
        // Greeks by their closed forms in MPFR.
        const mpf v = r.vol * sqrt(r.t);
        const mpf d1 = (log(r.f / r.k) + v * v / 2) / v;
        const mpf delta = r.df * (r.call ? Phi(d1) : mpf(Phi(d1) - 1));
        const mpf gamma = r.df * phi(d1) / (r.f * v);
        const mpf vega = r.df * r.f * phi(d1) * sqrt(r.t);
        const mpf theta = -r.df * r.f * phi(d1) * v / (2 * r.t) - log(r.df) / r.t * ref;
        const greeks& g = q.value.unit_greeks;
        // Each Greek: |err| <= rel * |ref| + allowance for its wei roundings; the
        // figure kept is the relative error beyond that allowance.
        auto check = [&](const char* name, mpf& worst, const fp::Wad& got, const mpf& want, const mpf& rel_bound, const mpf& allowance) {
            const mpf e = abs(real(got) - want);
            INFO(name << " F=" << c.f << " K=" << c.k << " DF=" << c.df << " vol=" << c.vol << " s=" << c.seconds);
            CHECK(e <= rel_bound * abs(want) + allowance);
            if (want != 0) worst = std::max(worst, mpf(std::max(mpf(0), mpf(e - allowance)) / abs(want)));
        };
        const mpf wei("1e-18");
        check("delta", delta_abs, g.delta, delta, mpf("1e-20"), 2 * wei);
        check("gamma", gamma_rel, g.gamma, gamma, mpf("1e-20"), 2 * wei);
        check("vega", vega_rel, g.vega, vega, mpf("1e-20"), 3 * wei);
        check("theta", theta_rel, g.theta, theta, mpf("1e-20"),
              wei * (YEAR / mpf(c.seconds)) * (4 + abs(ref)) + 2 * wei);  // ln(DF) is rounded to a wei
    }
    std::printf("black76: %ld contracts, %ld with price > 1e-6 F\n", n, counted);
    std::printf("  kernel (unrounded) max relative error, prices > 1e-6 F: %.3e\n", static_cast<double>(kernel_rel));
    std::printf("  unit price beyond the 1-wei floor rounding: %.3e relative\n", static_cast<double>(price_excess));
    std::printf("  beyond their wei roundings, max relative error: delta %.3e, gamma %.3e, vega %.3e, theta %.3e\n",
                static_cast<double>(delta_abs), static_cast<double>(gamma_rel), static_cast<double>(vega_rel),
                static_cast<double>(theta_rel));
    CHECK(counted >= 10000);
    CHECK(kernel_rel <= mpf("1e-20"));  // docs/pricing.md: goal 1e-15
}

TEST_CASE("Black-76 Greeks are the derivatives of the reference price (finite differences)", "[accuracy][black76]") {
    std::mt19937_64 rng(7);
    const mpf h("1e-25");
    int n = 0;
    for (int i = 0; i < 2000; ++i) {
        const contract c = random_contract(rng);
        const ref_inputs r = ref_of(c);
        if (ref_value(r) < r.f * mpf("1e-6")) continue;
        ++n;
        const greeks& g = price(c).value.unit_greeks;
        auto at = [&](mpf df_, mpf f_, mpf vol_, mpf t_) { return ref_value({f_, r.k, df_, vol_, t_, r.call}); };
        const mpf hf = h * r.f;
        const mpf fd_delta = (at(r.df, r.f + hf, r.vol, r.t) - at(r.df, r.f - hf, r.vol, r.t)) / (2 * hf);
        const mpf fd_gamma = (at(r.df, r.f + hf * 1e5, r.vol, r.t) - 2 * at(r.df, r.f, r.vol, r.t) + at(r.df, r.f - hf * 1e5, r.vol, r.t)) /
                             (hf * hf * 1e10);
        const mpf fd_vega = (at(r.df, r.f, r.vol + h, r.t) - at(r.df, r.f, r.vol - h, r.t)) / (2 * h);
        // theta: -dV/dt with the forward and the rate r = -ln(DF)/t held.
        const mpf rate = -log(r.df) / r.t;
        const mpf ht = h * r.t;
        const mpf fd_theta =
            -(at(exp(-rate * (r.t + ht)), r.f, r.vol, r.t + ht) - at(exp(-rate * (r.t - ht)), r.f, r.vol, r.t - ht)) / (2 * ht);
        const mpf tol("1e-9");
        CHECK(abs(real(g.delta) - fd_delta) <= tol * r.df + mpf("2e-18"));
        CHECK(abs(real(g.gamma) - fd_gamma) <= tol * abs(fd_gamma) + mpf("1e-17"));
        CHECK(abs(real(g.vega) - fd_vega) <= tol * abs(fd_vega) + mpf("1e-17"));
        CHECK(abs(real(g.theta) - fd_theta) <= tol * abs(fd_theta) + mpf("1e-17") * (YEAR / mpf(c.seconds)));
    }
    CHECK(n >= 1000);
}

TEST_CASE("SVI total variance against MPFR", "[accuracy][svi]") {
    std::mt19937_64 rng(99);
    std::uniform_real_distribution<double> u(0, 1);
    mpf worst = 0;
    for (int i = 0; i < 10000; ++i) {
        const std::string a = dec(0.0001 + 0.05 * u(rng), 10), b = dec(0.001 + 0.3 * u(rng), 10), rho = dec(-0.95 + 1.9 * u(rng), 10),
                          m = dec(-0.3 + 0.6 * u(rng), 10), sigma = dec(0.01 + 0.5 * u(rng), 10);
        const double f = std::exp(std::log(10.0) + u(rng) * std::log(1e5));
        const std::string fs = dec(f, 6), ks = dec(f * std::exp((2 * u(rng) - 1) * 2.0), 6);
        const svi_params p{wad(a), wad(b), wad(rho), wad(m), wad(sigma)};
        const auto w = svi_total_variance(p, wad(fs), wad(ks));
        REQUIRE(w.ok());
        const mpf k = log(mpf(ks) / mpf(fs)), d = k - mpf(m);
        const mpf ref = mpf(a) + mpf(b) * (mpf(rho) * d + sqrt(d * d + mpf(sigma) * mpf(sigma)));
        const mpf err = abs(real(w.value) - ref) * E18;  // in wei
        worst = std::max(worst, err);
        CHECK(err <= 3);  // k from two rounded logs (1 wei), rho d and b(...) floored
    }
    std::printf("svi: max |err| %.3f wei over 10,000 points\n", static_cast<double>(worst));
}
