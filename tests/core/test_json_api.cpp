// JSON API v1: the malformed-input suite (each bad request's stable code and
// JSON pointer), the canonical encoding, the embedded documents.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <vector>

#include "api/document.hpp"
#include "api/documents.hpp"
#include "api/pipeline.hpp"
#include "api/request.hpp"
#include "api/response.hpp"
#include "core/scenario.hpp"
#include "core/trade.hpp"

using namespace margin;
using namespace margin::api;
using nlohmann::json;

using margin::error_code;

namespace {

json example() { return json::parse(document("example")); }

struct bad_case {
    const char* what;
    std::function<std::string()> request;  // the request text
    margin::error_code code;
    const char* path;
};

// A mutation of the example request.
std::function<std::string()> edit(std::function<void(json&)> f) {
    return [f] {
        json j = example();
        f(j);
        return j.dump();
    };
}
std::function<std::string()> text(std::string s) {
    return [s] { return s; };
}

json portfolio_doc() { return json::parse(document("pmrm2")); }

json& pos(json& j, int i) { return j["account"]["positions"][static_cast<std::size_t>(i)]; }
json& btc(json& j) { return j["market"]["underlyings"]["BTC"]; }

const std::vector<bad_case>& bad_cases() {
    static const std::vector<bad_case> cases = {
        {"not JSON", text("{\"api_version\": \"1\","), error_code::JSON_SYNTAX, ""},
        {"empty input", text(""), error_code::JSON_SYNTAX, ""},
        {"a JSON number instead of a decimal string", edit([](json& j) { btc(j)["spot"] = 100000; }), error_code::JSON_NUMBER,
         "/market/underlyings/BTC/spot"},
        {"a float in an array element", edit([](json& j) { pos(j, 2)["size"] = -2.5; }), error_code::JSON_NUMBER,
         "/account/positions/2/size"},
        {"duplicate key", text(R"({"api_version":"1","api_version":"1"})"), error_code::DUPLICATE_KEY, "/api_version"},
        {"too deep", text(std::string(40, '[') + std::string(40, ']')), error_code::JSON_TOO_DEEP, "/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0"},
        {"top level not an object", text("[]"), error_code::WRONG_TYPE, ""},
        {"unknown top-level field", edit([](json& j) { j["accounts"] = json::object(); }), error_code::UNKNOWN_FIELD, "/accounts"},
        {"missing api_version", edit([](json& j) { j.erase("api_version"); }), error_code::MISSING_FIELD, "/api_version"},
        {"unsupported api_version", edit([](json& j) { j["api_version"] = "2"; }), error_code::UNSUPPORTED_VERSION, "/api_version"},
        {"missing market", edit([](json& j) { j.erase("market"); }), error_code::MISSING_FIELD, "/market"},
        {"missing account", edit([](json& j) { j.erase("account"); }), error_code::MISSING_FIELD, "/account"},
        {"unknown field in a position", edit([](json& j) { pos(j, 0)["leverage"] = "10"; }), error_code::UNKNOWN_FIELD,
         "/account/positions/0/leverage"},
        {"option field on a perp", edit([](json& j) { pos(j, 3)["strike"] = "1"; }), error_code::UNKNOWN_FIELD,
         "/account/positions/3/strike"},
        {"missing strike", edit([](json& j) { pos(j, 0).erase("strike"); }), error_code::MISSING_FIELD, "/account/positions/0/strike"},
        {"wrong type: positions an object", edit([](json& j) { j["account"]["positions"] = json::object(); }), error_code::WRONG_TYPE,
         "/account/positions"},
        {"wrong type: size a boolean", edit([](json& j) { pos(j, 1)["size"] = true; }), error_code::WRONG_TYPE,
         "/account/positions/1/size"},
        {"wrong type: spot null", edit([](json& j) { btc(j)["spot"] = nullptr; }), error_code::WRONG_TYPE, "/market/underlyings/BTC/spot"},
        {"bad decimal: exponent", edit([](json& j) { btc(j)["spot"] = "1e5"; }), error_code::BAD_DECIMAL, "/market/underlyings/BTC/spot"},
        {"bad decimal: leading plus", edit([](json& j) { pos(j, 0)["size"] = "+4"; }), error_code::BAD_DECIMAL,
         "/account/positions/0/size"},
        {"bad decimal: empty", edit([](json& j) { j["account"]["cash"] = ""; }), error_code::BAD_DECIMAL, "/account/cash"},
        {"19 fractional digits", edit([](json& j) { pos(j, 0)["strike"] = "95000.0000000000000000001"; }), error_code::DECIMAL_PRECISION,
         "/account/positions/0/strike"},
        {"outside int256", edit([](json& j) { j["account"]["cash"] = "1" + std::string(80, '0'); }), error_code::DECIMAL_RANGE,
         "/account/cash"},
        {"negative spot", edit([](json& j) { btc(j)["spot"] = "-100000"; }), error_code::NOT_POSITIVE, "/market/underlyings/BTC/spot"},
        {"zero forward", edit([](json& j) { btc(j)["expiries"][0]["forward"] = "0"; }), error_code::NOT_POSITIVE,
         "/market/underlyings/BTC/expiries/0/forward"},
        {"negative vol", edit([](json& j) { pos(j, 2)["mark_vol"] = "-0.5"; }), error_code::NOT_POSITIVE, "/account/positions/2/mark_vol"},
        {"zero strike", edit([](json& j) { pos(j, 0)["strike"] = "0"; }), error_code::NOT_POSITIVE, "/account/positions/0/strike"},
        {"vol above 1000%", edit([](json& j) { pos(j, 2)["mark_vol"] = "10.5"; }), error_code::OUT_OF_RANGE,
         "/account/positions/2/mark_vol"},
        {"negative collateral amount", edit([](json& j) { j["account"]["collateral"]["USDC"] = "-1"; }), error_code::NEGATIVE,
         "/account/collateral/USDC"},
        {"negative confidence", edit([](json& j) { btc(j)["spot_confidence"] = "-1"; }), error_code::NEGATIVE,
         "/market/underlyings/BTC/spot_confidence"},
        {"confidence above price", edit([](json& j) { j["market"]["collateral"]["USDC"]["confidence"] = "2"; }), error_code::OUT_OF_RANGE,
         "/market/collateral/USDC/confidence"},
        {"discount factor above 2", edit([](json& j) { btc(j)["expiries"][0]["discount_factor"] = "2.5"; }), error_code::OUT_OF_RANGE,
         "/market/underlyings/BTC/expiries/0/discount_factor"},
        {"SVI rho = 1", edit([](json& j) { btc(j)["expiries"][0]["svi"]["rho"] = "1"; }), error_code::OUT_OF_RANGE,
         "/market/underlyings/BTC/expiries/0/svi/rho"},
        {"SVI negative b", edit([](json& j) { btc(j)["expiries"][0]["svi"]["b"] = "-0.01"; }), error_code::NEGATIVE,
         "/market/underlyings/BTC/expiries/0/svi/b"},
        {"SVI negative variance at the strike", edit([](json& j) { btc(j)["expiries"][0]["svi"]["a"] = "-0.5"; }),
         error_code::SVI_NON_POSITIVE_VARIANCE, "/account/positions/0"},
        {"expiry in the past", edit([](json& j) { btc(j)["expiries"][0]["expiry"] = "1767225600"; }), error_code::EXPIRY_IN_PAST,
         "/market/underlyings/BTC/expiries/0/expiry"},
        {"timestamp not an integer", edit([](json& j) { j["market"]["timestamp"] = "1767225600.5"; }), error_code::BAD_INTEGER,
         "/market/timestamp"},
        {"expiry with leading zero", edit([](json& j) { pos(j, 0)["expiry"] = "01767945600"; }), error_code::BAD_INTEGER,
         "/account/positions/0/expiry"},
        {"duplicate expiry", edit([](json& j) { btc(j)["expiries"][1]["expiry"] = "1767945600"; }), error_code::DUPLICATE_EXPIRY,
         "/market/underlyings/BTC/expiries/1/expiry"},
        {"neither forward nor rate", edit([](json& j) { btc(j)["expiries"][0].erase("forward"); }), error_code::MISSING_FIELD,
         "/market/underlyings/BTC/expiries/0/forward"},
        {"unknown underlying", edit([](json& j) { pos(j, 0)["underlying"] = "SOL"; }), error_code::UNKNOWN_UNDERLYING,
         "/account/positions/0/underlying"},
        {"unknown expiry", edit([](json& j) { pos(j, 0)["expiry"] = "1767945601"; }), error_code::UNKNOWN_EXPIRY,
         "/account/positions/0/expiry"},
        {"bad option type", edit([](json& j) { pos(j, 0)["option_type"] = "straddle"; }), error_code::BAD_ENUM,
         "/account/positions/0/option_type"},
        {"bad instrument type", edit([](json& j) { pos(j, 3)["type"] = "swap"; }), error_code::BAD_ENUM, "/account/positions/3/type"},
        {"bad margin mode", edit([](json& j) { j["account"]["margin_mode"] = "portfolio"; }), error_code::BAD_ENUM, "/account/margin_mode"},
        {"bad symbol", edit([](json& j) { j["market"]["underlyings"]["BT C"] = btc(j); }), error_code::BAD_SYMBOL,
         "/market/underlyings/BT C"},
        {"duplicate position", edit([](json& j) {
             j["account"]["positions"].push_back(pos(j, 0));
             j["account"]["positions"].back().erase("id");
         }),
         error_code::DUPLICATE_POSITION, "/account/positions/6"},
        {"duplicate id", edit([](json& j) { pos(j, 1)["id"] = "btc-perp"; }), error_code::DUPLICATE_ID, "/account/positions/3/id"},
        {"perp without a perp mark", edit([](json& j) { btc(j).erase("perp_mark"); }), error_code::NO_PERP_MARK,
         "/account/positions/3/underlying"},
        {"option without any vol", edit([](json& j) { btc(j)["expiries"][0].erase("svi"); }), error_code::NO_VOLATILITY,
         "/account/positions/0"},
        {"unpriced collateral", edit([](json& j) { j["account"]["collateral"]["ETH"] = "1"; }), error_code::UNPRICED_COLLATERAL,
         "/account/collateral/ETH"},
        {"collateral not accepted", edit([](json& j) {
             j["market"]["collateral"]["DOGE"] = {{"price", "0.1"}};
             j["account"]["collateral"]["DOGE"] = "1";
         }),
         error_code::COLLATERAL_NOT_ACCEPTED, "/account/collateral/DOGE"},
        {"size x contract size beyond 18 decimals", edit([](json& j) {
             pos(j, 0)["size"] = "-0.000000000000000001";
             pos(j, 0)["contract_size"] = "0.1";
         }),
         error_code::QUANTITY_PRECISION, "/account/positions/0/size"},
        {"isolated margin in cross mode", edit([](json& j) { pos(j, 0)["isolated_margin"] = "100"; }),
         error_code::ISOLATED_MARGIN_NOT_ALLOWED, "/account/positions/0/isolated_margin"},
        {"isolated mode without isolated margin", edit([](json& j) { j["account"]["margin_mode"] = "isolated"; }),
         error_code::ISOLATED_MARGIN_REQUIRED, "/account/positions/0/isolated_margin"},
        {"params: wrong version", edit([](json& j) {
             j["params"] = json::parse(document("standard"));
             j["params"]["version"] = "standard/0";
         }),
         error_code::UNSUPPORTED_VERSION, "/params/version"},
        {"params: MM above IM", edit([](json& j) {
             j["params"] = json::parse(document("standard"));
             j["params"]["underlyings"]["BTC"]["perp"]["mm_base"] = "0.5";
         }),
         error_code::INCONSISTENT_PARAMS, "/params/underlyings/BTC/perp"},
        {"params: haircut above 1", edit([](json& j) {
             j["params"] = json::parse(document("standard"));
             j["params"]["collateral"]["BTC"]["im_haircut"] = "1.5";
         }),
         error_code::OUT_OF_RANGE, "/params/collateral/BTC/im_haircut"},
        {"params: no entry for the underlying", edit([](json& j) {
             j["params"] = json::parse(document("standard"));
             j["params"]["underlyings"].erase("*");
         }),
         error_code::NO_PARAMS_FOR_UNDERLYING, "/account/positions/4/underlying"},
        {"size above 1e12", edit([](json& j) { pos(j, 3)["size"] = "1000000000001"; }), error_code::OUT_OF_RANGE,
         "/account/positions/3/size"},
        {"escaped key in a path", edit([](json& j) { j["account"]["a/b~c"] = "1"; }), error_code::UNKNOWN_FIELD, "/account/a~1b~0c"},
        {"portfolio: unknown preset name", edit([](json& j) { j["params"] = "pmrm3"; }), error_code::UNKNOWN_PRESET, "/params"},
        {"portfolio: isolated mode", edit([](json& j) {
             j["params"] = "pmrm2";
             j["account"]["margin_mode"] = "isolated";
         }),
         error_code::MODE_NOT_SUPPORTED, "/account/margin_mode"},
        {"portfolio: unknown scenario preset", edit([](json& j) {
             j["params"] = portfolio_doc();
             j["params"]["scenarios"] = "span17";
         }),
         error_code::UNKNOWN_PRESET, "/params/scenarios"},
        {"portfolio: risk_cancelling not a boolean", edit([](json& j) {
             j["params"] = portfolio_doc();
             j["params"]["collateral"]["BTC"]["risk_cancelling"] = "yes";
         }),
         error_code::WRONG_TYPE, "/params/collateral/BTC/risk_cancelling"},
        {"portfolio: offset of one underlying with itself", edit([](json& j) {
             j["params"] = portfolio_doc();
             j["params"]["offsets"][0]["underlyings"] = {"BTC", "BTC"};
         }),
         error_code::OUT_OF_RANGE, "/params/offsets/0/underlyings"},
        {"portfolio: scenario document with a bad vol move", edit([](json& j) {
             j["params"] = portfolio_doc();
             j["params"]["scenarios"] = json::parse(margin::api::document("scenarios/span16"));
             j["params"]["scenarios"]["scenarios"][3]["vol"] = "sideways";
         }),
         error_code::BAD_ENUM, "/params/scenarios/scenarios/3/vol"},
        {"portfolio: im_factor below mm_factor", edit([](json& j) {
             j["params"] = portfolio_doc();
             j["params"]["scenarios"] = json::parse(margin::api::document("scenarios/pmrm2"));
             j["params"]["scenarios"]["loss"]["im_factor"] = "0.7";
         }),
         error_code::INCONSISTENT_PARAMS, "/params/scenarios/loss/im_factor"},
        {"portfolio: collateral without a rule", edit([](json& j) {
             j["params"] = portfolio_doc();
             j["params"]["collateral"].erase("USDC");
         }),
         error_code::COLLATERAL_NOT_ACCEPTED, "/account/collateral/USDC"},
        {"perp confidence above the mark", edit([](json& j) { btc(j)["perp_confidence"] = "200000"; }), error_code::OUT_OF_RANGE,
         "/market/underlyings/BTC/perp_confidence"},
        {"negative stable price", edit([](json& j) { j["market"]["stable_price"] = "-1"; }), error_code::NOT_POSITIVE,
         "/market/stable_price"},
    };
    return cases;
}

}  // namespace

