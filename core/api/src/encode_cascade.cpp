// The cascade result document (docs/cascade.md §Result): every figure an exact decimal string,
// counts and indices JSON integers, and log_hash, the keccak256 of the steps' compact encoding.
#include <boost/multiprecision/cpp_int.hpp>

#include "abi/keccak.hpp"
#include "api/cascade.hpp"
#include "encode.hpp"

namespace margin::api {
namespace {

using detail::dec;
using nlohmann::ordered_json;

ordered_json optional_index(const auto& v) { return v ? ordered_json(*v) : ordered_json(nullptr); }

ordered_json liquidation_object(const cascade::liquidation_record& l) {
    ordered_json adl = ordered_json::array();
    for (const auto& a : l.adl) adl.push_back({{"account", a.account}, {"notional", dec(a.notional)}, {"charge", dec(a.charge)}});
    return {{"account", l.account},
            {"liquidator", optional_index(l.liquidator)},
            {"scenario", optional_index(l.scenario)},
            {"equity", dec(l.equity)},
            {"maintenance", dec(l.maintenance)},
            {"fraction", dec(l.fraction)},
            {"reward", dec(l.reward)},
            {"payment", dec(l.payment)},
            {"shortfall", dec(l.shortfall)},
            {"insurance", dec(l.insurance)},
            {"socialised", dec(l.socialised)},
            {"notional", dec(l.notional)},
            {"adl", std::move(adl)}};
}

ordered_json step_object(const cascade::step_record& s) {
    ordered_json u = ordered_json::object();
    for (const auto& x : s.underlyings)
        u[x.symbol] = {{"price", dec(x.price)},         {"price_no_feedback", dec(x.price_no_feedback)},
                       {"flow", dec(x.flow)},           {"impact", dec(x.impact)},
                       {"execution", dec(x.execution)}, {"exhausted", x.exhausted}};
    ordered_json liq = ordered_json::array();
    for (const auto& l : s.liquidations) liq.push_back(liquidation_object(l));
    // lossMark's scale: an integer (1e36 at an epoch's start), beyond a JSON integer's safe range: a string
    const std::string scale = boost::multiprecision::cpp_int(s.mark.scale.big()).str();
    return {{"step", s.step},
            {"underlyings", std::move(u)},
            {"liquidations", std::move(liq)},
            {"count", s.count},
            {"notional", dec(s.notional)},
            {"fund", dec(s.fund)},
            {"socialised_loss", dec(s.socialised_loss)},
            {"bad_debt", dec(s.bad_debt)},
            {"adl_notional", dec(s.adl_notional)},
            {"total_positive_cash", dec(s.total_positive_cash)},
            {"loss_mark", {{"epoch", s.mark.epoch}, {"scale", scale}}},
            {"counterparty", dec(s.counterparty)},
            {"dust", dec(s.dust)}};
}

}  // namespace

std::string cascade_log_hash(std::string_view steps_compact) {
    const std::vector<std::uint8_t> bytes(steps_compact.begin(), steps_compact.end());
    std::array<char, 67> buf;
    return std::string(abi::to_hex(abi::keccak256(bytes), buf));
}

std::string encode_cascade(const cascade::input& in, const cascade::result& r, bool pretty) {
    ordered_json steps = ordered_json::array();
    for (const auto& s : r.steps) steps.push_back(step_object(s));
    const std::string log_hash = cascade_log_hash(detail::dump(steps, false));
    ordered_json amp = ordered_json::object();
    for (const auto& [sym, a] : r.total.amplification) amp[sym] = a ? ordered_json(dec(*a)) : ordered_json(nullptr);
    const auto& t = r.total;
    ordered_json total = {{"liquidations", t.liquidations},
                          {"steps_run", t.steps_run},
                          {"notional", dec(t.notional)},
                          {"bad_debt", dec(t.bad_debt)},
                          {"fund_used", dec(t.fund_used)},
                          {"adl_notional", dec(t.adl_notional)},
                          {"capital_locked", dec(t.capital_locked)},
                          {"amplification", std::move(amp)},
                          {"capped", t.capped}};
    ordered_json doc = {{"api_version", "1"},
                        {"cascade",
                         {{"mode", in.mode == cascade::mode::house ? "house" : "market"},
                          {"accounts", in.accounts.size()},
                          {"steps", std::move(steps)},
                          {"total", std::move(total)},
                          {"log_hash", log_hash}}}};
    return detail::dump(doc, pretty);
}

}  // namespace margin::api
