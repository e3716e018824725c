// keccak256 against published values: the Keccak-256 digests of "" and "abc",
// and selectors / event topics that every Ethereum tool agrees on. The cross-check
// on 1,000+ inputs against the EVM's KECCAK256 is contracts-interface/harness/keccak.js.
#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <vector>

#include "abi/keccak.hpp"

namespace {

std::string hex(const abi::hash256& h) {
    std::array<char, 67> buf;
    return std::string(abi::to_hex(h, buf));
}

}  // namespace

TEST_CASE("keccak256: published digests", "[keccak]") {
    CHECK(hex(abi::keccak256("")) == "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
    CHECK(hex(abi::keccak256("abc")) == "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
    // Keccak-256 is not SHA3-256: SHA3-256("") = a7ffc6f8bf1ed766...
    CHECK(hex(abi::keccak256("")).rfind("0xa7ffc6f8", 0) != 0);
}

TEST_CASE("keccak256: ERC-20 selectors and the Transfer topic", "[keccak]") {
    CHECK(hex(abi::keccak256("transfer(address,uint256)")).substr(0, 10) == "0xa9059cbb");
    CHECK(hex(abi::keccak256("balanceOf(address)")).substr(0, 10) == "0x70a08231");
    CHECK(hex(abi::keccak256("approve(address,uint256)")).substr(0, 10) == "0x095ea7b3");
    CHECK(hex(abi::keccak256("transferFrom(address,address,uint256)")).substr(0, 10) == "0x23b872dd");
    CHECK(hex(abi::keccak256("Transfer(address,address,uint256)")) == "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef");
}

TEST_CASE("keccak256: every length across the 136-byte rate gives a distinct digest", "[keccak]") {
    // Padding bugs show up as collisions between neighbouring lengths (e.g. 135 and 136).
    std::set<std::string> seen;
    std::vector<std::uint8_t> data;
    for (int n = 0; n <= 3 * 136 + 1; ++n) {
        CHECK(seen.insert(hex(abi::keccak256(data))).second);
        data.push_back(0);
    }
}
