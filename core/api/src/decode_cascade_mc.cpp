// cascade/1's "monte_carlo" and a replay's window, decoded (docs/cascade-monte-carlo.md,
// §Request): paths, seed, horizon, the draws' model, the daily vols and correlations given or
// calibrated on the request's history (risk::ewma_covariance), the emitted path and the list cap.
#include "core/risk/scenarios.hpp"
#include "decode.hpp"

namespace margin::api::detail {
namespace {

std::optional<std::int32_t> date_of(decoder& d, const json& o, const std::string& p, const char* key, bool required) {
    const auto v = d.text(o, p, key, required);
    if (!v) return std::nullopt;
    if (auto day = risk::parse_date(*v)) return *day;
    d.fail(error_code::BAD_INTEGER, child(p, key), "\"" + *v + "\" is not a date YYYY-MM-DD (1970 or later)");
    return std::nullopt;
}

}  // namespace

std::optional<cascade::replay_window> decode_replay_window(decoder& d, const json& o, const std::string& p) {
    if (!d.is_object(o, p) || !d.only(o, p, {"from", "series", "to"})) return std::nullopt;
    cascade::replay_window w;
    const auto from = date_of(d, o, p, "from", true);
    const auto to = from ? date_of(d, o, p, "to", true) : std::nullopt;
    if (!from || !to) return std::nullopt;
    w.from = *from;
    w.to = *to;
    if (const json* s = d.field(o, p, "series", false)) {
        const std::string sp = child(p, "series");
        if (!d.is_object(*s, sp) || !d.at_most(*s, limits::max_underlyings, sp, "underlyings")) return std::nullopt;
        for (const auto& [sym, v] : s->items()) {
            auto name = d.text(*s, sp, sym.c_str(), true);
            if (!name) return std::nullopt;
            w.series[sym] = *name;
        }
    }
    return w;
}

std::optional<error> decode_cascade_mc(decoder& d, const json& o, const std::string& p, const cascade::input& in, const risk::history& h,
                                       cascade_mc_request& out) {
    if (!d.is_object(o, p) ||
        !d.only(o, p, {"calibrate", "correlation", "dof", "emit_path", "horizon", "list", "model", "paths", "seed", "vol"}))
        return d.err;
    if (in.mode != cascade::mode::market) return error{error_code::MODE_NOT_SUPPORTED, "/cascade/mode", "the Monte Carlo runs market mode"};
    cascade::mc_spec& s = out.spec;
    if (auto x = d.whole(o, p, "paths", cascade::max_paths, true)) s.paths = static_cast<std::size_t>(*x);
    if (!d.failed() && s.paths == 0) d.fail(error_code::BAD_COUNT, child(p, "paths"), "paths is 1 .. 100000");
    if (auto x = d.whole(o, p, "seed", UINT64_MAX, false)) s.seed = *x;
    if (auto x = d.whole(o, p, "horizon", cascade::max_horizon, false)) s.horizon = static_cast<std::size_t>(*x);
    if (!d.failed() && s.horizon == 0) d.fail(error_code::BAD_COUNT, child(p, "horizon"), "horizon is 1 .. 250 days");
    if (auto m = d.text(o, p, "model", false); m && !d.failed()) {
        if (*m == "student_t")
            s.model = risk::innovation::student_t;
        else if (*m != "normal")
            d.fail(error_code::BAD_ENUM, child(p, "model"), "model must be \"normal\" or \"student_t\", got \"" + *m + "\"");
    }
    if (auto x = d.whole(o, p, "dof", 30, false); x && !d.failed()) {
        if (*x < 3) d.fail(error_code::BAD_COUNT, child(p, "dof"), "dof is 3 .. 30");
        s.dof = static_cast<std::int32_t>(*x);
    }
    if (auto x = d.whole(o, p, "emit_path", cascade::max_paths - 1, false); x && !d.failed()) {
        if (*x >= s.paths) d.fail(error_code::BAD_COUNT, child(p, "emit_path"), "emit_path is a path index, below paths");
        out.emit = s.emit = static_cast<std::size_t>(*x);
    }
    if (auto x = d.whole(o, p, "list", cascade::max_paths, false)) out.list = static_cast<std::size_t>(*x);
    if (d.failed()) return d.err;
    const json* vol = d.field(o, p, "vol", false);
    const json* cal = d.field(o, p, "calibrate", false);
    if (!vol == !cal) return error{error_code::MISSING_FIELD, child(p, "vol"), "give the daily \"vol\" by underlying, or \"calibrate\""};
    if (vol) {
        const std::string vp = child(p, "vol");
        if (!d.is_object(*vol, vp) || !d.at_most(*vol, limits::max_underlyings, vp, "underlyings")) return d.err;
        std::vector<Wad> vols;
        for (const auto& [sym, v] : vol->items()) {  // keys in order: symbols ascending
            auto x = d.decimal(*vol, vp, sym.c_str(), true);
            if (!x) return d.err;
            if (!in.start.underlyings.count(sym))
                return error{error_code::OUT_OF_RANGE, child(vp, sym), sym + " is not an underlying of the market"};
            s.symbols.push_back(sym);
            vols.push_back(*x);
        }
        std::map<std::pair<std::string, std::string>, Wad> rho;
        if (const json* c = d.field(o, p, "correlation", false)) {
            const std::string cp = child(p, "correlation");
            if (!d.is_object(*c, cp)) return d.err;
            for (const auto& [a, row] : c->items()) {
                const std::string ap = child(cp, a);
                if (!d.is_object(row, ap)) return d.err;
                for (const auto& [b, v] : row.items()) {
                    auto x = d.decimal(row, ap, b.c_str(), true);
                    if (!x) return d.err;
                    rho[{a, b}] = *x;
                }
            }
        }
        auto cov = cascade::covariance_of(s.symbols, vols, rho, p);
        if (!cov.ok()) return cov.err;
        s.cov = std::move(cov.value);
        return std::nullopt;
    }
    if (d.field(o, p, "correlation", false)) return error{error_code::UNKNOWN_FIELD, child(p, "correlation"), "correlation goes with vol"};
    const std::string cp = child(p, "calibrate");
    if (!d.is_object(*cal, cp) || !d.only(*cal, cp, {"as_of", "lambda", "lookback"})) return d.err;
    risk::params rp;
    rp.kind = risk::method::monte_carlo;
    rp.horizon_days = 1;
    rp.lookback_days = 365;
    rp.as_of = date_of(d, *cal, cp, "as_of", false);
    if (auto x = d.whole(*cal, cp, "lookback", 3650, false); x && !d.failed()) rp.lookback_days = static_cast<std::int32_t>(*x);
    if (auto x = d.decimal(*cal, cp, "lambda", false); x && !d.failed()) rp.ewma_lambda = *x;
    if (d.failed()) return d.err;
    if (auto e = risk::validate(rp, cp)) return e;
    for (const auto& [sym, u] : in.start.underlyings) s.symbols.push_back(sym);
    auto cov = risk::ewma_covariance(h, rp, s.symbols);
    if (!cov.ok()) {
        error e = *cov.err;
        e.path = "/cascade" + e.path;  // "/history/<SYM>": the request's history
        return e;
    }
    s.cov = std::move(cov.value);
    return std::nullopt;
}

}  // namespace margin::api::detail
