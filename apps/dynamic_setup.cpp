// `margin dynamic`'s machinery (docs/dynamic-params.md): price files, the dynamic/1
// configuration, the daily series per underlying and variant, the reference portfolios'
// backtest under static or daily parameters. The figures are core's (integer, exact); the
// Kupiec p-values are report statistics (backtest_stats.hpp).
#include "dynamic_setup.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "api/documents.hpp"
#include "api/request.hpp"
#include "api/response.hpp"
#include "api/risk.hpp"
#include "command_io.hpp"
#include "core/risk/backtest.hpp"
#include "parallel.hpp"

namespace dynamic_setup {
namespace {

using margin::error;
using margin::error_code;
using margin::outcome;
using json = nlohmann::ordered_json;
namespace risk = margin::risk;
namespace sc = margin::scenario;

Wad wad(const char* text) { return fp::parse(text).value; }

// The dynamic/1 configuration, decoded field by field with its JSON pointer.
struct config_reader {
    std::optional<error> err;

    bool fail(error_code c, const std::string& path, const std::string& why) {
        if (!err) err = error{c, path, why};
        return false;
    }
    bool only(const nlohmann::json& o, const std::string& path, std::initializer_list<const char*> keys) {
        if (!o.is_object()) return fail(error_code::WRONG_TYPE, path, "expected an object");
        for (const auto& [k, v] : o.items()) {
            bool known = false;
            for (const char* x : keys) known = known || k == x;
            if (!known) return fail(error_code::UNKNOWN_FIELD, path + "/" + k, "unknown field \"" + k + "\"");
        }
        return true;
    }
    void decimal(const nlohmann::json& o, const std::string& path, const char* key, Wad& out) {
        if (err || !o.contains(key)) return;
        const auto& v = o[key];
        const std::string p = path + "/" + key;
        if (!v.is_string()) {
            fail(error_code::WRONG_TYPE, p, "expected a decimal string");
            return;
        }
        const auto x = fp::parse(v.get<std::string>());
        if (!x.ok()) {
            fail(error_code::BAD_DECIMAL, p, "not an exact decimal: " + v.get<std::string>());
            return;
        }
        out = x.value;
    }
    void integer(const nlohmann::json& o, const std::string& path, const char* key, std::int32_t& out) {
        if (err || !o.contains(key)) return;
        const auto& v = o[key];
        if (!v.is_number_integer() || v.get<std::int64_t>() < -1'000'000 || v.get<std::int64_t>() > 1'000'000) {
            fail(error_code::WRONG_TYPE, path + "/" + key, "expected an integer");
            return;
        }
        out = static_cast<std::int32_t>(v.get<std::int64_t>());
    }
    void text(const nlohmann::json& o, const std::string& path, const char* key, std::string& out) {
        if (err || !o.contains(key)) return;
        if (!o[key].is_string()) {
            fail(error_code::WRONG_TYPE, path + "/" + key, "expected a string");
            return;
        }
        out = o[key].get<std::string>();
    }
};

// The reference portfolios: the backtest's set without the BTC/ETH pair, named for their underlying.
std::vector<risk::bt_portfolio> reference_portfolios() {
    std::vector<risk::bt_portfolio> out;
    for (std::size_t i = 0; i < risk::bt_portfolio_names.size(); ++i)
        if (static_cast<risk::bt_portfolio>(i) != risk::bt_portfolio::btc_eth_pair) out.push_back(static_cast<risk::bt_portfolio>(i));
    return out;
}

std::string portfolio_name(risk::bt_portfolio p, const std::string& underlying) {
    std::string name(risk::bt_portfolio_names[static_cast<std::size_t>(p)]);
    std::string lower = underlying;
    for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    const auto at = name.find("btc");
    if (at != std::string::npos) name.replace(at, 3, lower);
    return name;
}

}  // namespace

std::vector<std::string> split(const std::string& s) {
    std::vector<std::string> out;
    std::stringstream in(s);
    for (std::string item; std::getline(in, item, ',');) out.push_back(item);
    if (!s.empty() && s.back() == ',') out.emplace_back();
    return out;
}

outcome<std::shared_ptr<risk::history>> load_prices(const std::string& dir, const std::vector<std::string>& symbols) {
    using result = outcome<std::shared_ptr<risk::history>>;
    auto hist = std::make_shared<risk::history>();
    for (const std::string& sym : symbols) {
        const std::string path = command_io::price_file(dir, sym);
        std::string text;
        if (!read_all(path, text)) return result::failure(error_code::NO_HISTORY, "/history/" + sym, "cannot read " + path);
        auto s = margin::api::parse_history_csv(text, "/history/" + sym, path);
        if (!s.ok()) return result::failure(*s.err);
        (*hist)[sym] = std::move(s.value);
    }
    return {hist, std::nullopt};
}

std::pair<Wad, Wad> tails(const sc::params& p) {
    Wad lo = p.scenarios.front().spot_shock, hi = lo;
    for (const auto& s : p.scenarios) {
        lo = fp::min(lo, s.spot_shock);
        hi = fp::max(hi, s.spot_shock);
    }
    return {lo, hi};
}

std::pair<Wad, Wad> grid_edges(const sc::params& p) {
    Wad lo = Wad::from_int(1), hi = lo;
    for (const auto& s : p.scenarios)
        if (s.weight == Wad::from_int(1) && (s.vol == sc::vol_move::none || s.vol == sc::vol_move::up || s.vol == sc::vol_move::down)) {
            lo = fp::min(lo, s.spot_shock);
            hi = fp::max(hi, s.spot_shock);
        }
    return {lo, hi};
}

std::string document_text(const sc::params& p, const std::string& underlying, const std::string& variant, const std::string& date) {
    return margin::api::scenario_document(
        p, "pmrm2-dynamic-" + underlying + "-" + variant + "-" + date,
        "pmrm2 scaled for " + underlying + " on " + date + " (variant " + variant + "; docs/dynamic-params.md)");
}

outcome<state> prepare(const options& o) {
    using result = outcome<state>;
    state st;
    const auto first = risk::parse_date(o.from), last = risk::parse_date(o.to);
    if (!first) return result::failure(error_code::HISTORY_SYNTAX, "/dynamic/from", "not a date YYYY-MM-DD: " + o.from);
    if (!last) return result::failure(error_code::HISTORY_SYNTAX, "/dynamic/to", "not a date YYYY-MM-DD: " + o.to);
    st.first = *first;
    st.last = *last;
    st.underlyings = split(o.underlyings);
    for (const std::string& u : st.underlyings)
        if (u.empty() || u.size() > 16 || !std::all_of(u.begin(), u.end(), [](char ch) {
                return std::isupper(static_cast<unsigned char>(ch)) || std::isdigit(static_cast<unsigned char>(ch));
            }))
            return result::failure(error_code::BAD_SYMBOL, "/dynamic/underlyings", "not an underlying symbol: \"" + u + "\"");
    // configuration: defaults, then the document
    auto base = margin::api::parse_scenario_params(margin::api::document("scenarios/pmrm2"));
    if (!base.ok()) return result::failure(*base.err);
    st.base = base.value;
    std::string ref_underlying = "BTC", ref_from = "2018-01-01", ref_to = "2024-12-31";
    std::map<std::string, Wad> ref_given;
    st.haircuts["BTC"] = {{wad("2.33"), 2, wad("0.05"), wad("500000000"), wad("1")}, wad("10000000")};
    st.haircuts["ETH"] = {{wad("2.33"), 2, wad("0.06"), wad("250000000"), wad("1")}, wad("10000000")};
    if (!o.config_file.empty()) {
        std::string text;
        if (!read_all(o.config_file, text)) return result::failure(error_code::NOT_FOUND, "/dynamic", "cannot read " + o.config_file);
        const auto doc = nlohmann::json::parse(text, nullptr, false);
        if (doc.is_discarded()) return result::failure(error_code::JSON_SYNTAX, "/dynamic", o.config_file + " is not JSON");
        config_reader r;
        const std::string P = "/dynamic";
        if (r.only(doc, P,
                   {"version", "description", "lambda", "reference", "reference_sigma", "scale_floor", "scale_cap", "buffer_rate",
                    "stress_weight", "stress_window", "long_window", "skip_days", "haircut"})) {
            std::string version;
            r.text(doc, P, "version", version);
            if (!r.err && version != "dynamic/1")
                r.fail(error_code::UNSUPPORTED_VERSION, P + "/version",
                       "dynamic parameter configurations of version \"dynamic/1\" are supported");
            r.decimal(doc, P, "lambda", st.config.lambda);
            r.decimal(doc, P, "scale_floor", st.config.scale_floor);
            r.decimal(doc, P, "scale_cap", st.config.scale_cap);
            r.decimal(doc, P, "buffer_rate", st.config.buffer_rate);
            r.decimal(doc, P, "stress_weight", st.config.stress_weight);
            r.integer(doc, P, "stress_window", st.config.stress_window);
            r.integer(doc, P, "long_window", st.config.long_window);
            r.integer(doc, P, "skip_days", st.config.skip_days);
            if (!r.err && doc.contains("reference") && r.only(doc["reference"], P + "/reference", {"underlying", "from", "to"})) {
                r.text(doc["reference"], P + "/reference", "underlying", ref_underlying);
                r.text(doc["reference"], P + "/reference", "from", ref_from);
                r.text(doc["reference"], P + "/reference", "to", ref_to);
            }
            if (!r.err && doc.contains("reference_sigma") && r.only(doc["reference_sigma"], P + "/reference_sigma", {"BTC", "ETH", "SOL"}))
                for (const auto& [k, v] : doc["reference_sigma"].items())
                    r.decimal(doc["reference_sigma"], P + "/reference_sigma", k.c_str(), ref_given[k]);
            if (!r.err && doc.contains("haircut") && r.only(doc["haircut"], P + "/haircut", {"k", "mpor_days", "liquidity", "assets"})) {
                const auto& h = doc["haircut"];
                Wad k = wad("2.33"), liquidity = wad("1");
                std::int32_t mpor = 2;
                r.decimal(h, P + "/haircut", "k", k);
                r.decimal(h, P + "/haircut", "liquidity", liquidity);
                r.integer(h, P + "/haircut", "mpor_days", mpor);
                if (!r.err && (mpor < 1 || mpor > 30)) r.fail(error_code::OUT_OF_RANGE, P + "/haircut/mpor_days", "1 .. 30 days");
                if (!r.err && (k.raw().sign() < 0 || k > Wad::from_int(10)))
                    r.fail(error_code::OUT_OF_RANGE, P + "/haircut/k", "0 <= k <= 10");
                if (!r.err && liquidity.raw().sign() < 0) r.fail(error_code::OUT_OF_RANGE, P + "/haircut/liquidity", "liquidity >= 0");
                for (auto& [sym, a] : st.haircuts) {
                    a.rule.k = k;
                    a.rule.liquidity = liquidity;
                    a.rule.mpor_days = mpor;
                }
                if (!r.err && h.contains("assets") && r.only(h["assets"], P + "/haircut/assets", {"BTC", "ETH", "SOL"}))
                    for (const auto& [sym, v] : h["assets"].items()) {
                        const std::string ap = P + "/haircut/assets/" + sym;
                        if (!r.only(v, ap, {"floor", "depth", "value"})) break;
                        asset_haircut& a = st.haircuts[sym];
                        a.rule.k = k;
                        a.rule.liquidity = liquidity;
                        a.rule.mpor_days = mpor;
                        r.decimal(v, ap, "floor", a.rule.floor);
                        r.decimal(v, ap, "depth", a.rule.depth);
                        r.decimal(v, ap, "value", a.value);
                        if (!r.err && (a.rule.floor.raw().sign() < 0 || a.rule.floor > Wad::from_int(1)))
                            r.fail(error_code::OUT_OF_RANGE, ap + "/floor", "0 <= floor <= 1");
                        if (!r.err && (a.rule.depth.raw().sign() <= 0 || a.rule.depth > wad("1000000000000000")))
                            r.fail(error_code::OUT_OF_RANGE, ap + "/depth", "0 < depth <= 1e15");
                        if (!r.err && (a.value.raw().sign() < 0 || a.value > wad("1000000000000000")))
                            r.fail(error_code::OUT_OF_RANGE, ap + "/value", "0 <= value <= 1e15");
                    }
            }
        }
        if (r.err) return result::failure(*r.err);
    }
    st.config.reference_sigma = Wad::from_int(1);  // checked with each underlying's own below
    if (auto e = risk::check_dynamic(st.config)) return result::failure(*e);
    // the variants
    std::vector<std::pair<std::string, risk::apc_tools>> variants;
    for (const std::string& v : split(o.variants)) {
        risk::apc_tools t;
        if (v == "none") {
        } else if (v == "buffer")
            t.buffer = true;
        else if (v == "stressed")
            t.stressed = true;
        else if (v == "floor")
            t.floor = true;
        else if (v == "all")
            t.buffer = t.stressed = t.floor = true;
        else
            return result::failure(error_code::BAD_ENUM, "/dynamic/variants",
                                   "no variant \"" + v + "\" (none, buffer, stressed, floor, all)");
        variants.emplace_back(v, t);
    }
    // histories and reference sigmas
    std::vector<std::string> symbols = st.underlyings;
    if (ref_underlying != "own" && std::find(symbols.begin(), symbols.end(), ref_underlying) == symbols.end())
        symbols.push_back(ref_underlying);
    auto hist = load_prices(o.prices, symbols);
    if (!hist.ok()) return result::failure(*hist.err);
    st.hist = hist.value;
    const auto rf = risk::parse_date(ref_from), rt = risk::parse_date(ref_to);
    if (!rf) return result::failure(error_code::HISTORY_SYNTAX, "/dynamic/reference/from", "not a date YYYY-MM-DD: " + ref_from);
    if (!rt) return result::failure(error_code::HISTORY_SYNTAX, "/dynamic/reference/to", "not a date YYYY-MM-DD: " + ref_to);
    for (const std::string& u : st.underlyings) {
        if (ref_given.count(u)) {
            st.reference[u] = ref_given[u];
            continue;
        }
        const std::string of = ref_underlying == "own" ? u : ref_underlying;
        auto sigma = risk::realised_sigma(st.hist->at(of), *rf, *rt, "/dynamic/reference");
        if (!sigma.ok()) return result::failure(*sigma.err);
        st.reference[u] = sigma.value;
    }
    st.reference_rule = (ref_underlying == "own" ? std::string("each underlying's own") : ref_underlying + "'s") +
                        " realised vol sqrt(365 mean x^2) over " + ref_from + " .. " + ref_to;
    // the runs
    for (const std::string& u : st.underlyings)
        for (const auto& [name, tools] : variants) {
            risk::dyn_config c = st.config;
            c.reference_sigma = st.reference[u];
            c.tools = tools;
            auto rows = risk::dynamic_series(st.hist->at(u), c, st.first, st.last, "/history/" + u);
            if (!rows.ok()) return result::failure(*rows.err);
            run r{u, name, {}};
            r.days.reserve(rows.value.size());
            const auto hc = st.haircuts.find(u);
            for (const risk::dyn_day& row : rows.value) {
                day_params d;
                d.day = row.day;
                d.row = row;
                auto p = risk::scale_params(st.base, row.scale, row.im_multiplier);
                if (!p.ok()) return result::failure(*p.err);
                d.params = std::move(p.value);
                if (hc != st.haircuts.end()) {
                    auto mm = risk::dynamic_haircut(hc->second.rule, row.sigma, Wad{});
                    auto with = risk::dynamic_haircut(hc->second.rule, row.sigma, hc->second.value);
                    if (!mm.ok()) return result::failure(*mm.err);
                    if (!with.ok()) return result::failure(*with.err);
                    d.mm_haircut = mm.value;
                    d.im_haircut = fp::sub(with.value, mm.value).value;
                }
                r.days.push_back(std::move(d));
            }
            st.runs.push_back(std::move(r));
        }
    return {std::move(st), std::nullopt};
}

json config_json(const state& s) {
    json j;
    j["base"] = "pmrm2";
    j["lambda"] = fp::format(s.config.lambda);
    j["reference_rule"] = s.reference_rule;
    j["reference_sigma"] = json::object();
    for (const auto& [u, v] : s.reference) j["reference_sigma"][u] = fp::format(v);
    j["scale_floor"] = fp::format(s.config.scale_floor);
    j["scale_cap"] = fp::format(s.config.scale_cap);
    j["buffer_rate"] = fp::format(s.config.buffer_rate);
    j["stress_weight"] = fp::format(s.config.stress_weight);
    j["stress_window"] = std::to_string(s.config.stress_window);
    j["long_window"] = std::to_string(s.config.long_window);
    j["skip_days"] = std::to_string(s.config.skip_days);
    j["haircut"] = json::object();
    for (const auto& [u, a] : s.haircuts)
        j["haircut"][u] = {
            {"k", fp::format(a.rule.k)},         {"mpor_days", std::to_string(a.rule.mpor_days)}, {"floor", fp::format(a.rule.floor)},
            {"depth", fp::format(a.rule.depth)}, {"liquidity", fp::format(a.rule.liquidity)},     {"value", fp::format(a.value)}};
    return j;
}

outcome<std::vector<comparison_row>> backtest_variants(const risk::history& h, std::int32_t first, std::int32_t last, std::int32_t horizon,
                                                       const std::vector<std::string>& underlyings, const std::vector<variant>& variants,
                                                       std::int64_t threads) {
    using result = outcome<std::vector<comparison_row>>;
    const std::string text = R"({"api_version": "1", "market": {"timestamp": "1", "underlyings": {"BTC": {"spot": "1"}}},)"
                             R"( "account": {"cash": "0"}, "params": "pmrm2"})";
    auto model = margin::api::parse_request(text);
    if (!model.ok()) return result::failure(*model.err);
    risk::bt_options o;
    o.first_day = first;
    o.last_day = last;
    o.horizon_days = horizon;
    o.stride = horizon;
    const std::int32_t formed = last - horizon - first + 1;
    if (formed < 1 || formed > risk::bt_max_days)
        return result::failure(
            error_code::OUT_OF_RANGE, "/backtest/to",
            "the window must hold 1 .. " + std::to_string(risk::bt_max_days) + " formation days, got " + std::to_string(formed));
    std::map<std::string, std::vector<Wad>> vols;
    for (const std::string& u : underlyings) {
        const auto it = h.find(u);
        if (it == h.end()) return result::failure(error_code::NO_HISTORY, "/history/" + u, "no " + u + " price history");
        const risk::series& s = it->second;
        const std::int32_t need = first - risk::bt_vol_seed_distance - risk::bt_vol_seed_returns;
        if (s.first_day > need || s.last_day() < last)
            return result::failure(error_code::HISTORY_TOO_SHORT, "/history/" + u,
                                   u + " has " + risk::format_date(s.first_day) + " .. " + risk::format_date(s.last_day()) +
                                       ", the backtest needs " + risk::format_date(need) + " .. " + risk::format_date(last));
        auto v = risk::vol_proxy(s, o);
        if (!v.ok()) return result::failure(*v.err);
        vols[u] = std::move(v.value);
    }
    const auto portfolios = reference_portfolios();
    std::vector<comparison_row> rows(underlyings.size() * portfolios.size() * variants.size());
    std::vector<std::optional<error>> errors(rows.size());
    run_tasks(rows.size(), threads, [&](std::size_t t) {
        const std::size_t vi = t % variants.size(), pi = t / variants.size() % portfolios.size(),
                          ui = t / variants.size() / portfolios.size();
        const std::string& u = underlyings[ui];
        const variant& v = variants[vi];
        comparison_row& row = rows[t];
        row.underlying = u;
        row.portfolio = portfolio_name(portfolios[pi], u);
        row.variant = v.name;
        margin::request m = model.value;
        m.portfolio.scenarios = v.fixed;
        const auto daily = v.daily.find(u);
        auto days = risk::run_backtest(portfolios[pi], m, h, vols.at(u), o, daily == v.daily.end() ? nullptr : &daily->second, u);
        if (!days.ok()) {
            errors[t] = *days.err;
            return;
        }
        auto s = risk::summarise(days.value, false, o.stride);
        if (!s.ok()) {
            errors[t] = *s.err;
            return;
        }
        row.summary = s.value;
        row.mm_cov = risk::mm_coverage_of(days.value, o.stride);
        row.im_tests = backtest_report::tests_of(row.summary.margin_cov, 0.01);
        row.mm_tests = backtest_report::tests_of(row.mm_cov, 0.01);
        row.days = std::move(days.value);
    });
    for (std::size_t t = 0; t < rows.size(); ++t)
        if (errors[t]) {
            error e = *errors[t];
            e.message = rows[t].portfolio + " / " + rows[t].variant + ": " + e.message;
            return result::failure(e);
        }
    return {std::move(rows), std::nullopt};
}

outcome<std::vector<comparison_row>> compare(const state& s, const options& o) {
    std::vector<variant> variants;
    variants.push_back({"static", s.base, {}});
    for (const run& r : s.runs) {
        auto it = std::find_if(variants.begin(), variants.end(), [&](const variant& v) { return v.name == r.variant; });
        if (it == variants.end()) {
            variants.push_back({r.variant, s.base, {}});
            it = variants.end() - 1;
        }
        std::vector<sc::params>& daily = it->daily[r.underlying];
        for (const day_params& d : r.days) daily.push_back(d.params);
    }
    return backtest_variants(*s.hist, s.first, s.last, o.horizon, s.underlyings, variants, o.threads);
}

namespace {
std::string zone(const risk::bt_coverage& c) { return c.windows == 0 ? "n/a" : std::string(risk::basel_zone(c.max_in_window)); }
std::string g6(double x) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.6g", x);
    return buf;
}
json coverage(const risk::bt_coverage& c, const backtest_report::tests& t) {
    return {{"observations", std::to_string(c.n)},
            {"exceptions", std::to_string(c.exceptions)},
            {"expected", g6(t.expected)},
            {"kupiec_p", g6(t.kupiec_p)},
            {"worst_zone", zone(c)},
            {"max_in_window", std::to_string(c.max_in_window)},
            {"last_zone", std::string(risk::basel_zone(c.last_window_exceptions))}};
}
std::string two(const Wad& w) {  // toward zero to 2 decimals, for the table
    std::string t = fp::format(w);
    const auto dot = t.find('.');
    if (dot == std::string::npos) return t + ".00";
    return t.substr(0, dot) + "." + (t.substr(dot + 1) + "00").substr(0, 2);
}
std::string percent(const Wad& w) { return two(fp::mul(w, Wad::from_int(100), fp::rounding::toward_zero).value) + "%"; }
}  // namespace

