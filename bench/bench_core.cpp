// The engine's speed: Black-76 with Greeks against a double implementation,
// and microseconds per account for 1, 10 and 50 option positions.
//
//   bench_core [--json]     (natively, or `node bench_core.js` for wasm)
//
// Each figure is the median of 5 timed loops of >= 0.2 s. scripts/bench.sh puts
// native and wasm side by side.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "api/pipeline.hpp"
#include "api/request.hpp"
#include "api/response.hpp"
#include "timer.hpp"

namespace {

using margin::Wad;

volatile double sink_d;
volatile std::int64_t sink_i;

// --- the double baseline: textbook Black-76 with the same Greeks -------------------

struct dgreeks {
    double price, delta, gamma, vega, theta;
};

dgreeks black76_double(double f, double k, double vol, double t, double df, bool call) {
    const double v = vol * std::sqrt(t);
    const double d1 = (std::log(f / k) + 0.5 * v * v) / v, d2 = d1 - v;
    const double n1 = 0.5 * std::erfc(-d1 / std::sqrt(2.0)), n2 = 0.5 * std::erfc(-d2 / std::sqrt(2.0));
    const double pdf = std::exp(-0.5 * d1 * d1) / std::sqrt(2 * M_PI);
    const double c = df * (f * n1 - k * n2);
    const double price = call ? c : c - df * (f - k);
    return {price, df * (call ? n1 : n1 - 1), df * pdf / (f * v), df * f * pdf * std::sqrt(t),
            -df * f * pdf * v / (2 * t) - std::log(df) / t * price};
}

struct contract {
    Wad f, k, df, vol;
    std::int64_t seconds;
    bool call;
    double df_, dk_, ddf_, dvol_, dt_;
};

std::vector<contract> contracts(int n) {
    std::mt19937_64 rng(11);
    std::uniform_real_distribution<double> u(0, 1);
    std::vector<contract> out;
    for (int i = 0; i < n; ++i) {
        char f[64], k[64], df[64], vol[64];
        const double fv = 100000 * (0.9 + 0.2 * u(rng));
        std::snprintf(f, sizeof f, "%.2f", fv);
        std::snprintf(k, sizeof k, "%.0f", fv * (0.7 + 0.6 * u(rng)));
        std::snprintf(df, sizeof df, "%.6f", 0.95 + 0.05 * u(rng));
        std::snprintf(vol, sizeof vol, "%.4f", 0.3 + 0.7 * u(rng));
        const auto seconds = static_cast<std::int64_t>(86400 * (1 + 180 * u(rng)));
        out.push_back({fp::parse(f).value, fp::parse(k).value, fp::parse(df).value, fp::parse(vol).value, seconds, (i & 1) == 0,
                       std::strtod(f, nullptr), std::strtod(k, nullptr), std::strtod(df, nullptr), std::strtod(vol, nullptr),
                       static_cast<double>(seconds) / 31536000.0});
    }
    return out;
}

// An account of `n` short and long options over 4 expiries (SVI surfaces), BTC.
std::string account_request(int n) {
    std::string s =
        R"({"api_version":"1","market":{"timestamp":"1767225600","underlyings":{"BTC":{"spot":"100000","perp_mark":"100020","expiries":[)";
    const char* expiries[] = {"1767830400", "1769760000", "1774598400", "1782460800"};
    for (int e = 0; e < 4; ++e) {
        s += std::string(e ? "," : "") + R"({"expiry":")" + expiries[e] +
             R"(","rate":"0.04","svi":{"a":"0.01","b":"0.05","rho":"-0.3","m":"0.02","sigma":"0.2"}})";
    }
    s += R"(]}},"collateral":{"USDC":{"price":"1"}}},"account":{"cash":"250000","collateral":{"USDC":"100000"},"positions":[)";
    for (int i = 0; i < n; ++i) {
        const int strike = 70000 + 2500 * (i / 8);
        s += std::string(i ? "," : "") + R"({"type":"option","underlying":"BTC","expiry":")" + expiries[i % 4] + R"(","option_type":")" +
             ((i / 4) % 2 ? "call" : "put") + R"(","strike":")" + std::to_string(strike) + R"(","size":")" + (i % 3 ? "-1.5" : "2") +
             R"("})";
    }
    s += "]}}";
    return s;
}

}  // namespace

