// How JSON-RPC requests reach a node: one HTTP POST per call or batch. rpc_client speaks
// JSON-RPC over any transport; http_transport (libcurl) is the real one, and tests drive
// the client (and the keeper above it) with a transport that replays recorded answers.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "base/error.hpp"

namespace chain {

class transport {
public:
    /// The node's answer to one POST: HTTP status and body, whatever they are (rpc_client
    /// judges them: RPC_HTTP for a status other than 200, RPC_BAD_RESPONSE for a body that is not JSON-RPC).
    struct response {
        long status = 0;
        std::string body;
    };

    virtual ~transport() = default;
    /// POSTs `body` (a JSON-RPC request or batch, Content-Type application/json). Errors:
    /// RPC_UNREACHABLE (no answer: connection refused, timeout, DNS, TLS), path = `what`.
    virtual margin::outcome<response> post(const std::string& body, const std::string& what) = 0;
    /// Where requests go, as error messages name it (e.g. the URL).
    virtual const std::string& endpoint() const noexcept = 0;
};

/// The largest answer accepted by default: 64 MiB (a books batch of 200 accounts is ~2 MB, a
/// span of logs a few MB; a node's answer beyond this is refused, not buffered).
inline constexpr std::size_t default_max_response = std::size_t(64) << 20;

/// HTTP(S) through libcurl to `url`, e.g. "http://127.0.0.1:8545"; `timeout_ms` bounds each
/// exchange (connecting included). One connection, kept alive across posts. An answer over
/// `max_response` bytes is cut while it is received (a Content-Length over it at once):
/// RPC_TOO_LARGE. Its endpoint() and its messages show the URL redacted (redact_url).
std::unique_ptr<transport> http_transport(std::string url, long timeout_ms = 10'000, std::size_t max_response = default_max_response);

/// One HTTP GET through libcurl (a margin-serve listing, for the keeper): the status and body,
/// with http_transport's errors and caps (RPC_UNREACHABLE, RPC_TOO_LARGE; path = `what`).
margin::outcome<transport::response> http_get(const std::string& url, long timeout_ms, std::size_t max_response, const std::string& what);

/// `url` as logs may show it: scheme, host and port only. User information, path, query and
/// fragment (where providers put API keys) become "***": "https://***@host:8545/***".
std::string redact_url(std::string_view url);

}  // namespace chain
