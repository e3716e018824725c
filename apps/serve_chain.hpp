// margin-serve --follow-chain (apps/serve_chain.cpp, docs/service.md "Following a chain"):
// the book loaded from a MarginAccounts clearing house and kept in step with it.
#pragma once

#include <cstdint>
#include <string>

#include "chain/tx.hpp"

namespace service {
class book;
}

namespace serve_chain {

struct follow_options {
    std::string rpc;                 ///< the node's JSON-RPC URL
    chain::address house{};          ///< the MarginAccounts contract
    std::uint64_t from_block = 0;    ///< the first block whose logs name accounts
    std::string underlying = "BTC";  ///< the underlying's symbol in the requests
    long poll_ms = 1000;             ///< between polls of the head
    long timeout_ms = 10'000;        ///< each JSON-RPC exchange
    std::uint64_t reorg_depth = 64;  ///< how far back a reorg makes it read again
};

/// Polls the house until bk.stopping(): true. False when the house's parameters have no
/// request form (nothing can be evaluated). Transport failures are reported on stderr and retried.
bool follow(service::book& bk, const follow_options& o);

}  // namespace serve_chain