json comparison_json(const std::vector<comparison_row>& rows) {
    json out = json::array();
    for (const comparison_row& r : rows) {
        json j;
        j["underlying"] = r.underlying;
        j["portfolio"] = r.portfolio;
        j["variant"] = r.variant;
        j["days"] = std::to_string(r.summary.days);
        j["im_coverage"] = coverage(r.summary.margin_cov, r.im_tests);
        j["mm_coverage"] = coverage(r.mm_cov, r.mm_tests);
        j["average_im"] = fp::format(r.summary.average_margin);
        j["peak_im"] = fp::format(r.summary.peak);
        j["trough_im"] = fp::format(r.summary.trough);
        j["peak_to_trough"] = fp::format(r.summary.peak_to_trough);
        j["peak_to_trough_per_spot"] = fp::format(r.summary.peak_to_trough_per_spot);
        const char* lag[] = {"1d", "5d", "30d"};
        for (std::size_t k = 0; k < 3; ++k)
            j["largest_increase"][lag[k]] = {
                {"ratio", fp::format(r.summary.largest_increase[k])},
                {"day", r.summary.largest_increase_day[k] ? risk::format_date(r.summary.largest_increase_day[k]) : ""}};
        out.push_back(j);
    }
    return out;
}

std::string comparison_table(const std::vector<comparison_row>& rows) {
    std::string t =
        "| underlying | portfolio | parameters | IM exc. / n | IM zone | MM exc. / n | MM zone | average IM | peak-to-trough per $ spot | "
        "largest 1d / 5d / 30d IM increase |\n|---|---|---|---|---|---|---|---|---|---|\n";
    for (const comparison_row& r : rows) {
        const auto& s = r.summary;
        t += "| " + r.underlying + " | " + r.portfolio + " | " + r.variant + " | " + std::to_string(s.margin_cov.exceptions) + " / " +
             std::to_string(s.margin_cov.n) + " | " + zone(s.margin_cov) + " | " + std::to_string(r.mm_cov.exceptions) + " / " +
             std::to_string(r.mm_cov.n) + " | " + zone(r.mm_cov) + " | " + two(s.average_margin) + " | " + two(s.peak_to_trough_per_spot) +
             " | " + percent(s.largest_increase[0]) + " / " + percent(s.largest_increase[1]) + " / " + percent(s.largest_increase[2]) +
             " |\n";
    }
    return t;
}

}  // namespace dynamic_setup
