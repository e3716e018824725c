#include "returns.hpp"

#include "core/limits.hpp"

namespace margin::risk::detail {

using fp::rounding;

std::vector<Wad> log_returns(calc& c, const series& s, std::int32_t start, std::int32_t last) {
    std::vector<Wad> x;
    x.reserve(static_cast<std::size_t>(last - start));
    for (std::int32_t d = start + 1; d <= last; ++d) x.push_back(c(fp::ln(c(fp::div(s.at(d), s.at(d - 1), rounding::floor)))));
    return x;
}

std::vector<Wad> ewma(calc& c, const std::vector<Wad>& x, const std::vector<Wad>& y, const Wad& lambda) {
    constexpr std::size_t seed = limits::min_ewma_warmup_days;
    Wad sum;
    for (std::size_t i = 0; i < seed; ++i) sum = c(fp::add(sum, c(fp::mul(x[i], y[i], rounding::floor))));
    std::vector<Wad> out;
    out.reserve(x.size() - seed + 1);
    out.push_back(c(fp::div(sum, Wad::from_int(seed), rounding::floor)));
    const Wad rest = c(fp::sub(Wad::from_int(1), lambda));
    for (std::size_t i = seed; i < x.size(); ++i) {
        const Wad xy = c(fp::mul(x[i], y[i], rounding::floor));
        out.push_back(c(fp::add(c(fp::mul(lambda, out.back(), rounding::floor)), c(fp::mul(rest, xy, rounding::floor)))));
    }
    return out;
}

Wad rms(calc& c, const std::vector<Wad>& x, const span_days& d) {
    Wad sum;
    const auto from = static_cast<std::size_t>(d.first - d.start - 1);  // x[i] is day start + 1 + i
    const auto to = static_cast<std::size_t>(d.last - d.start - 1);
    for (std::size_t i = from; i <= to; ++i) sum = c(fp::add(sum, c(fp::mul(x[i], x[i], rounding::floor))));
    return c(fp::sqrt(c(fp::div(sum, Wad::from_int(static_cast<std::int64_t>(to - from + 1)), rounding::floor))));
}

}  // namespace margin::risk::detail
