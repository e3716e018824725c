// margin: the engine from the command line (a thin shell over core/).
//
//   margin compute [FILE|-] [--compact]   JSON v1 request -> JSON response
//   margin span [FILE|-] [--compact]      SPAN risk-array request -> requirement (docs/span.md)
//   margin explain [FILE|-]               the same, as a table for humans
//   margin example                        print the embedded example request
//   margin canonical [FILE|-]             the request's canonical encoding
//   margin scenario ID [FILE|-]           the account evaluated at one scenario (portfolio model)
//   margin preview TRADE [FILE|-]         margin before and after a trade ({"positions": [...]})
//   margin batch IN OUT [--scenario ID | --input-hash ID]
//                                         one compact request per line -> one response per line
//   margin input-hash ID [FILE|-]         the clearing house's input hash of the account at scenario ID
//   margin param-hash [FILE|-]            keccak256(abi.encode(params)) of a parameter document: the
//                                         id of the clearing house's queued setParams (timelock)
//   margin replay [BUNDLE|-]              an on-chain liquidation recomputed, field by field
//   margin replay --rpc URL --tx HASH [--underlying SYM] [--export FILE]   the same, read from a node (native)
//   margin replay BUNDLE --rpc URL        the bundle checked against the chain: which inputs differ (native)
//   margin audit-marks --rpc URL --house ADDR [--block N]   a push's mark cache from its logs (native)
//   margin var [FILE|-] [--prices DIR] [--method M] ...   VaR and ES (docs/risk.md)
//   margin backtest --prices DIR [--from D] [--to D] ...   margin against realised losses (docs/backtest.md)
//   margin dynamic --prices DIR [--compare] ...           daily dynamic parameters (docs/dynamic-params.md)
//   margin param-impact --current A --proposed B BOOK     a parameter change's impact on a book (same doc)
//   margin stress [FILE|-] --scenarios FILE|NAME | --shock SPEC   the account under stress (docs/stress.md)
//   margin stress [FILE|-] --reverse | margin reverse-stress      the smallest move that liquidates it
//   margin stress-book BOOK.jsonl --scenarios FILE|NAME ...         a book under stress (docs/stress.md)
//   margin --version
//
// FILE defaults to "-" (stdin). Exit status: 0 result, 1 the engine answered with
// an error document (printed on stdout), 2 usage or I/O error. The same source
// runs natively and as WebAssembly under Node and prints identical bytes.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "abi/keccak.hpp"
#include "bridge/book.hpp"
#include "bridge/request.hpp"
#include "replay/replay.hpp"
#ifdef MARGIN_HAS_CHAIN
#include "chain/house.hpp"
#endif
#include "api/documents.hpp"
#include "api/pipeline.hpp"
#include "api/request.hpp"
#include "api/response.hpp"
#include "core/limits.hpp"

using margin::error_code;

int risk_command(const std::vector<std::string>& args);         // apps/risk_command.cpp
int backtest_command(const std::vector<std::string>& args);     // apps/backtest_command.cpp
int dynamic_command(const std::vector<std::string>& args);      // apps/dynamic_command.cpp
int impact_command(const std::vector<std::string>& args);       // apps/impact_command.cpp
int stress_command(const std::vector<std::string>& args);       // apps/stress_command.cpp
int stress_book_command(const std::vector<std::string>& args);  // apps/stress_book_command.cpp
int cascade_command(const std::vector<std::string>& args);      // apps/cascade_command.cpp
int audit_command(const std::vector<std::string>& args);        // apps/audit_command.cpp

// Input is read with a limit: at most one byte past the documents' cap (16 MiB,
// core/limits.hpp), so a larger input is never held whole; the engine answers such a text
// with JSON_TOO_LARGE, as it answers a large text given in one piece.
constexpr std::size_t read_limit = margin::limits::max_document_bytes + 1;

/// The whole of FILE (or stdin for "-"), up to read_limit bytes (also apps/risk_command.cpp).
bool read_all(const std::string& path, std::string& out) {
    std::ifstream f;
    if (path != "-") {
        f.open(path, std::ios::binary);
        if (!f) return false;
    }
    std::istream& is = path == "-" ? std::cin : f;
    out.clear();
    std::vector<char> buf(1 << 16);
    while (out.size() < read_limit) {
        is.read(buf.data(), static_cast<std::streamsize>(std::min(buf.size(), read_limit - out.size())));
        if (is.gcount() <= 0) break;
        out.append(buf.data(), static_cast<std::size_t>(is.gcount()));
    }
    return !is.bad();
}

