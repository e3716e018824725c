// The JSON-RPC client over a scripted transport (chain/transport.hpp): request bodies, results,
// the node's errors, HTTP failures, answers that are not JSON-RPC, and batches answered out
// of order; the settlement bundle's bounded log queries. Against a real node:
// contracts-interface/harness/keeper.js and expiry.js.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <deque>
#include <string>
#include <thread>
#include <vector>

#include "abi/json.hpp"
#include "abi/keccak.hpp"
#include "chain/house.hpp"
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

// ---- hostile nodes: answers too deep, too large, or not what the method returns

TEST_CASE("rpc_client: a deeply nested answer is refused before it is parsed or printed", "[chain][rpc]") {
    scripted t;
    chain::rpc_client rpc(t);
    // an "error" nested a million levels deep: printing it (the error message) recursed until SIGSEGV
    const std::size_t depth = 1'000'000;
    t.answer(200, R"({"jsonrpc":"2.0","id":1,"error":)" + std::string(depth, '[') + std::string(depth, ']') + "}");
    auto r = rpc.call("eth_call");
    REQUIRE_FALSE(r.ok());
    CHECK(margin::name(r.err->code) == "RPC_TOO_LARGE");
    CHECK(r.err->path == "eth_call");
    CHECK(r.err->message.size() < 300);
    // within the cap (64 levels), brackets inside strings do not count
    t.answer(200, R"({"jsonrpc":"2.0","id":2,"result":{"a":")" + std::string(100, '[') + R"("}})");
    CHECK(rpc.call("m").ok());
    t.answer(200, R"({"jsonrpc":"2.0","id":3,"result":)" + std::string(63, '[') + std::string(63, ']') + "}");
    CHECK(rpc.call("m").ok());
    t.answer(200, R"({"jsonrpc":"2.0","id":4,"result":)" + std::string(64, '[') + std::string(64, ']') + "}");
    CHECK_FALSE(rpc.call("m").ok());
}

TEST_CASE("rpc_client: the node's error object is kept small and well-formed", "[chain][rpc]") {
    scripted t;
    chain::rpc_client rpc(t);
    // a huge message and an unexpected extra member: the message is cut, the member dropped
    t.answer(200, R"({"jsonrpc":"2.0","id":1,"error":{"code":3,"message":")" + std::string(100'000, 'x') +
                      R"(","data":"0x08c379a0","junk":{"a":[1,2,3]}}})");
    auto r = rpc.call("eth_estimateGas");
    REQUIRE_FALSE(r.ok());
    CHECK(r.err->code == error_code::RPC_ERROR);
    CHECK(r.err->message.size() < 2000);
    CHECK(chain::revert_data(*r.err) == "0x08c379a0");
    CHECK(r.err->message.find("junk") == std::string::npos);
    // revert data that is not hex, or an error that is not an object: no revert data, no throw
    t.answer(200, R"({"jsonrpc":"2.0","id":2,"error":{"code":3,"message":"m","data":"0xZZ"}})");
    auto z = rpc.call("eth_estimateGas");
    REQUIRE_FALSE(z.ok());
    CHECK(chain::revert_data(*z.err).empty());
    t.answer(200, R"({"jsonrpc":"2.0","id":3,"error":[1,2]})");
    auto a = rpc.call("eth_estimateGas");
    REQUIRE_FALSE(a.ok());
    CHECK(a.err->code == error_code::RPC_ERROR);
    CHECK(chain::revert_data(*a.err).empty());
}

TEST_CASE("rpc_client: an answer over the size cap is refused (any transport)", "[chain][rpc]") {
    scripted t;
    chain::rpc_client rpc(t, 1000);  // a 1,000-byte cap
    t.answer(200, R"({"jsonrpc":"2.0","id":1,"result":")" + std::string(2000, 'a') + R"("})");
    auto r = rpc.call("eth_getLogs");
    REQUIRE_FALSE(r.ok());
    CHECK(margin::name(r.err->code) == "RPC_TOO_LARGE");
    t.answer(200, R"({"jsonrpc":"2.0","id":2,"result":")" + std::string(900, 'a') + R"("})");
    CHECK(rpc.call("eth_getLogs").ok());
}

