// Book-level stress, the JSON side: a book of JSON lines and the options in, the summary document out.
#include <algorithm>

#include "api/pipeline.hpp"
#include "api/request.hpp"
#include "api/stress.hpp"
#include "encode.hpp"
#include "lines.hpp"

namespace margin::api {

outcome<std::vector<request>> parse_book(std::string_view text) {
    using R = outcome<std::vector<request>>;
    std::vector<request> out;
    detail::line_reader lines(text);
    std::string_view l;
    while (lines.next(l)) {
        const std::size_t line = lines.number();
        if (l.find_first_not_of(" \t") == std::string_view::npos) continue;
        if (out.size() >= stress::max_book_accounts)
            return R::failure(error_code::OUT_OF_RANGE, "/book", "a book holds at most 100,000 accounts");
        auto r = parse_request(l);
        if (!r.ok())
            return R::failure(r.err->code, "/book/" + std::to_string(line - 1) + r.err->path,
                              "line " + std::to_string(line) + ": " + r.err->message);
        out.push_back(std::move(r.value));
    }
    if (out.empty()) return R::failure(error_code::OUT_OF_RANGE, "/book", "the book holds no account");
    return R{std::move(out), std::nullopt};
}

std::string encode_book(const stress::book_summary& s, const Wad& fund, bool pretty) {
    using detail::dec;
    using nlohmann::ordered_json;
    ordered_json b;
    b["accounts"] = std::to_string(s.accounts);
    b["insurance_fund"] = dec(fund);
    b["before"] = {{"liquidatable", std::to_string(s.liquidatable_before)}, {"shortfall", dec(s.shortfall_before)}};
    ordered_json list = ordered_json::array();
    for (const auto& x : s.scenarios) {
        ordered_json j;
        j["name"] = x.name;
        j["liquidatable"] = std::to_string(x.liquidatable);
        j["newly_liquidatable"] = std::to_string(x.newly);
        j["pnl"] = dec(x.pnl);
        j["shortfall"] = dec(x.shortfall);
        j["uncovered"] = dec(x.uncovered);
        j["covered"] = x.uncovered.raw().is_zero();
        ordered_json top = ordered_json::array();
        for (const auto& t : x.top)
            top.push_back(
                {{"line", std::to_string(t.account + 1)}, {"shortfall", dec(t.shortfall)}, {"equity", dec(t.equity)}, {"pnl", dec(t.pnl)}});
        j["top"] = std::move(top);
        list.push_back(std::move(j));
    }
    b["scenarios"] = std::move(list);
    if (!s.scenarios.empty())
        b["worst"] = {
            {"index", std::to_string(s.worst)}, {"name", s.scenarios[s.worst].name}, {"shortfall", dec(s.scenarios[s.worst].shortfall)}};
    ordered_json j;
    j["api_version"] = std::string(api_version);
    j["stress_book"] = std::move(b);
    return detail::dump(j, pretty);
}

reply stress_book_json(std::string_view book_jsonl, std::string_view options_text, bool pretty, std::size_t parts, const part_runner& run) {
    const auto book = parse_book(book_jsonl);
    if (!book.ok()) return reply::failure(*book.err, pretty);
    const auto opt = parse_book_options(options_text);
    if (!opt.ok()) return reply::failure(*opt.err, pretty);
    const auto& accounts = book.value;
    const auto& scs = opt.value.doc.scenarios;
    std::vector<stress::book_cell> cells(accounts.size() * scs.size());
    parts = std::clamp<std::size_t>(parts, 1, accounts.size());
    std::vector<std::optional<error>> errors(parts);
    const auto part = [&](std::size_t t) {
        errors[t] =
            stress::evaluate_book(accounts, scs, opt.value.history, accounts.size() * t / parts, accounts.size() * (t + 1) / parts, cells);
    };
    if (run && parts > 1) {
        run(parts, part);
    } else {
        for (std::size_t t = 0; t < parts; ++t) part(t);
    }
    for (const auto& e : errors)
        if (e) return reply::failure(*e, pretty);
    std::vector<account_result> before;
    for (const auto& r : accounts) {
        auto b = compute(r);
        if (!b.ok()) return reply::failure(*b.err, pretty);
        before.push_back(std::move(b.value));
    }
    const auto summary = stress::summarise_book(scs, before, cells, opt.value.insurance_fund, opt.value.top);
    return {encode_book(summary, opt.value.insurance_fund, pretty), std::nullopt};
}

}  // namespace margin::api