namespace {

constexpr const char* usage_text =
    "usage: margin compute [FILE|-] [--compact]   evaluate a JSON v1 request\n"
    "       margin span [FILE|-] [--compact]      a SPAN risk-array request's requirement (docs/span.md;\n"
    "                                             compute answers it too)\n"
    "       margin explain [FILE|-]               the result as a table\n"
    "       margin example                        print the embedded example request\n"
    "       margin canonical [FILE|-]             canonical encoding of a request\n"
    "       margin scenario ID [FILE|-]           the account at one scenario (portfolio model)\n"
    "       margin preview TRADE [FILE|-]         margin before and after a trade ({\"positions\": [...]})\n"
    "       margin batch IN OUT [--scenario ID | --input-hash ID]\n"
    "                                             JSON lines: one request per line (\"-\" = stdin/stdout),\n"
    "                                             each at scenario ID, or its input hash, if given\n"
    "       margin input-hash ID [FILE|-]         keccak256(abi.encode(book, params, ID)) as the chain\n"
    "                                             computes it for the request's account (MarginAccounts)\n"
    "       margin param-hash [FILE|-]            keccak256(abi.encode(params)) of a scenario/1 parameter\n"
    "                                             document: the id of the house's queued setParams\n"
    "       margin replay [BUNDLE|-]              recompute an on-chain liquidation from its bundle\n"
    "       margin replay --rpc URL --tx HASH [--underlying SYM] [--export FILE]\n"
    "                                             the same, reading the bundle from a node (native build)\n"
    "       margin replay BUNDLE --rpc URL [--tx HASH]\n"
    "                                             the bundle checked against the chain: names the inputs that differ\n"
    "       margin audit-marks --rpc URL --house ADDR [--block N]\n"
    "                                             a push's mark cache audited from its MarketInputs log (native build)\n"
    "       margin var [FILE|-] [--prices DIR] [--method M] ...\n"
    "                                             VaR and ES of the account (docs/risk.md; margin var --help)\n"
    "       margin backtest --prices DIR ...          margin against realised losses (docs/backtest.md)\n"
    "       margin dynamic --prices DIR ...           daily dynamic parameters, anti-procyclicality (docs/dynamic-params.md)\n"
    "       margin param-impact --current A --proposed B BOOK.jsonl ...\n"
    "                                             a parameter change's impact on a book of accounts (same doc)\n"
    "       margin stress [FILE|-] --scenarios FILE|NAME | --shock SYM:spot=-30%,vol=+50% [--print-scenarios]\n"
    "                                             the account under stress scenarios (docs/stress.md)\n"
    "       margin stress [FILE|-] --reverse [--direction spot_down:BTC] ...  (or margin reverse-stress)\n"
    "                                             the smallest move that makes the account liquidatable\n"
    "       margin stress-book BOOK.jsonl --scenarios FILE|NAME [--insurance-fund X] [--top N] [--threads N]\n"
    "                                             a book under stress: liquidations, shortfall, top contributors\n"
    "       margin cascade REQUEST|- [--shock SPEC] [--threads N] [--compact]\n"
    "                                             the liquidation cascade of a book (docs/cascade.md)\n"
    "       margin --version\n";

int usage(const std::string& why) {
    std::fprintf(stderr, "margin: %s\n%s", why.c_str(), usage_text);
    return 2;
}

// One line of `is` without its '\n', keeping at most read_limit bytes of it (the rest of a
// longer line is read and dropped); false at the end of the input.
bool read_line(std::istream& is, std::string& line) {
    line.clear();
    std::streambuf* sb = is.rdbuf();
    bool any = false;
    for (int ch = sb->sbumpc(); ch != std::char_traits<char>::eof(); ch = sb->sbumpc()) {
        any = true;
        if (ch == '\n') return true;
        if (line.size() < read_limit) line.push_back(static_cast<char>(ch));
    }
    return any;
}

// Display form of an exact decimal: two fractional digits (toward zero), thousands separated.
std::string money(const margin::Wad& w) {
    std::string s = fp::format(w);
    const bool neg = !s.empty() && s[0] == '-';
    if (neg) s.erase(0, 1);
    const auto dot = s.find('.');
    std::string whole = dot == std::string::npos ? s : s.substr(0, dot);
    std::string frac = dot == std::string::npos ? "" : s.substr(dot + 1);
    frac = (frac + "00").substr(0, 2);
    std::string grouped;
    for (std::size_t i = 0; i < whole.size(); ++i) {
        if (i > 0 && (whole.size() - i) % 3 == 0) grouped += ',';
        grouped += whole[i];
    }
    const bool zero = grouped == "0" && frac == "00";
    return (neg && !zero ? "-" : "") + grouped + "." + frac;
}

std::string percent(const margin::Wad& ratio) {  // ratio * 100, two decimals
    return money(fp::mul(ratio, fp::Wad::from_int(100), fp::rounding::toward_zero).value) + "%";
}

std::string pad(const std::string& s, std::size_t n, bool right) {
    if (s.size() >= n) return s;
    return right ? std::string(n - s.size(), ' ') + s : s + std::string(n - s.size(), ' ');
}

int explain(const std::string& text) {
    const auto req = margin::api::parse_request(text);
    if (!req.ok()) {
        std::printf("%s\n", margin::api::encode_error(*req.err, true).c_str());
        return 1;
    }
    const auto res = margin::compute(req.value);
    if (!res.ok()) {
        std::printf("%s\n", margin::api::encode_error(*res.err, true).c_str());
        return 1;
    }
    const margin::account_result& r = res.value;
    std::ostringstream o;
    o << margin::api::version_string() << "\n";
    o << (r.model == margin::margin_model::portfolio ? "portfolio (scenario)"
                                                     : (r.mode == margin::margin_mode::cross ? "cross" : "isolated"))
      << " margin, snapshot " << req.value.market.timestamp
      << " (Unix s); amounts to 0.01 toward zero, `margin compute` gives them exactly\n\n";
    auto line = [&](const char* label, const std::string& v) { o << "  " << pad(label, 28, false) << pad(v, 20, true) << "\n"; };
    line("equity", money(r.equity));
    line("initial margin (IM)", money(r.initial_margin));
    line("maintenance margin (MM)", money(r.maintenance_margin));
    line("free collateral", money(r.free_collateral));
    line("health (equity - MM)", money(r.health));
    line("margin ratio (MM / equity)", r.margin_ratio ? percent(*r.margin_ratio) : std::string("n/a (equity <= 0)"));
    line("liquidatable", r.liquidatable ? "YES" : "no");
    if (r.model == margin::margin_model::portfolio) {
        // Scenario risk per underlying: the worst scenario and what it costs.
        o << "\nscenario risk (" << req.value.portfolio.scenarios.scenarios.size() << " scenarios per underlying)\n";
        o << "  " << pad("underlying", 12, false) << pad("worst", 8, true) << pad("worst loss", 18, true) << pad("MM contingency", 18, true)
          << pad("IM contingency", 18, true) << "\n";
        for (const auto& u : r.underlyings) {
            const bool basis = u.worst_scenario == static_cast<std::int64_t>(req.value.portfolio.scenarios.scenarios.size());
            o << "  " << pad(u.symbol.empty() ? "(collateral)" : u.symbol, 12, false)
              << pad(u.symbol.empty() ? "-" : (basis ? "basis" : "#" + std::to_string(u.worst_scenario)), 8, true)
              << pad(money(u.worst_loss), 18, true) << pad(money(u.mm_contingency), 18, true) << pad(money(u.im_contingency), 18, true)
              << "\n";
        }
        for (const auto& c : r.offsets) o << "  offset " << c.a << "/" << c.b << ": credit " << money(c.credit) << "\n";
        o << "  scenario risk after offsets: " << money(r.scenario_risk) << "\n";
    }
    // Top contributors: positions by IM, largest first (ties: request order).
    std::vector<std::size_t> order(r.positions.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return r.positions[a].initial_margin > r.positions[b].initial_margin; });
    if (!order.empty() && r.model == margin::margin_model::standard) {
        o << "\ntop contributors to initial margin\n";
        o << "  " << pad("position", 24, false) << pad("size", 10, true) << pad("value", 16, true) << pad("IM", 16, true)
          << pad("MM", 16, true) << "\n";
        for (std::size_t n = 0; n < order.size() && n < 10; ++n) {
            const std::size_t i = order[n];
            const auto& p = req.value.acct.positions[i];
            const std::string name = p.id.empty() ? "#" + std::to_string(i) : p.id;
            o << "  " << pad(name, 24, false) << pad(fp::format(p.size), 10, true) << pad(money(r.positions[i].value), 16, true)
              << pad(money(r.positions[i].initial_margin), 16, true) << pad(money(r.positions[i].maintenance_margin), 16, true) << "\n";
        }
    }
    if (!r.collateral.empty()) {
        o << (r.model == margin::margin_model::portfolio ? "\ncollateral (at price; haircuts charged as contingencies)\n"
                                                         : "\ncollateral (valued at price - confidence, after the MM haircut)\n");
        for (const auto& c : r.collateral)
            o << "  " << pad(c.asset, 24, false) << pad(fp::format(c.amount), 10, true) << pad(money(c.value), 16, true)
              << pad(money(c.im_charge), 16, true) << "  IM charge\n";
    }
    for (const auto& [sym, g] : r.greeks_by_underlying)
        o << "\n"
          << sym << " greeks: delta " << fp::format(g.delta) << ", gamma " << fp::format(g.gamma) << ", vega " << money(g.vega)
          << ", theta " << money(g.theta) << " /year";
    o << "\n";
    std::fputs(o.str().c_str(), stdout);
    return 0;
}

