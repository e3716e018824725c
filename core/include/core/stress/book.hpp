// Book-level stress (docs/stress.md §Book): every account of a book under every scenario of a
// set; per scenario the accounts that become liquidatable, the total shortfall (negative equity)
// against an insurance fund and the top contributors. The evaluation of a range of accounts is
// independent of the others, so callers may split a book over threads: the summary depends only
// on the cells, not on who computed them.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "core/risk/history.hpp"
#include "core/stress/stress.hpp"

namespace margin::stress {

/// One account under one scenario.
struct book_cell {
    Wad equity, pnl;
    bool liquidatable = false;
};

/// Cells [account][scenario] of accounts first .. last - 1, written into `cells` (row-major,
/// scenarios.size() per account; sized by the caller). `before` is compute() of each account.
/// Errors: run()'s, the message naming the account's 1-based line.
std::optional<error> evaluate_book(const std::vector<request>& book, const std::vector<scenario>& scenarios, const risk::history& h,
                                   std::size_t first, std::size_t last, std::vector<book_cell>& cells);

struct book_contributor {
    std::size_t account = 0;  ///< index into the book (0-based)
    Wad shortfall, equity, pnl;
};

struct book_scenario {
    std::string name;
    std::size_t liquidatable = 0;       ///< accounts liquidatable under the scenario
    std::size_t newly = 0;              ///< of them, not liquidatable before
    Wad pnl;                            ///< the book's P&L (exact sum)
    Wad shortfall;                      ///< sum over accounts of max(0, -equity)
    Wad uncovered;                      ///< max(0, shortfall - insurance fund)
    std::vector<book_contributor> top;  ///< largest shortfalls (ties: book order), then largest losses when none
};

struct book_summary {
    std::size_t accounts = 0, liquidatable_before = 0;
    Wad shortfall_before;
    std::vector<book_scenario> scenarios;
    std::size_t worst = 0;  ///< the scenario of the largest shortfall (ties: the largest loss, then the first)
};

/// The summary of the cells. `before`: compute() of each account. Caps: top <= 100.
book_summary summarise_book(const std::vector<scenario>& scenarios, const std::vector<account_result>& before,
                            const std::vector<book_cell>& cells, const Wad& insurance_fund, std::size_t top);

/// Accounts in a book at most; accounts x scenarios x positions per account bounded by the caller.
inline constexpr std::size_t max_book_accounts = 100'000;

}  // namespace margin::stress
