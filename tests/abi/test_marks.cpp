// The mark-cache audit's decoder and comparison (chain/marks.hpp) on data alone: a
// MarketInputs log as the house writes it (abi.encode(bytes) of pushMarket's arguments, the
// timestamp indexed) decoded field for field; logs that are not it refused; the audit's
// engine marks consistent (put-call parity) and a cached mark one wei off caught; over a
// scripted node, the house's own log found (another contract's ignored), the query bounded, the
// views read at the push's block. Against a real house on anvil:
// contracts-interface/harness/accounts.js (margin audit-marks).
#include <catch2/catch.hpp>

#include <array>
#include <cstdio>

#include "abi/keccak.hpp"
#include "api/request.hpp"
#include "chain/marks.hpp"

using margin::error_code;
using nlohmann::json;

namespace {

abi::value num(const char* wad) { return abi::value::number(abi::integer(fp::parse(wad).value.raw().to_string())); }
abi::value raw(std::int64_t v) { return abi::value::number(abi::integer(v)); }

// pushMarket's arguments stamped 1767225600: spot 100000, two expiries, three series' vols.
abi::value push_args() {
    using abi::value;
    return value::list({value::list({raw(1767225600), num("100000"), num("10"), num("100010"), num("12"), num("1")}),
                        value::list({value::list({num("100100"), num("5"), num("0.05"), num("0.99589")}),
                                     value::list({num("100400"), num("6"), num("0.05"), num("0.98777")})}),
                        value::list({num("0.5"), num("0.6"), num("0.55")})});
}

json log_of(const abi::value& args, std::uint64_t indexed) {
    const abi::bytes inner = abi::encode(chain::push_args_type(), args).value;
    const abi::bytes data =
        abi::encode(abi::type::tuple_of({abi::type::dynamic_bytes()}), abi::value::list({abi::value::blob(inner)})).value;
    std::array<char, 67> t{};
    std::snprintf(t.data(), t.size(), "0x%064llx", static_cast<unsigned long long>(indexed));
    return {{"address", "0x" + std::string(38, '0') + "11"},
            {"blockNumber", "0x2a"},
            {"transactionHash", "0x" + std::string(64, 'b')},
            {"topics", {chain::market_inputs_topic(), std::string(t.data())}},
            {"data", abi::to_hex(data)}};
}

margin::scenario::params pmrm2() {
    auto req = margin::api::parse_request(R"({"api_version":"1","params":"pmrm2","market":{"timestamp":"1767225600",
      "underlyings":{"BTC":{"spot":"100000"}}},"account":{"cash":"0","positions":[]}})");
    REQUIRE(req.ok());
    return req.value.portfolio.scenarios;
}

}  // namespace

TEST_CASE("decode_market_inputs: pushMarket's arguments from the house's log", "[chain][marks]") {
    std::array<char, 67> topic{};
    CHECK(chain::market_inputs_topic() == abi::to_hex(abi::keccak256("MarketInputs(uint64,bytes)"), topic));
    auto in = chain::decode_market_inputs(log_of(push_args(), 1767225600));
    REQUIRE(in.ok());
    CHECK(in.value.market.timestamp == 1767225600);
    CHECK(in.value.market.spot.to_string() == "100000000000000000000000");
    CHECK(in.value.market.perp_confidence.to_string() == "12000000000000000000");
    CHECK(in.value.market.stable_price.to_string() == "1000000000000000000");
    REQUIRE(in.value.by_expiry.size() == 2);
    CHECK(in.value.by_expiry[1].forward.to_string() == "100400000000000000000000");
    CHECK(in.value.by_expiry[1].discount.to_string() == "987770000000000000");
    REQUIRE(in.value.vols.size() == 3);
    CHECK(in.value.vols[2].to_string() == "550000000000000000");
    CHECK(in.value.block == 42);

    // inputs stamped otherwise than the indexed timestamp, another event, truncated data
    CHECK(chain::decode_market_inputs(log_of(push_args(), 1767225601)).err->code == error_code::ABI_BAD_DATA);
    json other = log_of(push_args(), 1767225600);
    other["topics"][0] = "0x" + std::string(64, '0');
    CHECK(chain::decode_market_inputs(other).err->code == error_code::NOT_FOUND);
    json cut = log_of(push_args(), 1767225600);
    cut["data"] = cut["data"].get<std::string>().substr(0, 200);
    CHECK_FALSE(chain::decode_market_inputs(cut).ok());
}