// A scenario index argument: digits only, at most 6 of them.
bool scenario_id(const std::string& id) { return !id.empty() && id.size() <= 6 && id.find_first_not_of("0123456789") == std::string::npos; }

// The chain's view of the account (bridge::book_of) and MarginAccounts' input hash for it:
// {"api_version", "scenario", "input_hash"} or an error document.
constexpr auto failed = &margin::api::reply::failure;

margin::api::reply input_hash_json(std::string_view text, std::uint64_t id, bool pretty) {
    const auto req = margin::api::parse_request(text);
    if (!req.ok()) return failed(*req.err, pretty);
    const auto b = bridge::book_of(req.value);
    if (!b.ok()) return failed(*b.err, pretty);
    const auto& prm = req.value.portfolio.scenarios;
    if (id > prm.scenarios.size())
        return failed({error_code::OUT_OF_RANGE, "/scenario",
                       "no scenario " + std::to_string(id) + ": the list has " + std::to_string(prm.scenarios.size()) +
                           " (and the basis contingency at that index)"},
                      pretty);
    std::array<char, 67> buf;
    const std::string hash(abi::to_hex(bridge::input_hash(b.value, prm, id), buf));
    const std::string sep = pretty ? ",\n  " : ",";
    return {std::string(pretty ? "{\n  " : "{") + "\"api_version\":" + (pretty ? " " : "") + "\"1\"" + sep +
                "\"scenario\":" + (pretty ? " " : "") + std::to_string(id) + sep + "\"input_hash\":" + (pretty ? " " : "") + "\"" + hash +
                "\"" + (pretty ? "\n}" : "}"),
            std::nullopt};
}

