// The keeper's state between rounds and its steps (private to keeper/src): discovery of
// accounts, the round's scan (keeper.cpp), and a liquidation's simulate / sign / send /
// await (liquidate.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "chain/house.hpp"
#include "keeper/keeper.hpp"

namespace keeper {

using chain::bytes;
using chain::json;
using margin::error_code;

struct keeper::state {
    state(config c, chain::rpc_client& r, reporter& o, clock& t);

    config opt;
    chain::rpc_client& rpc;
    chain::house house;
    reporter& out;
    clock& time;
    std::set<chain::address> accounts;                             ///< every account the logs named so far
    std::uint64_t next_block = 0;                                  ///< the first block whose logs are not read yet
    std::optional<std::uint64_t> chain_id;                         ///< pinned at the first round
    std::optional<std::uint64_t> last_head;                        ///< the head the last round saw
    std::optional<std::pair<std::uint64_t, std::string>> scanned;  ///< the last block whose logs were read, and its hash
    bool refused = false;                                          ///< the last failure cannot be retried away

    /// New accounts from the logs up to `latest` (at most max_spans spans per round). Errors:
    /// RPC_*; a log that fails its checks: RPC_BAD_RESPONSE.
    std::optional<margin::error> discover(std::uint64_t latest);
    /// liquidate(account, scenario): simulated, then sent (or skipped), its receipt awaited.
    std::optional<margin::error> liquidate(const chain::address& account, std::uint64_t scenario);

    /// A transaction's fees: tip and cap, within opt.max_fee.
    struct fees {
        abi::integer tip, cap;
    };
    /// The fees for now (the latest base fee and the node's tip), or FEE_TOO_HIGH.
    margin::outcome<fees> current_fees();
    /// An EIP-1559 transaction signed with the key: nonce, chain id and fees from the node.
    margin::outcome<bytes> sign(const json& call, std::uint64_t gas, const bytes& data, std::uint64_t& nonce, fees& f);
    /// The pinned chain id, checked against the node's.
    std::optional<margin::error> check_chain_id();
};

/// Log spans (of 5,000 blocks) read per round at most: discovery of a long history goes on
/// over several rounds, so a round is bounded whatever head the node claims.
inline constexpr std::uint64_t max_spans = 1'000;

/// A failure of the exchange with the node (not the node's answer to a call): it aborts a round.
inline bool transport_failure(const margin::error& e) {
    return e.code == error_code::RPC_UNREACHABLE || e.code == error_code::RPC_HTTP || e.code == error_code::RPC_BAD_RESPONSE ||
           e.code == error_code::RPC_TOO_LARGE;
}

/// MarginAccounts' custom error of revert data ("0x" + selector ...), by name, for reports.
std::string error_name(const std::string& data);

}  // namespace keeper
