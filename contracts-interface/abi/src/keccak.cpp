// Keccak-f[1600] with the round constants and rotation offsets of the Keccak
// reference (FIPS 202 §3.2 describes the same permutation).
#include "abi/keccak.hpp"

#include <cstring>

namespace abi {
namespace {

constexpr std::uint64_t round_constants[24] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL, 0x8000000080008000ULL, 0x000000000000808bULL,
    0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL, 0x000000000000008aULL, 0x0000000000000088ULL,
    0x0000000080008009ULL, 0x000000008000000aULL, 0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL,
    0x8000000000008003ULL, 0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800aULL, 0x800000008000000aULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};

// rho offsets and pi destinations, walked along the lane cycle starting at lane 1.
constexpr unsigned rho[24] = {1, 3, 6, 10, 15, 21, 28, 36, 45, 55, 2, 14, 27, 41, 56, 8, 25, 43, 62, 18, 39, 61, 20, 44};
constexpr unsigned pi[24] = {10, 7, 11, 17, 18, 3, 5, 16, 8, 21, 24, 4, 15, 23, 19, 13, 12, 2, 20, 14, 22, 9, 6, 1};

constexpr std::uint64_t rotl(std::uint64_t x, unsigned n) noexcept { return (x << n) | (x >> (64 - n)); }

void keccak_f(std::uint64_t a[25]) noexcept {
    for (const std::uint64_t rc : round_constants) {
        std::uint64_t c[5];
        for (int x = 0; x < 5; ++x) c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];  // theta
        for (int x = 0; x < 5; ++x) {
            const std::uint64_t d = c[(x + 4) % 5] ^ rotl(c[(x + 1) % 5], 1);
            for (int y = 0; y < 25; y += 5) a[y + x] ^= d;
        }
        std::uint64_t t = a[1];  // rho and pi
        for (int i = 0; i < 24; ++i) {
            const std::uint64_t next = a[pi[i]];
            a[pi[i]] = rotl(t, rho[i]);
            t = next;
        }
        for (int y = 0; y < 25; y += 5) {  // chi
            std::uint64_t row[5];
            for (int x = 0; x < 5; ++x) row[x] = a[y + x];
            for (int x = 0; x < 5; ++x) a[y + x] = row[x] ^ (~row[(x + 1) % 5] & row[(x + 2) % 5]);
        }
        a[0] ^= rc;  // iota
    }
}

constexpr std::size_t rate = 136;  // bytes: 1600 - 2 * 256 bits

// Lanes are little-endian byte strings, independent of the host's byte order.
std::uint64_t load_le(const std::uint8_t* p) noexcept {
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
    return v;
}

}  // namespace

hash256 keccak256(std::span<const std::uint8_t> data) noexcept {
    std::uint64_t a[25] = {};
    std::size_t n = data.size();
    const std::uint8_t* p = data.data();
    for (; n >= rate; n -= rate, p += rate) {
        for (std::size_t i = 0; i < rate / 8; ++i) a[i] ^= load_le(p + 8 * i);
        keccak_f(a);
    }
    std::uint8_t last[rate] = {};
    if (n) std::memcpy(last, p, n);
    last[n] ^= 0x01;  // Keccak padding: 1 0* 1 (multi-rate), not SHA-3's 0x06
    last[rate - 1] ^= 0x80;
    for (std::size_t i = 0; i < rate / 8; ++i) a[i] ^= load_le(last + 8 * i);
    keccak_f(a);
    hash256 out;
    for (std::size_t i = 0; i < 32; ++i) out[i] = static_cast<std::uint8_t>(a[i / 8] >> (8 * (i % 8)));
    return out;
}

hash256 keccak256(std::string_view text) noexcept {
    return keccak256(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

std::string_view to_hex(const hash256& h, std::array<char, 67>& buf) noexcept {
    constexpr char digits[] = "0123456789abcdef";
    buf[0] = '0';
    buf[1] = 'x';
    for (std::size_t i = 0; i < 32; ++i) {
        buf[2 + 2 * i] = digits[h[i] >> 4];
        buf[3 + 2 * i] = digits[h[i] & 15];
    }
    buf[66] = '\0';
    return {buf.data(), 66};
}

}  // namespace abi
