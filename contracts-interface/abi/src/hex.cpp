// Hex text <-> bytes.
#include "abi/abi.hpp"

namespace abi {

std::string to_hex(std::span<const std::uint8_t> data) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string s = "0x";
    s.reserve(2 + 2 * data.size());
    for (std::uint8_t b : data) {
        s += digits[b >> 4];
        s += digits[b & 15];
    }
    return s;
}

outcome<bytes> from_hex(std::string_view text) {
    if (text.substr(0, 2) == "0x" || text.substr(0, 2) == "0X") text.remove_prefix(2);
    auto nibble = [](char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    if (text.size() % 2) return outcome<bytes>::failure(error_code::ABI_BAD_DATA, "", "hex with an odd number of digits");
    bytes out(text.size() / 2);
    for (std::size_t i = 0; i < out.size(); ++i) {
        const int hi = nibble(text[2 * i]), lo = nibble(text[2 * i + 1]);
        if (hi < 0 || lo < 0) return outcome<bytes>::failure(error_code::ABI_BAD_DATA, "", "not hex at digit " + std::to_string(2 * i));
        out[i] = static_cast<std::uint8_t>(hi * 16 + lo);
    }
    return {std::move(out), std::nullopt};
}

}  // namespace abi