TEST_CASE("audit_marks: the engine's marks of the pushed market, and a cached mark one wei off caught", "[chain][marks]") {
    auto in = chain::decode_market_inputs(log_of(push_args(), 1767225600));
    REQUIRE(in.ok());
    const std::uint64_t e1 = 1767225600 + 30 * 86400, e2 = 1767225600 + 90 * 86400;
    const fp::I256 k = fp::parse("100000").value.raw();
    // a call and a put at one strike on the first expiry (same vol), a call on the second
    in.value.vols[1] = in.value.vols[0];
    const std::vector<chain::listed_series> live = {{7, e1, k, true}, {8, e1, k, false}, {9, e2, k, true}};
    const std::vector<std::uint64_t> expiries = {e1, e2};
    auto first = chain::audit_marks(in.value, live, expiries, {fp::I256{}, fp::I256{}, fp::I256{}}, pmrm2());
    REQUIRE(first.ok());
    CHECK(first.value.mismatches() == 3);  // nothing cached: every series differs
    std::vector<fp::I256> engine;
    for (const auto& c : first.value.checks) engine.push_back(c.engine_mark);
    // put-call parity on the first expiry: C - P = DF (F - K), within the two floors
    using fp::Wad;
    const Wad intrinsic = fp::sub(Wad::from_raw(in.value.by_expiry[0].forward), Wad::from_raw(k)).value;
    const Wad parity = fp::mul(Wad::from_raw(in.value.by_expiry[0].discount), intrinsic, fp::rounding::floor).value;
    const Wad gap = fp::sub(fp::sub(Wad::from_raw(engine[0]), Wad::from_raw(engine[1])).value, parity).value;
    CHECK(gap.raw() < fp::I256{4});
    CHECK(gap.raw() > fp::I256{-4});
    CHECK(engine[2] > engine[0]);  // more time, more value
    auto same = chain::audit_marks(in.value, live, expiries, engine, pmrm2());
    REQUIRE(same.ok());
    CHECK(same.value.mismatches() == 0);
    auto off = engine;
    off[2] = fp::add(fp::Wad::from_raw(off[2]), fp::Wad::from_raw(fp::I256{1})).value.raw();
    auto bitten = chain::audit_marks(in.value, live, expiries, off, pmrm2());
    REQUIRE(bitten.ok());
    REQUIRE(bitten.value.mismatches() == 1);
    CHECK_FALSE(bitten.value.checks[2].match());
    CHECK(chain::to_json(bitten.value)["series"][2]["id"] == "9");
    // a push whose vols do not follow the live series is refused, not compared
    CHECK(chain::audit_marks(in.value, {live[0], live[1]}, expiries, {engine[0], engine[1]}, pmrm2()).err->code ==
          error_code::ABI_BAD_DATA);
}

namespace {

// A house on a scripted node: eth_call answered by selector (market, params, liveCount,
// expiryCount, live, expiries, series, quotes), eth_getLogs from a list filtered by block and
// topics only (the client must check the emitter itself), blocks stamped 1767225000 + 20 n (block 30 at the push's stamp), the latest 60.
struct house_node final : chain::transport {
    std::string url = "http://node.test:8545";
    std::vector<json> logs, filters, calls_at;
    std::vector<std::uint64_t> ids, expiries;
    std::vector<chain::listed_series> series;  // by position in ids
    std::vector<fp::I256> marks;
    margin::scenario::params params;

    static std::string hex_of(const abi::type& t, const abi::value& v) { return abi::to_hex(abi::encode(t, v).value); }
    static std::string sel(std::string_view sig) {
        const auto s = abi::selector(sig);
        return abi::to_hex(abi::bytes(s.begin(), s.end()));
    }
    json answer(const json& q) {
        using abi::type;
        using abi::value;
        const std::string m = q["method"];
        if (m == "eth_blockNumber") return chain::quantity(60);
        if (m == "eth_getBlockByNumber") {
            const auto n = std::stoull(q["params"][0].get<std::string>(), nullptr, 16);
            return {
                {"number", chain::quantity(n)}, {"hash", "0x" + std::string(64, 'a')}, {"timestamp", chain::quantity(1767225000 + 20 * n)}};
        }
        if (m == "eth_getLogs") {
            const json& f = q["params"][0];
            filters.push_back(f);
            json out = json::array();
            for (const json& l : logs) {
                const auto b = std::stoull(l["blockNumber"].get<std::string>(), nullptr, 16);
                bool topics = true;
                for (std::size_t i = 0; i < f["topics"].size(); ++i) topics = topics && l["topics"][i] == f["topics"][i];
                if (b >= std::stoull(f["fromBlock"].get<std::string>(), nullptr, 16) &&
                    b <= std::stoull(f["toBlock"].get<std::string>(), nullptr, 16) && topics)
                    out.push_back(l);
            }
            return out;
        }
        // eth_call
        calls_at.push_back(q["params"][1]);
        const std::string data = q["params"][0]["data"];
        const std::string s = data.substr(0, 10);
        const auto arg = data.size() > 10 ? std::stoull(data.substr(data.size() - 16), nullptr, 16) : 0;
        const auto u = [](std::uint64_t v) { return value::number(abi::integer(v)); };
        const auto i = [](const fp::I256& v) { return value::number(abi::integer(v.to_string())); };
        if (s == sel("market()"))
            return hex_of(type::tuple_of({type::uint_(64), type::int_(), type::int_(), type::int_(), type::int_(), type::int_()}),
                          value::list({u(1767225600), u(1), u(0), u(1), u(0), u(1)}));
        if (s == sel("params()")) return hex_of(type::tuple_of({bridge::params_type()}), value::list({bridge::to_value(params)}));
        if (s == sel("liveCount()")) return hex_of(type::tuple_of({type::uint_()}), value::list({u(ids.size())}));
        if (s == sel("expiryCount()")) return hex_of(type::tuple_of({type::uint_()}), value::list({u(expiries.size())}));
        if (s == sel("live(uint256)")) return hex_of(type::tuple_of({type::uint_(32)}), value::list({u(ids[arg])}));
        if (s == sel("expiries(uint256)")) return hex_of(type::tuple_of({type::uint_(64)}), value::list({u(expiries[arg])}));
        const auto k = static_cast<std::size_t>(std::find(ids.begin(), ids.end(), arg) - ids.begin());
        if (s == sel("series(uint256)"))
            return hex_of(type::tuple_of({type::uint_(64), type::boolean(), type::int_(128)}),
                          value::list({u(series[k].expiry), value::boolean(series[k].call), i(series[k].strike)}));
        if (s == sel("quotes(uint256)"))
            return hex_of(type::tuple_of({type::int_(128), type::int_(128)}), value::list({u(1), i(marks[k])}));
        return "0x";
    }
    margin::outcome<response> post(const std::string& body, const std::string&) override {
        const json q = json::parse(body);
        json out;
        if (q.is_array()) {
            out = json::array();
            for (const json& one : q) out.push_back({{"jsonrpc", "2.0"}, {"id", one["id"]}, {"result", answer(one)}});
        } else {
            out = {{"jsonrpc", "2.0"}, {"id", q["id"]}, {"result", answer(q)}};
        }
        return {{200, out.dump()}, std::nullopt};
    }
    const std::string& endpoint() const noexcept override { return url; }
};

}  // namespace

