// Conformance with Derive's PMRM_2 (../shared/conformance/derive-pmrm2/): each
// published case is mapped onto the scenario engine (core/scenario.hpp) with the
// case's own scenario list and parameters, and IM, MM and the mark-to-market (the
// engine's equity: cash + options + perps + collateral, against Derive's PortfolioMTM,
// and the options' part against its OptionMTM) are compared with the reference within
// 1e-8 relative (1e-6 absolute when |value| < 1). Where the
// reference's worst scenario beats its runner-up by more than that, the engine
// must pick the same one. For every case it also checks that evaluate_scenario()
// reproduces each scenario's P&L (and the margins at the worst one) bit for bit,
// and that a shared value_cache changes nothing.
//
//   pmrm2_conformance [--verbose] FOLDER|CASE.json ...
//
// The reference's numbers are JSON floats: each is converted to fixed point by
// its shortest decimal representation (rounded half-even to 18 decimals when
// longer). Exit status: 0 all cases match, 1 a mismatch, 2 usage or a bad file.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "core/scenario.hpp"

namespace {

using margin::scenario::Wad;
using nlohmann::json;
namespace sc = margin::scenario;

// Shortest decimal text of a JSON number, as an exact 18-decimal fixed-point value.
Wad dec(const json& v) {
    std::string s = v.is_string() ? v.get<std::string>() : v.dump();
    // split mantissa / exponent
    int exp10 = 0;
    if (auto e = s.find_first_of("eE"); e != std::string::npos) {
        exp10 = std::stoi(s.substr(e + 1));
        s = s.substr(0, e);
    }
    bool neg = !s.empty() && s[0] == '-';
    if (neg) s.erase(0, 1);
    std::string digits;
    int point = -1;
    for (char ch : s) {
        if (ch == '.')
            point = static_cast<int>(digits.size());
        else
            digits += ch;
    }
    if (point < 0) point = static_cast<int>(digits.size());
    point += exp10;
    while (point <= 0) {
        digits.insert(0, "0");
        ++point;
    }
    while (static_cast<int>(digits.size()) < point) digits += '0';
    std::string whole = digits.substr(0, static_cast<std::size_t>(point));
    std::string frac = digits.substr(static_cast<std::size_t>(point));
    std::string text = whole + (frac.empty() ? "" : "." + frac.substr(0, std::min<std::size_t>(frac.size(), 18)));
    Wad w = fp::parse(text).value;
    if (frac.size() > 18) {  // round half-even at the 18th decimal
        const char next = frac[18];
        const bool rest = frac.find_first_not_of('0', 19) != std::string::npos;
        const bool odd = (frac[17] - '0') % 2 == 1;
        if (next > '5' || (next == '5' && (rest || odd))) w = fp::add(w, Wad::from_raw(fp::I256(1))).value;
    }
    return neg ? fp::neg(w).value : w;
}

double num(const Wad& w) { return std::stod(fp::format(w)); }

sc::params read_params(const json& p) {
    sc::params r;
    for (const json& s : p["Scenarios"]) {
        const std::string d = s["VolShockDirection"];
        const sc::vol_move v = d == "Up"       ? sc::vol_move::up
                               : d == "Down"   ? sc::vol_move::down
                               : d == "None"   ? sc::vol_move::none
                               : d == "LINEAR" ? sc::vol_move::linear_skew
                                               : sc::vol_move::abs_skew;
        r.scenarios.push_back({dec(s["SpotShock"]), v, dec(s["DampeningFactor"])});
    }
    const json& v = p["VolShock"];
    r.vol_shock = {dec(v["VOLRANGEUP"]),    dec(v["VOLRANGEDOWN"]),         dec(v["SHORTTERMPOWER"]),
                   dec(v["LONGTERMPOWER"]), dec(v["MIN_VOL_EVAL_SHOCKED"]), 0};
    r.vol_shock.dte_floor_seconds = std::stoll(fp::format(fp::mul(dec(v["DTE_FLOOR"]), Wad::from_int(86400), fp::rounding::floor).value));
    const json& k = p["SkewShock"];
    r.skew_shock = {dec(k["LINEAR_SCALE_CAP"]), dec(k["LINEAR_CBASE"]),    dec(k["ABS_SCALE_CAP"]),    dec(k["ABS_CBASE"]),
                    dec(k["MIN_K_STAR"]),       dec(k["MIN_WIDTH_SCALE"]), dec(k["VOL_PARAM_STATIC"]), dec(k["VOL_PARAM_SCALE"])};
    const json& m = p["Margin"];
    r.loss = {dec(m["IM_LOSS_FACTOR"]),       dec(m["MM_LOSS_FACTOR"]),          dec(m["LONG_RATE_MULTSCALE"]),
              dec(m["LONG_RATE_ADDSCALE"]),   dec(m["SHORT_RATE_MULTSCALE"]),    dec(m["SHORT_RATE_ADDSCALE"]),
              dec(m["BASE_STATIC_DISCOUNT"]), dec(m["BASE_STATIC_DISCOUNT_NEG"])};
    const json& b = p["BasisContingency"];
    r.basis = {dec(b["SCENARIO_SPOT_UP"]), dec(b["SCENARIO_SPOT_DOWN"]), dec(b["BASIS_CONT_ADD_FACTOR"]), dec(b["BASIS_CONT_MULT_FACTOR"])};
    const json& o = p["OtherContingency"];
    r.contingency = {dec(o["PEG_LOSS_THRESHOLD"]), dec(o["PEG_LOSS_FACTOR"]), dec(o["CONF_THRESHOLD"]),    dec(o["CONF_MARGIN"]),
                     dec(o["MM_PERP_PERCENT"]),    dec(o["IM_PERP_PERCENT"]), dec(o["MM_OPTION_PERCENT"]), dec(o["IM_OPTION_PERCENT"])};
    return r;
}

sc::portfolio read_portfolio(const json& s) {
    sc::portfolio p;
    p.cash = dec(s["Cash"]);
    p.spot = dec(s["SpotPrice"]);
    p.spot_confidence = dec(s["SpotConfidence"]);
    p.stable_price = dec(s["StablePrice"]);
    p.perp_position = dec(s["NumPerps"]);
    p.perp_price = dec(s["PerpPrice"]);
    p.perp_confidence = dec(s["PerpConfidence"]);
    p.perp_value = fp::add(dec(s["UnrealisedPerpPNL"]), dec(s["UnrealisedFunding"])).value;
    std::map<std::int64_t, sc::expiry> by_expiry;
    for (const json& f : s["OptionFeeds"]) {
        sc::expiry e;
        e.seconds = f["FeedExpiry"].get<std::int64_t>();
        // The case gives the forward only. Derive's forward feed fixes the settlement
        // TWAP over the last 30 minutes: that share no longer moves with spot (all of
        // it once expired).
        const Wad fwd = dec(f["Forward"]);
        constexpr std::int64_t window = 1800;
        const std::int64_t fixed_s = e.seconds >= window ? 0 : window - e.seconds;
        e.forward_fixed = fp::mul_div(fwd, Wad::from_int(fixed_s), Wad::from_int(window), fp::rounding::floor).value;
        e.forward_variable = fp::sub(fwd, e.forward_fixed).value;
        e.rate = fp::max(dec(f["Rate"]), Wad{});
        e.confidence = fp::min(fp::min(dec(f["ForwardConfidence"]), dec(f["RateConfidence"])), dec(f["OptionVolConfidences"]));
        by_expiry[e.seconds] = e;
    }
    for (const json& o : s["Options"]) {
        sc::expiry& e = by_expiry.at(o["Expiry"].get<std::int64_t>());
        e.options.push_back({dec(o["Strike"]), dec(o["MarkVol"]), dec(o["Amount"]), o["IsCall"].get<int>() == 1});
    }
    for (auto& [t, e] : by_expiry)
        if (!e.options.empty()) p.expiries.push_back(e);
    for (const json& c : s["Collaterals"])
        p.collaterals.push_back({c["Name"], dec(c["Amount"]), dec(c["Price"]), dec(c["Confidence"]), dec(c["IMHaircut"]),
                                 dec(c["MMHaircut"]), c["IsRiskCancelling"].get<bool>()});
    return p;
}

bool close(double got, double want) {
    const double d = std::fabs(got - want);
    return std::fabs(want) < 1 ? d <= 1e-6 : d <= 1e-8 * std::fabs(want);
}

struct ref_loss {
    double loss;
    bool found;
};

// The reference's P&L for scenario s (by spot move and vol direction, or skew name).
ref_loss reference_loss(const json& res, const json& s) {
    const std::string d = s["VolShockDirection"];
    if (d == "LINEAR" || d == "ABS") {
        for (const json& e : res["skew_losses"])
            if (e[0] == d) return {std::stod(e[1].get<std::string>()), true};
        return {0, false};
    }
    const int dir = d == "Up" ? 1 : d == "Down" ? -1 : 0;
    const double move = s["SpotShock"].get<double>() - 1;
    for (const char* list : {"reg_losses", "tail_losses"}) {
        if (!res.contains(list)) continue;
        for (const json& e : res[list]) {
            const double m = e[0].is_string() ? std::stod(e[0].get<std::string>()) : e[0].get<double>();
            if (std::fabs(m - move) < 1e-9 && e[1].get<int>() == dir)
                return {e[2].is_string() ? std::stod(e[2].get<std::string>()) : e[2].get<double>(), true};
        }
    }
    return {0, false};
}

struct summary {
    double max_im = 0, max_mm = 0, max_pnl = 0, max_mtm = 0, max_opt = 0;
    int decisive = 0, same_worst = 0;
};

int run_case(const std::filesystem::path& file, bool verbose, int& failures, summary& sum) {
    std::ifstream in(file);
    const json doc = json::parse(in, nullptr, false);
    if (doc.is_discarded() || !doc.contains("Scenario")) {
        std::fprintf(stderr, "%s: not a PMRM_2 case\n", file.string().c_str());
        return 2;
    }
    const sc::params prm = read_params(doc["Parameters"]);
    const sc::portfolio pf = read_portfolio(doc["Scenario"]);
    const auto out = sc::evaluate(pf, prm);
    const std::string name = file.filename().string();
    if (!out.ok()) {
        std::printf("FAIL %s: engine error %s %s\n", name.c_str(), std::string(margin::name(out.err->code)).c_str(),
                    out.err->message.c_str());
        ++failures;
        return 1;
    }
    // The single-scenario evaluation and a shared value cache must give the same bits.
    bool identical = true;
    margin::scenario::value_cache cache;
    const auto cached = sc::evaluate(pf, prm, &cache);
    identical = cached.ok() && cached.value.scenario_pnl == out.value.scenario_pnl &&
                cached.value.initial_margin == out.value.initial_margin && cached.value.maintenance_margin == out.value.maintenance_margin;
    for (std::size_t i = 0; i <= prm.scenarios.size() && identical; ++i) {
        const auto one = sc::evaluate_scenario(pf, prm, static_cast<std::int64_t>(i));
        const Wad want = i < prm.scenarios.size() ? out.value.scenario_pnl[i] : out.value.basis_contingency;
        identical = one.ok() && one.value.pnl == want;
        if (identical && static_cast<std::int64_t>(i) == out.value.worst_scenario)
            identical =
                one.value.initial_margin == out.value.initial_margin && one.value.maintenance_margin == out.value.maintenance_margin;
    }
    if (!identical) {
        std::printf("FAIL %s: single-scenario or cached evaluation differs from the full one\n", file.filename().string().c_str());
        ++failures;
        return 1;
    }
    const json& res = doc["Result"];
    const double im = num(out.value.initial_margin), mm = num(out.value.maintenance_margin);
    const double ref_im = res["IM"].get<double>(), ref_mm = res["MM"].get<double>();
    // mark-to-market: the engine's (cash included) against PortfolioMTM (Cash + OptionMTM +
    // PerpMTM + CollateralMTM), and the options' part per expiry summed against OptionMTM
    const double mtm = num(out.value.mark_to_market), ref_mtm = res["PortfolioMTM"].get<double>();
    Wad options;
    for (const auto& e : out.value.expiries) options = fp::add(options, e.mtm).value;
    const double opt = num(options), ref_opt = res["OptionMTM"].get<double>();
    bool ok = close(im, ref_im) && close(mm, ref_mm) && close(mtm, ref_mtm) && close(opt, ref_opt);
    sum.max_mtm = std::max(sum.max_mtm, std::fabs(mtm - ref_mtm) / std::max(1.0, std::fabs(ref_mtm)));
    sum.max_opt = std::max(sum.max_opt, std::fabs(opt - ref_opt) / std::max(1.0, std::fabs(ref_opt)));
    // worst scenario: the reference's own worst among its scenario P&Ls and the basis contingency
    const json& sl = doc["Parameters"]["Scenarios"];
    std::vector<double> ref(sl.size() + 1);
    double max_pnl_diff = 0;
    std::size_t max_pnl_at = 0;
    for (std::size_t i = 0; i < sl.size(); ++i) {
        const ref_loss r = reference_loss(res, sl[i]);
        ref[i] = r.found ? r.loss : 1e300;
        if (r.found) {
            const double d = std::fabs(num(out.value.scenario_pnl[i]) - r.loss) / std::max(1.0, std::fabs(r.loss));
            if (d > max_pnl_diff) {
                max_pnl_diff = d;
                max_pnl_at = i;
            }
        }
    }
    ref[sl.size()] = res["ForwardContingency"].get<double>();
    std::vector<std::size_t> order(ref.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return ref[a] < ref[b]; });
    const double best = ref[order[0]], second = ref[order[1]];
    const bool decisive = !close(second, best);
    const bool same_worst = static_cast<std::size_t>(out.value.worst_scenario) == order[0];
    if (decisive && !same_worst) ok = false;
    sum.max_im = std::max(sum.max_im, std::fabs(im - ref_im) / std::max(1.0, std::fabs(ref_im)));
    sum.max_mm = std::max(sum.max_mm, std::fabs(mm - ref_mm) / std::max(1.0, std::fabs(ref_mm)));
    sum.max_pnl = std::max(sum.max_pnl, max_pnl_diff);
    sum.decisive += decisive ? 1 : 0;
    sum.same_worst += decisive && same_worst ? 1 : 0;
    if (!ok) ++failures;
    if (!ok || verbose)
        std::printf(
            "%s %s: IM %.10g (ref %.10g, rel %.2e)  MM %.10g (ref %.10g, rel %.2e)  MtM %.10g (ref %.10g, rel %.2e)  worst %lld (ref "
            "%zu%s)  max scenario P&L diff %.2e at %zu\n",
            ok ? "ok  " : "FAIL", name.c_str(), im, ref_im, std::fabs(im - ref_im) / std::max(1.0, std::fabs(ref_im)), mm, ref_mm,
            std::fabs(mm - ref_mm) / std::max(1.0, std::fabs(ref_mm)), mtm, ref_mtm,
            std::fabs(mtm - ref_mtm) / std::max(1.0, std::fabs(ref_mtm)), static_cast<long long>(out.value.worst_scenario), order[0],
            decisive ? "" : ", tie", max_pnl_diff, max_pnl_at);
    return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    bool verbose = false;
    std::vector<std::filesystem::path> files;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--verbose") {
            verbose = true;
            continue;
        }
        const std::filesystem::path p(a);
        if (std::filesystem::is_directory(p)) {
            for (const auto& e : std::filesystem::directory_iterator(p))
                if (e.path().extension() == ".json") files.push_back(e.path());
        } else if (std::filesystem::exists(p)) {
            files.push_back(p);
        } else {
            std::fprintf(stderr, "pmrm2_conformance: no such file or folder: %s\n", a.c_str());
            return 2;
        }
    }
    if (files.empty()) {
        std::fprintf(stderr, "usage: pmrm2_conformance [--verbose] FOLDER|CASE.json ...\n");
        return 2;
    }
    std::sort(files.begin(), files.end());
    int failures = 0;
    summary sum;
    for (const auto& f : files)
        if (run_case(f, verbose, failures, sum) == 2) return 2;
    std::printf(
        "pmrm2 conformance: %zu cases, %zu match, %d differ; max relative difference IM %.2e, MM %.2e, "
        "mark-to-market %.2e (options %.2e), scenario P&L %.2e; worst scenario decisive in %d cases, the same in %d\n",
        files.size(), files.size() - static_cast<std::size_t>(failures), failures, sum.max_im, sum.max_mm, sum.max_mtm, sum.max_opt,
        sum.max_pnl, sum.decisive, sum.same_worst);
    return failures == 0 ? 0 : 1;
}
