// A house path entry of the cascade/1 request (docs/cascade.md §Request): a market, or
// {"market": MARKET, "vols": [{"expiry", "strike", "option_type", "mark_vol"}, ...]}, the series
// vols the push carries beside its market (the chain's pushMarket `vols`). Types and presence
// only: cascade::run checks the vols against the book and their bounds.
#include "decode.hpp"

namespace margin::api::detail {

const json* decode_path_entry(decoder& d, const json& o, const std::string& path, std::string& market_path,
                              std::vector<cascade::series_vol>& vols) {
    market_path = path;
    if (!o.is_object() || !o.contains("market")) return &o;  // a market alone
    if (!d.only(o, path, {"market", "vols"})) return nullptr;
    market_path = child(path, "market");
    const json* vs = d.field(o, path, "vols", false);
    const std::string vp = child(path, "vols");
    if (vs && (!d.is_array(*vs, vp) || !d.at_most(*vs, cascade::max_push_vols, vp, "series vols a push"))) return nullptr;
    for (std::size_t k = 0; vs && k < vs->size(); ++k) {
        const std::string kp = child(vp, k);
        const json& v = (*vs)[k];
        if (!d.is_object(v, kp) || !d.only(v, kp, {"expiry", "mark_vol", "option_type", "strike"})) return nullptr;
        cascade::series_vol s;
        const auto expiry = d.integer(v, kp, "expiry", true);
        const auto strike = d.decimal(v, kp, "strike", true);
        const auto kind = d.text(v, kp, "option_type", true);
        const auto vol = d.decimal(v, kp, "mark_vol", true);
        if (d.failed()) return nullptr;
        if (*kind != "call" && *kind != "put") {
            d.fail(error_code::BAD_ENUM, child(kp, "option_type"), "option_type must be \"call\" or \"put\", got \"" + *kind + "\"");
            return nullptr;
        }
        s.expiry = *expiry;
        s.strike = *strike;
        s.kind = *kind == "call" ? option_kind::call : option_kind::put;
        s.vol = *vol;
        vols.push_back(s);
    }
    return &o.at("market");
}

}  // namespace margin::api::detail