TEST_CASE("malformed requests: stable code and JSON pointer for each", "[json]") {
    REQUIRE(bad_cases().size() >= 30);
    for (const bad_case& c : bad_cases()) {
        INFO(c.what);
        const std::string req = c.request();
        const auto r = parse_request(req);
        margin::error_code code{};
        std::string path;
        if (!r.ok()) {
            code = r.err->code;
            path = r.err->path;
        } else {
            const auto res = compute_standard(r.value);
            REQUIRE(!res.ok());
            code = res.err->code;
            path = res.err->path;
        }
        CHECK(code == c.code);
        CHECK(path == c.path);
        // The response document is {"error": {code, path, message}} with a message.
        const json resp = json::parse(compute_json(req, false).text);
        REQUIRE(resp.contains("error"));
        CHECK(resp["error"]["code"] == std::string(margin::name(code)));
        CHECK(resp["error"]["path"] == path);
        CHECK(!resp["error"]["message"].get<std::string>().empty());
        CHECK(resp.size() == 1);
    }
}

TEST_CASE("the shipped example and parameters are valid and compute", "[json]") {
    const auto r = parse_request(document("example"));
    REQUIRE(r.ok());
    CHECK(r.value.acct.positions.size() == 6);
    CHECK(r.value.params.version == "standard/1");
    const json resp = json::parse(compute_json(document("example"), true).text);
    REQUIRE(resp.contains("result"));
    CHECK(resp["api_version"] == "1");
    // numbers only as strings, never JSON numbers
    std::function<void(const json&)> no_numbers = [&](const json& j) {
        CHECK(!j.is_number());
        if (j.is_structured())
            for (const auto& v : j) no_numbers(v);
    };
    no_numbers(resp);
    CHECK(version_string().rfind("margin ", 0) == 0);
}

