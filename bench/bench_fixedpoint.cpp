// ns/op of the fixed-point operations and of the same functions in double.
//
//   bench_fixedpoint [--json]     (natively, or `node bench_fixedpoint.js` for wasm)
//
// Each op runs over 1,024 pre-drawn everyday inputs (margin-engine magnitudes,
// listed per op below) until >= 0.2 s have passed; the median of 5 such runs is
// reported. scripts/bench.sh puts native and wasm side by side.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "fixedpoint/wad.hpp"
#include "timer.hpp"

namespace {

using fp::Wad;

constexpr int N = 1024;

struct inputs {
    std::vector<Wad> a, b, c;
    std::vector<double> da, db, dc;
};

// Uniform reals in [lo, hi], as Wads (exact decimal text) and as doubles.
void draw(std::mt19937_64& rng, double lo, double hi, std::vector<Wad>& w, std::vector<double>& d) {
    std::uniform_real_distribution<double> u(lo, hi);
    for (int i = 0; i < N; ++i) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.12f", u(rng));
        w.push_back(fp::parse(buf).value);
        d.push_back(std::strtod(buf, nullptr));
    }
}

volatile std::uint64_t sink_u;
volatile double sink_d;

struct row {
    const char* op;
    const char* domain;
    double fixed_ns;
    double double_ns;
};

}  // namespace

int main(int argc, char** argv) {
    const bool json = argc > 1 && std::strcmp(argv[1], "--json") == 0;
    std::mt19937_64 rng(7);
    auto make = [&](double lo, double hi, double lo2 = 0, double hi2 = 0, double lo3 = 0, double hi3 = 0) {
        inputs in;
        draw(rng, lo, hi, in.a, in.da);
        if (hi2 > lo2) draw(rng, lo2, hi2, in.b, in.db);
        if (hi3 > lo3) draw(rng, lo3, hi3, in.c, in.dc);
        return in;
    };
    auto fixed1 = [](const inputs& in, fp::result<Wad> (*f)(const Wad&) noexcept) {
        return bench::ns_per_op(
            [&] {
                std::uint64_t acc = 0;
                for (int i = 0; i < N; ++i) acc += static_cast<std::uint64_t>(f(in.a[i]).value.raw().sign() + 2);
                sink_u = acc;
            },
            N);
    };
    auto double1 = [](const inputs& in, double (*f)(double)) {
        return bench::ns_per_op(
            [&] {
                double acc = 0;
                for (int i = 0; i < N; ++i) acc += f(in.da[i]);
                sink_d = acc;
            },
            N);
    };
    // Binary operations: fixed-point f(a, b) against the double expression d(a, b).
    auto fixed2 = [](auto f) {
        return bench::ns_per_op(
            [&] {
                std::uint64_t acc = 0;
                for (int i = 0; i < N; ++i) acc += static_cast<std::uint64_t>(f(i).value.raw().sign() + 2);
                sink_u = acc;
            },
            N);
    };
    auto double2 = [](auto d) {
        return bench::ns_per_op(
            [&] {
                double acc = 0;
                for (int i = 0; i < N; ++i) acc += d(i);
                sink_d = acc;
            },
            N);
    };
    const auto r = fp::rounding::floor;
    std::vector<row> rows;

    {
        const auto in = make(-1e6, 1e6, -1e3, 1e3);
        rows.push_back({"mul", "a in +-1e6, b in +-1e3", fixed2([&](int i) { return fp::mul(in.a[i], in.b[i], r); }),
                        double2([&](int i) { return in.da[i] * in.db[i]; })});
        rows.push_back({"div", "a in +-1e6, b in +-1e3", fixed2([&](int i) { return fp::div(in.a[i], in.b[i], r); }),
                        double2([&](int i) { return in.da[i] / in.db[i]; })});
    }
    {
        const auto in = make(-1e6, 1e6, -1e6, 1e6, 1, 1e3);
        rows.push_back({"mul_div", "a, b in +-1e6, c in [1, 1e3]", fixed2([&](int i) { return fp::mul_div(in.a[i], in.b[i], in.c[i], r); }),
                        double2([&](int i) { return in.da[i] * in.db[i] / in.dc[i]; })});
    }
    {
        const auto in = make(-20, 20);
        rows.push_back({"exp", "x in [-20, 20]", fixed1(in, &fp::exp), double1(in, [](double x) { return std::exp(x); })});
    }
    {
        const auto in = make(1e-3, 1e3);
        rows.push_back({"ln", "x in [1e-3, 1e3]", fixed1(in, &fp::ln), double1(in, [](double x) { return std::log(x); })});
        rows.push_back({"sqrt", "x in [1e-3, 1e3]", fixed1(in, &fp::sqrt), double1(in, [](double x) { return std::sqrt(x); })});
    }
    {
        const auto in = make(0.5, 2, -10, 10);
        rows.push_back({"pow", "x in [0.5, 2], y in +-10", fixed2([&](int i) { return fp::pow(in.a[i], in.b[i]); }),
                        double2([&](int i) { return std::pow(in.da[i], in.db[i]); })});
    }
    {
        const auto in = make(-5, 5);
        rows.push_back({"normal_cdf", "x in [-5, 5]", fixed1(in, &fp::normal_cdf),
                        double1(in, [](double x) { return 0.5 * std::erfc(-x * 0.70710678118654752440); })});
        rows.push_back({"normal_pdf", "x in [-5, 5]", fixed1(in, &fp::normal_pdf),
                        double1(in, [](double x) { return 0.39894228040143267794 * std::exp(-0.5 * x * x); })});
    }

    if (json) {
        std::printf("[");
        for (std::size_t i = 0; i < rows.size(); ++i)
            std::printf("%s{\"op\":\"%s\",\"domain\":\"%s\",\"fixed_ns\":%.2f,\"double_ns\":%.2f}", i ? "," : "", rows[i].op,
                        rows[i].domain, rows[i].fixed_ns, rows[i].double_ns);
        std::printf("]\n");
    } else {
        std::printf("%-11s %-30s %12s %12s %8s\n", "op", "inputs", "fixed ns/op", "double ns/op", "ratio");
        for (const auto& x : rows)
            std::printf("%-11s %-30s %12.1f %12.1f %8.1f\n", x.op, x.domain, x.fixed_ns, x.double_ns, x.fixed_ns / x.double_ns);
    }
    return 0;
}
