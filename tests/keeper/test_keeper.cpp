// The keeper library (contracts-interface/keeper/) against node answers recorded from a real
// anvil run of the clearing house (tests/keeper/fixtures/, written by
// contracts-interface/harness/keeper-record.js with the margin-keeper binary of the time):
// the library must send exactly the requests the binary sent, in order, and report exactly
// what it printed (but for the timings); and its decisions are checked on their own terms.
// No network, no node: a replaying transport and a clock that only counts.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "abi/abi.hpp"
#include "abi/keccak.hpp"
#include "bridge/book.hpp"
#include "bridge/request.hpp"
#include "chain/house.hpp"
#include "chain/node.hpp"
#include "core/margin.hpp"
#include "keeper/keeper.hpp"
#include "replay_transport.hpp"

using nlohmann::json;

namespace {

using keeper_test::load_fixture;
using keeper_test::methods_of;
using keeper_test::replay_transport;

// Time stands still but for sleeps, which are counted.
class counting_clock final : public keeper::clock {
public:
    std::chrono::steady_clock::time_point now() override { return t_; }
    void sleep(std::chrono::milliseconds d) override {
        sleeps.push_back(d.count());
        t_ += d;
    }
    std::vector<long long> sleeps;

private:
    std::chrono::steady_clock::time_point t_{};
};

struct collected final : keeper::reporter {
    std::vector<json> events;
    void report(json event) override { events.push_back(std::move(event)); }
    std::vector<json> of(const std::string& kind) const {
        std::vector<json> out;
        for (const json& e : events)
            if (e.value("event", "") == kind) out.push_back(e);
        return out;
    }
};

// An event without what depends on the wall clock.
json untimed(json e) {
    for (const char* k : {"ms", "read_ms", "eval_ms", "accounts_per_s_eval", "accounts_per_s_with_reads"}) e.erase(k);
    return e;
}

struct run_result {
    int status = -1;
    collected out;
    counting_clock time;
};

// The keeper as margin-keeper ran it for the fixture ("config": its options), over the recording.
void run_fixture(const json& fx, replay_transport& t, run_result& r) {
    const json& c = fx.at("config");
    keeper::config cfg;
    cfg.contract = chain::parse_address(c.at("contract").get<std::string>()).value;
    if (c.contains("key")) {
        auto key = chain::signer::from_hex(c["key"].get<std::string>());
        REQUIRE(key.ok());
        cfg.key = key.value;
    }
    if (c.contains("from")) cfg.from = chain::parse_address(c["from"].get<std::string>()).value;
    cfg.dry_run = c.value("dry_run", false);
    keeper::schedule s;
    s.rounds = c.value("rounds", 1L);
    s.retries = c.value("retries", 30);
    chain::rpc_client rpc(t);
    keeper::keeper k(cfg, rpc, r.out, r.time);
    r.status = keeper::run(k, s, r.out, r.time);
}

// What margin-keeper printed for the fixture, after its start line, untimed.
std::vector<json> recorded_events(const json& fx) {
    std::vector<json> out;
    for (const json& e : fx.at("stdout"))
        if (e.value("event", "") != "start") out.push_back(untimed(e));
    return out;
}

// The library replays the recording exactly: every request the recorded one, every answer
// used, the same reports and exit status as margin-keeper.
void require_same_as_recorded(const json& fx, const replay_transport& t, const run_result& r) {
    for (const std::string& m : t.mismatches()) FAIL_CHECK(m);
    CHECK(t.mismatches().empty());
    CHECK(t.left() == 0);
    std::vector<json> got;
    for (const json& e : r.out.events) got.push_back(untimed(e));
    const std::vector<json> want = recorded_events(fx);
    CHECK(got.size() == want.size());
    for (std::size_t i = 0; i < std::min(got.size(), want.size()); ++i) {
        INFO("event " << i);
        CHECK(got[i].dump() == want[i].dump());
    }
    CHECK(r.status == fx.at("exit").get<int>());
}

bool sends(const replay_transport& t) {
    for (const json& q : t.requests())
        for (const std::string& m : methods_of(q))
            if (m == "eth_sendRawTransaction" || m == "eth_sendTransaction") return true;
    return false;
}

// The recorded answer to the book(account) call of the books batch, decoded.
bridge::book recorded_book(const json& fx, const std::string& account) {
    const abi::bytes call = abi::encode_call("book(address)", abi::value::list({abi::value::number(abi::integer(account))})).value;
    const std::string data = abi::to_hex(call);
    for (const json& x : fx.at("exchanges")) {
        if (!x.at("request").is_array()) continue;
        const json& reqs = x["request"];
        for (std::size_t i = 0; i < reqs.size(); ++i)
            if (reqs[i]["params"][0].value("data", "") == data) {
                for (const json& answer : x.at("response"))
                    if (answer.at("id") == reqs[i].at("id")) {
                        static const abi::type ret = abi::type::tuple_of({bridge::book_type()});
                        auto v = abi::decode(ret, abi::from_hex(answer.at("result").get<std::string>()).value);
                        REQUIRE(v.ok());
                        auto b = bridge::book_from_value(v.value.as_list()->at(0));
                        REQUIRE(b.ok());
                        return b.value;
                    }
            }
    }
    FAIL("no recorded book for " << account);
    return {};
}

}  // namespace