TEST_CASE("canonical encoding: same meaning, same bytes; idempotent", "[json]") {
    const auto a = parse_request(document("example"));
    REQUIRE(a.ok());
    const std::string ca = canonical_request(a.value);
    // idempotent
    const auto again = parse_request(ca);
    REQUIRE(again.ok());
    CHECK(canonical_request(again.value) == ca);
    // the same request reformatted: keys reordered (ordered_json keeps insertion order reversed),
    // whitespace, non-canonical decimals, defaults spelled out, expiries listed in another order
    nlohmann::ordered_json j = nlohmann::ordered_json::parse(document("example"));
    j["market"]["underlyings"]["BTC"]["spot"] = "100000.000";
    j["account"]["positions"][0]["contract_size"] = "1.0";
    j["account"]["margin_mode"] = "cross";
    j["params"] = nlohmann::ordered_json::parse(document("standard"));
    auto& ex = j["market"]["underlyings"]["BTC"]["expiries"];
    std::swap(ex[0], ex[1]);
    nlohmann::ordered_json reversed;
    for (auto it = j.rbegin(); it != j.rend(); ++it) reversed[it.key()] = it.value();
    const auto b = parse_request(reversed.dump(4));
    REQUIRE(b.ok());
    CHECK(canonical_request(b.value) == ca);
    // a different meaning gives different bytes
    j["account"]["positions"][0]["size"] = "-4.000000000000000001";
    const auto c = parse_request(j.dump());
    REQUIRE(c.ok());
    CHECK(canonical_request(c.value) != ca);
    // compact, sorted keys, no whitespace outside strings
    CHECK(ca.find('\n') == std::string::npos);
    CHECK(ca.rfind("{\"account\":{\"cash\":\"20000\"", 0) == 0);
}

