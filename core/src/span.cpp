#include "core/span.hpp"

#include <map>

#include "checks.hpp"
#include "wad_ops.hpp"

namespace margin::span {
namespace {

using fp::rounding;

Wad ceil_mul(calc& c, const Wad& a, const Wad& b) { return c(fp::mul(a, b, rounding::ceil)); }
Wad floor_mul(calc& c, const Wad& a, const Wad& b) { return c(fp::mul(a, b, rounding::floor)); }

}  // namespace

params standard_params() {
    params p;
    for (std::size_t s = 0; s < scenario_count; ++s) p.cover[s] = s < 14 ? Wad::from_int(1) : fp::parse("0.35").value;
    return p;
}

std::optional<error> validate(const std::vector<contract>& contracts, const std::vector<position>& positions, const params& prm) {
    checks::checker ck;
    const Wad big = Wad::from_int(1'000'000'000'000'000), qty_cap = Wad::from_int(1'000'000'000'000), one = Wad::from_int(1),
              ratio_cap = Wad::from_int(1'000'000);
    std::map<std::string, std::size_t> names;
    for (std::size_t s = 0; s < scenario_count && !ck.failed(); ++s) {
        const std::string p = "/params/cover/" + std::to_string(s);
        ck.non_negative(prm.cover[s], p) && ck.at_most(prm.cover[s], one, p);
    }
    for (std::size_t k = 0; k < prm.commodities.size() && !ck.failed(); ++k) {
        const commodity_params& cp = prm.commodities[k];
        const std::string p = "/params/commodities/" + std::to_string(k);
        if (!ck.symbol(cp.name, p + "/name", false)) break;
        if (!names.emplace(cp.name, k).second) {
            ck.fail(error_code::DUPLICATE_KEY, p + "/name", "commodity \"" + cp.name + "\" listed twice");
            break;
        }
        ck.non_negative(cp.intra_spread_charge, p + "/intra_spread_charge") &&
            ck.at_most(cp.intra_spread_charge, big, p + "/intra_spread_charge") && ck.non_negative(cp.spot_charge, p + "/spot_charge") &&
            ck.at_most(cp.spot_charge, big, p + "/spot_charge") && ck.non_negative(cp.short_option_minimum, p + "/short_option_minimum") &&
            ck.at_most(cp.short_option_minimum, big, p + "/short_option_minimum");
    }
    for (std::size_t i = 0; i < prm.spreads.size() && !ck.failed(); ++i) {
        const inter_spread& sp = prm.spreads[i];
        const std::string p = "/params/spreads/" + std::to_string(i);
        (names.count(sp.a) || ck.fail(error_code::UNKNOWN_COMMODITY, p + "/a", "no parameters for commodity \"" + sp.a + "\"")) &&
            (names.count(sp.b) || ck.fail(error_code::UNKNOWN_COMMODITY, p + "/b", "no parameters for commodity \"" + sp.b + "\"")) &&
            (sp.a != sp.b || ck.fail(error_code::OUT_OF_RANGE, p + "/b", "a spread's two legs must be different commodities")) &&
            ck.positive(sp.delta_a, p + "/delta_a") && ck.at_most(sp.delta_a, ratio_cap, p + "/delta_a") &&
            ck.positive(sp.delta_b, p + "/delta_b") && ck.at_most(sp.delta_b, ratio_cap, p + "/delta_b") &&
            ck.non_negative(sp.credit_rate, p + "/credit_rate") && ck.at_most(sp.credit_rate, one, p + "/credit_rate");
    }
    for (std::size_t i = 0; i < contracts.size() && !ck.failed(); ++i) {
        const contract& ct = contracts[i];
        const std::string p = "/contracts/" + std::to_string(i);
        if (!names.count(ct.commodity)) {
            ck.fail(error_code::UNKNOWN_COMMODITY, p + "/commodity", "no parameters for commodity \"" + ct.commodity + "\"");
            break;
        }
        if (ct.month < 1 || ct.month > 999'999) {
            ck.fail(error_code::OUT_OF_RANGE, p + "/month", "month must be 1 to 999999, got " + std::to_string(ct.month));
            break;
        }
        for (std::size_t s = 0; s < scenario_count && !ck.failed(); ++s)
            ck.abs_at_most(ct.risk_array[s], big, p + "/risk_array/" + std::to_string(s));
        ck.failed() || (ck.abs_at_most(ct.delta, big, p + "/delta") && ck.non_negative(ct.option_value, p + "/option_value") &&
                        ck.at_most(ct.option_value, big, p + "/option_value"));
    }
    for (std::size_t i = 0; i < positions.size() && !ck.failed(); ++i) {
        const std::string p = "/positions/" + std::to_string(i);
        (positions[i].contract < contracts.size() ||
         ck.fail(error_code::OUT_OF_RANGE, p + "/contract",
                 "no contract " + std::to_string(positions[i].contract) + ": " + std::to_string(contracts.size()) + " are listed")) &&
            ck.abs_at_most(positions[i].quantity, qty_cap, p + "/quantity");
    }
    return ck.err;
}

outcome<result> requirement(const std::vector<contract>& contracts, const std::vector<position>& positions, const params& prm) {
    calc c;
    result r;
    std::map<std::string, std::size_t> index;
    for (std::size_t i = 0; i < prm.commodities.size(); ++i) index[prm.commodities[i].name] = i;
    for (std::size_t i = 0; i < contracts.size(); ++i)
        if (!index.count(contracts[i].commodity))
            return outcome<result>::failure(error_code::UNKNOWN_COMMODITY, "/contracts/" + std::to_string(i),
                                            "no parameters for commodity \"" + contracts[i].commodity + "\"");
    for (std::size_t i = 0; i < positions.size(); ++i)
        if (positions[i].contract >= contracts.size())
            return outcome<result>::failure(error_code::OUT_OF_RANGE, "/positions/" + std::to_string(i), "no such contract");

    const std::size_t n = prm.commodities.size();
    std::vector<commodity_result> cr(n);
    std::vector<std::map<std::int64_t, Wad>> month_delta(n);
    std::vector<Wad> spot_delta(n), shorts(n);
    for (std::size_t k = 0; k < n; ++k) cr[k].name = prm.commodities[k].name;

    // Scan risk: the worst covered scenario loss of each commodity's positions (exact sums).
    for (std::size_t k = 0; k < n; ++k) {
        std::vector<Wad> qty;
        std::vector<const contract*> cs;
        for (const position& p : positions) {
            const contract& ct = contracts[p.contract];
            if (index[ct.commodity] != k) continue;
            qty.push_back(p.quantity);
            cs.push_back(&ct);
            const Wad d = ceil_mul(c, p.quantity, ct.delta);
            month_delta[k][ct.month] = c(fp::add(month_delta[k][ct.month], d));
            if (ct.spot_month) spot_delta[k] = c(fp::add(spot_delta[k], d));
            if (ct.option && p.quantity.raw().is_negative()) shorts[k] = c(fp::add(shorts[k], c(fp::neg(p.quantity))));
            r.net_option_value = c(fp::add(r.net_option_value, ct.option ? floor_mul(c, p.quantity, ct.option_value) : Wad{}));
        }
        Wad worst;
        for (std::size_t s = 0; s < scenario_count; ++s) {
            std::vector<Wad> arr;
            for (const contract* ct : cs) arr.push_back(ct->risk_array[s]);
            const Wad loss = ceil_mul(c, c(fp::dot(qty, arr, rounding::ceil)), prm.cover[s]);
            if (loss > worst) {
                worst = loss;
                cr[k].scan_scenario = static_cast<std::int64_t>(s);
            }
        }
        cr[k].scan_risk = worst;
        // Calendar spreads: deltas long in some months against short in others.
        Wad longs, short_sum, net;
        for (const auto& [month, d] : month_delta[k]) {
            if (d.raw().sign() > 0)
                longs = c(fp::add(longs, d));
            else
                short_sum = c(fp::add(short_sum, c(fp::neg(d))));
            net = c(fp::add(net, d));
        }
        cr[k].intra_charge = ceil_mul(c, fp::min(longs, short_sum), prm.commodities[k].intra_spread_charge);
        cr[k].spot_charge = ceil_mul(c, c(fp::abs(spot_delta[k])), prm.commodities[k].spot_charge);
        cr[k].net_delta = net;
        cr[k].short_option_minimum = ceil_mul(c, shorts[k], prm.commodities[k].short_option_minimum);
    }

    // Inter-commodity credits, in priority order, on the deltas left by earlier spreads.
    std::vector<Wad> remaining(n);
    for (std::size_t k = 0; k < n; ++k) remaining[k] = cr[k].net_delta;
    for (const inter_spread& s : prm.spreads) {
        if (!index.count(s.a) || !index.count(s.b)) continue;
        const std::size_t a = index[s.a], b = index[s.b];
        const Wad da = remaining[a], db = remaining[b];
        if (da.raw().sign() * db.raw().sign() >= 0) continue;  // same direction or flat: no spread
        const Wad spreads =
            fp::min(c(fp::div(c(fp::abs(da)), s.delta_a, rounding::floor)), c(fp::div(c(fp::abs(db)), s.delta_b, rounding::floor)));
        for (const auto& [k, d0, leg_delta] : {std::tuple{a, cr[a].net_delta, s.delta_a}, std::tuple{b, cr[b].net_delta, s.delta_b}}) {
            if (d0.raw().is_zero()) continue;
            // price risk per delta: the scan risk spread over the commodity's net delta
            const Wad per_delta = c(fp::div(cr[k].scan_risk, c(fp::abs(d0)), rounding::floor));
            const Wad used = floor_mul(c, spreads, leg_delta);
            cr[k].inter_credit = c(fp::add(cr[k].inter_credit, floor_mul(c, floor_mul(c, used, per_delta), s.credit_rate)));
            remaining[k] = remaining[k].raw().sign() > 0 ? c(fp::sub(remaining[k], used)) : c(fp::add(remaining[k], used));
        }
    }

    for (commodity_result& k : cr) {
        const Wad before = c(fp::sub(c(fp::add(c(fp::add(k.scan_risk, k.intra_charge)), k.spot_charge)), k.inter_credit));
        k.risk = fp::max(before, k.short_option_minimum);
        r.total_risk = c(fp::add(r.total_risk, k.risk));
    }
    r.commodities = std::move(cr);
    r.requirement = c(fp::sub(r.total_risk, r.net_option_value));
    if (!c.ok()) return outcome<result>::failure(error_code::ARITHMETIC_OVERFLOW, "", "a result exceeds the int256 fixed-point range");
    outcome<result> o;
    o.value = std::move(r);
    return o;
}

}  // namespace margin::span