TEST_CASE("keeper: a round finds every account and liquidates exactly the liquidatable one, at its worst scenario", "[keeper]") {
    const json fx = load_fixture("round");
    replay_transport t(fx.at("exchanges"), fx.at("url").get<std::string>());
    run_result r;
    run_fixture(fx, t, r);
    require_same_as_recorded(fx, t, r);
    CHECK(r.status == 0);

    const auto rounds = r.out.of("round");
    REQUIRE(rounds.size() == 1);
    const json& round = rounds[0];
    CHECK(round["accounts"] == fx.at("expect").at("accounts"));
    CHECK(round["liquidatable"] == 1);
    const auto decisions = r.out.of("decision");
    REQUIRE(decisions.size() == 1);
    const std::string target = decisions[0]["account"].get<std::string>();
    CHECK(target == fx.at("expect").at("liquidatable").get<std::string>());

    // the scenario is the engine's worst for the book the contract reported for that account
    const bridge::book b = recorded_book(fx, target);
    static const abi::type params_ret = abi::type::tuple_of({bridge::params_type()});
    std::string params_hex;
    const std::string params_data = abi::to_hex(abi::encode_call("params()", abi::value::list({})).value);
    for (const json& x : fx.at("exchanges"))
        if (x.at("request").is_object() && x["request"]["method"] == "eth_call" &&
            x["request"]["params"][0].value("data", "") == params_data)
            params_hex = x.at("response").at("result").get<std::string>();
    REQUIRE_FALSE(params_hex.empty());
    auto pv = abi::decode(params_ret, abi::from_hex(params_hex).value);
    REQUIRE(pv.ok());
    auto params = bridge::params_from_value(pv.value.as_list()->at(0));
    REQUIRE(params.ok());
    auto req = bridge::request_of(b, params.value, "BTC", fx.at("expect").at("market_timestamp").get<std::int64_t>());
    REQUIRE(req.ok());
    auto res = margin::compute_portfolio(req.value);
    REQUIRE(res.ok());
    CHECK(res.value.liquidatable);
    REQUIRE(res.value.underlyings.size() == 1);
    CHECK(decisions[0]["scenario"] == res.value.underlyings[0].worst_scenario);
    CHECK(decisions[0]["equity"] == res.value.equity.raw().to_string());
    CHECK(decisions[0]["maintenance"] == res.value.maintenance_margin.raw().to_string());

    // simulated, then sent: liquidate(target, scenario), signed locally; mined, and reported
    std::vector<std::string> methods;
    for (const json& q : t.requests())
        for (const std::string& m : methods_of(q)) methods.push_back(m);
    const auto at = [&](const std::string& m) { return std::find(methods.begin(), methods.end(), m) - methods.begin(); };
    CHECK(at("eth_estimateGas") < at("eth_sendRawTransaction"));
    CHECK(std::count(methods.begin(), methods.end(), "eth_sendRawTransaction") == 1);
    const std::string calldata =
        abi::to_hex(chain::house::liquidate_call(chain::parse_address(target).value, decisions[0]["scenario"].get<std::uint64_t>()));
    for (const json& q : t.requests())
        if (q.is_object() && q["method"] == "eth_sendRawTransaction")
            CHECK(q["params"][0].get<std::string>().find(calldata.substr(2)) != std::string::npos);
    const auto liquidated = r.out.of("liquidated");
    REQUIRE(liquidated.size() == 1);
    CHECK(liquidated[0]["account"] == target);
    CHECK(liquidated[0]["scenario"] == decisions[0]["scenario"]);
    CHECK(r.out.of("reverted").empty());
    CHECK(r.out.of("rpc_error").empty());
}

