// libFuzzer target: the handling of JSON-RPC responses (contracts-interface/chain) through
// its transport seam (chain/transport.hpp). The input is the node: its answers, one per
// line, in turn (a line starting with '!' is an HTTP 500 with the rest as body).
//
// Each input drives, over those answers: rpc_client::call and batch, parse_quantity,
// decode_liquidated, and the house's views (book, market, params, limits) and replay bundle.
// Properties, beyond "no crash":
// - every failure is a known code of the client's and house's lists (RPC_HTTP,
//   RPC_BAD_RESPONSE, RPC_ERROR, RPC_TOO_LARGE, ABI_BAD_DATA, ABI_BAD_VALUE, NOT_FOUND) with a message; an
//   RPC failure names the method it answers;
// - a quantity that parses is >= 0 and, below 2^64, prints back to a string that parses to it;
// - a batch's answer has one outcome per call;
// - a bundle the house assembles from the answers is a replay/1 document, and replaying it
//   gives a report or an error document with a known code (never a crash).
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "api/response.hpp"
#include "chain/house.hpp"
#include "chain/rpc.hpp"
#include "fuzz_common.hpp"
#include "replay/replay.hpp"

using margin::error_code;
using nlohmann::json;

namespace {

struct node final : chain::transport {
    std::vector<std::string_view> lines;
    std::size_t next = 0;
    std::string url = "http://fuzz.node:8545";
    margin::outcome<response> post(const std::string&, const std::string& what) override {
        if (lines.empty()) return margin::outcome<response>::failure(error_code::RPC_UNREACHABLE, what, "no answers");
        const std::string_view l = lines[next++ % lines.size()];
        if (!l.empty() && l[0] == '!') return {{500, std::string(l.substr(1))}, std::nullopt};
        return {{200, std::string(l)}, std::nullopt};
    }
    const std::string& endpoint() const noexcept override { return url; }
};

void check(const margin::error& e, const char* where, const std::string& method = "") {
    const bool rpc = e.code == error_code::RPC_HTTP || e.code == error_code::RPC_BAD_RESPONSE || e.code == error_code::RPC_ERROR ||
                     e.code == error_code::RPC_UNREACHABLE || e.code == error_code::RPC_TOO_LARGE;
    fuzz::require(fuzz::known_code(e.code), where, "an unknown code");
    fuzz::require(rpc || e.code == error_code::ABI_BAD_DATA || e.code == error_code::ABI_BAD_VALUE || e.code == error_code::NOT_FOUND,
                  where, std::string("an undocumented code: ") + std::string(margin::name(e.code)));
    fuzz::require(!e.message.empty(), where, "an error without a message");
    if (rpc && !method.empty()) fuzz::require(e.path.rfind(method, 0) == 0, where, "an RPC error names its method: " + e.path);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    node n;
    for (std::size_t at = 0; at <= in.size();) {
        const std::size_t nl = in.find('\n', at);
        const std::size_t end = nl == std::string_view::npos ? in.size() : nl;
        n.lines.push_back(in.substr(at, end - at));
        at = end + 1;
    }
    chain::rpc_client rpc(n);

    const auto bn = rpc.call("eth_blockNumber");
    if (!bn.ok()) {
        check(*bn.err, "call", "eth_blockNumber");
        (void)chain::revert_data(*bn.err);
    } else {
        const auto q = chain::parse_quantity(bn.value);
        if (!q.ok()) {
            check(*q.err, "parse_quantity");
        } else {
            fuzz::require(q.value >= 0, "a quantity is not negative", bn.value.dump());
            if (q.value < (abi::integer(1) << 64)) {
                const auto back = chain::parse_quantity(chain::quantity(q.value.convert_to<std::uint64_t>()));
                fuzz::require(back.ok() && back.value == q.value, "quantity(parse_quantity(q)) parses back to q", bn.value.dump());
            }
        }
    }
    const auto b = rpc.batch({{"eth_chainId", json::array()}, {"eth_getBalance", json::array({"0x00", "latest"})}});
    if (!b.ok()) {
        check(*b.err, "batch", "eth_chainId");
    } else {
        fuzz::require(b.value.size() == 2, "a batch answers each call");
        for (const auto& o : b.value)
            if (!o.ok()) check(*o.err, "batch item");
    }
    for (const std::string_view l : n.lines) {
        const json log = json::parse(l, nullptr, false);
        if (log.is_discarded()) continue;
        const auto liq = chain::decode_liquidated(log);
        if (!liq.ok()) check(*liq.err, "decode_liquidated");
        (void)chain::accounts_named(log);
    }

    // The house's views and bundle: an exception escaping them (an answer of an unexpected JSON
    // type read as another) would end a keeper or the replay tool, so it is a failure here.
    chain::house h(rpc, chain::address{});
    chain::address account{};
    account[19] = 1;
    auto guarded = [](const char* what, auto&& f) {
        try {
            f();
        } catch (const std::exception& e) {
            fuzz::fail(what, std::string("an exception escapes: ") + e.what());
        }
    };
    guarded("house::book", [&] {
        if (auto r = h.book(account); !r.ok()) check(*r.err, "house::book");
    });
    guarded("house::market", [&] {
        if (auto r = h.market(); !r.ok()) check(*r.err, "house::market");
    });
    guarded("house::params", [&] {
        if (auto r = h.params(); !r.ok()) check(*r.err, "house::params");
    });
    guarded("house::limits", [&] {
        if (auto r = h.limits(); !r.ok()) check(*r.err, "house::limits");
    });
    guarded("house::bundle", [&] {
        const auto bundle = h.bundle("0x" + std::string(64, '1'), "BTC");
        if (!bundle.ok()) {
            check(*bundle.err, "house::bundle");
            return;
        }
        fuzz::require(bundle.value.is_object() && bundle.value.value("version", "") == "replay/1", "a bundle is replay/1",
                      bundle.value.dump());
        const auto report = replay::run(bundle.value);
        if (!report.ok()) fuzz::require(fuzz::known_code(report.err->code), "replay of a chain bundle: a known code");
    });
    return 0;
}
