// Book-level stress: cells per account and scenario, then the deterministic summary.
#include "core/stress/book.hpp"

#include <algorithm>

#include "../wad_ops.hpp"

namespace margin::stress {

std::optional<error> evaluate_book(const std::vector<request>& book, const std::vector<scenario>& scenarios, const risk::history& h,
                                   std::size_t first, std::size_t last, std::vector<book_cell>& cells) {
    const std::size_t n = scenarios.size();
    for (std::size_t a = first; a < last; ++a) {
        auto before = compute(book[a]);
        if (!before.ok()) {
            before.err->message = "account on line " + std::to_string(a + 1) + ": " + before.err->message;
            return before.err;
        }
        for (std::size_t k = 0; k < n; ++k) {
            auto o = run(scenarios[k], book[a], before.value, h, "/scenarios/" + std::to_string(k));
            if (!o.ok()) {
                o.err->message = "account on line " + std::to_string(a + 1) + ": " + o.err->message;
                return o.err;
            }
            cells[a * n + k] = {o.value.after.equity, o.value.pnl, o.value.after.liquidatable};
        }
    }
    return std::nullopt;
}

book_summary summarise_book(const std::vector<scenario>& scenarios, const std::vector<account_result>& before,
                            const std::vector<book_cell>& cells, const Wad& fund, std::size_t top) {
    book_summary s;
    const std::size_t n = scenarios.size(), m = before.size();
    s.accounts = m;
    calc c;
    for (const account_result& b : before) {
        s.liquidatable_before += b.liquidatable ? 1 : 0;
        if (b.equity.raw().sign() < 0) s.shortfall_before = c(fp::sub(s.shortfall_before, b.equity));
    }
    for (std::size_t k = 0; k < n; ++k) {
        book_scenario r;
        r.name = scenarios[k].name;
        std::vector<book_contributor> all;
        for (std::size_t a = 0; a < m; ++a) {
            const book_cell& x = cells[a * n + k];
            r.pnl = c(fp::add(r.pnl, x.pnl));
            if (x.liquidatable) {
                ++r.liquidatable;
                r.newly += before[a].liquidatable ? 0 : 1;
            }
            const Wad sf = x.equity.raw().sign() < 0 ? c(fp::neg(x.equity)) : Wad{};
            r.shortfall = c(fp::add(r.shortfall, sf));
            all.push_back({a, sf, x.equity, x.pnl});
        }
        r.uncovered = std::max(c(fp::sub(r.shortfall, fund)), Wad{});
        // top contributors: largest shortfall, then largest loss, then book order
        const std::size_t keep = std::min(top, all.size());
        std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(keep), all.end(),
                          [](const book_contributor& x, const book_contributor& y) {
                              if (x.shortfall != y.shortfall) return x.shortfall > y.shortfall;
                              if (x.pnl != y.pnl) return x.pnl < y.pnl;
                              return x.account < y.account;
                          });
        r.top.assign(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(keep));
        s.scenarios.push_back(std::move(r));
    }
    for (std::size_t k = 1; k < n; ++k) {
        const book_scenario &x = s.scenarios[k], &w = s.scenarios[s.worst];
        if (x.shortfall > w.shortfall || (x.shortfall == w.shortfall && x.pnl < w.pnl)) s.worst = k;
    }
    return s;
}

}  // namespace margin::stress