TEST_CASE("keeper: an account whose book has no request form is reported, and the round goes on", "[keeper]") {
    const json fx = load_fixture("round");
    replay_transport t(fx.at("exchanges"), fx.at("url").get<std::string>());
    run_result r;
    run_fixture(fx, t, r);
    require_same_as_recorded(fx, t, r);
    const auto errors = r.out.of("error");
    REQUIRE(errors.size() == 1);
    CHECK(errors[0]["account"] == fx.at("expect").at("unrepresentable"));
    CHECK(errors[0]["code"] == fx.at("expect").at("unrepresentable_code"));
    // its book: two legs of one series, listed twice on chain, which a request cannot hold apart
    const bridge::book b = recorded_book(fx, errors[0]["account"].get<std::string>());
    bool twice = false;
    for (const auto& e : b.expiries)
        for (std::size_t i = 0; i < e.legs.size(); ++i)
            for (std::size_t j = i + 1; j < e.legs.size(); ++j)
                twice = twice || (e.legs[i].strike == e.legs[j].strike && e.legs[i].call == e.legs[j].call);
    CHECK(twice);
    const auto rounds = r.out.of("round");
    REQUIRE(rounds.size() == 1);
    CHECK(rounds[0]["evaluated"].get<long>() == rounds[0]["accounts"].get<long>() - 1);
    CHECK(r.out.of("liquidated").size() == 1);  // the others were still judged and acted on
}

TEST_CASE("keeper: an RPC error mid-round: reported, backed off, the round retried, no crash", "[keeper]") {
    const json fx = load_fixture("rpc_error");
    replay_transport t(fx.at("exchanges"), fx.at("url").get<std::string>());
    run_result r;
    run_fixture(fx, t, r);
    require_same_as_recorded(fx, t, r);
    CHECK(r.status == 0);
    const auto errors = r.out.of("rpc_error");
    REQUIRE(errors.size() == 1);
    CHECK(errors[0]["code"] == "RPC_HTTP");
    CHECK(errors[0]["retry_in_ms"] == 250);
    CHECK(errors[0]["failures"] == 1);
    CHECK(r.time.sleeps == std::vector<long long>{250});
    // the failed round stopped at the failure: no round report before the retry's
    REQUIRE(r.out.events.size() >= 2);
    CHECK(r.out.events[0]["event"] == "rpc_error");
    CHECK(r.out.of("round").size() == 1);
    const auto stop = r.out.of("stop");
    REQUIRE(stop.size() == 1);
    CHECK(stop[0]["why"] == "done");
    CHECK(stop[0]["rounds"] == 1);
}

