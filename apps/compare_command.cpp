// `margin compare`: one account, or a book of them, under several margin models side by side
// (standard, pmrm2, span16, es). Each model's figures are exactly `margin compute --params MODEL`'s:
// the request's "params" replaced by the model's name (command_io::apply_params), answered by
// compute_json, read back from the response.
#include <nlohmann/json.hpp>

#include <cstdio>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "api/documents.hpp"
#include "api/pipeline.hpp"
#include "api/request.hpp"
#include "api/scenario_label.hpp"
#include "command_io.hpp"
#include "table.hpp"

using json = nlohmann::ordered_json;
using table::money;
using table::pad;

bool merge_history(json& doc, const std::string& prices, const std::vector<std::pair<std::string, std::string>>& histories, bool synthetic,
                   const std::set<std::string>& extra, std::string& why);  // apps/risk_command.cpp

namespace {

constexpr const char* compare_usage =
    "usage: margin compare FILE|BOOK.jsonl [--models standard,pmrm2,span16,es] [--prices DIR | --synthetic] [--json]\n"
    "  one account (a request) or a book (one request per line) under each model, side by side:\n"
    "  equity, margin balance, IM, MM, health, liquidatable and the worst\n"
    "  scenario by name; a book: totals per model, then each account's IM and health per model\n"
    "  --models LIST   comma-separated presets (default standard,pmrm2,span16, and es with --prices or\n"
    "                  --synthetic: es reads a price history)\n"
    "  --prices DIR    price history for es: DIR/<symbol>-usd.csv (the shared data directory's layout)\n"
    "  --synthetic     es on the shipped SYNTHETIC history where the request has none (invented data)\n"
    "  --json          the same as a JSON document, amounts exact\n"
    "  every figure equals margin compute --params MODEL's; exit 1 when some model answered an error\n";

int fail(const std::string& why) { return command_io::usage_error("compare", why, compare_usage); }

const std::set<std::string> known = {"standard", "pmrm2", "span16", "es"};

// One account under one model: the response's figures, or its error.
struct cell {
    json error;  // the error object, or null
    std::string equity, balance, im, mm, health;
    bool liquidatable = false;
    std::string worst;  // "BTC #5 spot ×0.82, vol up" (scenario models), else empty
    json worst_json;    // {"underlying", "scenario", "label", "loss"} or null
};

std::string field(const json& r, const char* k) { return r.contains(k) && r[k].is_string() ? r[k].get<std::string>() : std::string(); }

std::optional<std::int64_t> index_of(const json& v) {
    if (v.is_number_integer()) return v.get<std::int64_t>();
    return std::nullopt;
}

cell evaluate(const std::string& request, const std::string& model, const std::string& prices, bool synthetic) {
    std::string text = request, why;
    command_io::params_choice c;
    c.name = model;
    command_io::apply_params(text, c, why);
    if (model == "es" && (!prices.empty() || synthetic)) {
        json doc = json::parse(text, nullptr, false);
        if (doc.is_object() && merge_history(doc, prices, {}, synthetic, {}, why))
            text = doc.dump(-1, ' ', false, nlohmann::detail::error_handler_t::replace);
    }
    cell out;
    const auto reply = margin::api::compute_json(text, false);
    const json doc = json::parse(reply.text, nullptr, false);
    if (!reply.ok() || !doc.is_object() || !doc.contains("result")) {
        out.error = doc.is_object() && doc.contains("error") ? doc["error"] : json{{"code", "?"}};
        return out;
    }
    const json& r = doc["result"];
    out.equity = field(r, "equity");
    out.balance = field(r, "margin_balance");
    out.im = field(r, "initial_margin");
    out.mm = field(r, "maintenance_margin");
    out.health = field(r, "health");
    out.liquidatable = r.contains("liquidatable") && r["liquidatable"].is_boolean() && r["liquidatable"].get<bool>();
    if (!r.contains("underlyings") || !r["underlyings"].is_array()) return out;
    // the underlying whose worst loss is largest (most negative; the first of equals)
    const json* worst = nullptr;
    fp::Wad low;
    for (const json& u : r["underlyings"]) {
        if (!u.contains("underlying") || !u["underlying"].is_string()) continue;
        const auto loss = fp::parse(field(u, "worst_loss"));
        if (loss.ok() && (!worst || loss.value < low)) worst = &u, low = loss.value;
    }
    if (!worst) return out;
    const auto id = index_of((*worst)["worst_scenario"]);
    const auto req = margin::api::parse_request(text);  // the parameters, to name the scenario
    std::string label = id ? "#" + std::to_string(*id) : "?";
    if (id && req.ok()) label = margin::api::scenario_label(req.value.portfolio.scenarios, *id);
    const std::string sym = (*worst)["underlying"].get<std::string>();
    out.worst = sym + " #" + (id ? std::to_string(*id) : "?") + " " + label;
    out.worst_json = {
        {"underlying", sym}, {"scenario", id ? json(*id) : json(nullptr)}, {"label", label}, {"loss", field(*worst, "worst_loss")}};
    return out;
}

std::string error_text(const json& e) {
    return "error " + (e.contains("code") && e["code"].is_string() ? e["code"].get<std::string>() : std::string("?")) +
           (e.contains("path") && e["path"].is_string() && !e["path"].get<std::string>().empty() ? " at " + e["path"].get<std::string>()
                                                                                                 : "");
}

json cell_json(const cell& c) {
    if (!c.error.is_null()) return {{"error", c.error}};
    json j = {{"equity", c.equity}};
    j["margin_balance"] = c.balance;
    j["initial_margin"] = c.im;
    j["maintenance_margin"] = c.mm;
    j["health"] = c.health;
    j["liquidatable"] = c.liquidatable;
    j["worst"] = c.worst_json;
    return j;
}

// Exact sums of decimal texts per model (a book's totals).
struct total {
    fp::Wad equity, im, mm, health;
    std::size_t accounts = 0, liquidatable = 0, errors = 0;
    bool overflow = false;
    void add(const cell& c) {
        if (!c.error.is_null()) return void(++errors);
        ++accounts;
        liquidatable += c.liquidatable;
        for (auto [sum, text] : {std::pair{&equity, &c.equity}, {&im, &c.im}, {&mm, &c.mm}, {&health, &c.health}}) {
            const auto v = fp::parse(*text);
            const auto s = v.ok() ? fp::add(*sum, v.value) : v;
            if (!s.ok())
                overflow = true;
            else
                *sum = s.value;
        }
    }
};

}  // namespace

