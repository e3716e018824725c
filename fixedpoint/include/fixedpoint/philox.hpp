// Philox4x32-10, a counter-based pseudo-random generator, and the stream and
// uniform conventions of the deterministic Monte Carlo (SPEC.md §7).
//
// Philox is J. K. Salmon, M. A. Moraes, R. O. Dror and D. E. Shaw, "Parallel
// random numbers: as easy as 1, 2, 3", SC'11 (the Random123 library). The
// output is a pure function of (counter, key): no state, no order of calls, so
// path i's draws are the same in every build, on any number of threads.
// Integer only (32x32->64 products, xor, add), constexpr and noexcept; this
// header includes nothing of Boost.
#pragma once

#include <array>
#include <cstdint>

namespace fp {

/// A Philox4x32 counter (four words, word 0 least significant) and key (two words).
using philox_counter = std::array<std::uint32_t, 4>;
using philox_key = std::array<std::uint32_t, 2>;

namespace detail {
// The round multipliers and the key schedule's Weyl increments of Philox4x32
// (SC'11, §4.3 and Table 2; the increments are the golden ratio and sqrt(3) - 1, 32 bits).
inline constexpr std::uint32_t PHILOX_M0 = 0xD2511F53u;
inline constexpr std::uint32_t PHILOX_M1 = 0xCD9E8D57u;
inline constexpr std::uint32_t PHILOX_W0 = 0x9E3779B9u;
inline constexpr std::uint32_t PHILOX_W1 = 0xBB67AE85u;
}  // namespace detail

/// Philox4x32 with `Rounds` rounds (SPEC.md §7.1). Round r (0-based) uses the key
/// k + r * (W0, W1) (mod 2^32) and maps (c0, c1, c2, c3) to
/// (hi(M1 c2) ^ c1 ^ k0, lo(M1 c2), hi(M0 c0) ^ c3 ^ k1, lo(M0 c0)), where hi and lo are
/// the high and low 32 bits of the 64-bit product.
template <int Rounds>
constexpr philox_counter philox4x32(philox_counter c, philox_key k) noexcept {
    static_assert(Rounds >= 1 && Rounds <= 16);
    for (int r = 0; r < Rounds; ++r) {
        if (r != 0) {
            k[0] += detail::PHILOX_W0;
            k[1] += detail::PHILOX_W1;
        }
        const std::uint64_t p0 = std::uint64_t{detail::PHILOX_M0} * c[0];
        const std::uint64_t p1 = std::uint64_t{detail::PHILOX_M1} * c[2];
        c = {static_cast<std::uint32_t>(p1 >> 32) ^ c[1] ^ k[0], static_cast<std::uint32_t>(p1),
             static_cast<std::uint32_t>(p0 >> 32) ^ c[3] ^ k[1], static_cast<std::uint32_t>(p0)};
    }
    return c;
}

/// Philox4x32-10, the Random123 default (ten rounds): 128 random bits per (counter, key).
constexpr philox_counter philox4x32_10(const philox_counter& counter, const philox_key& key) noexcept {
    return philox4x32<10>(counter, key);
}

/// The stream convention (SPEC.md §7.2): the block of path `path`, counter block `block`, under
/// `seed` is philox4x32_10(counter = (lo(block), hi(block), lo(path), hi(path)),
/// key = (lo(seed), hi(seed))), lo and hi being the low and high 32 bits of a 64-bit value.
constexpr philox_counter philox_block(std::uint64_t seed, std::uint64_t path, std::uint64_t block) noexcept {
    return philox4x32_10({static_cast<std::uint32_t>(block), static_cast<std::uint32_t>(block >> 32), static_cast<std::uint32_t>(path),
                          static_cast<std::uint32_t>(path >> 32)},
                         {static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)});
}

/// 64 random bits of draw `draw` (0, 1, 2, ...) of path `path` under `seed` (SPEC.md §7.2):
/// block b = floor(draw / 2) gives x = philox_block(seed, path, b); an even draw takes
/// x0 + 2^32 x1, an odd draw x2 + 2^32 x3. Draws 2b and 2b + 1 share one Philox call.
constexpr std::uint64_t philox_bits64(std::uint64_t seed, std::uint64_t path, std::uint64_t draw) noexcept {
    const philox_counter x = philox_block(seed, path, draw >> 1);
    const unsigned h = (draw & 1) != 0 ? 2u : 0u;
    return (std::uint64_t{x[h + 1]} << 32) | x[h];
}

/// The uniform Wad strictly inside (0, 1) of 64 random bits b (SPEC.md §7.3), as its raw value:
/// u = 1 + floor((b (10^18 - 1) + (10^18 - 2) / 2) / 2^64), which equals
/// 1 + floor((2b + 1)(10^18 - 1) / 2^65), the midpoint of b's 2^-64 cell scaled onto the
/// 10^18 - 1 interior points. So 1 <= u <= 10^18 - 1 with no clamp; u is non-decreasing in
/// b; every value has 18 or 19 preimages; and u(2^64 - 1 - b) = 10^18 - u(b) exactly (the law
/// is symmetric about 1/2, and the complement of b is the antithetic draw).
constexpr std::int64_t uniform_open_raw(std::uint64_t b) noexcept {
    constexpr std::uint64_t n = 999'999'999'999'999'999ull;  // 10^18 - 1
    constexpr std::uint64_t half = (n - 1) / 2;              // 499,999,999,999,999,999
    // hi64(b * n + half): the 64x64->128 product from 32-bit halves (wasm32 has no
    // 64x64->128 multiply; natively the compiler sees through it).
    const std::uint64_t b0 = b & 0xffffffffu, b1 = b >> 32, n0 = n & 0xffffffffu, n1 = n >> 32;
    const std::uint64_t p00 = b0 * n0, p01 = b0 * n1, p10 = b1 * n0, p11 = b1 * n1;
    const std::uint64_t mid = (p00 >> 32) + (p01 & 0xffffffffu) + (p10 & 0xffffffffu);  // < 3 * 2^32
    const std::uint64_t lo = (mid << 32) | (p00 & 0xffffffffu);
    const std::uint64_t hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
    const std::uint64_t carry = lo + half < lo ? 1u : 0u;  // b * n + half < 2^124: no carry out of hi
    return static_cast<std::int64_t>(1 + hi + carry);
}

}  // namespace fp