TEST_CASE("keeper: a liquidation the chain refuses in simulation is reported and never sent", "[keeper]") {
    const json fx = load_fixture("revert");
    replay_transport t(fx.at("exchanges"), fx.at("url").get<std::string>());
    run_result r;
    run_fixture(fx, t, r);
    require_same_as_recorded(fx, t, r);
    CHECK(r.status == 0);
    const auto decisions = r.out.of("decision");
    REQUIRE_FALSE(decisions.empty());
    const auto skips = r.out.of("skip");
    REQUIRE(skips.size() == decisions.size());
    for (const json& s : skips) {
        CHECK(s["why"] == "the chain refuses: AccountHealthy");
        CHECK(s["detail"] == "healthy on chain now (front-run, or the state moved since the scan)");
    }
    CHECK_FALSE(sends(t));
    CHECK(r.out.of("sent").empty());
}

TEST_CASE("keeper: a node that never answers: back-off doubling, then it gives up", "[keeper]") {
    // constructed, not recorded: every exchange fails
    struct down final : chain::transport {
        std::string url = "http://127.0.0.1:9";
        margin::outcome<response> post(const std::string&, const std::string& what) override {
            return margin::outcome<response>::failure(margin::error_code::RPC_UNREACHABLE, what, url + ": Couldn't connect to server");
        }
        const std::string& endpoint() const noexcept override { return url; }
    } node;
    chain::rpc_client rpc(node);
    collected out;
    counting_clock time;
    keeper::config cfg;
    cfg.dry_run = true;
    keeper::keeper k(cfg, rpc, out, time);
    keeper::schedule s;
    s.retries = 7;
    CHECK(keeper::run(k, s, out, time) == 3);
    CHECK(time.sleeps == std::vector<long long>{250, 500, 1000, 2000, 4000, 8000, 8000});
    CHECK(out.of("rpc_error").size() == 7);
    const auto stop = out.of("stop");
    REQUIRE(stop.size() == 1);
    CHECK(stop[0]["why"] == "gave up after 7 failed rounds");
    CHECK(stop[0]["code"] == "RPC_UNREACHABLE");
    CHECK(out.events.back()["event"] == "stop");
}

// ---- hostile and unusual nodes: a real node's recorded answers (round.json), one changed

namespace {

using keeper_test::fixture_node;
using keeper_test::result;

// The round fixture's node, run with `cfg` (the fixture's contract and key) and `s`.
struct hostile_run {
    json fx = load_fixture("round");
    fixture_node node{fx.at("exchanges"), "http://node.test"};
    keeper::config cfg;
    keeper::schedule s;
    collected out;
    counting_clock time;
    int status = -1;
    hostile_run() {
        cfg.contract = chain::parse_address(fx.at("config").at("contract").get<std::string>()).value;
        cfg.dry_run = true;
        s.retries = 1;
    }
    void with_key() {
        cfg.dry_run = false;
        cfg.key = chain::signer::from_hex(fx.at("config").at("key").get<std::string>()).value;
    }
    void run() {
        chain::rpc_client rpc(node);
        keeper::keeper k(cfg, rpc, out, time);
        status = keeper::run(k, s, out, time);
    }
    // The recorded answer's result of the first request of `method`.
    json recorded(const std::string& method) const {
        for (const json& x : fx.at("exchanges"))
            if (x.at("request").is_object() && x["request"]["method"] == method) return x.at("response").at("result");
        return nullptr;
    }
    std::uint64_t head() const { return chain::read_u64(recorded("eth_blockNumber"), "").value; }
};

}  // namespace

TEST_CASE("keeper: a log with a non-string topic fails the round, reported; no exception escapes", "[keeper][hostile]") {
    hostile_run h;
    h.node.on = [&](const json& q) -> std::optional<json> {
        if (q["method"] != "eth_getLogs") return std::nullopt;
        return result(json::array({{{"address", h.fx["config"]["contract"]}, {"topics", {123}}, {"data", "0x"}, {"blockNumber", "0x1"}}}));
    };
    REQUIRE_NOTHROW(h.run());
    CHECK(h.status == 3);
    const auto errors = h.out.of("rpc_error");
    REQUIRE(errors.size() == 1);
    CHECK(errors[0]["code"] == "RPC_BAD_RESPONSE");
    CHECK(errors[0]["message"].get<std::string>().find("topics") != std::string::npos);
    CHECK(h.out.of("round").empty());
}