TEST_CASE("request documents: the text functions' requests and errors, without the text", "[json]") {
    // canonical_request is canonical_document printed
    const auto a = parse_request(document("example"));
    REQUIRE(a.ok());
    CHECK(canonical_document(a.value).dump() == canonical_request(a.value));
    // every malformed request that is a JSON document: the same error, code and path; the
    // rest (JSON syntax, numbers, duplicate keys, depth) exist only as text
    int compared = 0;
    for (const bad_case& c : bad_cases()) {
        INFO(c.what);
        const std::string text = c.request();
        const auto from_text = parse_request(text);
        if (from_text.ok() || !json::accept(text)) continue;  // fails later (compute), or not JSON
        const margin::error_code code = from_text.err->code;
        if (code == error_code::JSON_SYNTAX || code == error_code::JSON_NUMBER || code == error_code::DUPLICATE_KEY ||
            code == error_code::JSON_TOO_DEEP || code == error_code::JSON_TOO_LARGE)
            continue;
        const auto from_doc = parse_request_document(json::parse(text));
        REQUIRE(!from_doc.ok());
        CHECK(from_doc.err->code == from_text.err->code);
        CHECK(from_doc.err->path == from_text.err->path);
        ++compared;
    }
    // valid requests: the same request (its canonical bytes), with and without given parameters
    const std::string portfolio_text = [] {
        json j = json::parse(document("example"));
        j["params"] = "pmrm2";
        return j.dump();
    }();
    for (const std::string& text : {std::string(document("example")), portfolio_text}) {
        const auto from_text = parse_request(text);
        REQUIRE(from_text.ok());
        const auto from_doc = parse_request_document(json::parse(text));
        REQUIRE(from_doc.ok());
        CHECK(canonical_request(from_doc.value) == canonical_request(from_text.value));
        ++compared;
    }
    const auto with_params = parse_request(portfolio_text);
    REQUIRE(with_params.ok());
    json bare = canonical_document(with_params.value);
    bare.erase("params");
    const auto given_text = parse_request(bare.dump(), with_params.value.portfolio);
    const auto given_doc = parse_request_document(bare, with_params.value.portfolio);
    REQUIRE(given_text.ok());
    REQUIRE(given_doc.ok());
    CHECK(canonical_request(given_doc.value) == canonical_request(given_text.value));
    bare["params"] = "pmrm2";  // given parameters: "params" is refused, as from text
    const auto refused = parse_request_document(bare, with_params.value.portfolio);
    REQUIRE(!refused.ok());
    CHECK(refused.err->code == parse_request(bare.dump(), with_params.value.portfolio).err->code);
    CHECK(compared >= 20);
}

