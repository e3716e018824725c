// The keeper's state between rounds and its steps (private to keeper/src): discovery of
// accounts, the round's scan (keeper.cpp), and a liquidation's simulate / sign / send /
// await (liquidate.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>

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
    std::set<chain::address> accounts;  ///< every account the logs named so far
    std::uint64_t next_block = 0;       ///< the first block whose logs are not read yet

    /// New accounts from the logs up to `latest`.
    std::optional<margin::error> discover(std::uint64_t latest);
    /// liquidate(account, scenario): simulated, then sent (or skipped), its receipt awaited.
    std::optional<margin::error> liquidate(const chain::address& account, std::uint64_t scenario);
    /// An EIP-1559 transaction signed with the key: nonce, chain id and fees from the node.
    margin::outcome<bytes> sign(const json& call, std::uint64_t gas, const bytes& data);
};

/// A failure of the exchange with the node (not the node's answer to a call): it aborts a round.
inline bool transport_failure(const margin::error& e) {
    return e.code == error_code::RPC_UNREACHABLE || e.code == error_code::RPC_HTTP || e.code == error_code::RPC_BAD_RESPONSE;
}

/// MarginAccounts' custom error of revert data ("0x" + selector ...), by name, for reports.
std::string error_name(const std::string& data);

}  // namespace keeper
