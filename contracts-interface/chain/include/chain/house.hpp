// MarginAccounts (the clearing house) read over JSON-RPC: the views a keeper and an
// auditor need, decoded with the C++ ABI codec, and the replay bundle of a liquidation.
// Native only (rpc_client). Errors: the client's RPC_* codes, ABI_BAD_DATA for return
// data that does not decode, and NOT_FOUND (a transaction without a Liquidated event).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bridge/book.hpp"
#include "chain/rpc.hpp"
#include "chain/tx.hpp"

namespace chain {

/// MarginAccounts.Market.
struct market_state {
    std::uint64_t timestamp = 0;
    fp::I256 spot, spot_confidence, perp_mark, perp_confidence, stable_price;
};

/// MarginAccounts.RiskLimits.
struct risk_limits {
    fp::I256 buffer, reward;
    std::uint64_t max_staleness = 0;
    fp::I256 max_deviation;
};

/// PortfolioMargin.Witness.
struct witness {
    fp::I256 pnl, equity, maintenance;
    bool liquidatable = false;
};

/// MarginAccounts.Liquidated, with where it was logged.
struct liquidation {
    address contract{}, account{}, liquidator{};
    std::uint64_t scenario = 0;
    std::string input_hash;  ///< 0x-hex
    fp::I256 equity, maintenance, fraction, reward, shortfall;
    std::uint64_t block = 0, tx_index = 0;
    std::string tx;
};

/// keccak256 of the Liquidated event's signature (topic 0).
const std::string& liquidated_topic();
/// Topic 0 of WitnessInputs(address,uint64,bytes): a liquidation's inputs, abi.encode(book, params, scenarioId).
const std::string& witness_inputs_topic();
/// Topic 0 of OptionSettled, ExpirySettled and MarketPushed (the settlement bundle's events).
const std::string& option_settled_topic();
const std::string& expiry_settled_topic();
const std::string& market_pushed_topic();
/// Decodes a log object of eth_getLogs / a receipt. Errors: NOT_FOUND (not a Liquidated log), ABI_BAD_DATA.
margin::outcome<liquidation> decode_liquidated(const json& log);
/// The accounts a log names: Deposited's account, Traded's buyer and seller, Liquidated's
/// account and liquidator (the positions it moved). Empty for other logs.
std::vector<address> accounts_named(const json& log);
/// topic 0 of every event that names an account (for eth_getLogs).
json account_topics();

class house {
public:
    house(rpc_client& rpc, address contract) : rpc_(rpc), contract_(contract) {}
    const address& contract() const noexcept { return contract_; }

    /// Each view at `block` ("latest", or a block number as 0x-hex).
    margin::outcome<bridge::book> book(const address& account, const std::string& block = "latest");
    /// book() of many accounts in JSON-RPC batches of `chunk`: one outcome per account.
    margin::outcome<std::vector<margin::outcome<bridge::book>>> books(const std::vector<address>& accounts,
                                                                      const std::string& block = "latest", std::size_t chunk = 200);
    margin::outcome<margin::scenario::params> params(const std::string& block = "latest");
    margin::outcome<market_state> market(const std::string& block = "latest");
    margin::outcome<risk_limits> limits(const std::string& block = "latest");
    margin::outcome<address> engine(const std::string& block = "latest");
    /// MarginEngine.witness(book, params, id, []): the chain's own evaluation (legs priced by the engine).
    margin::outcome<witness> witness_of(const bridge::book& b, const margin::scenario::params& p, std::uint64_t id,
                                        const std::string& block = "latest");
    /// The calldata of liquidate(account, scenarioId).
    static bytes liquidate_call(const address& account, std::uint64_t scenario);

    /// The replay bundle (replay/replay.hpp) of the liquidation in transaction `tx`: the last
    /// Liquidated log of the receipt (of this house if it was given one, else of whichever
    /// emitted it, which becomes this house), its inputs from the WitnessInputs log the same
    /// address emitted before it for the same account (checked against the input hash), and the
    /// engine's witness on them; for a house without WitnessInputs, book / params / market /
    /// witness at the parent block (right only when the liquidation is first in its block). A
    /// transaction without a Liquidated event but with OptionSettled events gives their
    /// settlement bundle (settlement_bundle).
    margin::outcome<json> bundle(const std::string& tx, const std::string& underlying);
    /// The settlement bundle ("settlement/1") of a receipt's logs: its OptionSettled events
    /// (those of the address that emitted the first), each expiry's ExpirySettled and the
    /// MarketPushed it names, found by eth_getLogs filtered by that address, each query from
    /// the first block at or after the expiry (for ExpirySettled) or the push's stamp (for
    /// MarketPushed), found by a binary search over block timestamps (~log2(blocks) calls of
    /// eth_getBlockByNumber each), to the receipt's (or the settlement's) block.
    /// Errors: NOT_FOUND (no OptionSettled, or an expiry with no ExpirySettled).
    margin::outcome<json> settlement_bundle(const json& logs, const std::string& tx);

private:
    margin::outcome<bytes> view(const bytes& calldata, const std::string& block, const address* to = nullptr);
    rpc_client& rpc_;
    address contract_;
};

/// "0x"-hex quantity of a block number.
std::string quantity(std::uint64_t n);
/// The first block in [0, hi] whose timestamp is at least `t` (hi when none before it is): a
/// binary search over eth_getBlockByNumber (block timestamps never decrease), at most
/// ceil(log2(hi + 1)) calls. It bounds log queries from below: an expiry is settled in a block
/// at or after it, and a push stamped `s` is mined at or after `s`.
margin::outcome<std::uint64_t> first_block_at(rpc_client& rpc, std::uint64_t t, std::uint64_t hi);
/// Parses a "0x"-hex quantity. Errors: RPC_BAD_RESPONSE.
margin::outcome<abi::integer> parse_quantity(const json& q);

}  // namespace chain
