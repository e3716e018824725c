// Keccak-256 as Ethereum uses it: the Keccak submission's padding (0x01 ... 0x80),
// not FIPS 202 SHA3-256's (0x06 ... 0x80). Portable (no intrinsics), so the same
// bytes come out natively and in WebAssembly.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace abi {

using hash256 = std::array<std::uint8_t, 32>;

/// keccak256(data): rate 1088 bits, capacity 512, output 256 bits.
hash256 keccak256(std::span<const std::uint8_t> data) noexcept;

/// keccak256 of a string's bytes (e.g. a function signature).
hash256 keccak256(std::string_view text) noexcept;

/// Lower-case hex with a 0x prefix.
std::string_view to_hex(const hash256& h, std::array<char, 67>& buf) noexcept;

}  // namespace abi