TEST_CASE("the embedded parameter document parses under /params", "[json]") {
    json req = example();
    req["params"] = json::parse(document("standard"));
    const auto with = parse_request(req.dump());
    const auto without = parse_request(document("example"));
    REQUIRE(with.ok());
    REQUIRE(without.ok());
    CHECK(canonical_request(with.value) == canonical_request(without.value));
}

TEST_CASE("portfolio model: canonical encoding and offsets through the API", "[json][portfolio]") {
    json j = example();
    j["params"] = "pmrm2";
    const auto a = parse_request(j.dump());
    REQUIRE(a.ok());
    CHECK(a.value.model == margin_model::portfolio);
    // the preset named or spelled out: the same canonical bytes
    json k = example();
    k["params"] = portfolio_doc();
    k["params"]["scenarios"] = json::parse(margin::api::document("scenarios/pmrm2"));
    const auto b = parse_request(k.dump(2));
    REQUIRE(b.ok());
    CHECK(canonical_request(a.value) == canonical_request(b.value));
    const auto again = parse_request(canonical_request(a.value));
    REQUIRE(again.ok());
    CHECK(canonical_request(again.value) == canonical_request(a.value));
    // IM >= MM >= 0 requirements; the hedged example needs less than under the standard model
    const auto res = compute(a.value);
    REQUIRE(res.ok());
    CHECK(res.value.initial_margin >= res.value.maintenance_margin);
    const auto std_res = compute(parse_request(document("example")).value);
    CHECK(res.value.initial_margin < std_res.value.initial_margin);
}

