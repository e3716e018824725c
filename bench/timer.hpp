// The benchmarks' one timing rule: run body() until >= 0.2 s have passed, five
// times, and report the median time per operation (body() performs
// ops_per_call operations). Figures, not tests.
#pragma once

#include <algorithm>
#include <chrono>
#include <vector>

namespace bench {

template <class F>
double ns_per_op(F&& body, long long ops_per_call) {
    using clk = std::chrono::steady_clock;
    std::vector<double> runs;
    for (int rep = 0; rep < 5; ++rep) {
        long long ops = 0;
        const auto t0 = clk::now();
        auto t1 = t0;
        do {
            body();
            ops += ops_per_call;
            t1 = clk::now();
        } while (t1 - t0 < std::chrono::milliseconds(200));
        runs.push_back(std::chrono::duration<double, std::nano>(t1 - t0).count() / static_cast<double>(ops));
    }
    std::sort(runs.begin(), runs.end());
    return runs[2];
}

}  // namespace bench
