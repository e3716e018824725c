// Book risk (book.hpp, docs/service.md "Book risk"): accounts of the book taken together as
// one portfolio, and its VaR and ES through the API's own risk door (api::risk_json).
//
// The portfolio: each instrument once, with the sizes of every selected account added (the
// API refuses an instrument listed twice); cash and collateral added per asset. A perp's or
// a future's entry price does not move its P&L over the horizon (the value is size x
// (price - entry); the entry cancels in the difference), so the first account's is kept.
// An option's mark vol does: accounts that quote one option at different mark vols cannot be
// added up, and the request is refused (OUT_OF_RANGE, naming the instrument).
#include <map>
#include <set>

#include "api/pipeline.hpp"
#include "book_state.hpp"
#include "fixedpoint/wad.hpp"

namespace service {
namespace {

// a + b as exact decimal strings (both as the API prints and checks them).
std::optional<std::string> add(const std::string& a, const std::string& b) {
    auto x = fp::parse(a), y = fp::parse(b);
    if (!x.ok() || !y.ok()) return std::nullopt;
    auto s = fp::add(x.value, y.value);
    if (!s.ok()) return std::nullopt;
    return fp::format(s.value);
}

std::string field(const json& p, const char* k) { return p.contains(k) && p[k].is_string() ? p[k].get<std::string>() : ""; }

// What makes two positions one instrument (the API's DUPLICATE_POSITION key).
std::string instrument(const json& p) {
    return field(p, "type") + "|" + field(p, "underlying") + "|" + field(p, "expiry") + "|" + field(p, "option_type") + "|" +
           field(p, "strike");
}

}  // namespace

std::optional<answer> book::state::select(const json& doc, std::vector<std::pair<std::string, const account_rec*>>& out) const {
    const std::string health = doc.contains("health") && doc["health"].is_string() ? doc["health"].get<std::string>() : "";
    if (doc.contains("health") && (health.empty() || !valid_health(health)))
        return fail(400, error_code::BAD_ENUM, "/health", "health is below_im, below_mm, ok or error");
    if (doc.contains("accounts") && (!doc["accounts"].is_array() || doc["accounts"].size() > max_list))
        return fail(400, error_code::OUT_OF_RANGE, "/accounts", "accounts is an array of at most 100000 ids");
    if (doc.contains("accounts") && doc.contains("health"))
        return fail(400, error_code::UNKNOWN_FIELD, "/health", "select by accounts or by health, not both");
    if (doc.contains("accounts")) {
        std::set<std::string> seen;
        for (std::size_t i = 0; i < doc["accounts"].size(); ++i) {
            const json& id = doc["accounts"][i];
            auto it = id.is_string() ? accounts.find(id.get<std::string>()) : accounts.end();
            if (it == accounts.end()) return fail(404, error_code::UNKNOWN_ACCOUNT, "/accounts/" + std::to_string(i), "no such account");
            if (seen.insert(it->first).second) out.emplace_back(it->first, it->second.get());
        }
    } else {
        for (const auto& [id, r] : accounts)
            if (passes(health, r->last.state)) out.emplace_back(id, r.get());
    }
    if (out.empty()) return fail(400, error_code::OUT_OF_RANGE, "", "no account selected");
    return std::nullopt;
}

answer book::risk(std::string_view body) const {
    auto parsed = text::parse_object(body, {"risk", "history", "health", "accounts", "include_request"}, "a book-risk request");
    if (!parsed.ok()) return fail(400, *parsed.err);
    const json& doc = parsed.value;
    if (!doc.contains("history"))
        return fail(400, error_code::MISSING_FIELD, "/history", "the price histories are required (docs/risk.md)");
    const bool include_request =
        doc.contains("include_request") && doc["include_request"].is_boolean() && doc["include_request"].get<bool>();

    json acct = json::object(), positions = json::array();
    std::map<std::string, std::size_t> at;  // instrument -> index in positions
    std::string cash = "0";
    std::map<std::string, std::string> collateral;
    std::size_t n = 0;
    json market;
    {
        std::shared_lock g(s_->mu);
        std::vector<std::pair<std::string, const account_rec*>> picked;
        if (auto refused = s_->select(doc, picked)) return *refused;
        account_rec all;  // the market of every chosen account's symbols
        std::set<std::string> deps;
        for (const auto& [id, r] : picked) {
            const json a = json::parse(r->text)["account"];
            if (a.contains("cash")) cash = add(cash, a["cash"].get<std::string>()).value_or("");
            if (a.contains("collateral"))
                for (auto& [asset, amount] : a["collateral"].items()) {
                    auto [it, fresh] = collateral.try_emplace(asset, amount.get<std::string>());
                    if (!fresh) it->second = add(it->second, amount.get<std::string>()).value_or("");
                }
            for (json p : a.value("positions", json::array())) {
                p.erase("id");
                const std::string key = instrument(p);
                auto [it, fresh] = at.try_emplace(key, positions.size());
                if (fresh) {
                    positions.push_back(std::move(p));
                    continue;
                }
                json& held = positions[it->second];
                if (field(held, "mark_vol") != field(p, "mark_vol"))
                    return fail(400, error_code::OUT_OF_RANGE, "/accounts",
                                "accounts price the option " + key + " at different mark vols: its sizes cannot be added up");
                held["size"] = add(held["size"].get<std::string>(), p["size"].get<std::string>()).value_or("");
            }
            deps.insert(r->deps.begin(), r->deps.end());
        }
        all.deps.assign(deps.begin(), deps.end());
        market = s_->market_doc(all, s_->unders, s_->assets, s_->now());
        n = picked.size();
    }
    json kept = json::array();  // instruments the accounts net out entirely are left out
    for (auto& p : positions)
        if (p["size"] != "0") kept.push_back(std::move(p));
    acct["cash"] = cash;
    if (!collateral.empty()) acct["collateral"] = collateral;
    acct["positions"] = std::move(kept);
    json req = {{"api_version", "1"}, {"market", std::move(market)}, {"account", std::move(acct)}};
    if (doc.contains("risk")) req["risk"] = doc["risk"];
    const std::size_t npos = req["account"]["positions"].size();
    json with_history = req;
    with_history["history"] = doc["history"];
    auto r = margin::api::risk_json(text::dump(with_history), false);
    if (!r.ok()) return {400, r.text};
    json out = {{"accounts", n}, {"positions", npos}, {"result", json::parse(r.text)}};
    if (include_request) out["request"] = std::move(req);  // without its history: the caller has it
    return {200, text::dump(out)};
}

}  // namespace service
