// A chain::transport that answers from a recording instead of a node: each request must be
// the next recorded one (compared as JSON), and gets the node's recorded answer (HTTP status
// and body) or the recorded failure. Fixtures: tests/keeper/fixtures/*.json, written by
// contracts-interface/harness/keeper-record.js from a real anvil run.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "chain/transport.hpp"

namespace keeper_test {

/// A fixture file (tests/keeper/fixtures/NAME.json) as JSON.
nlohmann::json load_fixture(const std::string& name);

class replay_transport final : public chain::transport {
public:
    /// `exchanges`: [{"request": JSON, "status": N, "response": JSON or text} or
    /// {"request": JSON, "unreachable": "why"}], in order; `url`: the endpoint errors name.
    replay_transport(nlohmann::json exchanges, std::string url);

    margin::outcome<response> post(const std::string& body, const std::string& what) override;
    const std::string& endpoint() const noexcept override { return url_; }

    /// Every request body received, parsed.
    const std::vector<nlohmann::json>& requests() const noexcept { return requests_; }
    /// Requests that were not the recorded ones (or came after the recording's end), described.
    const std::vector<std::string>& mismatches() const noexcept { return mismatches_; }
    /// Recorded exchanges not yet replayed.
    std::size_t left() const noexcept { return exchanges_.size() - next_; }

private:
    nlohmann::json exchanges_;
    std::string url_;
    std::size_t next_ = 0;
    std::vector<nlohmann::json> requests_;
    std::vector<std::string> mismatches_;
};

/// A node made from a recording that answers by content, not by order: eth_call by its `to`
/// and `data` (any block), other methods by method and params, else by method alone. An
/// override sees each single request first and may answer it: a JSON-RPC response object
/// (its id is set), or a string (the raw HTTP body). The hostile-node tests start from a real
/// node's answers and change one.
class fixture_node final : public chain::transport {
public:
    using override_fn = std::function<std::optional<nlohmann::json>(const nlohmann::json& request)>;
    fixture_node(const nlohmann::json& exchanges, std::string url);
    margin::outcome<response> post(const std::string& body, const std::string& what) override;
    const std::string& endpoint() const noexcept override { return url_; }

    override_fn on;                                      ///< tried first, for every single request
    std::vector<nlohmann::json> requests;                ///< every single request (batches flattened)
    std::size_t count(const std::string& method) const;  ///< requests of `method`

private:
    nlohmann::json answer(const nlohmann::json& request);
    std::vector<std::pair<nlohmann::json, nlohmann::json>> recorded_;  // single request -> response object
    std::string url_;
};

/// {"jsonrpc":"2.0","id":..,"result": r}
nlohmann::json result(const nlohmann::json& r);

/// The JSON-RPC methods of a request body (one, or each of a batch's).
std::vector<std::string> methods_of(const nlohmann::json& request);

}  // namespace keeper_test
