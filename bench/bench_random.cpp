// ns/op of the Monte Carlo's number-model pieces (fixedpoint/SPEC.md §4.8, §7): Philox4x32-10,
// the uniform mapping, the inverse normal distribution function, and one whole normal draw;
// beside them the double-precision equivalents (std::mt19937_64 and Boost.Math's erfc_inv).
//
//   bench_random [--json]     (natively, or `node bench_random.js` for wasm)
//
// Each op runs over 1,024 inputs until >= 0.2 s have passed; the median of 5 such runs is
// reported (bench/timer.hpp). Figures, not tests.
#include <boost/math/special_functions/erf.hpp>

#include <cstdio>
#include <cstring>
#include <random>
#include <vector>

#include "fixedpoint/philox.hpp"
#include "fixedpoint/wad.hpp"
#include "timer.hpp"

namespace {

constexpr int N = 1024;

volatile std::uint64_t sink_u;
volatile double sink_d;

struct row {
    const char* op;
    const char* domain;
    double fixed_ns;
    double double_ns;
};

// Phi^-1(p) in double: -sqrt 2 erfc^-1(2p).
double quantile_double(double p) { return -1.41421356237309504880 * boost::math::erfc_inv(2 * p); }

}  // namespace

int main(int argc, char** argv) {
    const bool json = argc > 1 && std::strcmp(argv[1], "--json") == 0;
    std::vector<row> rows;
    const std::uint64_t seed = 20240601;

    // Uniforms: the Monte Carlo's own (path 0, draws 0..1023), and tail ones (p or 1 - p below 1e-3).
    std::vector<fp::Wad> mc, tail;
    std::vector<double> mcd, taild;
    std::mt19937_64 rng(11);
    for (int i = 0; i < N; ++i) {
        const std::int64_t u = fp::uniform_open_raw(fp::philox_bits64(seed, 0, static_cast<std::uint64_t>(i)));
        mc.push_back(fp::Wad::from_raw(fp::I256(u)));
        mcd.push_back(static_cast<double>(u) * 1e-18);
        const std::int64_t t = 1 + static_cast<std::int64_t>(rng() % 1'000'000'000'000'000ull);
        const std::int64_t tp = (i & 1) != 0 ? t : 1'000'000'000'000'000'000 - t;
        tail.push_back(fp::Wad::from_raw(fp::I256(tp)));
        taild.push_back(static_cast<double>(tp) * 1e-18);
    }

    auto quantile_fixed = [](const std::vector<fp::Wad>& in) {
        return bench::ns_per_op(
            [&] {
                std::uint64_t acc = 0;
                for (int i = 0; i < N; ++i)
                    acc += static_cast<std::uint64_t>(fp::normal_quantile(in[static_cast<unsigned>(i)]).value.raw().sign() + 2);
                sink_u = acc;
            },
            N);
    };
    auto quantile_dbl = [](const std::vector<double>& in) {
        return bench::ns_per_op(
            [&] {
                double acc = 0;
                for (int i = 0; i < N; ++i) acc += quantile_double(in[static_cast<unsigned>(i)]);
                sink_d = acc;
            },
            N);
    };

    {
        std::uint64_t path = 0;
        const double fixed = bench::ns_per_op(
            [&] {
                std::uint64_t acc = 0;
                for (int i = 0; i < N; ++i) acc += fp::philox_block(seed, path, static_cast<std::uint64_t>(i))[0];
                sink_u = acc;
                ++path;
            },
            N);
        std::mt19937_64 mt(5);
        const double dbl = bench::ns_per_op(
            [&] {
                std::uint64_t acc = 0;
                for (int i = 0; i < N; ++i) acc += mt() + mt();  // 128 bits, as one Philox call
                sink_u = acc;
            },
            N);
        rows.push_back({"philox4x32_10", "one block (128 bits) / mt19937_64 x2", fixed, dbl});
    }
    {
        std::uint64_t path = 0;
        const double fixed = bench::ns_per_op(
            [&] {
                std::uint64_t acc = 0;
                for (int i = 0; i < N; ++i)
                    acc += static_cast<std::uint64_t>(fp::uniform_open_raw(fp::philox_bits64(seed, path, static_cast<std::uint64_t>(i))));
                sink_u = acc;
                ++path;
            },
            N);
        std::mt19937_64 mt(5);
        std::uniform_real_distribution<double> ud(0, 1);
        const double dbl = bench::ns_per_op(
            [&] {
                double acc = 0;
                for (int i = 0; i < N; ++i) acc += ud(mt);
                sink_d = acc;
            },
            N);
        rows.push_back({"uniform", "philox_bits64 + uniform_open_raw", fixed, dbl});
    }
    rows.push_back({"normal_quantile", "p = the MC's uniforms", quantile_fixed(mc), quantile_dbl(mcd)});
    rows.push_back({"normal_quantile", "tails: min(p, 1-p) < 1e-3", quantile_fixed(tail), quantile_dbl(taild)});
    {
        std::uint64_t path = 0;
        const double fixed = bench::ns_per_op(
            [&] {
                std::uint64_t acc = 0;
                for (int i = 0; i < N; ++i) {
                    const std::int64_t u = fp::uniform_open_raw(fp::philox_bits64(seed, path, static_cast<std::uint64_t>(i)));
                    acc += static_cast<std::uint64_t>(fp::normal_quantile(fp::Wad::from_raw(fp::I256(u))).value.raw().sign() + 2);
                }
                sink_u = acc;
                ++path;
            },
            N);
        std::mt19937_64 mt(5);
        std::uniform_real_distribution<double> ud(0, 1);
        const double dbl = bench::ns_per_op(
            [&] {
                double acc = 0;
                for (int i = 0; i < N; ++i) acc += quantile_double(ud(mt));
                sink_d = acc;
            },
            N);
        rows.push_back({"normal_draw", "seed, path, draw -> N(0,1) Wad", fixed, dbl});
    }

    if (json) {
        std::printf("[");
        for (std::size_t i = 0; i < rows.size(); ++i)
            std::printf("%s{\"op\":\"%s\",\"domain\":\"%s\",\"fixed_ns\":%.2f,\"double_ns\":%.2f}", i ? "," : "", rows[i].op,
                        rows[i].domain, rows[i].fixed_ns, rows[i].double_ns);
        std::printf("]\n");
    } else {
        std::printf("%-16s %-38s %12s %12s %8s\n", "op", "inputs", "fixed ns/op", "double ns/op", "ratio");
        for (const auto& x : rows)
            std::printf("%-16s %-38s %12.1f %12.1f %8.1f\n", x.op, x.domain, x.fixed_ns, x.double_ns, x.fixed_ns / x.double_ns);
    }
    return 0;
}
