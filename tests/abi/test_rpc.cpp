// The JSON-RPC client over a scripted transport (chain/transport.hpp): request bodies, results,
// the node's errors, HTTP failures, answers that are not JSON-RPC, and batches answered out
// of order. Against a real node: contracts-interface/harness/keeper.js.
#include <catch2/catch.hpp>

#include <deque>
#include <string>
#include <vector>

#include "chain/rpc.hpp"

using margin::error_code;
using nlohmann::json;

namespace {

// Answers posts from a script, in order, and keeps the bodies it was sent.
struct scripted final : chain::transport {
    std::string url = "http://node.test:8545";
    std::deque<margin::outcome<response>> answers;
    std::vector<json> sent;
    void answer(long status, std::string body) { answers.push_back({{status, std::move(body)}, std::nullopt}); }
    margin::outcome<response> post(const std::string& body, const std::string&) override {
        sent.push_back(json::parse(body));
        auto a = answers.front();
        answers.pop_front();
        return a;
    }
    const std::string& endpoint() const noexcept override { return url; }
};

}  // namespace

TEST_CASE("rpc_client: calls, results and errors over a transport", "[chain][rpc]") {
    scripted t;
    chain::rpc_client rpc(t);
    CHECK(rpc.url() == t.url);

    t.answer(200, R"({"jsonrpc":"2.0","id":1,"result":"0x2a"})");
    auto r = rpc.call("eth_blockNumber");
    REQUIRE(r.ok());
    CHECK(r.value == "0x2a");
    CHECK(t.sent.back() == json({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "eth_blockNumber"}, {"params", json::array()}}));

    t.answer(200, R"({"jsonrpc":"2.0","id":2,"error":{"code":3,"message":"execution reverted","data":"0x12345678"}})");
    auto e = rpc.call("eth_estimateGas", json::array({{{"to", "0x00"}}}));
    REQUIRE_FALSE(e.ok());
    CHECK(e.err->code == error_code::RPC_ERROR);
    CHECK(e.err->path == "eth_estimateGas");
    CHECK(chain::revert_data(*e.err) == "0x12345678");
    CHECK(t.sent.back()["id"] == 2);

    t.answer(502, "bad gateway");
    auto h = rpc.call("eth_chainId");
    REQUIRE_FALSE(h.ok());
    CHECK(h.err->code == error_code::RPC_HTTP);
    CHECK(h.err->message == "http://node.test:8545: HTTP 502: bad gateway");

    t.answer(200, "<html>");
    auto n = rpc.call("eth_chainId");
    REQUIRE_FALSE(n.ok());
    CHECK(n.err->code == error_code::RPC_BAD_RESPONSE);
    CHECK(n.err->message == "not JSON: <html>");

    t.answers.push_back(margin::outcome<chain::transport::response>::failure(error_code::RPC_UNREACHABLE, "eth_chainId", "refused"));
    auto u = rpc.call("eth_chainId");
    REQUIRE_FALSE(u.ok());
    CHECK(u.err->code == error_code::RPC_UNREACHABLE);
    CHECK(u.err->path == "eth_chainId");

    t.answer(200, R"([1, 2])");
    auto x = rpc.call("eth_chainId");
    REQUIRE_FALSE(x.ok());
    CHECK(x.err->code == error_code::RPC_BAD_RESPONSE);
}

TEST_CASE("rpc_client: a batch is one exchange, its answers matched by id", "[chain][rpc]") {
    scripted t;
    chain::rpc_client rpc(t);
    t.answer(200, R"([{"jsonrpc":"2.0","id":3,"result":"c"},{"jsonrpc":"2.0","id":1,"result":"a"},
                      {"jsonrpc":"2.0","id":2,"error":{"code":-32000,"message":"no"}}])");
    auto b = rpc.batch({{"m1", json::array()}, {"m2", json::array({1})}, {"m3", json::array()}});
    REQUIRE(b.ok());
    REQUIRE(b.value.size() == 3);
    CHECK(b.value[0].value == "a");
    CHECK(b.value[1].err->code == error_code::RPC_ERROR);
    CHECK(b.value[1].err->path == "m2");
    CHECK(b.value[2].value == "c");
    REQUIRE(t.sent.size() == 1);
    CHECK(t.sent[0].size() == 3);
    CHECK(t.sent[0][1] == json({{"jsonrpc", "2.0"}, {"id", 2}, {"method", "m2"}, {"params", {1}}}));

    t.answer(200, R"([{"jsonrpc":"2.0","id":4,"result":"a"}])");  // one answer for two calls
    auto short_ = rpc.batch({{"m1", json::array()}, {"m2", json::array()}});
    REQUIRE_FALSE(short_.ok());
    CHECK(short_.err->code == error_code::RPC_BAD_RESPONSE);
    CHECK(short_.err->path == "m1 (batch of 2)");

    t.answer(200, R"([{"jsonrpc":"2.0","id":99,"result":"a"}])");
    auto unknown = rpc.batch({{"m1", json::array()}});
    REQUIRE_FALSE(unknown.ok());
    CHECK(unknown.err->message == "a batch answer with an unknown id");
    CHECK(rpc.batch({}).ok());  // nothing to send: no exchange
    CHECK(t.sent.size() == 3);
}
