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
#include "bridge/book.hpp"
#include "bridge/request.hpp"
#include "chain/house.hpp"
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