int main(int argc, char** argv) {
    const bool json = argc > 1 && std::strcmp(argv[1], "--json") == 0;
    const int M = 256;
    const auto cs = contracts(M);
    std::vector<fp::I256> ws;
    std::vector<fp::I256> sts;  // per expiry in the engine; per contract here
    for (const auto& c : cs) {
        ws.push_back(fp::total_variance_ext(c.vol, c.seconds).value);
        sts.push_back(fp::sqrt_year_fraction(c.seconds).value);
    }

    struct row {
        std::string name, what;
        double fixed_ns, double_ns;
    };
    std::vector<row> rows;
    rows.push_back({"black76_price", "Black-76 price only (per option)",
                    bench::ns_per_op(
                        [&] {
                            for (int i = 0; i < M; ++i) {
                                const auto r = fp::black76(cs[i].f, cs[i].k, ws[i]);
                                sink_i = static_cast<std::int64_t>(r.value.call.sign());
                            }
                        },
                        M),
                    bench::ns_per_op(
                        [&] {
                            for (int i = 0; i < M; ++i) {
                                const auto& c = cs[i];
                                const double v = c.dvol_ * std::sqrt(c.dt_);
                                const double d1 = (std::log(c.df_ / c.dk_) + 0.5 * v * v) / v;
                                sink_d = c.ddf_ * (c.df_ * 0.5 * std::erfc(-d1 / std::sqrt(2.0)) -
                                                   c.dk_ * 0.5 * std::erfc(-(d1 - v) / std::sqrt(2.0)));
                            }
                        },
                        M)});
    rows.push_back({"black76_greeks", "Black-76 price + delta, gamma, vega, theta (per option)",
                    bench::ns_per_op(
                        [&] {
                            for (int i = 0; i < M; ++i) {
                                const auto& c = cs[i];
                                const auto q =
                                    margin::price_option({c.f, c.k, c.df, c.call ? margin::option_kind::call : margin::option_kind::put,
                                                          c.seconds, sts[i], ws[i]});
                                sink_i = static_cast<std::int64_t>(q.value.unit_price.raw().sign());
                            }
                        },
                        M),
                    bench::ns_per_op(
                        [&] {
                            for (int i = 0; i < M; ++i) {
                                const auto& c = cs[i];
                                sink_d = black76_double(c.df_, c.dk_, c.dvol_, c.dt_, c.ddf_, c.call).theta;
                            }
                        },
                        M)});
    for (int n : {1, 10, 50}) {
        const std::string text = account_request(n);
        const auto req = margin::api::parse_request(text);
        if (!req.ok()) {
            std::fprintf(stderr, "bench request invalid: %s %s\n", std::string(margin::name(req.err->code)).c_str(), req.err->path.c_str());
            return 1;
        }
        rows.push_back({"account_" + std::to_string(n), "compute_standard, " + std::to_string(n) + " options, 4 expiries (per account)",
                        bench::ns_per_op([&] { sink_i = margin::compute_standard(req.value).value.initial_margin.raw().sign(); }, 1), 0});
        rows.push_back(
            {"account_json_" + std::to_string(n), "compute_json: parse + validate + compute + encode, " + std::to_string(n) + " options",
             bench::ns_per_op([&] { sink_i = static_cast<std::int64_t>(margin::api::compute_json(text, false).text.size()); }, 1), 0});
    }
    if (json) {
        std::printf("[");
        for (std::size_t i = 0; i < rows.size(); ++i)
            std::printf("%s{\"op\":\"%s\",\"what\":\"%s\",\"fixed_ns\":%.1f,\"double_ns\":%.2f}", i ? "," : "", rows[i].name.c_str(),
                        rows[i].what.c_str(), rows[i].fixed_ns, rows[i].double_ns);
        std::printf("]\n");
    } else {
        for (const auto& r : rows) {
            if (r.double_ns > 0)
                std::printf("%-18s %10.0f ns   double %7.1f ns   %5.1fx   %s\n", r.name.c_str(), r.fixed_ns, r.double_ns,
                            r.fixed_ns / r.double_ns, r.what.c_str());
            else
                std::printf("%-18s %10.2f us   %s\n", r.name.c_str(), r.fixed_ns / 1000, r.what.c_str());
        }
    }
    return 0;
}