TEST_CASE("portfolio model: an offset credits opposite worst cases, by hand", "[json][portfolio]") {
    // long 1 BTC perp and short 20 ETH perps under span16: BTC's worst is the -15% move (loss 15,000),
    // ETH's the +15% move (20 x 3,000 x 0.15 = 9,000): opposite directions, so a 40% offset credits
    // 0.4 x 9,000 = 3,600; scenario risk 24,000 - 3,600 = 20,400 (span16 has no contingencies).
    json j = json::parse(R"({"api_version":"1","market":{"timestamp":"1767225600","underlyings":{
        "BTC":{"spot":"100000","perp_mark":"100000"},"ETH":{"spot":"3000","perp_mark":"3000"}}},
        "account":{"cash":"50000","positions":[{"type":"perp","underlying":"BTC","size":"1"},{"type":"perp","underlying":"ETH","size":"-20"}]}})");
    j["params"] = portfolio_doc();
    j["params"]["scenarios"] = "span16";
    j["params"]["offsets"] = json::parse(R"([{"underlyings":["BTC","ETH"],"rate":"0.4"}])");
    const auto req = parse_request(j.dump());
    REQUIRE(req.ok());
    const auto r = compute(req.value);
    REQUIRE(r.ok());
    REQUIRE(r.value.underlyings.size() == 2);
    CHECK(fp::format(r.value.underlyings[0].worst_loss) == "-15000");
    CHECK(fp::format(r.value.underlyings[1].worst_loss) == "-9000");
    REQUIRE(r.value.offsets.size() == 1);
    CHECK(fp::format(r.value.offsets[0].credit) == "3600");
    CHECK(fp::format(r.value.scenario_risk) == "20400");
    CHECK(fp::format(r.value.maintenance_margin) == "20400");
    CHECK(fp::format(r.value.initial_margin) == "20400");
    // both long: same direction, no credit
    j["account"]["positions"][1]["size"] = "20";
    const auto same = compute(parse_request(j.dump()).value);
    REQUIRE(same.ok());
    CHECK(same.value.offsets.empty());
    CHECK(fp::format(same.value.scenario_risk) == "24000");
}

