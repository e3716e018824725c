// Scenario labels (api/scenario_label.hpp): words from the parameters, decimals as fp::format
// writes them, so a label shows the exact multiplier the engine applies.
#include "api/scenario_label.hpp"

#include "fixedpoint/wad.hpp"

namespace margin::api {

namespace {

constexpr const char* times = "\xC3\x97";  // ×

const char* vol_words(scenario::vol_move v) {
    switch (v) {
        case scenario::vol_move::up: return "vol up";
        case scenario::vol_move::down: return "vol down";
        case scenario::vol_move::linear_skew: return "linear skew";
        case scenario::vol_move::abs_skew: return "abs skew";
        case scenario::vol_move::none: break;
    }
    return "";
}

}  // namespace

std::string scenario_label(const scenario::params& prm, std::int64_t id) {
    const auto n = static_cast<std::int64_t>(prm.scenarios.size());
    if (id == n)
        return std::string("basis: spot ") + times + fp::format(prm.basis.spot_up) + " or " + times + fp::format(prm.basis.spot_down);
    if (id < 0 || id > n) return "#" + std::to_string(id);
    const scenario::scenario& s = prm.scenarios[static_cast<std::size_t>(id)];
    const fp::Wad one = fp::Wad::from_int(1);
    std::string label = s.spot_shock == one ? std::string("spot unchanged") : std::string("spot ") + times + fp::format(s.spot_shock);
    const std::string vol = vol_words(s.vol);
    if (!vol.empty()) label += ", " + vol;
    if (!(s.weight == one)) label += ", weight " + fp::format(s.weight);
    return label;
}

}  // namespace margin::api
