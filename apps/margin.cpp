// margin: the engine from the command line (a thin shell over core/).
//
//   margin compute [FILE|-] [--compact]   JSON v1 request -> JSON response
//   margin span [FILE|-] [--compact]      SPAN risk-array request -> requirement (docs/span.md)
//   margin explain [FILE|-]               the same, as a table for humans (scenarios by name)
//   margin compare FILE|BOOK.jsonl        the account (or a book) under standard, pmrm2, span16, es
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
//   margin cascade REQUEST|- [--shock SPEC] ...                     a book's liquidation cascade (docs/cascade.md)
//   margin cascade-book --accounts N --seed S ...                   a generated book as a cascade request
//   margin --version
//   margin COMMAND --help                 the command's usage and flags
//
// Every command that takes a request takes --params NAME|FILE or --model NAME (command_io.hpp).
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
#include "command_io.hpp"
#include "core/limits.hpp"

using margin::error_code;

int risk_command(const std::vector<std::string>& args);          // apps/risk_command.cpp
int backtest_command(const std::vector<std::string>& args);      // apps/backtest_command.cpp
int dynamic_command(const std::vector<std::string>& args);       // apps/dynamic_command.cpp
int impact_command(const std::vector<std::string>& args);        // apps/impact_command.cpp
int stress_command(const std::vector<std::string>& args);        // apps/stress_command.cpp
int stress_book_command(const std::vector<std::string>& args);   // apps/stress_book_command.cpp
int cascade_command(const std::vector<std::string>& args);       // apps/cascade_command.cpp
int cascade_book_command(const std::vector<std::string>& args);  // apps/cascade_book_command.cpp
int audit_command(const std::vector<std::string>& args);         // apps/audit_command.cpp
int explain_command(const std::vector<std::string>& args);       // apps/explain_command.cpp
int compare_command(const std::vector<std::string>& args);       // apps/compare_command.cpp

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

#define P_NOTE                                                                                          \
    "  P: --params NAME|FILE evaluates the request under a preset (standard, pmrm2, span16, es) or a\n" \
    "     parameter document instead of its \"params\"; --model NAME the same, a preset's name only\n"

constexpr const char* usage_text =
    "usage: margin compute [FILE|-] [--compact] [P]   evaluate a JSON v1 request (P: --params NAME|FILE | --model NAME)\n"
    "       margin span [FILE|-] [--compact]      a SPAN risk-array request's requirement (docs/span.md;\n"
    "                                             compute answers it too)\n"
    "       margin explain [FILE|-] [P] [--scenario N | --scenarios]\n"
    "                                             the result as tables, scenarios by name (margin explain --help)\n"
    "       margin compare FILE|BOOK.jsonl [--models standard,pmrm2,span16,es] [--prices DIR | --synthetic] [--json]\n"
    "                                             the account, or a book, under each model side by side\n"
    "       margin example                        print the embedded example request\n"
    "       margin canonical [FILE|-] [P]         canonical encoding of a request\n"
    "       margin scenario ID [FILE|-] [--compact] [P]\n"
    "                                             the account at one scenario (scenario models)\n"
    "       margin preview TRADE [FILE|-] [--compact] [P]\n"
    "                                             margin before and after a trade; TRADE is a file or the JSON\n"
    "                                             itself, e.g. '{\"positions\": [{\"type\": \"perp\", ...}]}'\n"
    "       margin batch IN OUT [--scenario ID | --input-hash ID] [P]\n"
    "                                             JSON lines: one compact request per line (\"-\" = stdin/stdout),\n"
    "                                             each at scenario ID, or its input hash, if given; a\n"
    "                                             pretty-printed request is refused: compact it (jq -c .)\n"
    "       margin input-hash ID [FILE|-] [P]     keccak256(abi.encode(book, params, ID)) as the chain\n"
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
    "       margin cascade REQUEST|- --compare standard-isolated,standard,pmrm2,es [--table] [--html FILE]\n"
    "                                             the cascade under each margin model side by side\n"
    "       margin cascade-book --accounts N --seed S [--underlyings BTC,ETH] [--mode market|house] [--params NAME]\n"
    "                                             a generated book as a ready cascade request (| margin cascade -)\n"
    "       margin --version\n"
    "       margin COMMAND --help                 one command's usage and flags\n" P_NOTE;