TEST_CASE("keeper: eth_blockNumber = 2^256 - 1 is refused at once, not scanned for ever", "[keeper][hostile]") {
    hostile_run h;
    h.node.on = [&](const json& q) -> std::optional<json> {
        if (q["method"] == "eth_blockNumber") return result("0x" + std::string(64, 'f'));
        if (h.node.requests.size() > 1000) return json("node gave up");  // (the old keeper looped here)
        return std::nullopt;
    };
    h.run();
    CHECK(h.status == 3);
    CHECK(h.node.count("eth_getLogs") == 0);
    CHECK(h.node.requests.size() < 10);
    const auto errors = h.out.of("rpc_error");
    REQUIRE_FALSE(errors.empty());
    CHECK(errors[0]["code"] == "RPC_BAD_RESPONSE");
    CHECK(errors[0]["method"] == "eth_blockNumber");
}

TEST_CASE("keeper: a head that leaps forward or goes back further than a reorg is not believed", "[keeper][hostile]") {
    for (const bool leap : {true, false}) {
        hostile_run h;
        h.s.rounds = 2;
        h.s.retries = 0;
        const std::uint64_t first = h.head(), second = leap ? first + 2'000'000 : first - 65;
        h.node.on = [&](const json& q) -> std::optional<json> {
            if (q["method"] == "eth_blockNumber") return result(chain::quantity(h.node.count("eth_blockNumber") == 1 ? first : second));
            return std::nullopt;
        };
        h.run();
        CHECK(h.status == 3);
        CHECK(h.out.of("round").size() == 1);
        const auto stop = h.out.of("stop");
        REQUIRE(stop.size() == 1);
        CHECK(stop[0]["message"].get<std::string>().find(leap ? "jumped" : "went back") != std::string::npos);
    }
}

TEST_CASE("keeper: an exception inside a round is caught, reported, and the keeper goes on", "[keeper][hostile]") {
    hostile_run h;
    h.node.on = [&](const json& q) -> std::optional<json> {
        if (q["method"] == "eth_getLogs" && h.node.count("eth_getLogs") == 1) throw std::runtime_error("boom");
        return std::nullopt;
    };
    h.run();
    CHECK(h.status == 0);
    const auto errors = h.out.of("rpc_error");
    REQUIRE(errors.size() == 1);
    CHECK(errors[0]["code"] == "INTERNAL_ERROR");
    CHECK(h.out.of("round").size() == 1);
}

TEST_CASE("keeper: contract parameters the engine rejects stop the keeper with status 4 and the reason", "[keeper][hostile]") {
    hostile_run h;
    const std::string params_call = abi::to_hex(abi::encode_call("params()", abi::value::list({})).value);
    static const abi::type ret = abi::type::tuple_of({bridge::params_type()});
    json params_hex;
    for (const json& x : h.fx.at("exchanges"))
        if (x.at("request").is_object() && x["request"]["method"] == "eth_call" && x["request"]["params"][0]["data"] == params_call)
            params_hex = x["response"]["result"];
    auto v = abi::decode(ret, abi::from_hex(params_hex.get<std::string>()).value);
    REQUIRE(v.ok());
    auto p = bridge::params_from_value(v.value.as_list()->at(0));
    REQUIRE(p.ok());
    p.value.scenarios.clear();  // no scenario at all: no request can use these
    const std::string bad = abi::to_hex(abi::encode(ret, abi::value::list({bridge::to_value(p.value)})).value);
    h.node.on = [&](const json& q) -> std::optional<json> {
        if (q["method"] == "eth_call" && q["params"][0]["data"] == params_call) return result(bad);
        return std::nullopt;
    };
    h.run();
    CHECK(h.status == 4);
    const auto stop = h.out.of("stop");
    REQUIRE(stop.size() == 1);
    CHECK(stop[0]["why"] == "refused: retrying cannot help");
    CHECK(stop[0]["message"].get<std::string>().find("the contract's parameters") != std::string::npos);
    CHECK(h.out.of("rpc_error").empty());  // not retried
}

