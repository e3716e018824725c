// The engine from an install prefix: the number model, one Black-76 price from
// core, the generated version header (api/) and, when installed, keccak256 from abi.
// tests/install/run.sh compares the output with literals computed independently
// with mpmath at 60 digits (python3):
//   exp(1.5) to the nearest wei:          mp.floor(mp.e**1.5 * 10**18 + 0.5)
//     = 4.481689070338064823 (exact 4.48168907033806482260...)
//   Phi(1.96) to the nearest wei:         mp.floor(mp.ncdf(1.96) * 10**18 + 0.5)
//     = 0.975002104851779566 (exact 0.97500210485177956586...)
//   Black-76 call, F = K = 100, vol 0.5, one year (w = 0.25), DF = 1, floored to
//   the wei: 100 (2 Phi(0.25) - 1) = 19.741265136584744848 (exact
//   19.74126513658474484817...; the kernel's 1e-21 relative error is 0.02 wei)
//   keccak256("") = 0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470
#include <array>
#include <cstdint>
#include <cstdio>
#include <string_view>

#include "api/version.hpp"
#include "core/pricing.hpp"
#include "fixedpoint/black76.hpp"
#include "fixedpoint/wad.hpp"
#ifdef MARGIN_CONSUMER_ABI
#include "abi/keccak.hpp"
#endif

namespace {

int failures = 0;

void print(const char* name, const fp::result<fp::Wad>& r) {
    if (!r.ok()) {
        std::printf("%s error %s\n", name, fp::errc_name(r.error).data());
        ++failures;
        return;
    }
    std::printf("%s %s\n", name, fp::format(r.value).c_str());
}

}  // namespace

int main() {
    std::printf("version %.*s\n", static_cast<int>(margin::engine_version.size()), margin::engine_version.data());

    print("exp(1.5)", fp::exp(fp::parse("1.5").value));
    print("normal_cdf(1.96)", fp::normal_cdf(fp::parse("1.96").value));

    const std::int64_t year = 31'536'000;
    const auto vol = fp::parse("0.5");
    const auto w = fp::total_variance_ext(vol.value, year);
    const auto sqrt_t = fp::sqrt_year_fraction(year);
    if (!vol.ok() || !w.ok() || !sqrt_t.ok()) {
        std::printf("black76 inputs error\n");
        return 1;
    }
    margin::option_inputs in;
    in.forward = fp::parse("100").value;
    in.strike = fp::parse("100").value;
    in.discount_factor = fp::parse("1").value;
    in.kind = margin::option_kind::call;
    in.seconds = year;
    in.sqrt_year_q125 = sqrt_t.value;
    in.total_variance_ext = w.value;
    const auto quote = margin::price_option(in);
    print("black76_call", {quote.value.unit_price, quote.error});

#ifdef MARGIN_CONSUMER_ABI
    std::array<char, 67> buf{};
    const std::string_view hex = abi::to_hex(abi::keccak256(std::string_view{}), buf);
    std::printf("keccak256('') %.*s\n", static_cast<int>(hex.size()), hex.data());
#endif
    return failures == 0 ? 0 : 1;
}