// `margin COMMAND --help` for the commands defined here: usage_text's lines for COMMAND (its own
// lines and their continuations), and the P flags' note when they take them.
std::string command_help(const std::string& cmd) {
    std::istringstream in(usage_text);
    std::string out, line;
    bool mine = false;
    while (std::getline(in, line)) {
        const auto at = line.find("margin ");
        if (at != std::string::npos && at < 8)
            mine = line.compare(at + 7, cmd.size() + 1, cmd + " ") == 0;
        else if (line.rfind("  P:", 0) == 0 || line.rfind("     ", 0) != 0)
            mine = false;
        if (mine) out += "       " + line.substr(7) + "\n";
    }
    if (out.empty()) return out;
    out.replace(0, 7, "usage: ");
    if (out.find("[P]") != std::string::npos) out += P_NOTE;
    return out;
}

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
    if (command_io::wants_help(args)) return std::fputs(command_help("replay").c_str(), stdout), 0;
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

int batch(const std::string& in_path, const std::string& out_path, batch_mode mode, std::int64_t id,
          const command_io::params_choice& params) {
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
    std::string line, why;
    for (std::size_t n = 1; read_line(is, line); ++n) {
        // A pretty-printed request (its first line a lone "{" or "["): batch reads JSON lines.
        const auto first = line.find_first_not_of(" \t\r");
        if (n == 1 && first != std::string::npos && (line[first] == '{' || line[first] == '[') &&
            line.find_first_not_of(" \t\r", first + 1) == std::string::npos)
            return usage("batch reads one compact request per line (JSON lines), and line 1 of " + in_path + " is a lone \"" + line[first] +
                         "\": a pretty-printed request; compact it (jq -c . FILE) or use margin compute");
        if (!command_io::apply_params(line, params, why)) return usage(why);
        os << (mode == batch_mode::scenario     ? margin::api::scenario_json(line, id, false)
               : mode == batch_mode::input_hash ? input_hash_json(line, static_cast<std::uint64_t>(id), false)
                                                : margin::api::compute_json(line, false))
                  .text
           << '\n';
    }
    os.flush();
    return os ? 0 : usage("write failed");
}

// The arguments of a command that takes a request: positionals, --compact (when allowed), the
// parameter flags. An empty `why` when they parse.
struct request_args {
    std::vector<std::string> positional;
    bool compact = false;
    command_io::params_choice params;
    std::string why;
};

request_args parse_request_args(const std::vector<std::string>& args, bool compact_allowed, bool params_allowed) {
    request_args r;
    for (std::size_t i = 1; i < args.size() && r.why.empty(); ++i) {
        const std::string& a = args[i];
        if (params_allowed && command_io::params_flag(args, i, r.params, r.why)) continue;
        if (a == "--compact" && compact_allowed)
            r.compact = true;
        else if (a.size() > 1 && a[0] == '-' && !(a[1] >= '0' && a[1] <= '9'))  // "-1": a (bad) index, said so later
            r.why = "unknown option " + a;
        else
            r.positional.push_back(a);
    }
    return r;
}

// FILE (or stdin) with the parameter flags applied; false with a usage message.
bool read_request(const std::string& path, const command_io::params_choice& params, std::string& text, std::string& why) {
    if (!read_all(path, text)) return why = "cannot read " + path, false;
    return command_io::apply_params(text, params, why);
}