namespace {

// A one-connection HTTP server on 127.0.0.1 that answers any request with `head` and then
// streams spaces until `limit` bytes of body are written or the client goes away.
class streaming_server {
public:
    streaming_server(std::string head, std::size_t limit) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
        REQUIRE(::listen(fd_, 1) == 0);
        socklen_t len = sizeof a;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
        port_ = ntohs(a.sin_port);
        th_ = std::thread([this, head = std::move(head), limit] {
            const int c = ::accept(fd_, nullptr, nullptr);
            if (c < 0) return;
            char buf[4096];
            (void)::recv(c, buf, sizeof buf, 0);  // the request (small): not checked here
            if (::send(c, head.data(), head.size(), MSG_NOSIGNAL) > 0) {
                const std::string chunk(64 * 1024, ' ');
                while (written_ < limit) {
                    const ssize_t n = ::send(c, chunk.data(), chunk.size(), MSG_NOSIGNAL);
                    if (n <= 0) break;
                    written_ += static_cast<std::size_t>(n);
                }
            }
            ::close(c);
        });
    }
    ~streaming_server() { finish(); }
    streaming_server(const streaming_server&) = delete;
    streaming_server& operator=(const streaming_server&) = delete;
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    /// Waits for the connection to end; the body bytes written.
    std::size_t finish() {
        if (th_.joinable()) {
            ::shutdown(fd_, SHUT_RDWR);
            th_.join();
            ::close(fd_);
        }
        return written_;
    }

private:
    int fd_ = -1;
    int port_ = 0;
    std::atomic<std::size_t> written_{0};
    std::thread th_;
};

}  // namespace

