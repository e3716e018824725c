#include "chain/marks.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <limits>

#include "abi/json.hpp"
#include "abi/keccak.hpp"
#include "bridge/request.hpp"
#include "core/margin.hpp"
#include "words.hpp"

namespace chain {
namespace {

using abi::type;
using abi::value;
using detail::i256;
using margin::error_code;
using margin::outcome;

std::uint64_t u64(const value& v) { return v.as_number()->convert_to<std::uint64_t>(); }
bytes call_data(std::string_view signature, const value& args) { return abi::encode_call(signature, args).value; }
std::string word_topic(std::uint64_t v) {
    std::array<char, 67> t{};
    std::snprintf(t.data(), t.size(), "0x%064llx", static_cast<unsigned long long>(v));
    return t.data();
}
template <class T>
outcome<T> bad(const std::string& path, const std::string& why) {
    return outcome<T>::failure(error_code::ABI_BAD_DATA, path, why);
}

/// Each of `calls` (calldata to `contract`) at `block` in one JSON-RPC batch, its return data
/// decoded as `ret`.
outcome<std::vector<value>> views(rpc_client& rpc, const address& contract, const std::string& block, const std::vector<bytes>& calls,
                                  const type& ret) {
    using out_t = outcome<std::vector<value>>;
    std::vector<value> out;
    constexpr std::size_t chunk = 200;
    for (std::size_t i = 0; i < calls.size(); i += chunk) {
        std::vector<std::pair<std::string, json>> batch;
        for (std::size_t k = i; k < std::min(calls.size(), i + chunk); ++k)
            batch.emplace_back("eth_call", json::array({{{"to", to_hex(contract)}, {"data", abi::to_hex(calls[k])}}, block}));
        auto r = rpc.batch(batch);
        if (!r.ok()) return out_t::failure(*r.err);
        for (auto& one : r.value) {
            if (!one.ok()) return out_t::failure(*one.err);
            if (!one.value.is_string())
                return out_t::failure(error_code::RPC_BAD_RESPONSE, "eth_call", "eth_call returned " + one.value.dump().substr(0, 80));
            auto data = abi::from_hex(one.value.get<std::string>());
            if (!data.ok()) return out_t::failure(*data.err);
            auto v = abi::decode(ret, data.value);
            if (!v.ok()) return out_t::failure(*v.err);
            out.push_back(std::move(v.value));
        }
    }
    return {std::move(out), std::nullopt};
}

outcome<value> one_view(rpc_client& rpc, const address& contract, const std::string& block, std::string_view signature, const type& ret) {
    auto r = views(rpc, contract, block, {call_data(signature, value::list({}))}, ret);
    if (!r.ok()) return outcome<value>::failure(*r.err);
    return {std::move(r.value[0]), std::nullopt};
}

}  // namespace

const std::string& market_inputs_topic() {
    static const std::string t = [] {
        std::array<char, 67> buf;
        return std::string(abi::to_hex(abi::keccak256("MarketInputs(uint64,bytes)"), buf));
    }();
    return t;
}

const abi::type& push_args_type() {
    static const type t =
        type::tuple_of({type::tuple_of({type::uint_(64), type::int_(), type::int_(), type::int_(), type::int_(), type::int_()},
                                       {"timestamp", "spot", "spotConfidence", "perpMark", "perpConfidence", "stablePrice"}),
                        type::array_of(type::tuple_of({type::int_(), type::int_(), type::int_(), type::int_()},
                                                      {"forward", "forwardConfidence", "rate", "discount"})),
                        type::array_of(type::int_())},
                       {"m", "byExpiry", "vols"});
    return t;
}

outcome<market_inputs> decode_market_inputs(const json& log) {
    using out_t = outcome<market_inputs>;
    if (!log.is_object() || !log.contains("topics") || !log["topics"].is_array() || log["topics"].size() != 2 ||
        log["topics"][0] != market_inputs_topic())
        return out_t::failure(error_code::NOT_FOUND, "", "not a MarketInputs log");
    for (const char* field : {"data", "transactionHash", "blockNumber"})
        if (log.contains(field) && !log[field].is_string())
            return out_t::failure(error_code::RPC_BAD_RESPONSE, std::string("/") + field,
                                  "a log's " + std::string(field) + " that is not a string");
    if (!log["topics"][1].is_string()) return out_t::failure(error_code::RPC_BAD_RESPONSE, "/topics/1", "a topic that is not a string");
    auto stamp = parse_quantity(log["topics"][1]);
    if (!stamp.ok()) return out_t::failure(*stamp.err);
    auto data = abi::from_hex(log.value("data", std::string()));
    if (!data.ok()) return out_t::failure(*data.err);
    static const type outer = type::tuple_of({type::dynamic_bytes()}, {"inputs"});
    auto v = abi::decode(outer, data.value);
    if (!v.ok()) return out_t::failure(*v.err);
    auto in = abi::decode(push_args_type(), *v.value.as_list()->at(0).as_bytes());
    if (!in.ok()) return out_t::failure(*in.err);
    const auto& f = *in.value.as_list();
    const auto& m = *f[0].as_list();
    market_inputs out;
    out.market = {u64(m[0]), i256(m[1]), i256(m[2]), i256(m[3]), i256(m[4]), i256(m[5])};
    if (stamp.value != out.market.timestamp)
        return bad<market_inputs>("/inputs/m/timestamp", "the inputs' timestamp " + std::to_string(out.market.timestamp) +
                                                             " is not the log's indexed one " + stamp.value.str());
    for (const value& e : *f[1].as_list()) {
        const auto& g = *e.as_list();
        out.by_expiry.push_back({i256(g[0]), i256(g[1]), i256(g[2]), i256(g[3])});
    }
    for (const value& x : *f[2].as_list()) out.vols.push_back(i256(x));
    if (auto b = parse_quantity(log.value("blockNumber", json("0x0"))); b.ok() && b.value <= std::numeric_limits<std::uint64_t>::max())
        out.block = b.value.convert_to<std::uint64_t>();
    out.tx = log.value("transactionHash", std::string());
    return {std::move(out), std::nullopt};
}

std::size_t mark_audit::mismatches() const {
    return static_cast<std::size_t>(std::count_if(checks.begin(), checks.end(), [](const mark_check& c) { return !c.match(); }));
}

outcome<mark_audit> audit_marks(const market_inputs& in, const std::vector<listed_series>& live, const std::vector<std::uint64_t>& expiries,
                                const std::vector<fp::I256>& cached, const margin::scenario::params& params) {
    using out_t = outcome<mark_audit>;
    if (in.vols.size() != live.size() || cached.size() != live.size())
        return bad<mark_audit>("/inputs/vols", std::to_string(in.vols.size()) + " vols, " + std::to_string(live.size()) + " live series, " +
                                                   std::to_string(cached.size()) + " cached marks");
    if (in.by_expiry.size() != expiries.size())
        return bad<mark_audit>("/inputs/byExpiry",
                               std::to_string(in.by_expiry.size()) + " expiries pushed, " + std::to_string(expiries.size()) + " listed");
    // The book of every live series, one unit each (amount 1 WAD), on the pushed market, as
    // Listings.price builds it for MarkEngine.marks: expiries ascending, legs in `live` order.
    bridge::book b;
    b.spot = in.market.spot;
    b.spot_confidence = in.market.spot_confidence;
    b.stable_price = in.market.stable_price;
    b.perp_price = in.market.perp_mark;
    b.perp_confidence = in.market.perp_confidence;
    for (std::size_t j = 0; j < expiries.size(); ++j) {
        const expiry_market& e = in.by_expiry[j];
        bridge::book_expiry be;
        be.seconds_to_expiry = fp::I256{static_cast<std::int64_t>(expiries[j]) - static_cast<std::int64_t>(in.market.timestamp)};
        be.forward = e.forward;
        be.forward_confidence = e.forward_confidence;
        be.rate = e.rate;
        be.discount = e.discount;
        b.expiries.push_back(std::move(be));
    }
    const fp::I256 one = fp::Wad::from_int(1).raw();
    std::vector<std::pair<std::size_t, std::size_t>> where;  // series -> (expiry, leg)
    for (std::size_t i = 0; i < live.size(); ++i) {
        auto j = std::find(expiries.begin(), expiries.end(), live[i].expiry);
        if (j == expiries.end())
            return bad<mark_audit>("/live/" + std::to_string(i), "series " + std::to_string(live[i].id) + " on an unlisted expiry");
        auto& legs = b.expiries[static_cast<std::size_t>(j - expiries.begin())].legs;
        where.emplace_back(static_cast<std::size_t>(j - expiries.begin()), legs.size());
        legs.push_back({live[i].strike, in.vols[i], one, live[i].call});
    }
    auto rb = bridge::request_builder::make(params, "U");
    if (!rb.ok()) return out_t::failure(*rb.err);
    auto req = rb.value.build(b, static_cast<std::int64_t>(in.market.timestamp));
    if (!req.ok()) return out_t::failure(*req.err);
    // positions in book order: expiry by expiry, legs in order
    std::vector<std::size_t> first(b.expiries.size(), 0);
    for (std::size_t j = 1; j < b.expiries.size(); ++j) first[j] = first[j - 1] + b.expiries[j - 1].legs.size();
    mark_audit a;
    a.block = in.block;
    a.timestamp = in.market.timestamp;
    a.tx = in.tx;
    margin::scenario::value_cache cache;
    for (std::size_t i = 0; i < live.size(); ++i) {
        auto p = margin::value_position(req.value, first[where[i].first] + where[i].second, &cache);
        if (!p.ok()) return out_t::failure(*p.err);
        a.checks.push_back({live[i], in.vols[i], p.value.mark_price.raw(), cached[i]});
    }
    return {std::move(a), std::nullopt};
}

outcome<mark_audit> audit_marks(rpc_client& rpc, const address& contract, std::optional<std::uint64_t> block) {
    using out_t = outcome<mark_audit>;
    std::uint64_t top = 0;
    if (block) {
        top = *block;
    } else {
        auto n = rpc.call("eth_blockNumber");
        if (!n.ok()) return out_t::failure(*n.err);
        auto q = parse_quantity(n.value);
        if (!q.ok()) return out_t::failure(*q.err);
        if (q.value > std::numeric_limits<std::int64_t>::max())
            return out_t::failure(error_code::RPC_BAD_RESPONSE, "eth_blockNumber", "a block number out of range");
        top = q.value.convert_to<std::uint64_t>();
    }
    // The house's last push at that block (its timestamp), then its MarketInputs log: from the
    // first block stamped at or after it (a push is mined at or after its stamp), by address,
    // topic and the indexed timestamp.
    auto ts = one_view(rpc, contract, quantity(top), "market()",
                       type::tuple_of({type::uint_(64), type::int_(), type::int_(), type::int_(), type::int_(), type::int_()}));
    if (!ts.ok()) return out_t::failure(*ts.err);
    const std::uint64_t stamp = u64(ts.value.as_list()->at(0));
    if (stamp == 0) return out_t::failure(error_code::NOT_FOUND, "/block", "the house has no push at block " + std::to_string(top));
    auto from = first_block_at(rpc, stamp, top);
    if (!from.ok()) return out_t::failure(*from.err);
    auto logs = rpc.call("eth_getLogs", json::array({{{"address", to_hex(contract)},
                                                      {"fromBlock", quantity(from.value)},
                                                      {"toBlock", quantity(top)},
                                                      {"topics", json::array({market_inputs_topic(), word_topic(stamp)})}}}));
    if (!logs.ok()) return out_t::failure(*logs.err);
    const json* found = nullptr;
    if (logs.value.is_array())
        for (const json& l : logs.value) {
            if (!l.is_object() || !l.contains("address") || !l["address"].is_string()) continue;
            auto a = parse_address(l["address"].get<std::string>());
            if (a.ok() && a.value == contract && l.contains("topics") && l["topics"].is_array() && !l["topics"].empty() &&
                l["topics"][0] == market_inputs_topic())
                found = &l;
        }
    if (!found)
        return out_t::failure(error_code::NOT_FOUND, "/block",
                              "no MarketInputs of " + to_hex(contract) + " for the push stamped " + std::to_string(stamp) +
                                  " (a house without the event cannot be audited from logs)");
    auto in = decode_market_inputs(*found);
    if (!in.ok()) return out_t::failure(*in.err);
    // The house at the push's block: what the push left (live series after its settlements,
    // their cached quotes), before any later listing.
    const std::string at = quantity(in.value.block);
    house h(rpc, contract);
    auto params = h.params(at);
    if (!params.ok()) return out_t::failure(*params.err);
    static const type count = type::tuple_of({type::uint_()});
    auto nlive = one_view(rpc, contract, at, "liveCount()", count);
    auto nexp = one_view(rpc, contract, at, "expiryCount()", count);
    if (!nlive.ok()) return out_t::failure(*nlive.err);
    if (!nexp.ok()) return out_t::failure(*nexp.err);
    const auto& nl = *nlive.value.as_list()->at(0).as_number();
    const auto& ne = *nexp.value.as_list()->at(0).as_number();
    if (nl != in.value.vols.size() || ne != in.value.by_expiry.size())
        return bad<mark_audit>("/inputs", "the push's " + std::to_string(in.value.vols.size()) + " vols and " +
                                              std::to_string(in.value.by_expiry.size()) + " expiries against " + nl.str() +
                                              " live series and " + ne.str() + " expiries at its block");
    std::vector<bytes> live_calls, exp_calls;
    for (std::size_t i = 0; i < in.value.vols.size(); ++i)
        live_calls.push_back(call_data("live(uint256)", value::list({value::number(i)})));
    for (std::size_t j = 0; j < in.value.by_expiry.size(); ++j)
        exp_calls.push_back(call_data("expiries(uint256)", value::list({value::number(j)})));
    auto ids = views(rpc, contract, at, live_calls, type::tuple_of({type::uint_(32)}));
    if (!ids.ok()) return out_t::failure(*ids.err);
    auto exps = views(rpc, contract, at, exp_calls, type::tuple_of({type::uint_(64)}));
    if (!exps.ok()) return out_t::failure(*exps.err);
    std::vector<bytes> series_calls, quote_calls;
    for (const value& id : ids.value) {
        series_calls.push_back(call_data("series(uint256)", value::list({id.as_list()->at(0)})));
        quote_calls.push_back(call_data("quotes(uint256)", value::list({id.as_list()->at(0)})));
    }
    auto ser = views(rpc, contract, at, series_calls, type::tuple_of({type::uint_(64), type::boolean(), type::int_(128)}));
    if (!ser.ok()) return out_t::failure(*ser.err);
    auto quo = views(rpc, contract, at, quote_calls, type::tuple_of({type::int_(128), type::int_(128)}));
    if (!quo.ok()) return out_t::failure(*quo.err);
    std::vector<listed_series> live;
    std::vector<fp::I256> cached;
    for (std::size_t i = 0; i < ids.value.size(); ++i) {
        const auto& s = *ser.value[i].as_list();
        live.push_back({u64(ids.value[i].as_list()->at(0)), u64(s[0]), i256(s[2]), *s[1].as_number() == 1});
        cached.push_back(i256(quo.value[i].as_list()->at(1)));
    }
    std::vector<std::uint64_t> expiries;
    for (const value& e : exps.value) expiries.push_back(u64(e.as_list()->at(0)));
    return audit_marks(in.value, live, expiries, cached, params.value);
}

json to_json(const mark_audit& a) {
    json series = json::array();
    for (const mark_check& c : a.checks)
        series.push_back({{"id", std::to_string(c.series.id)},
                          {"expiry", std::to_string(c.series.expiry)},
                          {"strike", c.series.strike.to_string()},
                          {"call", c.series.call},
                          {"vol", c.vol.to_string()},
                          {"engine", c.engine_mark.to_string()},
                          {"cached", c.cached_mark.to_string()},
                          {"match", c.match()}});
    return {{"block", std::to_string(a.block)},
            {"timestamp", std::to_string(a.timestamp)},
            {"tx", a.tx},
            {"series", std::move(series)},
            {"mismatches", a.mismatches()}};
}

}  // namespace chain
