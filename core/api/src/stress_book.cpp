// Book-level stress, the JSON side: a book of JSON lines in, the summary document out.
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

}  // namespace margin::api