int compare_command(const std::vector<std::string>& args) {
    if (command_io::wants_help(args)) return command_io::help(compare_usage);
    std::string file, prices;
    std::vector<std::string> models;
    bool synthetic = false, as_json = false;
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--models") {
            if (i + 1 >= args.size()) return fail("--models takes a list, e.g. standard,pmrm2");
            models.clear();
            std::stringstream ss(args[++i]);
            for (std::string m; std::getline(ss, m, ',');) {
                if (!known.count(m)) return fail("unknown model \"" + m + "\": standard, pmrm2, span16 or es");
                models.push_back(m);
            }
            if (models.empty()) return fail("--models takes at least one model");
        } else if (a == "--prices") {
            if (i + 1 >= args.size()) return fail("--prices takes a directory");
            prices = args[++i];
        } else if (a == "--synthetic") {
            synthetic = true;
        } else if (a == "--json") {
            as_json = true;
        } else if (a.size() > 1 && a[0] == '-') {
            return fail("unknown option " + a);
        } else {
            if (!file.empty()) return fail("compare takes one FILE");
            file = a;
        }
    }
    if (file.empty()) return fail("give a request FILE or a BOOK.jsonl (\"-\": stdin)");
    if (models.empty()) {
        models = {"standard", "pmrm2", "span16"};
        if (!prices.empty() || synthetic) models.push_back("es");
    }
    if (!prices.empty() && synthetic) return fail("--prices or --synthetic: give one");
    std::string text;
    if (!read_all(file, text)) return fail("cannot read " + file);
    // One request (any layout) or a book: one request per line.
    std::vector<std::string> accounts;
    const bool single = json::parse(text, nullptr, false).is_object();
    if (single) {
        accounts.push_back(text);
    } else {
        std::stringstream ss(text);
        for (std::string line; std::getline(ss, line);)
            if (line.find_first_not_of(" \t\r") != std::string::npos) accounts.push_back(line);
        if (accounts.size() > 100000) return fail("a book holds at most 100,000 accounts");
        if (accounts.empty()) return fail(file + " holds no request");
    }
    std::vector<std::vector<cell>> cells;  // [account][model]
    bool any_error = false;
    for (const std::string& a : accounts) {
        cells.emplace_back();
        for (const std::string& m : models) {
            cells.back().push_back(evaluate(a, m, prices, synthetic));
            any_error |= !cells.back().back().error.is_null();
        }
    }
    std::vector<total> totals(models.size());
    for (const auto& row : cells)
        for (std::size_t k = 0; k < models.size(); ++k) totals[k].add(row[k]);
    if (as_json) {
        json j;
        j["api_version"] = "1";
        json& c = j["compare"];
        c["models"] = models;
        if (!single) {
            c["totals"] = json::object();
            for (std::size_t k = 0; k < models.size(); ++k) {
                const total& t = totals[k];
                c["totals"][models[k]] = {{"accounts", t.accounts},
                                          {"errors", t.errors},
                                          {"liquidatable", t.liquidatable},
                                          {"equity", fp::format(t.equity)},
                                          {"initial_margin", fp::format(t.im)},
                                          {"maintenance_margin", fp::format(t.mm)},
                                          {"health", fp::format(t.health)}};
            }
        }
        c["accounts"] = json::array();
        for (std::size_t a = 0; a < cells.size(); ++a) {
            json row = {{"line", a + 1}, {"results", json::object()}};
            for (std::size_t k = 0; k < models.size(); ++k) row["results"][models[k]] = cell_json(cells[a][k]);
            c["accounts"].push_back(std::move(row));
        }
        std::printf("%s\n", j.dump(2).c_str());
        return any_error ? 1 : 0;
    }
    std::ostringstream o;
    o << "amounts to 0.01 toward zero; margin compare --json (or margin compute --params MODEL) gives them exactly\n\n";
    if (single) {
        o << pad("model", 10, false) << pad("equity", 16, true) << pad("margin balance", 16, true);
        o << pad("IM", 16, true) << pad("MM", 16, true) << pad("health", 16, true) << pad("liq.", 6, true) << "  worst scenario\n";
        for (std::size_t k = 0; k < models.size(); ++k) {
            const cell& x = cells[0][k];
            o << pad(models[k], 10, false);
            if (!x.error.is_null()) {
                o << "  " << error_text(x.error) << ": "
                  << (x.error.contains("message") && x.error["message"].is_string() ? x.error["message"].get<std::string>() : "") << "\n";
                continue;
            }
            o << pad(money(x.equity), 16, true);
            o << pad(money(x.balance), 16, true);
            o << pad(money(x.im), 16, true) << pad(money(x.mm), 16, true) << pad(money(x.health), 16, true)
              << pad(x.liquidatable ? "YES" : "no", 6, true) << "  " << (x.worst.empty() ? "-" : x.worst) << "\n";
        }
        o << "\nhealth = margin balance - MM (the account is liquidatable below 0); margin explain names each model's figures\n";
    } else {
        o << accounts.size() << " accounts\n\ntotals\n";
        o << pad("model", 10, false) << pad("accounts", 10, true) << pad("errors", 8, true) << pad("liquidatable", 14, true)
          << pad("equity", 20, true) << pad("IM", 20, true) << pad("MM", 20, true) << pad("health", 20, true) << "\n";
        for (std::size_t k = 0; k < models.size(); ++k) {
            const total& t = totals[k];
            o << pad(models[k], 10, false) << pad(std::to_string(t.accounts), 10, true) << pad(std::to_string(t.errors), 8, true)
              << pad(std::to_string(t.liquidatable), 14, true) << pad(money(t.equity), 20, true) << pad(money(t.im), 20, true)
              << pad(money(t.mm), 20, true) << pad(money(t.health), 20, true) << "\n";
        }
        o << "\nper account: IM / health (* liquidatable)\n" << pad("line", 6, true);
        for (const auto& m : models) o << pad(m, 32, true);
        o << "\n";
        for (std::size_t a = 0; a < cells.size(); ++a) {
            o << pad(std::to_string(a + 1), 6, true);
            for (const cell& x : cells[a])
                o << pad(!x.error.is_null() ? error_text(x.error) : money(x.im) + " / " + money(x.health) + (x.liquidatable ? "*" : " "),
                         32, true);
            o << "\n";
        }
    }
    std::fputs(o.str().c_str(), stdout);
    return any_error ? 1 : 0;
}
