// House mode's series vols (docs/cascade.md §Request, `vols` of a path entry): what the chain's
// pushMarket carries beside the market, one vol per live series, which every position on the
// series is then valued with. Checked against the book (each series held at S0, once a push)
// and applied before each push's evaluation.
#include <algorithm>
#include <tuple>

#include "core/limits.hpp"
#include "internal.hpp"

namespace margin::cascade::detail {

namespace {

/// A series' identity within the house's one underlying: (expiry, strike, kind).
auto key_of(std::int64_t expiry, const Wad& strike, option_kind kind) { return std::make_tuple(expiry, strike, kind); }
using series_key = decltype(key_of(0, Wad{}, option_kind::call));

}  // namespace

std::optional<error> check_vols(const input& in) {
    if (in.path_vols.empty()) return std::nullopt;
    if (in.path_vols.size() != in.path.size())
        return error{error_code::OUT_OF_RANGE, "/path_vols", "one list of series vols per path market"};
    // the series the book holds at S0 (positions only move between accounts: the set stays)
    std::vector<series_key> held;
    for (const auto& r : in.accounts)
        for (const auto& p : r.acct.positions)
            if (p.type == instrument_type::option) held.push_back(key_of(p.expiry, p.strike, p.kind));
    std::sort(held.begin(), held.end());
    held.erase(std::unique(held.begin(), held.end()), held.end());
    for (std::size_t i = 0; i < in.path_vols.size(); ++i) {
        const auto& vols = in.path_vols[i];
        const std::string at = "/path/" + std::to_string(i) + "/vols";
        if (vols.empty()) continue;
        if (in.mode != mode::house)
            return error{error_code::MODE_NOT_SUPPORTED, at, "series vols are a house push's (a market-mode path moves prices only)"};
        if (vols.size() > max_push_vols)
            return error{error_code::OUT_OF_RANGE, at, "at most " + std::to_string(max_push_vols) + " series vols a push"};
        std::vector<series_key> seen;
        for (std::size_t k = 0; k < vols.size(); ++k) {
            const auto& v = vols[k];
            const std::string vk = at + "/" + std::to_string(k);
            if (v.vol < margin::limits::min_vol || v.vol > margin::limits::max_vol)
                return error{error_code::OUT_OF_RANGE, vk + "/mark_vol", "a mark_vol is in [0.0001, 10], got " + fp::format(v.vol)};
            const auto key = key_of(v.expiry, v.strike, v.kind);
            if (!std::binary_search(held.begin(), held.end(), key))
                return error{error_code::OUT_OF_RANGE, vk, "no account of the book holds this series (expiry, strike, option_type)"};
            if (std::find(seen.begin(), seen.end(), key) != seen.end())
                return error{error_code::OUT_OF_RANGE, vk, "this series is given twice in the push"};
            seen.push_back(key);
        }
    }
    return std::nullopt;
}

void apply_vols(state& s, const std::vector<series_vol>& vols) {
    if (vols.empty()) return;
    std::vector<std::pair<series_key, Wad>> by;
    by.reserve(vols.size());
    for (const auto& v : vols) by.emplace_back(key_of(v.expiry, v.strike, v.kind), v.vol);
    std::sort(by.begin(), by.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& r : s.reqs)
        for (auto& p : r.acct.positions) {
            if (p.type != instrument_type::option) continue;
            const auto key = key_of(p.expiry, p.strike, p.kind);
            const auto it = std::lower_bound(by.begin(), by.end(), key, [](const auto& e, const series_key& k) { return e.first < k; });
            if (it != by.end() && it->first == key) p.mark_vol = it->second;
        }
}

}  // namespace margin::cascade::detail
