#include "replay/replay.hpp"

#include <cctype>
#include <limits>
#include <map>

#include "abi/json.hpp"
#include "abi/keccak.hpp"
#include "api/documents.hpp"
#include "api/request.hpp"
#include "api/response.hpp"
#include "bridge/book.hpp"
#include "bridge/request.hpp"
#include "bridge/settlement.hpp"
#include "core/limits.hpp"
#include "core/margin.hpp"

namespace replay {
namespace {

using margin::error_code;
using margin::outcome;
using nlohmann::json;

outcome<json> bad(const std::string& path, const std::string& why) {
    return outcome<json>::failure(error_code::BAD_BUNDLE, path, path + ": " + why);
}

const json* field(const json& j, const char* name) { return j.is_object() && j.contains(name) ? &j[name] : nullptr; }

// A decimal integer string of the bundle.
bool integer_of(const json* j, abi::integer& out) {
    if (!j || !j->is_string()) return false;
    const std::string s = j->get<std::string>();
    const std::size_t digits = s.size() - (s.rfind('-', 0) == 0 ? 1 : 0);
    if (digits == 0 || digits > 80 || s.find_first_not_of("0123456789", s.size() - digits) != std::string::npos) return false;
    if (digits > 1 && s[s.size() - digits] == '0') return false;  // no leading zeros (Boost would read them as octal)
    out = abi::integer(s);
    return true;
}

std::string raw(const fp::Wad& w) { return w.raw().to_string(); }

// Every leaf where `a` (the bundle) and `b` (the chain's) differ, by JSON pointer.
void diff(const json& a, const json& b, const std::string& path, json& out) {
    if (a.is_object() && b.is_object()) {
        for (const auto& [k, v] : a.items()) diff(v, b.contains(k) ? b[k] : json(), margin::child(path, k), out);
        for (const auto& [k, v] : b.items())
            if (!a.contains(k)) diff(json(), v, margin::child(path, k), out);
        return;
    }
    if (a.is_array() && b.is_array() && a.size() == b.size()) {
        for (std::size_t i = 0; i < a.size(); ++i) diff(a[i], b[i], path + "/" + std::to_string(i), out);
        return;
    }
    if (a != b) out.push_back({{"field", path}, {"bundle", a}, {"chain", b}, {"match", false}});
}

// An I256 from a decimal string of the bundle (raw, in int256).
bool i256_of(const json* j, fp::I256& out) {
    abi::integer n;
    if (!integer_of(j, n)) return false;
    auto v = fp::I256::from_integer(n);
    if (!v.ok()) return false;
    out = v.value;
    return true;
}

bool u64_of(const json* j, std::uint64_t& out) {
    abi::integer n;
    if (!integer_of(j, n) || n < 0 || n > abi::integer(std::numeric_limits<std::uint64_t>::max())) return false;
    out = n.convert_to<std::uint64_t>();
    return true;
}

// A settlement bundle (settlement/1): each OptionSettled's cash recomputed by the engine,
// each position's price against its expiry's ExpirySettled, each expiry's price against the
// spot of the MarketPushed it names (when the bundle holds it), and each account's total.
outcome<json> run_settlement(const json& b, const json* chain) {
    for (const auto& [key, _] : b.items())
        if (key != "version" && key != "expiries" && key != "positions" && key != "source")
            return bad(margin::child("", key), "no such field");
    const json* expiries = field(b, "expiries");
    const json* positions = field(b, "positions");
    if (!expiries || !expiries->is_array() || expiries->size() > 10'000) return bad("/expiries", "the ExpirySettled events, an array");
    if (!positions || !positions->is_array() || positions->empty() || positions->size() > 100'000)
        return bad("/positions", "the OptionSettled events, a non-empty array");
    json fields = json::array();
    bool all = true;
    auto compare = [&](const std::string& name, const json& said, const std::string& engine) {
        const bool same = said.is_string() && said.get<std::string>() == engine;
        all = all && same;
        fields.push_back({{"field", name}, {"chain", said}, {"engine", engine}, {"match", same}});
    };
    std::map<std::uint64_t, fp::I256> price_of;  // expiry -> ExpirySettled price
    for (std::size_t j = 0; j < expiries->size(); ++j) {
        const json& e = (*expiries)[j];
        const std::string at = "/expiries/" + std::to_string(j);
        std::uint64_t t = 0, source = 0;
        fp::I256 price;
        if (!e.is_object()) return bad(at, "an object");
        for (const auto& [key, _] : e.items())
            if (key != "expiry" && key != "price" && key != "source" && key != "market")
                return bad(margin::child(at, key), "no such field");
        if (!u64_of(field(e, "expiry"), t)) return bad(at + "/expiry", "Unix seconds as a decimal string");
        if (!i256_of(field(e, "price"), price) || price <= fp::I256{}) return bad(at + "/price", "a positive raw WAD integer");
        if (!u64_of(field(e, "source"), source)) return bad(at + "/source", "Unix seconds as a decimal string");
        if (price_of.count(t)) return bad(at + "/expiry", "listed twice");
        price_of[t] = price;
        if (const json* m = field(e, "market")) {  // the MarketPushed event stamped `source`
            std::uint64_t ts = 0;
            fp::I256 spot;
            if (!m->is_object() || !u64_of(field(*m, "timestamp"), ts) || !i256_of(field(*m, "spot"), spot))
                return bad(at + "/market", "{\"timestamp\", \"spot\"}: the MarketPushed event");
            compare(at + "/source", (*m)["timestamp"], std::to_string(source));
            compare(at + "/price", e["price"], spot.to_string());  // the settlement price is that push's spot
        }
    }
    std::map<std::string, std::pair<fp::I256, fp::I256>> totals;  // account -> (chain, engine)
    bool totals_ok = true;
    for (std::size_t i = 0; i < positions->size(); ++i) {
        const json& p = (*positions)[i];
        const std::string at = "/positions/" + std::to_string(i);
        if (!p.is_object()) return bad(at, "an object");
        for (const auto& [key, _] : p.items())
            if (key != "account" && key != "series" && key != "expiry" && key != "strike" && key != "call" && key != "amount" &&
                key != "price" && key != "cash")
                return bad(margin::child(at, key), "no such field");
        bridge::option_settled s;
        const json* account = field(p, "account");
        if (!account || !account->is_string()) return bad(at + "/account", "an address");
        if (!u64_of(field(p, "series"), s.series)) return bad(at + "/series", "a series id");
        if (!u64_of(field(p, "expiry"), s.expiry)) return bad(at + "/expiry", "Unix seconds as a decimal string");
        if (!i256_of(field(p, "strike"), s.strike)) return bad(at + "/strike", "a raw WAD integer");
        if (!field(p, "call") || !p["call"].is_boolean()) return bad(at + "/call", "true or false");
        s.call = p["call"].get<bool>();
        if (!i256_of(field(p, "amount"), s.amount)) return bad(at + "/amount", "a raw WAD integer");
        if (!i256_of(field(p, "price"), s.price)) return bad(at + "/price", "a raw WAD integer");
        if (!i256_of(field(p, "cash"), s.cash)) return bad(at + "/cash", "a raw WAD integer");
        auto it = price_of.find(s.expiry);
        if (it == price_of.end()) return bad(at + "/expiry", "no ExpirySettled for it in /expiries");
        compare(at + "/price", p["price"], it->second.to_string());
        auto cash = bridge::settlement_cash(s.amount, s.strike, s.call, s.price);
        if (!cash.ok()) return outcome<json>::failure(cash.err->code, at, cash.err->message);
        compare(at + "/cash", p["cash"], cash.value.to_string());
        auto& [on_chain, engine] = totals[account->get<std::string>()];
        auto c1 = fp::add(fp::Wad::from_raw(on_chain), fp::Wad::from_raw(s.cash));
        auto c2 = fp::add(fp::Wad::from_raw(engine), fp::Wad::from_raw(cash.value));
        totals_ok = totals_ok && c1.ok() && c2.ok();
        on_chain = c1.value.raw();
        engine = c2.value.raw();
    }
    if (!totals_ok) return outcome<json>::failure(error_code::ARITHMETIC_OVERFLOW, "/positions", "an account's total exceeds int256");
    json accounts = json::array();
    for (const auto& [account, t] : totals)
        accounts.push_back(
            {{"account", account}, {"chain", t.first.to_string()}, {"engine", t.second.to_string()}, {"match", t.first == t.second}});
    json report = {{"version", "replay-report/1"}, {"kind", "settlement"}, {"match", all}, {"fields", fields}, {"accounts", accounts}};
    if (chain) {
        json inputs = json::array();
        for (const char* part : {"version", "expiries", "positions"})
            diff(b.contains(part) ? b[part] : json(), chain->contains(part) ? (*chain)[part] : json(), std::string("/") + part, inputs);
        report["match"] = all && inputs.empty();
        report["inputs"] = inputs;
    }
    if (field(b, "source")) report["source"] = b["source"];
    return {std::move(report), std::nullopt};
}

}  // namespace

outcome<json> run(const json& b, const json* chain) {
    if (!b.is_object()) return bad("", "a bundle is a JSON object");
    if (field(b, "version") && *field(b, "version") == "settlement/1") return run_settlement(b, chain);
    if (!field(b, "version") || *field(b, "version") != "replay/1") return bad("/version", "must be \"replay/1\" or \"settlement/1\"");
    for (const auto& [key, _] : b.items())
        if (key != "version" && key != "underlying" && key != "market_timestamp" && key != "scenario" && key != "book" && key != "params" &&
            key != "event" && key != "witness" && key != "source")
            return bad(margin::child("", key), "no such field");
    const json* underlying = field(b, "underlying");
    if (!underlying || !underlying->is_string() || underlying->get<std::string>().empty())
        return bad("/underlying", "a symbol, e.g. \"BTC\"");
    abi::integer ts, scenario;
    if (!integer_of(field(b, "market_timestamp"), ts) || ts <= 0 || ts > abi::integer(100'000'000'000LL))
        return bad("/market_timestamp", "Unix seconds as a decimal string");
    if (!integer_of(field(b, "scenario"), scenario) || scenario < 0 || scenario > 1'000'000) return bad("/scenario", "a scenario index");
    if (!field(b, "book")) return bad("/book", "missing");
    if (!field(b, "params")) return bad("/params", "missing");
    auto book_v = abi::from_json(bridge::book_type(), b["book"]);
    if (!book_v.ok()) return bad("/book" + book_v.err->path, book_v.err->message);
    auto params_v = abi::from_json(bridge::params_type(), b["params"]);
    if (!params_v.ok()) return bad("/params" + params_v.err->path, params_v.err->message);
    auto book = bridge::book_from_value(book_v.value);
    if (!book.ok()) return bad("/book" + book.err->path, book.err->message);
    auto params = bridge::params_from_value(params_v.value);
    if (!params.ok()) return bad("/params" + params.err->path, params.err->message);
    const auto id = scenario.convert_to<std::uint64_t>();
    if (id > params.value.scenarios.size())
        return bad("/scenario", "past the basis contingency (" + std::to_string(params.value.scenarios.size()) + ")");

    const json* event = field(b, "event");
    if (!event || !event->is_object()) return bad("/event", "the Liquidated event's fields");
    for (const char* name : {"input_hash", "equity", "maintenance"})
        if (!field(*event, name) || !(*event)[name].is_string()) return bad(std::string("/event/") + name, "missing");
    const json* witness = field(b, "witness");
    if (witness && !witness->is_object()) return bad("/witness", "an object");

    // The engine: the request the book stands for, evaluated at the scenario.
    auto req = bridge::request_of(book.value, params.value, underlying->get<std::string>(), ts.convert_to<std::int64_t>());
    if (!req.ok()) return outcome<json>::failure(*req.err);
    auto res = margin::compute_portfolio(req.value, static_cast<std::int64_t>(id));
    if (!res.ok()) return outcome<json>::failure(*res.err);
    const margin::underlying_risk* ur = nullptr;
    for (const auto& u : res.value.underlyings)
        if (u.symbol == underlying->get<std::string>()) ur = &u;
    if (!ur) return bad("/book", "the book holds nothing on its underlying");
    std::array<char, 67> buf;
    const std::string hash(abi::to_hex(bridge::input_hash(book.value, params.value, id), buf));

    json fields = json::array();
    bool all = true;
    auto compare = [&](const std::string& name, const json& said, const std::string& engine) {
        const bool same = said.is_string() && said.get<std::string>() == engine;
        all = all && same;
        fields.push_back({{"field", name}, {"chain", said}, {"engine", engine}, {"match", same}});
    };
    auto compare_bool = [&](const std::string& name, const json& said, bool engine) {
        const bool same = said.is_boolean() && said.get<bool>() == engine;
        all = all && same;
        fields.push_back({{"field", name}, {"chain", said}, {"engine", engine}, {"match", same}});
    };
    auto lower = [](std::string s) {
        for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return s;
    };
    compare("input_hash", lower((*event)["input_hash"].get<std::string>()), hash);
    compare("event.equity", (*event)["equity"], raw(res.value.equity));
    compare("event.maintenance", (*event)["maintenance"], raw(res.value.maintenance_margin));
    compare_bool("event.liquidatable", true, res.value.liquidatable);  // a Liquidated event asserts it
    if (witness) {
        if (field(*witness, "pnl")) compare("witness.scenario_pnl", (*witness)["pnl"], raw(ur->worst_loss));
        if (field(*witness, "equity")) compare("witness.equity", (*witness)["equity"], raw(res.value.equity));
        if (field(*witness, "maintenance")) compare("witness.maintenance", (*witness)["maintenance"], raw(res.value.maintenance_margin));
        if (field(*witness, "liquidatable")) compare_bool("witness.liquidatable", (*witness)["liquidatable"], res.value.liquidatable);
    }
    json report = {{"version", "replay-report/1"}, {"match", all}, {"scenario", id}, {"fields", fields}};
    if (chain) {
        json inputs = json::array();
        for (const char* part : {"underlying", "market_timestamp", "scenario", "book", "params", "event", "witness"})
            diff(b.contains(part) ? b[part] : json(), chain->contains(part) ? (*chain)[part] : json(), std::string("/") + part, inputs);
        report["match"] = all && inputs.empty();
        report["inputs"] = inputs;
    }
    if (field(b, "source")) report["source"] = b["source"];
    return {std::move(report), std::nullopt};
}

std::optional<margin::error> check_text(std::string_view text) {
    if (text.size() > margin::limits::max_document_bytes)
        return margin::error{error_code::JSON_TOO_LARGE, "", "bundles are limited to 16 MiB"};
    if (abi::nesting_depth(text, 16) > 16) return margin::error{error_code::JSON_TOO_DEEP, "", "nested deeper than 16 levels"};
    if (const auto nul = text.find('\0'); nul != std::string_view::npos)
        return margin::error{error_code::BAD_BUNDLE, "",
                             "not JSON: a NUL byte at byte " + std::to_string(nul + 1) + " (JSON text has none)"};
    return std::nullopt;
}

std::string run_json(std::string_view bundle_text, bool pretty, bool* match) {
    if (match) *match = false;
    if (const auto e = check_text(bundle_text)) return margin::api::encode_error(*e, pretty);
    json b = json::parse(bundle_text, nullptr, false);
    if (b.is_discarded()) return margin::api::encode_error({error_code::BAD_BUNDLE, "", "not JSON"}, pretty);
    auto r = run(b);
    if (!r.ok()) return margin::api::encode_error(*r.err, pretty);
    if (match) *match = r.value["match"].get<bool>();
    return r.value.dump(pretty ? 2 : -1);
}

}  // namespace replay
