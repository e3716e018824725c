// Transactions signed locally: RLP, EIP-1559 (type 2) transactions and secp256k1
// signatures (libsecp256k1: RFC 6979 nonces, low-s). Native only; the key never
// leaves the process.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "abi/abi.hpp"

namespace chain {

using abi::bytes;
using abi::integer;
using margin::error_code;
using address = std::array<std::uint8_t, 20>;

/// RLP items: a byte string or a list of items.
struct rlp_item {
    bool is_list = false;
    bytes str;
    std::vector<rlp_item> list;
    static rlp_item of(bytes b) { return {false, std::move(b), {}}; }
    /// An unsigned integer: big-endian, no leading zeros (0 is the empty string).
    static rlp_item of(const integer& n);
    static rlp_item of(std::vector<rlp_item> items) { return {true, {}, std::move(items)}; }
};
bytes rlp_encode(const rlp_item& item);

/// An EIP-1559 transaction (no access list).
struct eip1559_tx {
    std::uint64_t chain_id = 1;
    std::uint64_t nonce = 0;
    integer max_priority_fee_per_gas, max_fee_per_gas;
    std::uint64_t gas_limit = 0;
    address to{};
    integer value;
    bytes data;
};

/// A private key and its address.
class signer {
public:
    /// 32 bytes of hex (0x optional). Errors: BAD_PRIVATE_KEY (not hex, wrong length,
    /// zero or not below the curve order).
    static margin::outcome<signer> from_hex(std::string_view private_key_hex);
    const address& addr() const noexcept { return address_; }
    /// The raw signed transaction for eth_sendRawTransaction: 0x02 || rlp([chainId, nonce,
    /// maxPriorityFee, maxFee, gas, to, value, data, accessList, yParity, r, s]).
    bytes sign(const eip1559_tx& tx) const;

private:
    std::array<std::uint8_t, 32> key_{};
    address address_{};
};

/// "0x" + 40 lower-case hex digits.
std::string to_hex(const address& a);
/// Parses "0x" + 40 hex digits. Errors: BAD_ADDRESS.
margin::outcome<address> parse_address(std::string_view text);

}  // namespace chain
