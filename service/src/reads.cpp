// The book's reads and its metrics text (book.hpp): each under the shared lock, none of them
// waiting for a tick in flight (a tick swaps its results in only after its commit).
#include <cstdio>

#include "api/pipeline.hpp"
#include "book_state.hpp"

namespace service {

void histogram::add(double s) {
    std::size_t i = 0;
    while (i < std::size(bounds) && s > bounds[i]) ++i;
    ++counts[i];
    sum += s;
    ++n;
}
void histogram::print(std::string& out, const char* name, const char* help) const {
    char buf[160];
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " histogram\n";
    std::uint64_t acc = 0;
    for (std::size_t i = 0; i < std::size(bounds); ++i) {
        acc += counts[i];
        std::snprintf(buf, sizeof buf, "%s_bucket{le=\"%g\"} %llu\n", name, bounds[i], static_cast<unsigned long long>(acc));
        out += buf;
    }
    acc += counts[std::size(bounds)];
    std::snprintf(buf, sizeof buf, "%s_bucket{le=\"+Inf\"} %llu\n%s_sum %.6f\n%s_count %llu\n", name, static_cast<unsigned long long>(acc),
                  name, sum, name, static_cast<unsigned long long>(n));
    out += buf;
}

answer book::get_account(const std::string& id) const {
    std::shared_lock g(s_->mu);
    auto it = s_->accounts.find(id);
    if (it == s_->accounts.end()) return no_account(id);
    return {200, it->second->text};
}

answer book::get_request(const std::string& id) const {
    std::shared_lock g(s_->mu);
    auto it = s_->accounts.find(id);
    if (it == s_->accounts.end()) return no_account(id);
    return {200, s_->effective_text(*it->second)};
}

answer book::get_margin(const std::string& id) const {
    std::string req;
    {
        std::shared_lock g(s_->mu);
        auto it = s_->accounts.find(id);
        if (it == s_->accounts.end()) return no_account(id);
        req = s_->effective_text(*it->second);
    }
    // The API's own door on the request the account's latest margin was computed on: the
    // bytes `margin compute --compact` prints for that request (the test compares them).
    auto r = margin::api::compute_json(req, false);
    return {200, std::move(r.text)};
}

answer book::list(std::string_view health, std::string_view after, std::size_t limit) const {
    if (!valid_health(health)) return fail(400, error_code::BAD_ENUM, "/health", "health is below_im, below_mm, ok or error");
    std::shared_lock g(s_->mu);
    json arr = json::array();
    std::string next;
    auto it = after.empty() ? s_->accounts.begin() : s_->accounts.upper_bound(std::string(after));
    for (; it != s_->accounts.end(); ++it) {
        if (!passes(health, it->second->last.state)) continue;
        if (arr.size() == limit) {
            next = std::prev(it)->first;
            break;
        }
        arr.push_back(state::summary_json(it->first, it->second->last));
    }
    json j = {{"accounts", std::move(arr)}};
    if (!next.empty()) j["next_after"] = next;
    return {200, text::dump(j)};
}

answer book::preview(std::string_view body) const {
    auto parsed = text::parse(body);
    if (!parsed.ok()) return fail(400, *parsed.err);
    const json& doc = parsed.value;
    if (!doc.is_object() || !doc.contains("account") || !doc["account"].is_string() || !doc.contains("trade"))
        return fail(400, error_code::MISSING_FIELD, "", "a preview is {\"account\": id, \"trade\": {\"positions\": [...]}}");
    for (auto& [k, v] : doc.items())
        if (k != "account" && k != "trade") return fail(400, error_code::UNKNOWN_FIELD, "/" + k, "a preview holds account and trade");
    std::string req;
    {
        std::shared_lock g(s_->mu);
        auto it = s_->accounts.find(doc["account"].get<std::string>());
        if (it == s_->accounts.end()) return fail(404, error_code::UNKNOWN_ACCOUNT, "/account", "no such account");
        req = s_->effective_text(*it->second);
    }
    auto r = margin::api::preview_json(req, text::dump(doc["trade"]), false);
    return {r.ok() ? 200 : 400, std::move(r.text)};
}

answer book::params() const {
    std::shared_lock g(s_->mu);
    std::map<std::string, std::size_t> counts;
    for (auto& [id, r] : s_->accounts) ++counts[r->params];
    json arr = json::array();
    for (auto& [p, n] : counts) arr.push_back({{"params", p.empty() ? json("standard") : json::parse(p)}, {"accounts", n}});
    return {200, text::dump(json{{"params", std::move(arr)}})};
}

answer book::market() const {
    std::shared_lock g(s_->mu);
    json u = json::object(), c = json::object();
    for (auto& [k, v] : s_->unders)
        u[k] = {{"snapshot", json::parse(v->json)}, {"timestamp", std::to_string(v->timestamp)}, {"tick", v->tick}};
    for (auto& [k, v] : s_->assets)
        c[k] = {{"snapshot", json::parse(v->json)}, {"timestamp", std::to_string(v->timestamp)}, {"tick", v->tick}};
    json j = {{"tick", s_->tick}, {"timestamp", std::to_string(s_->timestamp)}, {"underlyings", u}, {"collateral", c}};
    if (s_->stable_json) j["stable_price"] = json::parse(*s_->stable_json);
    return {200, text::dump(j)};
}

std::string book::metrics_text() const {
    std::shared_lock g(s_->mu);
    const state& s = *s_;
    std::string out;
    std::map<standing, std::size_t> by;
    for (auto& [id, r] : s.accounts) ++by[r->last.state];
    out += "# HELP margin_accounts Accounts in the book, by standing at their latest margin.\n# TYPE margin_accounts gauge\n";
    for (standing st : {standing::ok, standing::below_im, standing::below_mm, standing::error})
        out += "margin_accounts{state=\"" + std::string(name(st)) + "\"} " + std::to_string(by[st]) + "\n";
    out +=
        "# HELP margin_ticks_total Ticks applied.\n# TYPE margin_ticks_total counter\nmargin_ticks_total " + std::to_string(s.ticks) + "\n";
    out +=
        "# HELP margin_tick_accounts_total Accounts re-margined by ticks.\n# TYPE margin_tick_accounts_total "
        "counter\nmargin_tick_accounts_total " +
        std::to_string(s.tick_accounts) + "\n";
    out += "# HELP margin_writes_total Account writes and loads committed.\n# TYPE margin_writes_total counter\nmargin_writes_total " +
           std::to_string(s.writes) + "\n";
    out += "# HELP margin_events_total Live-stream events by type.\n# TYPE margin_events_total counter\n";
    for (const char* t : {"margin_call", "liquidation_warning", "recovery", "error"}) {
        auto it = s.event_counts.find(t);
        out += std::string("margin_events_total{type=\"") + t + "\"} " + std::to_string(it == s.event_counts.end() ? 0 : it->second) + "\n";
    }
    out += "# HELP margin_last_tick The latest tick id.\n# TYPE margin_last_tick gauge\nmargin_last_tick " + std::to_string(s.tick) + "\n";
    s.tick_hist.print(out, "margin_tick_seconds", "Tick latency, body received to results committed and published.");
    s.compute_hist.print(out, "margin_tick_compute_seconds", "Re-margining a tick's accounts on the worker threads.");
    s.persist_hist.print(out, "margin_tick_persist_seconds", "Writing and committing a tick's transaction.");
    return out;
}

}  // namespace service