TEST_CASE("http_transport: an endless answer is cut at the size cap while it is received", "[chain][rpc][http]") {
    const std::size_t mib = std::size_t(1) << 20;
    {  // 256 MiB of body without Content-Length: the client stops reading at its cap (64 MiB by default)
        streaming_server node("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n", 256 * mib);
        margin::outcome<json> r;
        {
            chain::rpc_client rpc(node.url(), 20'000);
            r = rpc.call("eth_getLogs");
        }
        const std::size_t written = node.finish();
        REQUIRE_FALSE(r.ok());
        CHECK(margin::name(r.err->code) == "RPC_TOO_LARGE");
        CHECK(written < 100 * mib);  // the cap and the socket buffers, not the whole stream
    }
    {  // a Content-Length over the cap: refused before the body is read
        streaming_server node("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1073741824\r\n\r\n", 256 * mib);
        margin::outcome<json> r;
        {
            chain::rpc_client rpc(node.url(), 20'000);
            r = rpc.call("eth_getLogs");
        }
        const std::size_t written = node.finish();
        REQUIRE_FALSE(r.ok());
        CHECK(margin::name(r.err->code) == "RPC_TOO_LARGE");
        CHECK(written < 100 * mib);
    }
}

TEST_CASE("http_transport: the URL's credentials, path and query never appear in messages", "[chain][rpc][http]") {
    // a provider URL with a key in the path, the query and the userinfo; port 9 refuses at once
    chain::rpc_client rpc("http://keeper:pa55word@127.0.0.1:9/v3/0123456789abcdef?apikey=SECRETKEY#frag", 2'000);
    for (const char* secret : {"pa55word", "0123456789abcdef", "SECRETKEY", "frag", "keeper"})
        CHECK(rpc.url().find(secret) == std::string::npos);
    CHECK(rpc.url().find("127.0.0.1:9") != std::string::npos);
    auto r = rpc.call("eth_chainId");
    REQUIRE_FALSE(r.ok());
    CHECK(r.err->code == error_code::RPC_UNREACHABLE);
    for (const char* secret : {"pa55word", "0123456789abcdef", "SECRETKEY"}) CHECK(r.err->message.find(secret) == std::string::npos);
}

namespace {

// Answers by method from a small chain: block n stamped 1000 + 10 n, logs from a list (each
// eth_getLogs filter kept); eth_chainId 31337.
struct chain_script final : chain::transport {
    std::string url = "http://node.test:8545";
    std::vector<json> logs;
    std::vector<json> filters;
    margin::outcome<response> post(const std::string& body, const std::string&) override {
        const json q = json::parse(body);
        json result;
        const std::string m = q["method"];
        if (m == "eth_getBlockByNumber") {
            const auto n = std::stoull(q["params"][0].get<std::string>(), nullptr, 16);
            result = {{"number", chain::quantity(n)}, {"hash", "0x" + std::string(64, 'a')}, {"timestamp", chain::quantity(1000 + 10 * n)}};
        } else if (m == "eth_getLogs") {
            filters.push_back(q["params"][0]);
            const json& f = q["params"][0];
            const auto from = std::stoull(f["fromBlock"].get<std::string>(), nullptr, 16);
            const auto to = std::stoull(f["toBlock"].get<std::string>(), nullptr, 16);
            result = json::array();
            for (const json& l : logs) {
                const auto b = std::stoull(l["blockNumber"].get<std::string>(), nullptr, 16);
                bool topics = true;
                for (std::size_t i = 0; i < f["topics"].size(); ++i)
                    topics = topics && l["topics"].size() > i && l["topics"][i] == f["topics"][i];
                if (b >= from && b <= to && topics) result.push_back(l);
            }
        } else {
            result = "0x7a69";
        }
        return {{200, json({{"jsonrpc", "2.0"}, {"id", q["id"]}, {"result", result}}).dump()}, std::nullopt};
    }
    const std::string& endpoint() const noexcept override { return url; }
};

std::string hex_topic(std::string_view signature) {
    std::array<char, 67> buf;
    return std::string(abi::to_hex(abi::keccak256(signature), buf));
}
std::string word(std::uint64_t v) {
    char w[65];
    std::snprintf(w, sizeof w, "%064llx", static_cast<unsigned long long>(v));
    return w;
}

}  // namespace

TEST_CASE("house::settlement_bundle: log queries start at the expiry's and the push's first block, not block 0", "[chain][rpc]") {
    chain_script t;
    chain::rpc_client rpc(t);
    const std::string house = "0x" + std::string(38, '0') + "11";
    // expiry 1500 (block 50 is the first stamped at or after it), settled in block 60 at the
    // spot of the push stamped 1490 (mined in block 49), paid out in block 90
    const std::string exp_topic = "0x" + word(1500);
    t.logs.push_back({{"address", house},
                      {"blockNumber", chain::quantity(49)},
                      {"topics", {hex_topic("MarketPushed(uint64,int256,int256)")}},
                      {"data", "0x" + word(1490) + word(7) + word(8)}});
    t.logs.push_back({{"address", house},
                      {"blockNumber", chain::quantity(60)},
                      {"topics", {hex_topic("ExpirySettled(uint64,int256,uint64)"), exp_topic}},
                      {"data", "0x" + word(7) + word(1490)}});
    const json paid = {
        {"address", house},
        {"blockNumber", chain::quantity(90)},
        {"topics",
         {hex_topic("OptionSettled(address,uint256,uint64,int256,bool,int256,int256,int256)"), "0x" + word(0x22), "0x" + word(3)}},
        {"data", "0x" + word(1500) + word(5) + word(1) + word(1) + word(7) + word(0)}};
    chain::house h(rpc, {});
    auto b = h.settlement_bundle(json::array({paid}), "0xabc");
    REQUIRE(b.ok());
    CHECK(b.value["expiries"][0]["source"] == "1490");
    CHECK(b.value["expiries"][0]["market"]["spot"] == "7");
    REQUIRE(t.filters.size() == 2);
    CHECK(t.filters[0]["fromBlock"] == chain::quantity(50));  // the first block at or after the expiry
    CHECK(t.filters[0]["toBlock"] == chain::quantity(90));
    CHECK(t.filters[1]["fromBlock"] == chain::quantity(49));  // the first block at or after the push's stamp
    CHECK(t.filters[1]["toBlock"] == chain::quantity(60));
}
