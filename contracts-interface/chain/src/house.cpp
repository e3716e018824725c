#include "chain/house.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <iterator>
#include <limits>

#include "abi/json.hpp"
#include "abi/keccak.hpp"
#include "chain/node.hpp"
#include "words.hpp"

namespace chain {
namespace {

using abi::type;
using abi::value;
using detail::i256;
using margin::error_code;
using margin::outcome;

address addr_of(const value& v) {
    address a{};
    bytes be;
    export_bits(*v.as_number(), std::back_inserter(be), 8);
    std::copy(be.begin(), be.end(), a.end() - static_cast<std::ptrdiff_t>(be.size()));
    return a;
}
address addr_of_topic(const std::string& topic) {
    auto b = abi::from_hex(topic);
    address a{};
    if (b.ok() && b.value.size() == 32) std::copy(b.value.begin() + 12, b.value.end(), a.begin());
    return a;
}
std::string topic_of(std::string_view signature) {
    std::array<char, 67> buf;
    return std::string(abi::to_hex(abi::keccak256(signature), buf));
}
bytes call_data(std::string_view signature, const value& args) { return abi::encode_call(signature, args).value; }
value word(const address& a) {
    integer n;
    import_bits(n, a.begin(), a.end(), 8);
    return value::number(n);
}

}  // namespace

std::string quantity(std::uint64_t n) {
    std::array<char, 20> buf{};
    std::snprintf(buf.data(), buf.size(), "0x%llx", static_cast<unsigned long long>(n));
    return buf.data();
}

outcome<std::uint64_t> first_block_at(rpc_client& rpc, std::uint64_t t, std::uint64_t hi) {
    std::uint64_t lo = 0;
    while (lo < hi) {
        const std::uint64_t mid = lo + (hi - lo) / 2;
        auto b = rpc.call("eth_getBlockByNumber", json::array({quantity(mid), false}));
        if (!b.ok()) return outcome<std::uint64_t>::failure(*b.err);
        auto h = read_block(b.value, "eth_getBlockByNumber");
        if (!h.ok()) return outcome<std::uint64_t>::failure(*h.err);
        if (h.value.timestamp >= t)
            hi = mid;
        else
            lo = mid + 1;
    }
    return {lo, std::nullopt};
}

outcome<integer> parse_quantity(const json& q) {
    if (!q.is_string() || q.get<std::string>().rfind("0x", 0) != 0 || q.get<std::string>().size() < 3 || q.get<std::string>().size() > 66)
        return outcome<integer>::failure(error_code::RPC_BAD_RESPONSE, "", "not a hex quantity: " + q.dump());
    const std::string s = q.get<std::string>();
    if (s.find_first_not_of("0123456789abcdefABCDEF", 2) != std::string::npos)
        return outcome<integer>::failure(error_code::RPC_BAD_RESPONSE, "", "not a hex quantity: " + s);
    return {integer(s), std::nullopt};  // cpp_int reads 0x-prefixed hex
}

const std::string& liquidated_topic() {
    static const std::string t = topic_of("Liquidated(address,address,uint256,bytes32,int256,int256,int256,int256,int256)");
    return t;
}

json account_topics() {
    return json::array({json::array(
        {topic_of("Deposited(address,uint256)"), topic_of("Traded(address,address,uint256,int256,int256)"), liquidated_topic()})});
}

std::vector<address> accounts_named(const json& log) {
    static const std::string deposited = topic_of("Deposited(address,uint256)");
    static const std::string traded = topic_of("Traded(address,address,uint256,int256,int256)");
    std::vector<address> out;
    if (!log.is_object() || !log.contains("topics") || !log["topics"].is_array() || log["topics"].empty()) return out;
    const json& t = log["topics"];
    for (const json& topic : t)
        if (!topic.is_string()) return out;  // not a log this contract wrote (chain::read_log reports it)
    const std::string t0 = t[0].get<std::string>();
    if (t0 == deposited && t.size() >= 2) out.push_back(addr_of_topic(t[1].get<std::string>()));
    if ((t0 == traded || t0 == liquidated_topic()) && t.size() >= 3) {
        out.push_back(addr_of_topic(t[1].get<std::string>()));
        out.push_back(addr_of_topic(t[2].get<std::string>()));
    }
    return out;
}

outcome<liquidation> decode_liquidated(const json& log) {
    if (!log.is_object() || !log.contains("topics") || !log["topics"].is_array() || log["topics"].size() != 3 ||
        log["topics"][0] != liquidated_topic() || !log["topics"][1].is_string() || !log["topics"][2].is_string())
        return outcome<liquidation>::failure(error_code::NOT_FOUND, "", "not a Liquidated log");
    for (const char* field : {"data", "address", "transactionHash"})
        if (log.contains(field) && !log[field].is_string())
            return outcome<liquidation>::failure(error_code::RPC_BAD_RESPONSE, std::string("/") + field,
                                                 "a log's " + std::string(field) + " that is not a string");
    static const type data_type =
        type::tuple_of({type::uint_(), type::fixed_bytes(32), type::int_(), type::int_(), type::int_(), type::int_(), type::int_()});
    auto data = abi::from_hex(log.value("data", std::string()));
    if (!data.ok()) return outcome<liquidation>::failure(*data.err);
    auto v = abi::decode(data_type, data.value);
    if (!v.ok()) return outcome<liquidation>::failure(*v.err);
    const auto& f = *v.value.as_list();
    liquidation l;
    auto c = parse_address(log.value("address", std::string()));
    if (c.ok()) l.contract = c.value;
    l.account = addr_of_topic(log["topics"][1].get<std::string>());
    l.liquidator = addr_of_topic(log["topics"][2].get<std::string>());
    if (*f[0].as_number() > std::numeric_limits<std::uint64_t>::max())
        return outcome<liquidation>::failure(error_code::ABI_BAD_DATA, "/scenarioId", "scenario id out of range");
    l.scenario = f[0].as_number()->convert_to<std::uint64_t>();
    l.input_hash = abi::to_hex(*f[1].as_bytes());
    l.equity = i256(f[2]);
    l.maintenance = i256(f[3]);
    l.fraction = i256(f[4]);
    l.reward = i256(f[5]);
    l.shortfall = i256(f[6]);
    if (auto b = parse_quantity(log.value("blockNumber", json("0x0"))); b.ok()) l.block = b.value.convert_to<std::uint64_t>();
    if (auto i = parse_quantity(log.value("transactionIndex", json("0x0"))); i.ok()) l.tx_index = i.value.convert_to<std::uint64_t>();
    l.tx = log.value("transactionHash", std::string());
    return {l, std::nullopt};
}

outcome<bytes> house::view(const bytes& calldata, const std::string& block, const address* to) {
    auto r = rpc_.call("eth_call", json::array({{{"to", to_hex(to ? *to : contract_)}, {"data", abi::to_hex(calldata)}}, block}));
    if (!r.ok()) return outcome<bytes>::failure(*r.err);
    if (!r.value.is_string())
        return outcome<bytes>::failure(error_code::RPC_BAD_RESPONSE, "eth_call", "eth_call returned " + r.value.dump());
    return abi::from_hex(r.value.get<std::string>());
}

outcome<bridge::book> house::book(const address& account, const std::string& block) {
    auto r = books({account}, block);
    if (!r.ok()) return outcome<bridge::book>::failure(*r.err);
    return r.value[0];
}

outcome<std::vector<outcome<bridge::book>>> house::books(const std::vector<address>& accounts, const std::string& block,
                                                         std::size_t chunk) {
    using out_t = outcome<std::vector<outcome<bridge::book>>>;
    static const type ret = type::tuple_of({bridge::book_type()});
    std::vector<outcome<bridge::book>> out;
    out.reserve(accounts.size());
    for (std::size_t i = 0; i < accounts.size(); i += chunk) {
        std::vector<std::pair<std::string, json>> calls;
        for (std::size_t k = i; k < std::min(accounts.size(), i + chunk); ++k)
            calls.emplace_back("eth_call",
                               json::array({{{"to", to_hex(contract_)},
                                             {"data", abi::to_hex(call_data("book(address)", value::list({word(accounts[k])})))}},
                                            block}));
        auto r = rpc_.batch(calls);
        if (!r.ok()) return out_t::failure(*r.err);
        for (auto& one : r.value) {
            if (!one.ok() || !one.value.is_string()) {
                out.push_back(outcome<bridge::book>::failure(one.ok() ? error{error_code::RPC_BAD_RESPONSE, "eth_call", one.value.dump()}
                                                                      : *one.err));
                continue;
            }
            auto data = abi::from_hex(one.value.get<std::string>());
            auto v = data.ok() ? abi::decode(ret, data.value) : outcome<value>::failure(*data.err);
            out.push_back(v.ok() ? bridge::book_from_value(v.value.as_list()->at(0)) : outcome<bridge::book>::failure(*v.err));
        }
    }
    return {std::move(out), std::nullopt};
}

outcome<margin::scenario::params> house::params(const std::string& block) {
    static const type ret = type::tuple_of({bridge::params_type()});
    auto r = view(call_data("params()", value::list({})), block);
    if (!r.ok()) return outcome<margin::scenario::params>::failure(*r.err);
    auto v = abi::decode(ret, r.value);
    if (!v.ok()) return outcome<margin::scenario::params>::failure(*v.err);
    return bridge::params_from_value(v.value.as_list()->at(0));
}

outcome<market_state> house::market(const std::string& block) {
    static const type ret = type::tuple_of({type::uint_(64), type::int_(), type::int_(), type::int_(), type::int_(), type::int_()});
    auto r = view(call_data("market()", value::list({})), block);
    if (!r.ok()) return outcome<market_state>::failure(*r.err);
    auto v = abi::decode(ret, r.value);
    if (!v.ok()) return outcome<market_state>::failure(*v.err);
    const auto& f = *v.value.as_list();
    return {{f[0].as_number()->convert_to<std::uint64_t>(), i256(f[1]), i256(f[2]), i256(f[3]), i256(f[4]), i256(f[5])}, std::nullopt};
}

outcome<risk_limits> house::limits(const std::string& block) {
    static const type ret = type::tuple_of({type::int_(), type::int_(), type::uint_(64), type::int_()});
    auto r = view(call_data("limits()", value::list({})), block);
    if (!r.ok()) return outcome<risk_limits>::failure(*r.err);
    auto v = abi::decode(ret, r.value);
    if (!v.ok()) return outcome<risk_limits>::failure(*v.err);
    const auto& f = *v.value.as_list();
    return {{i256(f[0]), i256(f[1]), f[2].as_number()->convert_to<std::uint64_t>(), i256(f[3])}, std::nullopt};
}

outcome<address> house::engine(const std::string& block) {
    static const type ret = type::tuple_of({type::address()});
    auto r = view(call_data("engine()", value::list({})), block);
    if (!r.ok()) return outcome<address>::failure(*r.err);
    auto v = abi::decode(ret, r.value);
    if (!v.ok()) return outcome<address>::failure(*v.err);
    return {addr_of(v.value.as_list()->at(0)), std::nullopt};
}

outcome<witness> house::witness_of(const bridge::book& b, const margin::scenario::params& p, std::uint64_t id, const std::string& block) {
    // (book, params, id, marks): empty marks, so the engine prices the legs itself
    static const type args =
        type::tuple_of({bridge::book_type(), bridge::params_type(), type::uint_(), type::array_of(type::array_of(type::int_()))});
    static const type ret = type::tuple_of({type::int_(), type::int_(), type::int_(), type::boolean()});
    auto eng = engine(block);
    if (!eng.ok()) return outcome<witness>::failure(*eng.err);
    static const std::array<std::uint8_t, 4> sel = abi::selector("witness" + args.canonical());
    bytes data(sel.begin(), sel.end());
    const bytes body = abi::encode(args, value::list({bridge::to_value(b), bridge::to_value(p), value::number(id), value::list({})})).value;
    data.insert(data.end(), body.begin(), body.end());
    auto r = view(data, block, &eng.value);
    if (!r.ok()) return outcome<witness>::failure(*r.err);
    auto v = abi::decode(ret, r.value);
    if (!v.ok()) return outcome<witness>::failure(*v.err);
    const auto& f = *v.value.as_list();
    return {{i256(f[0]), i256(f[1]), i256(f[2]), *f[3].as_number() == 1}, std::nullopt};
}

bytes house::liquidate_call(const address& account, std::uint64_t scenario) {
    return call_data("liquidate(address,uint256)", value::list({word(account), value::number(scenario)}));
}

const std::string& option_settled_topic() {
    static const std::string t = topic_of("OptionSettled(address,uint256,uint64,int256,bool,int256,int256,int256)");
    return t;
}
const std::string& expiry_settled_topic() {
    static const std::string t = topic_of("ExpirySettled(uint64,int256,uint64)");
    return t;
}
const std::string& market_pushed_topic() {
    static const std::string t = topic_of("MarketPushed(uint64,int256,int256)");
    return t;
}

const std::string& witness_inputs_topic() {
    static const std::string t = topic_of("WitnessInputs(address,uint64,bytes)");
    return t;
}

namespace {

bool is_log(const json& log, const std::string& topic) {
    return log.is_object() && log.contains("topics") && log["topics"].is_array() && !log["topics"].empty() &&
           log["topics"][0].is_string() && log["topics"][0].get<std::string>() == topic && log.contains("data") && log["data"].is_string();
}
bool from_contract(const json& log, const address& contract) {
    if (!log.contains("address") || !log["address"].is_string()) return false;
    auto a = parse_address(log["address"].get<std::string>());
    return a.ok() && a.value == contract;
}
outcome<value> log_data(const json& log, const type& t) {
    auto data = abi::from_hex(log["data"].get<std::string>());
    if (!data.ok()) return outcome<value>::failure(*data.err);
    return abi::decode(t, data.value);
}
std::string dec(const value& v) { return v.as_number()->str(); }

}  // namespace

outcome<json> house::settlement_bundle(const json& logs, const std::string& tx) {
    // OptionSettled(address indexed account, uint256 indexed seriesId, uint64 expiry, int256 strike,
    //               bool call, int256 amount, int256 price, int256 cash)
    static const type settled_type =
        type::tuple_of({type::uint_(64), type::int_(), type::boolean(), type::int_(), type::int_(), type::int_()});
    static const type expiry_type = type::tuple_of({type::int_(), type::uint_(64)});  // ExpirySettled(uint64 indexed expiry, ...)
    static const type pushed_type = type::tuple_of({type::uint_(64), type::int_(), type::int_()});
    json positions = json::array();
    std::vector<std::string> expiries;  // in first-seen order
    std::uint64_t block = 0;
    bool have_contract = false;
    for (const json& log : logs) {
        if (!is_log(log, option_settled_topic()) || log["topics"].size() != 3) continue;
        if (!log["topics"][1].is_string() || !log["topics"][2].is_string())
            return outcome<json>::failure(error_code::RPC_BAD_RESPONSE, "eth_getTransactionReceipt",
                                          "an OptionSettled log whose topics are not strings");
        if (!have_contract) {  // the first OptionSettled names the house; logs of other addresses are not its
            auto c = parse_address(log.value("address", std::string()));
            if (!c.ok()) return outcome<json>::failure(*c.err);
            contract_ = c.value;
            have_contract = true;
        }
        if (!from_contract(log, contract_)) continue;
        auto v = log_data(log, settled_type);
        if (!v.ok()) return outcome<json>::failure(*v.err);
        const auto& f = *v.value.as_list();
        auto series = parse_quantity(log["topics"][2]);
        if (!series.ok()) return outcome<json>::failure(*series.err);
        positions.push_back({{"account", to_hex(addr_of_topic(log["topics"][1].get<std::string>()))},
                             {"series", series.value.str()},
                             {"expiry", dec(f[0])},
                             {"strike", dec(f[1])},
                             {"call", *f[2].as_number() == 1},
                             {"amount", dec(f[3])},
                             {"price", dec(f[4])},
                             {"cash", dec(f[5])}});
        if (std::find(expiries.begin(), expiries.end(), dec(f[0])) == expiries.end()) expiries.push_back(dec(f[0]));
        if (auto b = parse_quantity(log.value("blockNumber", json("0x0"))); b.ok()) block = b.value.convert_to<std::uint64_t>();
    }
    if (positions.empty())
        return outcome<json>::failure(error_code::NOT_FOUND, "/tx", tx + " emitted no Liquidated or OptionSettled event");
    json by_expiry = json::array();
    for (const std::string& t : expiries) {
        // the expiry's ExpirySettled (topic 1: the expiry), then the MarketPushed it names, up to that block
        char topic[67];
        std::snprintf(topic, sizeof topic, "0x%064llx", std::stoull(t));
        // from the first block at or after the expiry (none earlier can settle it), not block 0
        auto from = first_block_at(rpc_, std::stoull(t), block);
        if (!from.ok()) return outcome<json>::failure(*from.err);
        auto found = rpc_.call("eth_getLogs", json::array({{{"address", to_hex(contract_)},
                                                            {"fromBlock", quantity(from.value)},
                                                            {"toBlock", quantity(block)},
                                                            {"topics", json::array({expiry_settled_topic(), std::string(topic)})}}}));
        if (!found.ok()) return outcome<json>::failure(*found.err);
        const json* ev = nullptr;
        if (found.value.is_array())
            for (const json& log : found.value)
                if (is_log(log, expiry_settled_topic()) && from_contract(log, contract_)) ev = &log;
        if (!ev) return outcome<json>::failure(error_code::NOT_FOUND, "/tx", "no ExpirySettled for expiry " + t);
        auto v = log_data(*ev, expiry_type);
        if (!v.ok()) return outcome<json>::failure(*v.err);
        const auto& f = *v.value.as_list();
        json e = {{"expiry", t}, {"price", dec(f[0])}, {"source", dec(f[1])}};
        std::uint64_t settled_block = block;
        if (auto b = parse_quantity(ev->value("blockNumber", json("0x0"))); b.ok()) settled_block = b.value.convert_to<std::uint64_t>();
        // from the first block at or after the push's stamp (a push is mined at or after it)
        auto since = first_block_at(rpc_, std::stoull(e["source"].get<std::string>()), settled_block);
        if (!since.ok()) return outcome<json>::failure(*since.err);
        auto pushes = rpc_.call("eth_getLogs", json::array({{{"address", to_hex(contract_)},
                                                             {"fromBlock", quantity(since.value)},
                                                             {"toBlock", quantity(settled_block)},
                                                             {"topics", json::array({market_pushed_topic()})}}}));
        if (!pushes.ok()) return outcome<json>::failure(*pushes.err);
        if (pushes.value.is_array())
            for (const json& log : pushes.value) {
                if (!is_log(log, market_pushed_topic()) || !from_contract(log, contract_)) continue;
                auto m = log_data(log, pushed_type);
                if (m.ok() && dec(m.value.as_list()->at(0)) == e["source"].get<std::string>())
                    e["market"] = {{"timestamp", dec(m.value.as_list()->at(0))}, {"spot", dec(m.value.as_list()->at(1))}};
            }
        by_expiry.push_back(std::move(e));
    }
    auto chain_id = rpc_.call("eth_chainId");
    json bundle = {{"version", "settlement/1"},
                   {"expiries", std::move(by_expiry)},
                   {"positions", std::move(positions)},
                   {"source",
                    {{"chain_id", chain_id.ok() ? chain_id.value : json(nullptr)},
                     {"contract", to_hex(contract_)},
                     {"tx", tx},
                     {"block", std::to_string(block)}}}};
    return {std::move(bundle), std::nullopt};
}

outcome<json> house::bundle(const std::string& tx, const std::string& underlying) {
    auto rc = rpc_.call("eth_getTransactionReceipt", json::array({tx}));
    if (!rc.ok()) return outcome<json>::failure(*rc.err);
    if (rc.value.is_null()) return outcome<json>::failure(error_code::NOT_FOUND, "/tx", "no receipt for " + tx + " (unknown or not mined)");
    if (!rc.value.is_object() || (rc.value.contains("logs") && !rc.value["logs"].is_array()))
        return outcome<json>::failure(error_code::RPC_BAD_RESPONSE, "eth_getTransactionReceipt",
                                      "a receipt that is not an object with a logs array");
    // The last Liquidated log (of the house, when this client was given one: logs are matched by
    // their emitter as well as their topic).
    std::optional<json> found;
    std::size_t at = 0;
    const json logs = rc.value.value("logs", json::array());
    for (std::size_t i = 0; i < logs.size(); ++i) {
        const json& log = logs[i];
        if (log.is_object() && log.contains("topics") && log["topics"].is_array() && !log["topics"].empty() &&
            log["topics"][0] == liquidated_topic() && (contract_ == address{} || from_contract(log, contract_))) {
            found = log;
            at = i;
        }
    }
    if (!found) return settlement_bundle(logs, tx);  // a transaction that settled positions, or NOT_FOUND
    auto ev = decode_liquidated(*found);
    if (!ev.ok()) return outcome<json>::failure(*ev.err);
    const liquidation& l = ev.value;
    if (l.block == 0) return outcome<json>::failure(error_code::NOT_FOUND, "/tx", "a liquidation in the genesis block");
    contract_ = l.contract;
    // Its inputs: the WitnessInputs log the same house emitted just before it for the same
    // account (book, params and scenario as the check evaluated them; their keccak256 is the
    // event's input hash). A house without that event: the state at the parent block, which is
    // the transaction's own starting state only when it is first in its block.
    const json* inputs = nullptr;
    for (std::size_t i = at; i-- > 0;) {
        const json& log = logs[i];
        if (is_log(log, witness_inputs_topic()) && from_contract(log, contract_) && log["topics"].size() == 2 &&
            log["topics"][1].is_string() && addr_of_topic(log["topics"][1].get<std::string>()) == l.account) {
            inputs = &log;
            break;
        }
    }
    outcome<bridge::book> b = outcome<bridge::book>::failure(error_code::NOT_FOUND, "", "");
    outcome<margin::scenario::params> p = outcome<margin::scenario::params>::failure(error_code::NOT_FOUND, "", "");
    outcome<market_state> m = outcome<market_state>::failure(error_code::NOT_FOUND, "", "");
    std::string at_block = quantity(l.block - 1);
    if (inputs) {
        static const type outer = type::tuple_of({type::uint_(64), type::dynamic_bytes()});
        static const type inner = type::tuple_of({bridge::book_type(), bridge::params_type(), type::uint_()});
        auto v = log_data(*inputs, outer);
        if (!v.ok()) return outcome<json>::failure(*v.err);
        const auto& f = *v.value.as_list();
        auto in = abi::decode(inner, *f[1].as_bytes());
        if (!in.ok()) return outcome<json>::failure(*in.err);
        const auto& g = *in.value.as_list();
        std::array<char, 67> buf;
        if (std::string(abi::to_hex(abi::keccak256(*f[1].as_bytes()), buf)) != l.input_hash || *g[2].as_number() != l.scenario)
            return outcome<json>::failure(error_code::ABI_BAD_DATA, "/tx",
                                          "WitnessInputs does not hash to the Liquidated event's input hash");
        b = bridge::book_from_value(g[0]);
        p = bridge::params_from_value(g[1]);
        market_state ms{};
        ms.timestamp = f[0].as_number()->convert_to<std::uint64_t>();
        m = outcome<market_state>{ms, std::nullopt};
        at_block = "latest";  // the engine is stateless and immutable: any block prices the same
    } else {
        b = book(l.account, at_block);
        p = params(at_block);
        m = market(at_block);
    }
    if (!b.ok()) return outcome<json>::failure(*b.err);
    if (!p.ok()) return outcome<json>::failure(*p.err);
    if (!m.ok()) return outcome<json>::failure(*m.err);
    auto w = witness_of(b.value, p.value, l.scenario, at_block);
    if (!w.ok()) return outcome<json>::failure(*w.err);
    auto chain_id = rpc_.call("eth_chainId");
    json bundle = {
        {"version", "replay/1"},
        {"underlying", underlying},
        {"market_timestamp", std::to_string(m.value.timestamp)},
        {"scenario", std::to_string(l.scenario)},
        {"book", abi::to_json(bridge::book_type(), bridge::to_value(b.value))},
        {"params", abi::to_json(bridge::params_type(), bridge::to_value(p.value))},
        {"event",
         {{"account", to_hex(l.account)},
          {"liquidator", to_hex(l.liquidator)},
          {"input_hash", l.input_hash},
          {"equity", l.equity.to_string()},
          {"maintenance", l.maintenance.to_string()},
          {"fraction", l.fraction.to_string()},
          {"reward", l.reward.to_string()},
          {"shortfall", l.shortfall.to_string()}}},
        {"witness",
         {{"pnl", w.value.pnl.to_string()},
          {"equity", w.value.equity.to_string()},
          {"maintenance", w.value.maintenance.to_string()},
          {"liquidatable", w.value.liquidatable}}},
        {"source",
         {{"chain_id", chain_id.ok() ? chain_id.value : json(nullptr)},
          {"contract", to_hex(l.contract)},
          {"tx", tx},
          {"block", std::to_string(l.block)},
          {"tx_index", std::to_string(l.tx_index)}}},
    };
    return {std::move(bundle), std::nullopt};
}

}  // namespace chain
