// Book stress and an account's stress (book.hpp, docs/service.md "Book stress"): the API's
// own stress doors on the requests the accounts are margined on.
//
// POST /stress is `margin stress-book` over the selected accounts: their requests (the text of
// GET /accounts/{id}/request, each with the market of its symbols) as the book's lines, in the
// order of the answer's "accounts" (a contributor's "line" is its 1-based index there), read by
// api::parse_book, evaluated by stress::evaluate_book on the service's threads, summarised by
// stress::summarise_book and encoded by api::encode_book: the "result" is the bytes `margin
// stress-book --compact` prints for that book (the test compares them).
#include <algorithm>
#include <atomic>

#include "api/pipeline.hpp"
#include "api/risk.hpp"
#include "api/stress.hpp"
#include "book_state.hpp"
#include "core/stress/book.hpp"
#include "fixedpoint/wad.hpp"

namespace service {
namespace {

// The first error by account order among per-chunk errors (chunk k covers accounts k*chunk..).
std::optional<error> first_error(std::vector<std::optional<error>>& errs) {
    for (auto& e : errs)
        if (e) return std::move(e);
    return std::nullopt;
}

// A shipped set's name as a query parameter: a short word (the API answers an unknown one).
bool set_name(std::string_view s) {
    return !s.empty() && s.size() <= 32 && s.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") == std::string_view::npos;
}

}  // namespace

answer book::stress(std::string_view body) const {
    auto parsed =
        text::parse_object(body, {"scenarios", "history", "health", "accounts", "insurance_fund", "top"}, "a book-stress request");
    if (!parsed.ok()) return fail(400, *parsed.err);
    const json& doc = parsed.value;
    // the options, read by the CLI's own reader (`margin stress-book`: the same codes and paths)
    json options = json::object();
    for (const char* k : {"scenarios", "insurance_fund", "top", "history"})
        if (doc.contains(k)) options[k] = doc[k];
    auto opt = margin::api::parse_book_options(text::dump(options));
    if (!opt.ok()) return fail(400, *opt.err);
    const auto& scenarios = opt.value.doc.scenarios;
    const margin::Wad fund = opt.value.insurance_fund;
    const std::size_t top = opt.value.top;
    const margin::risk::history& history = opt.value.history;
    // the book: the selected accounts' requests as JSON lines
    json ids = json::array();
    std::string lines;
    {
        std::shared_lock g(s_->mu);
        std::vector<std::pair<std::string, const account_rec*>> picked;
        if (auto refused = s_->select(doc, picked)) return *refused;
        if (picked.size() > margin::stress::max_book_accounts || picked.size() * scenarios.size() > max_stress_cells)
            return fail(400, error_code::OUT_OF_RANGE, "/accounts",
                        "a book stress holds at most 100,000 accounts and 2,000,000 accounts x scenarios");
        for (const auto& [id, r] : picked) {
            ids.push_back(id);
            lines += s_->effective_text(*r);
            lines += '\n';
        }
    }
    auto parsed_book = margin::api::parse_book(lines);
    lines.clear();
    lines.shrink_to_fit();
    if (!parsed_book.ok()) return fail(400, *parsed_book.err);
    const auto& accounts = parsed_book.value;
    // every account under every scenario, and as it stands, on the service's threads: chunks
    // of accounts, each written in place (the summary depends on the cells, not on who computed them)
    constexpr std::size_t chunk = 16;
    const std::size_t chunks = (accounts.size() + chunk - 1) / chunk;
    std::vector<margin::stress::book_cell> cells(accounts.size() * scenarios.size());
    std::vector<margin::account_result> before(accounts.size());
    std::vector<std::optional<error>> cell_errs(chunks), before_errs(chunks);
    std::atomic<std::size_t> next{0};
    on_threads(static_cast<unsigned>(std::min<std::size_t>(s_->threads, chunks)), [&] {
        for (std::size_t k; (k = next.fetch_add(1)) < chunks;) {
            const std::size_t first = k * chunk, last = std::min(accounts.size(), first + chunk);
            cell_errs[k] = margin::stress::evaluate_book(accounts, scenarios, history, first, last, cells);
            for (std::size_t i = first; i < last && !before_errs[k]; ++i) {
                auto b = margin::compute(accounts[i]);
                if (b.ok())
                    before[i] = std::move(b.value);
                else
                    before_errs[k] = *b.err;
            }
        }
    });
    if (auto e = first_error(cell_errs)) return fail(400, *e);
    if (auto e = first_error(before_errs)) return fail(400, *e);
    const auto summary = margin::stress::summarise_book(scenarios, before, cells, fund, top);
    return {200, "{\"accounts\":" + text::dump(ids) + ",\"result\":" + margin::api::encode_book(summary, fund, false) + "}"};
}

answer book::account_stress(const std::string& id, std::string_view set, bool reverse) const {
    if (!reverse && !set_name(set))
        return fail(400, error_code::BAD_ENUM, "/set", "set is the name of a shipped scenario set: deribit, textbook, replays");
    std::string req;
    {
        std::shared_lock g(s_->mu);
        auto it = s_->accounts.find(id);
        if (it == s_->accounts.end()) return no_account(id);
        req = s_->effective_text(*it->second);
    }
    // the account's request with "stress": NAME (or "reverse_stress": {}, the defaults: spot
    // down and up of every underlying held), through the API's own door: `margin stress
    // --scenarios NAME --compact` (or `margin reverse-stress --compact`) of that request
    auto j = text::parse(req);
    if (!j.ok()) return fail(500, *j.err);
    if (reverse)
        j.value["reverse_stress"] = json::object();
    else
        j.value["stress"] = std::string(set);
    const std::string t = text::dump(j.value);
    auto r = reverse ? margin::api::reverse_stress_json(t, false) : margin::api::stress_json(t, false);
    return {r.ok() ? 200 : 400, std::move(r.text)};
}

}  // namespace service
