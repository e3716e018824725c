// `margin param-impact` (docs/dynamic-params.md §Parameter-change impact): the figures of a
// parameter change on a book and their two renderings, JSON and a self-contained HTML report
// (inline SVG, no script, nothing fetched).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/model.hpp"
#include "dynamic_setup.hpp"

namespace impact_report {

using fp::Wad;

/// One account (one line of the book) under the current and the proposed parameters.
struct account {
    std::size_t line = 0;  ///< 1-based line of the book
    Wad equity;
    Wad im_before, im_after, mm_before, mm_after, free_before, free_after;
    bool liquidatable_before = false, liquidatable_after = false;
};

/// A timelock step limit checked on the change (Timelock.sol paramSteps).
struct step {
    std::string field;
    Wad before, after, bound;
    bool ok = true;
};

struct report {
    std::string current_file, proposed_file, book_file;
    std::string current_hash, proposed_hash;  ///< keccak256(abi.encode(params)): `margin param-hash`
    std::vector<account> accounts;
    std::vector<step> steps;
    std::string coverage_from, coverage_to;
    std::vector<dynamic_setup::comparison_row> coverage;  ///< variants "current" and "proposed"; empty without --prices
};

std::string to_json(const report& r);
std::string to_html(const report& r);

}  // namespace impact_report
