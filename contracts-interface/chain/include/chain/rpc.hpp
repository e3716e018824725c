// A blocking Ethereum JSON-RPC client: native only, for keepers and the auditors' replay
// tool. Over HTTP (libcurl) by default, or over any chain::transport (transport.hpp).
// No retries here: callers decide (the keeper backs off).
//
// Errors (margin::error; path = the method):
//   RPC_UNREACHABLE    no answer: connection refused, timeout, DNS, TLS
//   RPC_HTTP           an HTTP status other than 200
//   RPC_BAD_RESPONSE   not a JSON-RPC response (or a batch of the wrong length)
//   RPC_ERROR          the node's error object; `message` holds it as compact JSON
//                      ({"code", "message", "data"}), `data` being a revert's bytes; only
//                      those members, checked (an integer code, a string message cut at
//                      500 characters, data a hex string of at most 64 KiB or {"data": hex})
//   RPC_TOO_LARGE      an answer over the size cap (max_response bytes, default 64 MiB) or
//                      nested deeper than max_response_depth (64): refused before it is
//                      parsed, so nothing recursive ever sees it
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "base/error.hpp"
#include "chain/transport.hpp"

namespace chain {

using json = nlohmann::json;
using margin::error;
using margin::error_code;
using margin::outcome;

/// The deepest JSON nesting accepted in an answer (a receipt's logs are 4 levels deep).
inline constexpr int max_response_depth = 64;

class rpc_client {
public:
    /// Over `t`, which must outlive the client; answers over `max_response` bytes are refused.
    explicit rpc_client(transport& t, std::size_t max_response = default_max_response);
    /// Over HTTP to `url`, e.g. "http://127.0.0.1:8545" (http_transport, which cuts an answer
    /// over `max_response` bytes while receiving it). `timeout_ms` bounds each HTTP exchange.
    explicit rpc_client(std::string url, long timeout_ms = 10'000, std::size_t max_response = default_max_response);
    rpc_client(const rpc_client&) = delete;
    rpc_client& operator=(const rpc_client&) = delete;

    /// One call: its `result`.
    outcome<json> call(const std::string& method, json params = json::array());
    /// A JSON-RPC batch (one HTTP exchange): each call's own outcome, in order. The outer
    /// outcome fails only when the exchange does.
    outcome<std::vector<outcome<json>>> batch(const std::vector<std::pair<std::string, json>>& calls);

    /// The transport's endpoint (the URL over HTTP, redacted: redact_url).
    const std::string& url() const noexcept { return transport_->endpoint(); }

private:
    outcome<json> post(const std::string& body, const std::string& what);
    std::unique_ptr<transport> owned_;  // the HTTP transport the URL constructor makes
    transport* transport_;
    std::size_t max_response_;
    long next_id_ = 1;
};

/// The revert data ("0x...") of an RPC_ERROR, or "" when it carries none.
std::string revert_data(const error& e);

}  // namespace chain