TEST_CASE("portfolio model: the account at one scenario; at the worst it is the full evaluation", "[json][portfolio]") {
    json j = example();
    j["params"] = "pmrm2";
    const std::string text = j.dump();
    const json full = json::parse(compute_json(text, false).text);
    REQUIRE(full.contains("result"));
    const std::int64_t worst = full["result"]["underlyings"][0]["worst_scenario"];
    // every underlying of the example has the same worst scenario: the one-scenario account is the full one
    for (const auto& u : full["result"]["underlyings"])
        if (!u["underlying"].is_null()) REQUIRE(u["worst_scenario"] == worst);
    const json one = json::parse(scenario_json(text, worst, false).text);
    REQUIRE(one.contains("result"));
    CHECK(one["result"]["initial_margin"] == full["result"]["initial_margin"]);
    CHECK(one["result"]["maintenance_margin"] == full["result"]["maintenance_margin"]);
    for (std::size_t i = 0; i < full["result"]["underlyings"].size(); ++i)
        if (!full["result"]["underlyings"][i]["underlying"].is_null())  // the unattached collateral reports the requested id
            CHECK(one["result"]["underlyings"][i] == full["result"]["underlyings"][i]);
    // another scenario costs no more than the worst
    const json other = json::parse(scenario_json(text, 11, false).text);
    REQUIRE(other.contains("result"));
    CHECK(fp::parse(other["result"]["initial_margin"].get<std::string>()).value <=
          fp::parse(full["result"]["initial_margin"].get<std::string>()).value);
    // errors: an index past the basis contingency; the standard model
    CHECK(json::parse(scenario_json(text, 32, false).text)["error"]["code"] == "OUT_OF_RANGE");
    CHECK(json::parse(scenario_json(text, 32, false).text)["error"]["path"] == "/scenario");
    CHECK(json::parse(scenario_json(document("example"), 0, false).text)["error"]["code"] == "MODEL_NOT_SUPPORTED");
}

