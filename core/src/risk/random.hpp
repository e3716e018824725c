// The Monte Carlo's standard normal draws (internal; fixedpoint/SPEC.md §7 states the
// Philox stream and the uniform mapping, docs/risk.md how paths use them).
#pragma once

#include <cstdint>

#include "fixedpoint/philox.hpp"
#include "fixedpoint/wad.hpp"

namespace margin::risk::detail {

/// The draws of one path: draw i is normal_quantile(u) with u the uniform of
/// fp::philox_bits64(seed, path, i) (SPEC.md §7.2-7.3). The same (seed, path) gives the
/// same draws everywhere, whatever order paths are computed in.
class normal_stream {
public:
    normal_stream(std::uint64_t seed, std::uint64_t path) noexcept : seed_(seed), path_(path) {}
    /// The next draw (no error: u is strictly inside (0, 1)).
    fp::result<fp::Wad> next() noexcept {
        const std::int64_t u = fp::uniform_open_raw(fp::philox_bits64(seed_, path_, draw_++));
        return fp::normal_quantile(fp::Wad::from_raw(fp::I256(u)));
    }

private:
    std::uint64_t seed_, path_, draw_ = 0;
};

}  // namespace margin::risk::detail
