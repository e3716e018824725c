// Auditors' replay of an on-chain liquidation: a bundle holds what the chain decided
// on (the account's book and the parameters at the block before, the scenario) and what
// it reported (the Liquidated event; MarginEngine.witness at that state). The replay
// recomputes every field with the native engine and the C++ ABI encoder and compares.
// Portable: the same bundle replays natively, in WebAssembly under Node and in browsers.
//
// Bundle ("version": "replay/1"; every integer a decimal string of the raw on-chain
// value, WAD-scaled where the contract's is):
//   {"version", "underlying", "market_timestamp", "scenario",
//    "book":    PortfolioMargin.Book   (Solidity field names),
//    "params":  PortfolioMargin.Params (Solidity field names),
//    "event":   {"account", "liquidator", "input_hash", "equity", "maintenance",
//                "fraction", "reward", "shortfall"},
//    "witness": {"pnl", "equity", "maintenance", "liquidatable"}   (optional),
//    "source":  {"chain_id", "contract", "tx", "block", "tx_index"} (optional, not checked)}
//
// A settlement bundle ("version": "settlement/1") holds the OptionSettled events of one
// transaction (a settle(), or a trade / withdrawal / liquidation that settled first) and the
// ExpirySettled events of their expiries, each with the MarketPushed event whose spot it took:
//   {"version", "expiries": [{"expiry", "price", "source", "market": {"timestamp", "spot"}}],
//    "positions": [{"account", "series", "expiry", "strike", "call", "amount", "price", "cash"}],
//    "source": (as above, optional)}
// Its report ("kind": "settlement") compares each position's cash with
// bridge::settlement_cash (floor(amount x payoff), margin::option_settlement), each
// position's price with its expiry's, each expiry's price and source with the push it
// names; "accounts" sums the cash per account (chain and engine).
//
// Report: {"version": "replay-report/1", "match": bool, "fields": [{"field", "chain",
// "engine", "match"}...], "source": ...}: input_hash (event vs keccak256(abi.encode(book,
// params, scenario))), equity and maintenance (event and witness vs the engine at that
// scenario), scenario_pnl and liquidatable (witness vs the engine; the event itself
// asserts liquidatable = true).
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "base/error.hpp"

namespace replay {

/// The report for a parsed bundle. Errors: BAD_BUNDLE (path into the bundle), the
/// book's request-form errors (NOT_REPRESENTABLE, the JSON API's), ARITHMETIC_OVERFLOW.
/// With `chain` (the same liquidation's bundle as read from a node now), the report also
/// holds "inputs": every value of the bundle that differs from the chain's, by path
/// ({"field": "/book/cash", "bundle", "chain", "match": false}), and `match` requires none.
margin::outcome<nlohmann::json> run(const nlohmann::json& bundle, const nlohmann::json* chain = nullptr);

/// What a bundle's text must pass before it is parsed (the parser stops at a NUL byte, and a
/// bundle's parts are copied and printed recursively): at most 16 MiB (JSON_TOO_LARGE),
/// nested at most 16 levels, the API's cap (JSON_TOO_DEEP; a bundle needs 5), and no NUL byte
/// (BAD_BUNDLE, naming the byte). nullopt when it passes.
std::optional<margin::error> check_text(std::string_view bundle_text);

/// Bundle text -> report text (or an error document). The text is checked by check_text()
/// first. Exit-style status in `match`: true when every field matches.
std::string run_json(std::string_view bundle_text, bool pretty, bool* match = nullptr);

}  // namespace replay