TEST_CASE("trade preview: the after state is the hand-merged account, computed", "[json][preview]") {
    for (const char* params : {"standard", "pmrm2"}) {
        json req = example();
        req["params"] = params;
        const json trade = json::parse(R"({"positions": [
            {"type": "option", "underlying": "BTC", "expiry": "1767945600", "strike": "95000", "option_type": "put", "size": "2"},
            {"type": "perp", "underlying": "BTC", "size": "0.5", "entry_price": "100100"},
            {"id": "new-call", "type": "option", "underlying": "BTC", "expiry": "1767945600", "strike": "105000", "option_type": "call", "size": "-1"},
            {"type": "option", "underlying": "ETH", "expiry": "1769760000", "strike": "3200", "option_type": "put", "size": "20"}]})");
        const json preview = json::parse(preview_json(req.dump(), trade.dump(), false).text);
        REQUIRE(preview.contains("after"));
        // The premium of each traded option at its mark, from an independent compute of it alone.
        fp::Wad cash = fp::parse(req["account"]["cash"].get<std::string>()).value;
        for (const auto& p : trade["positions"]) {
            if (p["type"] != "option") continue;
            json alone = req;
            alone["account"] = {{"cash", "0"}, {"positions", json::array({p})}};
            const json alone_res = json::parse(compute_json(alone.dump(), false).text);
            REQUIRE(alone_res.contains("result"));
            cash = fp::sub(cash, fp::parse(alone_res["result"]["positions"][0]["value"].get<std::string>()).value).value;
        }
        // By hand: the put is reduced to -2, the ETH put closed, the perp grows to -1 with the trade's
        // P&L against the held entry (0.5 x (98500 - 100100) = -800) in its funding; the new call appended.
        json after = req;
        after["account"]["cash"] = fp::format(cash);
        json& ps = after["account"]["positions"];
        ps[0]["size"] = "-2";
        ps[3]["size"] = "-1";
        ps[3]["funding"] = "-842.75";
        ps.erase(5);
        ps.push_back(trade["positions"][2]);
        const json direct = json::parse(compute_json(after.dump(), false).text);
        REQUIRE(direct.contains("result"));
        CHECK(preview["after"] == direct["result"]);
        CHECK(preview["before"] == json::parse(compute_json(req.dump(), false).text)["result"]);
        const auto diff = [&](const char* k) {
            return fp::format(
                fp::sub(fp::parse(direct["result"][k].get<std::string>()).value, fp::parse(preview["before"][k].get<std::string>()).value)
                    .value);
        };
        for (const char* k : {"equity", "initial_margin", "maintenance_margin", "free_collateral", "health"})
            CHECK(preview["change"][k] == diff(k));
    }
}

TEST_CASE("trade preview: bad trades get a code and a /trade path", "[json][preview]") {
    const std::string req = example().dump();
    const std::vector<std::tuple<std::string, margin::error_code, const char*>> cases = {
        {"{", error_code::JSON_SYNTAX, "/trade"},
        {R"({"positions": []})", error_code::OUT_OF_RANGE, "/trade/positions"},
        {R"({"orders": []})", error_code::UNKNOWN_FIELD, "/trade/orders"},
        {R"({"positions": [{"type": "perp", "underlying": "BTC", "size": 1}]})", error_code::JSON_NUMBER, "/trade/positions/0/size"},
        {R"({"positions": [{"type": "perp", "underlying": "DOGE", "size": "1"}]})", error_code::UNKNOWN_UNDERLYING,
         "/trade/positions/0/underlying"},
        {R"({"positions": [{"type": "option", "underlying": "BTC", "expiry": "1767945600", "strike": "95000", "option_type": "put", "size": "1", "mark_vol": "0.9"}]})",
         error_code::TRADE_CONFLICT, "/trade/positions/0/mark_vol"},
        {R"({"positions": [{"type": "perp", "underlying": "BTC", "size": "1"}, {"type": "perp", "underlying": "BTC", "size": "2"}]})",
         error_code::DUPLICATE_POSITION, "/trade/positions/1"},
        {R"({"positions": [{"id": "btc-perp", "type": "perp", "underlying": "ETH", "size": "1"}]})", error_code::DUPLICATE_ID,
         "/trade/positions/0/id"},
    };
    for (const auto& [trade, code, path] : cases) {
        INFO(trade);
        const json r = json::parse(preview_json(req, trade, false).text);
        REQUIRE(r.contains("error"));
        CHECK(r["error"]["code"] == std::string(margin::name(code)));
        CHECK(r["error"]["path"] == path);
    }
}