TEST_CASE("keeper: a node of another chain than --chain-id is refused before anything else", "[keeper][hostile]") {
    hostile_run h;
    h.cfg.chain_id = 1;  // the recording is anvil's 31337
    h.run();
    CHECK(h.status == 4);
    const auto stop = h.out.of("stop");
    REQUIRE(stop.size() == 1);
    CHECK(stop[0]["code"] == "CHAIN_ID_MISMATCH");
    CHECK(h.node.requests.size() == 1);
    hostile_run ok;
    ok.cfg.chain_id = 31337;
    ok.run();
    CHECK(ok.status == 0);
}

TEST_CASE("keeper: a base fee at or above --max-fee: the liquidation is skipped, nothing sent", "[keeper][fees]") {
    hostile_run h;
    h.with_key();
    h.cfg.max_fee = 1;  // 1 wei per gas
    h.run();
    CHECK(h.status == 0);
    CHECK(h.node.count("eth_sendRawTransaction") == 0);
    const auto skips = h.out.of("skip");
    REQUIRE(skips.size() == 1);
    CHECK(skips[0]["code"] == "FEE_TOO_HIGH");
}

TEST_CASE("keeper: fees within --max-fee, and a stuck transaction replaced with bumped fees and the same nonce", "[keeper][fees]") {
    hostile_run r;
    const abi::integer base = chain::read_u256(r.recorded("eth_getBlockByNumber")["baseFeePerGas"], "").value;
    const abi::integer tip = chain::read_u256(r.recorded("eth_maxPriorityFeePerGas"), "").value;
    std::vector<std::string> raws;
    // one replacement, same nonce, fees x 9/8 + 1, and its receipt is the one reported
    r.with_key();
    r.cfg.bump_after = std::chrono::milliseconds(1000);
    r.node.on = [&](const json& q) -> std::optional<json> {
        if (q["method"] == "eth_sendRawTransaction") {
            raws.push_back(q["params"][0].get<std::string>());
            std::array<char, 67> buf;
            return result(std::string(abi::to_hex(abi::keccak256(abi::from_hex(raws.back()).value), buf)));
        }
        if (q["method"] == "eth_getTransactionReceipt") {
            if (raws.size() < 2) return result(nullptr);
            json rc = r.recorded("eth_getTransactionReceipt");
            std::array<char, 67> buf;
            const std::string second(abi::to_hex(abi::keccak256(abi::from_hex(raws[1]).value), buf));
            if (q["params"][0] != second) return result(nullptr);
            rc["transactionHash"] = second;
            return result(rc);
        }
        return std::nullopt;
    };
    r.run();
    CHECK(r.status == 0);
    REQUIRE(raws.size() == 2);
    const auto rep = r.out.of("replaced");
    REQUIRE(rep.size() == 1);
    const auto sent = r.out.of("sent");
    REQUIRE(sent.size() == 1);
    const auto liq = r.out.of("liquidated");
    REQUIRE(liq.size() == 1);
    CHECK(liq[0]["tx"] == rep[0]["tx"]);
    CHECK(rep[0]["old_tx"] == sent[0]["tx"]);
    // the replacement is exactly the first transaction with the nonce kept and the fees raised
    chain::eip1559_tx tx;
    tx.chain_id = 31337;
    tx.nonce = chain::read_u64(r.recorded("eth_getTransactionCount"), "").value;
    tx.max_priority_fee_per_gas = tip;
    tx.max_fee_per_gas = base * 2 + tip;
    tx.gas_limit = std::stoull(sent[0]["gas_limit"].get<std::string>());
    tx.to = r.cfg.contract;
    tx.data = chain::house::liquidate_call(chain::parse_address(sent[0]["account"].get<std::string>()).value,
                                           sent[0]["scenario"].get<std::uint64_t>());
    CHECK(abi::to_hex(r.cfg.key->sign(tx)) == raws[0]);
    tx.max_priority_fee_per_gas = tip * 9 / 8 + 1;
    tx.max_fee_per_gas = (base * 2 + tip) * 9 / 8 + 1;
    CHECK(abi::to_hex(r.cfg.key->sign(tx)) == raws[1]);
    CHECK(rep[0]["nonce"] == tx.nonce);
}

