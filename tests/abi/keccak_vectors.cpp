// keccak_vectors: one hex string per line on stdin (no 0x, possibly empty), its
// keccak256 (0x-prefixed hex) per line on stdout. Exit 2 on a malformed line.
#include <iostream>
#include <string>
#include <vector>

#include "abi/keccak.hpp"

namespace {

int nibble(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

int main() {
    std::string line;
    long n = 0;
    std::array<char, 67> buf;
    while (std::getline(std::cin, line)) {
        ++n;
        std::vector<std::uint8_t> bytes;
        if (line.size() % 2) {
            std::cerr << "keccak_vectors: line " << n << ": odd number of hex digits\n";
            return 2;
        }
        for (std::size_t i = 0; i < line.size(); i += 2) {
            const int hi = nibble(line[i]), lo = nibble(line[i + 1]);
            if (hi < 0 || lo < 0) {
                std::cerr << "keccak_vectors: line " << n << ": not hex\n";
                return 2;
            }
            bytes.push_back(static_cast<std::uint8_t>(hi * 16 + lo));
        }
        std::cout << abi::to_hex(abi::keccak256(bytes), buf) << '\n';
    }
    return std::cout ? 0 : 2;
}
