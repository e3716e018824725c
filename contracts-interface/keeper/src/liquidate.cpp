// One liquidation: simulated with eth_estimateGas (a revert there is reported, never sent),
// signed locally or sent by the node, its receipt awaited and reported.
#include <map>

#include "state.hpp"

namespace keeper {

std::string error_name(const std::string& data) {
    static const std::map<std::string, std::string> names = [] {
        std::map<std::string, std::string> m;
        for (const char* sig :
             {"AccountHealthy(address,uint256,int256,int256)", "StaleMarket(uint64,uint256)", "InsufficientMargin(address,int256,int256)",
              "Reentrancy()", "SeriesExpired(uint256)", "Unauthorized(bytes32,address)", "TokenTransferFailed()", "FixedPointOverflow()",
              "FixedPointDivByZero()", "FixedPointDomain()"}) {
            const auto s = abi::selector(sig);
            m[abi::to_hex(s)] = std::string(sig).substr(0, std::string(sig).find('('));
        }
        return m;
    }();
    if (data.size() < 10) return data.empty() ? "revert without data" : data;
    auto it = names.find(data.substr(0, 10));
    return it == names.end() ? "revert " + data.substr(0, 10) : it->second;
}

std::optional<margin::error> keeper::state::liquidate(const chain::address& account, std::uint64_t scenario) {
    const bytes data = chain::house::liquidate_call(account, scenario);
    const std::string sender = chain::to_hex(opt.key ? opt.key->addr() : opt.from);
    json call = {{"from", sender}, {"to", chain::to_hex(opt.contract)}, {"data", abi::to_hex(data)}};
    // simulate: a transaction that would revert is reported, never sent
    auto est = rpc.call("eth_estimateGas", json::array({call}));
    if (!est.ok()) {
        if (transport_failure(*est.err)) return est.err;
        const std::string name = error_name(chain::revert_data(*est.err));
        out.report({{"event", "skip"},
                    {"account", chain::to_hex(account)},
                    {"scenario", scenario},
                    {"why", "the chain refuses: " + name},
                    {"detail",
                     name == "AccountHealthy" ? "healthy on chain now (front-run, or the state moved since the scan)" : est.err->message}});
        return std::nullopt;
    }
    auto gas = chain::parse_quantity(est.value);
    if (!gas.ok()) return gas.err;
    abi::integer limit = gas.value * 12 / 10;
    if (limit > opt.gas_limit) limit = opt.gas_limit;
    call["gas"] = chain::quantity(limit.convert_to<std::uint64_t>());

    margin::outcome<json> sent;
    if (opt.key) {
        auto raw = sign(call, limit.convert_to<std::uint64_t>(), data);
        if (!raw.ok()) return raw.err;
        sent = rpc.call("eth_sendRawTransaction", json::array({abi::to_hex(raw.value)}));
    } else
        sent = rpc.call("eth_sendTransaction", json::array({call}));
    if (!sent.ok()) {
        if (transport_failure(*sent.err)) return sent.err;
        out.report({{"event", "reverted"},
                    {"account", chain::to_hex(account)},
                    {"scenario", scenario},
                    {"why", error_name(chain::revert_data(*sent.err))},
                    {"detail", sent.err->message}});
        return std::nullopt;
    }
    const std::string tx = sent.value.get<std::string>();
    out.report({{"event", "sent"}, {"account", chain::to_hex(account)}, {"scenario", scenario}, {"tx", tx}, {"gas_limit", limit.str()}});
    // the receipt (a transport failure here leaves the transaction in flight: the next
    // round sees the account's new state either way)
    for (int i = 0; i < 600; ++i) {
        auto rc = rpc.call("eth_getTransactionReceipt", json::array({tx}));
        if (!rc.ok()) return rc.err;
        if (rc.value.is_null()) {
            time.sleep(std::chrono::milliseconds(50));
            continue;
        }
        if (rc.value.value("status", "0x0") != "0x1") {
            out.report({{"event", "reverted"},
                        {"account", chain::to_hex(account)},
                        {"scenario", scenario},
                        {"tx", tx},
                        {"why", "mined and reverted (front-run, or the state moved between simulation and inclusion)"}});
            return std::nullopt;
        }
        json done = {{"event", "liquidated"},
                     {"account", chain::to_hex(account)},
                     {"scenario", scenario},
                     {"tx", tx},
                     {"block", rc.value.value("blockNumber", "")},
                     {"gas_used", rc.value.value("gasUsed", "")}};
        const json logs = rc.value.value("logs", json::array());
        for (const json& log : logs)
            if (auto l = chain::decode_liquidated(log); l.ok()) {
                done["input_hash"] = l.value.input_hash;
                done["fraction"] = l.value.fraction.to_string();
                done["reward"] = l.value.reward.to_string();
                done["shortfall"] = l.value.shortfall.to_string();
            }
        out.report(done);
        return std::nullopt;
    }
    out.report({{"event", "skip"},
                {"account", chain::to_hex(account)},
                {"tx", tx},
                {"why", "no receipt after 30 s; the next round re-reads the account"}});
    return std::nullopt;
}

margin::outcome<bytes> keeper::state::sign(const json& call, std::uint64_t gas, const bytes& data) {
    auto nonce = rpc.call("eth_getTransactionCount", json::array({call["from"], "pending"}));
    if (!nonce.ok()) return margin::outcome<bytes>::failure(*nonce.err);
    auto id = rpc.call("eth_chainId");
    if (!id.ok()) return margin::outcome<bytes>::failure(*id.err);
    auto head = rpc.call("eth_getBlockByNumber", json::array({"latest", false}));
    if (!head.ok()) return margin::outcome<bytes>::failure(*head.err);
    auto tip = rpc.call("eth_maxPriorityFeePerGas");
    chain::eip1559_tx tx;
    auto n = chain::parse_quantity(nonce.value);
    auto c = chain::parse_quantity(id.value);
    auto base = chain::parse_quantity(head.value.value("baseFeePerGas", json("0x0")));
    if (!n.ok() || !c.ok() || !base.ok())
        return margin::outcome<bytes>::failure(error_code::RPC_BAD_RESPONSE, "eth_getTransactionCount",
                                               "nonce, chain id or base fee unreadable");
    tx.nonce = n.value.convert_to<std::uint64_t>();
    tx.chain_id = c.value.convert_to<std::uint64_t>();
    tx.max_priority_fee_per_gas =
        tip.ok() && chain::parse_quantity(tip.value).ok() ? chain::parse_quantity(tip.value).value : abi::integer(1'000'000'000);
    tx.max_fee_per_gas = base.value * 2 + tx.max_priority_fee_per_gas;
    tx.gas_limit = gas;
    tx.to = opt.contract;
    tx.data = data;
    return {opt.key->sign(tx), std::nullopt};
}

}  // namespace keeper