TEST_CASE("keeper: --confirmations: a liquidation whose block leaves the chain is reported reorged, not liquidated", "[keeper][reorg]") {
    for (const bool reorged : {false, true}) {
        hostile_run h;
        h.with_key();
        h.cfg.confirmations = 2;
        const json receipt = h.recorded("eth_getTransactionReceipt");
        const std::uint64_t mined = chain::read_u64(receipt["blockNumber"], "").value;
        h.node.on = [&](const json& q) -> std::optional<json> {
            const std::size_t receipts = h.node.count("eth_getTransactionReceipt");
            if (q["method"] == "eth_blockNumber" && receipts > 0) return result(chain::quantity(mined + 2));
            if (q["method"] == "eth_getTransactionReceipt" && receipts == 2 && reorged) {
                json rc = receipt;
                rc["blockHash"] = "0x" + std::string(64, '1');
                return result(rc);
            }
            return std::nullopt;
        };
        h.run();
        CHECK(h.status == 0);
        CHECK(h.out.of("reorged").size() == (reorged ? 1u : 0u));
        const auto liq = h.out.of("liquidated");
        REQUIRE(liq.size() == (reorged ? 0u : 1u));
        if (!reorged) CHECK(liq[0]["confirmations"] == 2);
    }
}

TEST_CASE("keeper: a reorg under scanned blocks: reported, and the recent logs are read again", "[keeper][reorg]") {
    hostile_run h;
    h.s.rounds = 2;
    const std::uint64_t first = h.head();
    const json block = h.recorded("eth_getBlockByNumber");
    const std::string newcomer = "0x00000000000000000000000000000000000000aa";
    h.node.on = [&](const json& q) -> std::optional<json> {
        const bool second_round = h.node.count("eth_blockNumber") >= 2;
        if (q["method"] == "eth_blockNumber") return result(chain::quantity(second_round ? first + 1 : first));
        if (q["method"] == "eth_getBlockByNumber" && second_round) {
            json b = block;
            b["number"] = q["params"][0];
            b["hash"] = "0x" + std::string(64, q["params"][0] == chain::quantity(first) ? '2' : '3');  // block `first` replaced
            return result(b);
        }
        if (q["method"] == "eth_getLogs" && second_round) {  // the rescan finds a deposit the old branch did not have
            const json topics = chain::account_topics()[0];
            return result(json::array({{{"address", h.fx["config"]["contract"]},
                                        {"topics", {topics[0], "0x" + std::string(24, '0') + newcomer.substr(2)}},
                                        {"data", "0x" + std::string(64, '0')},
                                        {"blockNumber", chain::quantity(first - 3)}}}));
        }
        return std::nullopt;
    };
    h.run();
    CHECK(h.status == 0);
    const auto reorg = h.out.of("reorg");
    REQUIRE(reorg.size() == 1);
    CHECK(reorg[0]["block"] == first);
    CHECK(reorg[0]["rescan_from"] == first + 1 - 64);
    std::vector<json> logs;
    for (const json& q : h.node.requests)
        if (q["method"] == "eth_getLogs") logs.push_back(q);
    REQUIRE(logs.size() == 2);
    CHECK(logs[1]["params"][0]["fromBlock"] == chain::quantity(first + 1 - 64));
    const auto rounds = h.out.of("round");
    REQUIRE(rounds.size() == 2);
    CHECK(rounds[1]["accounts"] == rounds[0]["accounts"].get<long>() + 1);
}
