// Checked readers of a node's answers: every field the keeper reads from JSON-RPC goes
// through one of these, which check its JSON type, its hex syntax and its range, and never
// throw. A field that fails is RPC_BAD_RESPONSE with `path` = what was read and a short
// message (the offending value cut at 80 characters).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "abi/abi.hpp"
#include "chain/rpc.hpp"
#include "chain/tx.hpp"

namespace chain {

/// The highest block number believed: 2^48 (at 4 blocks a second, two million years).
inline constexpr std::uint64_t max_block_number = std::uint64_t(1) << 48;

/// A "0x" quantity (no leading zeros required) of at most `max`. Errors: RPC_BAD_RESPONSE.
outcome<std::uint64_t> read_u64(const json& q, std::string_view what, std::uint64_t max = UINT64_MAX);
/// A "0x" quantity below 2^256. Errors: RPC_BAD_RESPONSE.
outcome<abi::integer> read_u256(const json& q, std::string_view what);
/// A 32-byte hash: "0x" and 64 hex digits, returned lower-case. Errors: RPC_BAD_RESPONSE.
outcome<std::string> read_hash(const json& h, std::string_view what);

/// eth_getBlockByNumber's header fields the keeper reads.
struct block_header {
    std::uint64_t number = 0;
    std::string hash;
    std::uint64_t timestamp = 0;
    std::optional<abi::integer> base_fee;  ///< baseFeePerGas (absent before London)
};
/// A block object (not null). Errors: RPC_BAD_RESPONSE.
outcome<block_header> read_block(const json& b, std::string_view what);

/// A log of eth_getLogs, checked: address, topics (each a 32-byte hash), data (hex), block.
struct log_entry {
    address contract{};
    std::vector<std::string> topics;
    std::string block_hash;
    std::uint64_t block = 0;
    bool removed = false;  ///< a log a reorg took back
};
outcome<log_entry> read_log(const json& log, std::string_view what);

/// A transaction receipt (not null), checked.
struct receipt {
    std::string tx, block_hash;
    std::uint64_t block = 0;
    bool success = false;
    std::uint64_t gas_used = 0;
};
outcome<receipt> read_receipt(const json& r, std::string_view what);

}  // namespace chain