// keccak256(abi.encode(params)) of a scenario/1 parameter document, as MarginAccounts' timelock
// names a queued setParams: {"api_version", "param_hash"} or an error document.
margin::api::reply param_hash_json(std::string_view text) {
    const auto prm = margin::api::parse_scenario_params(text);
    if (!prm.ok()) return failed(*prm.err, true);
    std::array<char, 67> buf;
    const std::string hash(abi::to_hex(bridge::param_hash(prm.value), buf));
    return {"{\n  \"api_version\": \"1\",\n  \"param_hash\": \"" + hash + "\"\n}", std::nullopt};
}

// margin replay: exit 0 when every field matches, 1 on a mismatch or an error document.
int replay_command(const std::vector<std::string>& args) {
    std::string rpc, tx, underlying = "BTC", export_path, file;
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto value = [&](std::string& out) {
            if (i + 1 >= args.size()) return false;
            out = args[++i];
            return true;
        };
        if (a == "--rpc") {
            if (!value(rpc)) return usage("--rpc takes a URL");
        } else if (a == "--tx") {
            if (!value(tx)) return usage("--tx takes a transaction hash");
        } else if (a == "--underlying") {
            if (!value(underlying)) return usage("--underlying takes a symbol");
        } else if (a == "--export") {
            if (!value(export_path)) return usage("--export takes a FILE");
        } else if (a.size() > 1 && a[0] == '-')
            return usage("unknown option " + a);
        else if (file.empty())
            file = a;
        else
            return usage("replay takes one BUNDLE");
    }
    std::string text;
    if (!rpc.empty() && !file.empty()) {  // a bundle checked against the chain: which inputs differ
        if (!export_path.empty()) return usage("--export goes with --rpc and --tx");
        if (!read_all(file, text)) return usage("cannot read " + file);
        if (const auto e = replay::check_text(text)) {
            std::printf("%s\n", margin::api::encode_error(*e, true).c_str());
            return 1;
        }
#ifdef MARGIN_HAS_CHAIN
        const auto doc = nlohmann::json::parse(text, nullptr, false);
        if (tx.empty() && doc.is_object() && doc.contains("source") && doc["source"].contains("tx") && doc["source"]["tx"].is_string())
            tx = doc["source"]["tx"].get<std::string>();
        if (tx.empty()) return usage("the bundle names no source.tx: give --tx HASH");
        if (doc.is_object() && doc.contains("underlying") && doc["underlying"].is_string())
            underlying = doc["underlying"].get<std::string>();
        chain::rpc_client client(rpc);
        chain::house h(client, {});
        auto onchain = h.bundle(tx, underlying);
        if (!onchain.ok()) {
            std::printf("%s\n", margin::api::encode_error(*onchain.err, true).c_str());
            return 1;
        }
        auto r = doc.is_discarded() ? margin::outcome<nlohmann::json>::failure(error_code::BAD_BUNDLE, "", "not JSON")
                                    : replay::run(doc, &onchain.value);
        if (!r.ok()) {
            std::printf("%s\n", margin::api::encode_error(*r.err, true).c_str());
            return 1;
        }
        std::printf("%s\n", r.value.dump(2).c_str());
        return r.value["match"].get<bool>() ? 0 : 1;
#else
        return usage("replay --rpc needs the native build (WebAssembly has no sockets): export the bundle natively, then replay it here");
#endif
    }
    if (!rpc.empty() || !tx.empty()) {
        if (rpc.empty() || tx.empty()) return usage("replay from a node takes --rpc URL and --tx HASH");
#ifdef MARGIN_HAS_CHAIN
        chain::rpc_client client(rpc);
        chain::house h(client, {});
        auto b = h.bundle(tx, underlying);
        if (!b.ok()) {
            std::printf("%s\n", margin::api::encode_error(*b.err, true).c_str());
            return 1;
        }
        text = b.value.dump(2);
        if (!export_path.empty()) {
            std::ofstream f(export_path, std::ios::binary);
            if (!(f << text << '\n')) return usage("cannot write " + export_path);
        }
#else
        return usage("replay --rpc needs the native build (WebAssembly has no sockets): export the bundle natively, then replay it here");
#endif
    } else {
        if (!export_path.empty()) return usage("--export goes with --rpc and --tx");
        const std::string path = file.empty() ? "-" : file;
        if (!read_all(path, text)) return usage("cannot read " + path);
    }
    bool match = false;
    std::printf("%s\n", replay::run_json(text, true, &match).c_str());
    return match ? 0 : 1;
}

