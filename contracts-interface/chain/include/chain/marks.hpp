// The mark cache of a clearing-house push audited from the chain's logs (issue 31, item 7):
// the push's MarketInputs log (matched by the house's address and the topic) decoded with the
// ABI codec, the market snapshot it set rebuilt as a book of every live series (one unit each)
// and validated through the bridge (request_builder), each series priced by the native
// engine (value_position's mark), and the value compared with the mark the house cached
// (quotes(id)). Native only (rpc_client).
//
// Errors: the client's RPC_* codes; NOT_FOUND (no MarketInputs of the house up to the block);
// ABI_BAD_DATA (a log or view that does not decode, a log whose inputs disagree with its
// indexed timestamp or with the live series); the bridge's and the engine's own errors.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "abi/abi.hpp"
#include "chain/house.hpp"
#include "chain/rpc.hpp"
#include "core/scenario.hpp"

namespace chain {

/// Topic 0 of MarketInputs(uint64,bytes).
const std::string& market_inputs_topic();

/// Listings.ExpiryMarket.
struct expiry_market {
    fp::I256 forward, forward_confidence, rate, discount;
};

/// A push as MarketInputs carries it: pushMarket's arguments (market, byExpiry, vols), with
/// where it was logged.
struct market_inputs {
    market_state market;
    std::vector<expiry_market> by_expiry;  ///< the live expiries after the push, ascending
    std::vector<fp::I256> vols;            ///< the live series after the push, in `live` order
    std::uint64_t block = 0;
    std::string tx;
};

/// The ABI type of pushMarket's arguments: (Market, ExpiryMarket[], int256[]).
const abi::type& push_args_type();

/// Decodes a MarketInputs log object (eth_getLogs / receipt). Errors: NOT_FOUND (not a
/// MarketInputs log), ABI_BAD_DATA (data that does not decode, or inputs stamped otherwise
/// than the indexed timestamp), RPC_BAD_RESPONSE (fields that are not strings).
margin::outcome<market_inputs> decode_market_inputs(const json& log);

/// Listings.Series.
struct listed_series {
    std::uint64_t id = 0, expiry = 0;
    fp::I256 strike;
    bool call = true;
};

/// One series checked: the engine's mark and the house's cached one (wei per unit).
struct mark_check {
    listed_series series;
    fp::I256 vol, engine_mark, cached_mark;
    bool match() const { return engine_mark == cached_mark; }
};

struct mark_audit {
    std::uint64_t block = 0, timestamp = 0;
    std::string tx;
    std::vector<mark_check> checks;  ///< `live` order
    std::size_t mismatches() const;
};

/// The engine's side, from data alone: every series of `live` (ids in `live` order, after the
/// push's settlements; `expiries` ascending, the push's by_expiry follows them) priced at its
/// vol on `in`'s market under `params`, and compared with `cached` (one per series). Errors:
/// ABI_BAD_DATA (sizes that disagree, a series on an unlisted expiry), the bridge's validation
/// (NOT_REPRESENTABLE, the JSON API's codes) and the engine's.
margin::outcome<mark_audit> audit_marks(const market_inputs& in, const std::vector<listed_series>& live,
                                        const std::vector<std::uint64_t>& expiries, const std::vector<fp::I256>& cached,
                                        const margin::scenario::params& params);

/// Over RPC: the last MarketInputs the house at `contract` emitted at or before `block`
/// (latest when absent; eth_getLogs by address and topic, from the first block stamped at or
/// after the house's market timestamp), then, at the push's block, the house's params, live
/// series, expiries and cached quotes (views, in JSON-RPC batches), and audit_marks of them.
margin::outcome<mark_audit> audit_marks(rpc_client& rpc, const address& contract, std::optional<std::uint64_t> block = std::nullopt);

/// The audit as JSON: block, timestamp, tx, series (each id, expiry, strike, call, vol,
/// engine, cached, match) and mismatches.
json to_json(const mark_audit& a);

}  // namespace chain