// TRADE as preview's usage shows it: the JSON itself when it starts with '{', else a file.
bool read_trade(const std::string& arg, std::string& trade) {
    const auto first = arg.find_first_not_of(" \t\r\n");
    if (first != std::string::npos && arg[first] == '{') return trade = arg, true;
    return read_all(arg, trade);
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
    if (cmd == "--help" || cmd == "help" || cmd == "-h") {
        if (args.size() == 2 && args[1][0] != '-')
            args = {args[1], "--help"};  // margin help COMMAND
        else {
            std::fputs(usage_text, stdout);
            return 0;
        }
    }
    const std::string& name = args[0];
    if (name == "replay") return replay_command(args);
    if (name == "audit-marks") return audit_command(args);
    if (name == "var") return risk_command(args);
    if (name == "backtest") return backtest_command(args);
    if (name == "dynamic") return dynamic_command(args);
    if (name == "param-impact") return impact_command(args);
    if (name == "stress" || name == "reverse-stress") return stress_command(args);
    if (name == "stress-book") return stress_book_command(args);
    if (name == "cascade") return cascade_command(args);
    if (name == "cascade-book") return cascade_book_command(args);
    if (name == "explain") return explain_command(args);
    if (name == "compare") return compare_command(args);
    if (command_io::wants_help(args)) {
        const std::string h = command_help(name);
        if (h.empty()) return usage("unknown command " + name);
        std::fputs(h.c_str(), stdout);
        return 0;
    }
    if (name == "example") {
        if (args.size() != 1) return usage("example takes no arguments");
        std::fputs(std::string(margin::api::document("example")).c_str(), stdout);
        return 0;
    }
    if (name == "param-hash") {
        if (args.size() > 2) return usage("param-hash takes one FILE");
        std::string text;
        const std::string path = args.size() == 2 ? args[1] : "-";
        if (!read_all(path, text)) return usage("cannot read " + path);
        const auto out = param_hash_json(text);
        std::printf("%s\n", out.text.c_str());
        return out.ok() ? 0 : 1;
    }
    if (name == "batch") {  // --scenario ID / --input-hash ID taken first, then the common flags
        std::vector<std::string> rest;
        std::string mode_flag, id;
        for (std::size_t i = 0; i < args.size(); ++i)
            if (i > 0 && (args[i] == "--scenario" || args[i] == "--input-hash") && mode_flag.empty()) {
                mode_flag = args[i];
                id = i + 1 < args.size() ? args[++i] : "";
            } else
                rest.push_back(args[i]);
        const auto a = parse_request_args(rest, false, true);
        if (!a.why.empty()) return usage(a.why);
        if (!mode_flag.empty() && !scenario_id(id)) return usage("scenario ID must be a scenario index, got " + id);
        if (a.positional.size() != 2) return usage("batch takes IN and OUT, and optionally --scenario ID or --input-hash ID");
        const batch_mode mode = mode_flag.empty()           ? batch_mode::compute
                                : mode_flag == "--scenario" ? batch_mode::scenario
                                                            : batch_mode::input_hash;
        return batch(a.positional[0], a.positional[1], mode, mode_flag.empty() ? 0 : std::stoll(id), a.params);
    }
    if (name == "scenario" || name == "input-hash") {
        const auto a = parse_request_args(args, name == "scenario", true);
        if (!a.why.empty()) return usage(a.why);
        if (a.positional.empty() || a.positional.size() > 2) return usage(name + " takes ID and one FILE");
        const std::string& id = a.positional[0];
        if (!scenario_id(id)) return usage("scenario ID must be a scenario index, got " + id);
        std::string text, why;
        if (!read_request(a.positional.size() == 2 ? a.positional[1] : "-", a.params, text, why)) return usage(why);
        const auto out = name == "scenario" ? margin::api::scenario_json(text, std::stoll(id), !a.compact)
                                            : input_hash_json(text, std::stoull(id), true);
        std::printf("%s\n", out.text.c_str());
        return out.ok() ? 0 : 1;
    }
    if (name == "preview") {
        const auto a = parse_request_args(args, true, true);
        if (!a.why.empty()) return usage(a.why);
        if (a.positional.empty() || a.positional.size() > 2) return usage("preview takes TRADE and one FILE");
        std::string trade, text, why;
        if (!read_trade(a.positional[0], trade)) return usage("cannot read " + a.positional[0]);
        if (!read_request(a.positional.size() == 2 ? a.positional[1] : "-", a.params, text, why)) return usage(why);
        const auto out = margin::api::preview_json(text, trade, !a.compact);
        std::printf("%s\n", out.text.c_str());
        return out.ok() ? 0 : 1;
    }
    if (name == "compute" || name == "span" || name == "canonical") {
        const auto a = parse_request_args(args, name != "canonical", name != "span");
        if (!a.why.empty()) return usage(a.why);
        if (a.positional.size() > 1) return usage(name + " takes one FILE");
        std::string text, why;
        if (!read_request(a.positional.empty() ? "-" : a.positional[0], a.params, text, why)) return usage(why);
        if (name == "canonical") {
            const auto req = margin::api::parse_request(text);
            if (!req.ok()) {
                std::printf("%s\n", margin::api::encode_error(*req.err, false).c_str());
                return 1;
            }
            std::printf("%s\n", margin::api::canonical_request(req.value).c_str());
            return 0;
        }
        const auto out = name == "span" ? margin::api::span_json(text, !a.compact) : margin::api::compute_json(text, !a.compact);
        std::printf("%s\n", out.text.c_str());
        return out.ok() ? 0 : 1;
    }
    return usage("unknown command " + name);
}