TEST_CASE("audit_marks over RPC: the house's own MarketInputs log, its views at the push's block", "[chain][marks][rpc]") {
    auto in = chain::decode_market_inputs(log_of(push_args(), 1767225600));
    REQUIRE(in.ok());
    const std::uint64_t e1 = 1767225600 + 30 * 86400, e2 = 1767225600 + 90 * 86400;
    const fp::I256 k = fp::parse("100000").value.raw();
    house_node node;
    node.params = pmrm2();
    node.ids = {7, 8, 9};
    node.expiries = {e1, e2};
    node.series = {{7, e1, k, true}, {8, e1, k, false}, {9, e2, k, true}};
    auto engine = chain::audit_marks(in.value, node.series, node.expiries, {fp::I256{}, fp::I256{}, fp::I256{}}, node.params);
    REQUIRE(engine.ok());
    for (const auto& c : engine.value.checks) node.marks.push_back(c.engine_mark);
    // the house's log (block 42 in log_of), and a later one of another contract with other vols
    const json own = log_of(push_args(), 1767225600);
    abi::value other_args = push_args();
    (*std::get_if<std::vector<abi::value>>(&(*std::get_if<std::vector<abi::value>>(&other_args.data))[2].data))[0] = num("0.9");
    json other = log_of(other_args, 1767225600);
    other["address"] = "0x" + std::string(38, '0') + "22";
    other["blockNumber"] = "0x2b";
    node.logs = {own, other};
    chain::rpc_client rpc(node);
    const chain::address house = chain::parse_address(own["address"].get<std::string>()).value;
    auto a = chain::audit_marks(rpc, house, std::nullopt);
    INFO((a.ok() ? std::string() : a.err->message));
    REQUIRE(a.ok());
    CHECK(a.value.block == 42);
    CHECK(a.value.checks.size() == 3);
    CHECK(a.value.mismatches() == 0);
    // the log query: by address, topic and the indexed timestamp, from the first block stamped
    // at or after the push (block 30), to the latest (60)
    REQUIRE(node.filters.size() == 1);
    CHECK(node.filters[0]["fromBlock"] == chain::quantity(30));
    CHECK(node.filters[0]["toBlock"] == chain::quantity(60));
    CHECK(node.filters[0]["address"] == own["address"]);
    CHECK(node.filters[0]["topics"][1] == own["topics"][1]);
    // every view after the log is read at the push's block
    CHECK(node.calls_at.back() == "0x2a");
    // a cached mark one wei off is caught
    node.marks[1] = fp::add(fp::Wad::from_raw(node.marks[1]), fp::Wad::from_raw(fp::I256{1})).value.raw();
    auto b = chain::audit_marks(rpc, house, std::uint64_t{60});
    REQUIRE(b.ok());
    CHECK(b.value.mismatches() == 1);
    CHECK_FALSE(b.value.checks[1].match());
    // a house that emitted no MarketInputs: NOT_FOUND
    node.logs = {other};
    CHECK(chain::audit_marks(rpc, house, std::nullopt).err->code == error_code::NOT_FOUND);
}
