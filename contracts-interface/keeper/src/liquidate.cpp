// One liquidation: simulated with eth_estimateGas (a revert there is reported, never sent),
// signed locally or sent by the node, its receipt awaited and reported.
#include <map>
#include <vector>

#include "chain/node.hpp"
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

namespace {

// fee x 9/8 + 1: above the 10% a node requires of a replacement, on both tip and cap
abi::integer bumped(const abi::integer& fee) { return fee * 9 / 8 + 1; }

}  // namespace

margin::outcome<keeper::state::fees> keeper::state::current_fees() {
    using out_t = margin::outcome<fees>;
    auto head = rpc.call("eth_getBlockByNumber", json::array({"latest", false}));
    if (!head.ok()) return out_t::failure(*head.err);
    auto hb = chain::read_block(head.value, "eth_getBlockByNumber");
    if (!hb.ok()) return out_t::failure(*hb.err);
    auto tip_answer = rpc.call("eth_maxPriorityFeePerGas");
    if (!tip_answer.ok() && transport_failure(*tip_answer.err)) return out_t::failure(*tip_answer.err);
    auto tip = tip_answer.ok() ? chain::read_u256(tip_answer.value, "eth_maxPriorityFeePerGas") : margin::outcome<abi::integer>{};
    if (tip_answer.ok() && !tip.ok()) return out_t::failure(*tip.err);
    const abi::integer base = hb.value.base_fee.value_or(0);
    if (base >= opt.max_fee)
        return out_t::failure(error_code::FEE_TOO_HIGH, "eth_getBlockByNumber",
                              "the base fee " + base.str() + " wei is at or above --max-fee " + opt.max_fee.str() + " wei");
    fees f;
    f.tip = tip_answer.ok() ? tip.value : abi::integer(1'000'000'000);  // a node without the method: 1 gwei
    if (f.tip > opt.max_fee - base) f.tip = opt.max_fee - base;
    f.cap = base * 2 + f.tip;
    if (f.cap > opt.max_fee) f.cap = opt.max_fee;
    return {f, std::nullopt};
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
    auto gas = chain::read_u64(est.value, "eth_estimateGas");
    if (!gas.ok()) return gas.err;
    std::uint64_t limit = gas.value / 10 * 12 + gas.value % 10 * 12 / 10;  // x 1.2, without overflow
    if (limit > opt.gas_limit || limit < gas.value) limit = opt.gas_limit;
    call["gas"] = chain::quantity(limit);

    auto skip_fee = [&](const margin::error& e) {
        out.report({{"event", "skip"},
                    {"account", chain::to_hex(account)},
                    {"scenario", scenario},
                    {"code", margin::name(e.code)},
                    {"why", e.message}});
    };
    margin::outcome<json> sent;
    std::uint64_t nonce = 0;
    fees f;
    if (opt.key) {
        auto raw = sign(call, limit, data, nonce, f);
        if (!raw.ok()) {
            if (raw.err->code != error_code::FEE_TOO_HIGH) return raw.err;
            skip_fee(*raw.err);
            return std::nullopt;
        }
        sent = rpc.call("eth_sendRawTransaction", json::array({abi::to_hex(raw.value)}));
    } else {
        auto fee = current_fees();
        if (!fee.ok()) {
            if (fee.err->code != error_code::FEE_TOO_HIGH) return fee.err;
            skip_fee(*fee.err);
            return std::nullopt;
        }
        f = fee.value;
        call["maxPriorityFeePerGas"] = "0x" + f.tip.str(0, std::ios_base::hex);
        call["maxFeePerGas"] = "0x" + f.cap.str(0, std::ios_base::hex);
        sent = rpc.call("eth_sendTransaction", json::array({call}));
    }
    if (!sent.ok()) {
        if (transport_failure(*sent.err)) return sent.err;
        out.report({{"event", "reverted"},
                    {"account", chain::to_hex(account)},
                    {"scenario", scenario},
                    {"why", error_name(chain::revert_data(*sent.err))},
                    {"detail", sent.err->message}});
        return std::nullopt;
    }
    auto first = chain::read_hash(sent.value, "eth_sendRawTransaction");
    if (!first.ok()) return first.err;
    std::vector<std::string> hashes{first.value};  // the transaction and its replacements
    out.report({{"event", "sent"},
                {"account", chain::to_hex(account)},
                {"scenario", scenario},
                {"tx", first.value},
                {"gas_limit", std::to_string(limit)}});

    // The receipt of any of them (a transport failure here leaves the transaction in flight:
    // the next round sees the account's new state either way). Without one for bump_after, a
    // locally signed transaction is replaced: same nonce, fees raised by 12.5% within max_fee.
    const auto start = time.now();
    auto last_sent = start;
    std::chrono::milliseconds poll{50};
    bool capped = false;
    std::optional<chain::receipt> mined;
    json mined_raw;
    while (!mined) {
        for (auto h = hashes.rbegin(); h != hashes.rend() && !mined; ++h) {
            auto rc = rpc.call("eth_getTransactionReceipt", json::array({*h}));
            if (!rc.ok()) return rc.err;
            if (rc.value.is_null()) continue;
            auto r = chain::read_receipt(rc.value, "eth_getTransactionReceipt");
            if (!r.ok()) return r.err;
            mined = r.value;
            mined_raw = std::move(rc.value);
        }
        if (mined) break;
        if (time.now() - start >= opt.tx_timeout) {
            out.report(
                {{"event", "skip"},
                 {"account", chain::to_hex(account)},
                 {"tx", hashes.back()},
                 {"why", "no receipt after " + std::to_string(opt.tx_timeout.count() / 1000) + " s; the next round re-reads the account"}});
            return std::nullopt;
        }
        if (opt.key && !capped && time.now() - last_sent >= opt.bump_after) {
            fees up{bumped(f.tip), bumped(f.cap)};
            if (up.cap > opt.max_fee) up.cap = opt.max_fee;
            if (up.tip > up.cap) up.tip = up.cap;
            if (up.cap * 10 < f.cap * 11 || up.tip * 10 < f.tip * 11) {  // no room under the cap for a valid replacement
                capped = true;
                out.report({{"event", "skip"},
                            {"account", chain::to_hex(account)},
                            {"tx", hashes.back()},
                            {"code", "FEE_TOO_HIGH"},
                            {"why", "stuck, and a replacement would exceed --max-fee " + opt.max_fee.str() + " wei: waiting"}});
            } else {
                chain::eip1559_tx tx;
                tx.chain_id = *chain_id;
                tx.nonce = nonce;
                tx.max_priority_fee_per_gas = up.tip;
                tx.max_fee_per_gas = up.cap;
                tx.gas_limit = limit;
                tx.to = opt.contract;
                tx.data = data;
                auto again = rpc.call("eth_sendRawTransaction", json::array({abi::to_hex(opt.key->sign(tx))}));
                if (!again.ok() && transport_failure(*again.err)) return again.err;
                last_sent = time.now();
                if (again.ok()) {
                    auto h = chain::read_hash(again.value, "eth_sendRawTransaction");
                    if (!h.ok()) return h.err;
                    f = up;
                    out.report({{"event", "replaced"},
                                {"account", chain::to_hex(account)},
                                {"old_tx", hashes.back()},
                                {"tx", h.value},
                                {"nonce", nonce},
                                {"max_fee_per_gas", f.cap.str()},
                                {"max_priority_fee_per_gas", f.tip.str()}});
                    hashes.push_back(h.value);
                } else  // e.g. "nonce too low": one of them was just mined; the next poll finds it
                    out.report({{"event", "skip"},
                                {"account", chain::to_hex(account)},
                                {"tx", hashes.back()},
                                {"why", "the replacement was refused: " + again.err->message}});
            }
        }
        time.sleep(poll);
        poll = std::min(poll * 2, std::chrono::milliseconds(1000));
    }
    const chain::receipt& rc = *mined;
    if (!rc.success) {
        out.report({{"event", "reverted"},
                    {"account", chain::to_hex(account)},
                    {"scenario", scenario},
                    {"tx", rc.tx},
                    {"why", "mined and reverted (front-run, or the state moved between simulation and inclusion)"}});
        return std::nullopt;
    }
    // Confirmations: the block must stay the chain's until `confirmations` blocks are on top.
    if (opt.confirmations > 0) {
        for (;;) {
            auto head = rpc.call("eth_blockNumber");
            if (!head.ok()) return head.err;
            auto n = chain::read_u64(head.value, "eth_blockNumber", chain::max_block_number);
            if (!n.ok()) return n.err;
            if (n.value >= rc.block + opt.confirmations) {
                auto again = rpc.call("eth_getTransactionReceipt", json::array({rc.tx}));
                if (!again.ok()) return again.err;
                std::optional<chain::receipt> now;
                if (!again.value.is_null()) {
                    auto r = chain::read_receipt(again.value, "eth_getTransactionReceipt");
                    if (!r.ok()) return r.err;
                    now = r.value;
                }
                if (!now || now->block_hash != rc.block_hash) {
                    out.report({{"event", "reorged"},
                                {"account", chain::to_hex(account)},
                                {"tx", rc.tx},
                                {"block", rc.block},
                                {"why", now ? "re-mined in another block; the next round re-reads the account"
                                            : "the block that held it left the chain; the next round re-reads the account"}});
                    scanned.reset();  // and the next round re-reads recent logs too
                    if (next_block > opt.from_block + opt.reorg_depth)
                        next_block -= opt.reorg_depth;
                    else
                        next_block = opt.from_block;
                    return std::nullopt;
                }
                break;
            }
            if (time.now() - start >= opt.tx_timeout) {
                out.report({{"event", "skip"},
                            {"account", chain::to_hex(account)},
                            {"tx", rc.tx},
                            {"why", "mined in block " + std::to_string(rc.block) + " but not " + std::to_string(opt.confirmations) +
                                        " blocks deep after " + std::to_string(opt.tx_timeout.count() / 1000) + " s"}});
                return std::nullopt;
            }
            time.sleep(poll);
            poll = std::min(poll * 2, std::chrono::milliseconds(1000));
        }
    }
    json done = {{"event", "liquidated"}, {"account", chain::to_hex(account)},  {"scenario", scenario},
                 {"tx", rc.tx},           {"block", chain::quantity(rc.block)}, {"gas_used", chain::quantity(rc.gas_used)}};
    if (opt.confirmations > 0) done["confirmations"] = opt.confirmations;
    if (mined_raw.contains("logs"))  // an array (read_receipt checked it)
        for (const json& log : mined_raw["logs"])
            if (auto l = chain::decode_liquidated(log); l.ok() && l.value.contract == opt.contract) {  // the house's own event
                done["input_hash"] = l.value.input_hash;
                done["fraction"] = l.value.fraction.to_string();
                done["reward"] = l.value.reward.to_string();
                done["shortfall"] = l.value.shortfall.to_string();
            }
    out.report(done);
    return std::nullopt;
}

margin::outcome<bytes> keeper::state::sign(const json& call, std::uint64_t gas, const bytes& data, std::uint64_t& nonce, fees& f) {
    using out_t = margin::outcome<bytes>;
    auto count = rpc.call("eth_getTransactionCount", json::array({call["from"], "pending"}));
    if (!count.ok()) return out_t::failure(*count.err);
    auto n = chain::read_u64(count.value, "eth_getTransactionCount", UINT64_MAX - 1);
    if (!n.ok()) return out_t::failure(*n.err);
    if (auto e = check_chain_id()) return out_t::failure(*e);  // a signature for the pinned chain only
    auto fee = current_fees();
    if (!fee.ok()) return out_t::failure(*fee.err);
    nonce = n.value;
    f = fee.value;
    chain::eip1559_tx tx;
    tx.nonce = nonce;
    tx.chain_id = *chain_id;
    tx.max_priority_fee_per_gas = f.tip;
    tx.max_fee_per_gas = f.cap;
    tx.gas_limit = gas;
    tx.to = opt.contract;
    tx.data = data;
    return {opt.key->sign(tx), std::nullopt};
}

}  // namespace keeper