enum class batch_mode { compute, scenario, input_hash };

int batch(const std::string& in_path, const std::string& out_path, batch_mode mode, std::int64_t id) {
    std::ifstream fin;
    if (in_path != "-") {
        fin.open(in_path, std::ios::binary);
        if (!fin) return usage("cannot read " + in_path);
    }
    std::ofstream fout;
    if (out_path != "-") {
        fout.open(out_path, std::ios::binary);
        if (!fout) return usage("cannot write " + out_path);
    }
    std::istream& is = in_path == "-" ? std::cin : fin;
    std::ostream& os = out_path == "-" ? std::cout : fout;
    std::string line;
    while (read_line(is, line))
        os << (mode == batch_mode::scenario     ? margin::api::scenario_json(line, id, false)
               : mode == batch_mode::input_hash ? input_hash_json(line, static_cast<std::uint64_t>(id), false)
                                                : margin::api::compute_json(line, false))
                  .text
           << '\n';
    os.flush();
    return os ? 0 : usage("write failed");
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) return usage("no command");
    const std::string cmd = args[0];
    if (cmd == "--version" || cmd == "version") {
        std::printf("%s\n", margin::api::version_string().c_str());
        return 0;
    }
    if (cmd == "--help" || cmd == "help") {
        std::fputs(usage_text, stdout);
        return 0;
    }
    if (cmd == "example") {
        if (args.size() != 1) return usage("example takes no arguments");
        std::fputs(std::string(margin::api::document("example")).c_str(), stdout);
        return 0;
    }
    if (cmd == "batch") {
        if (args.size() == 5 && (args[3] == "--scenario" || args[3] == "--input-hash")) {
            if (!scenario_id(args[4])) return usage("scenario ID must be a scenario index, got " + args[4]);
            return batch(args[1], args[2], args[3] == "--scenario" ? batch_mode::scenario : batch_mode::input_hash, std::stoll(args[4]));
        }
        if (args.size() != 3) return usage("batch takes IN and OUT, and optionally --scenario ID or --input-hash ID");
        return batch(args[1], args[2], batch_mode::compute, 0);
    }
    if (cmd == "scenario") {
        if (args.size() < 2 || args.size() > 3) return usage("scenario takes ID and one FILE");
        const std::string& id = args[1];
        if (!scenario_id(id)) return usage("scenario ID must be a scenario index, got " + id);
        std::string text;
        const std::string path = args.size() == 3 ? args[2] : "-";
        if (!read_all(path, text)) return usage("cannot read " + path);
        const auto out = margin::api::scenario_json(text, std::stoll(id), true);
        std::printf("%s\n", out.text.c_str());
        return out.ok() ? 0 : 1;
    }
    if (cmd == "input-hash") {
        if (args.size() < 2 || args.size() > 3) return usage("input-hash takes ID and one FILE");
        if (!scenario_id(args[1])) return usage("scenario ID must be a scenario index, got " + args[1]);
        std::string text;
        const std::string path = args.size() == 3 ? args[2] : "-";
        if (!read_all(path, text)) return usage("cannot read " + path);
        const auto out = input_hash_json(text, std::stoull(args[1]), true);
        std::printf("%s\n", out.text.c_str());
        return out.ok() ? 0 : 1;
    }
    if (cmd == "param-hash") {
        if (args.size() > 2) return usage("param-hash takes one FILE");
        std::string text;
        const std::string path = args.size() == 2 ? args[1] : "-";
        if (!read_all(path, text)) return usage("cannot read " + path);
        const auto out = param_hash_json(text);
        std::printf("%s\n", out.text.c_str());
        return out.ok() ? 0 : 1;
    }
    if (cmd == "replay") return replay_command(args);
    if (cmd == "audit-marks") return audit_command(args);
    if (cmd == "var") return risk_command(args);
    if (cmd == "backtest") return backtest_command(args);
    if (cmd == "dynamic") return dynamic_command(args);
    if (cmd == "param-impact") return impact_command(args);
    if (cmd == "stress" || cmd == "reverse-stress") return stress_command(args);
    if (cmd == "stress-book") return stress_book_command(args);
    if (cmd == "cascade") return cascade_command(args);
    if (cmd == "preview") {
        if (args.size() < 2 || args.size() > 3) return usage("preview takes TRADE and one FILE");
        std::string trade, text;
        if (!read_all(args[1], trade)) return usage("cannot read " + args[1]);
        const std::string path = args.size() == 3 ? args[2] : "-";
        if (!read_all(path, text)) return usage("cannot read " + path);
        const auto out = margin::api::preview_json(text, trade, true);
        std::printf("%s\n", out.text.c_str());
        return out.ok() ? 0 : 1;
    }
    if (cmd == "compute" || cmd == "span" || cmd == "explain" || cmd == "canonical") {
        bool compact = false;
        std::vector<std::string> files;
        for (std::size_t i = 1; i < args.size(); ++i) {
            if (args[i] == "--compact" && (cmd == "compute" || cmd == "span"))
                compact = true;
            else if (args[i].size() > 1 && args[i][0] == '-')
                return usage("unknown option " + args[i]);
            else
                files.push_back(args[i]);
        }
        if (files.size() > 1) return usage(cmd + " takes one FILE");
        const std::string path = files.empty() ? "-" : files[0];
        std::string text;
        if (!read_all(path, text)) return usage("cannot read " + path);
        if (cmd == "explain") return explain(text);
        if (cmd == "canonical") {
            const auto req = margin::api::parse_request(text);
            if (!req.ok()) {
                std::printf("%s\n", margin::api::encode_error(*req.err, false).c_str());
                return 1;
            }
            std::printf("%s\n", margin::api::canonical_request(req.value).c_str());
            return 0;
        }
        const auto out = cmd == "span" ? margin::api::span_json(text, !compact) : margin::api::compute_json(text, !compact);
        std::printf("%s\n", out.text.c_str());
        return out.ok() ? 0 : 1;
    }
    return usage("unknown command " + cmd);
}
