// `margin cascade-book`: a generated book (docs/cascade-books.md) as a ready cascade/1
// request (`margin cascade-book --accounts N --seed S | margin cascade -`), or with --jsonl as
// stress-book JSON lines. api::cascade_book_json answers it (the npm package's cascadeBook too);
// a bad value is the engine's error document (code and path), as the generator reports it.
#include <nlohmann/json.hpp>

#include <cstdio>
#include <string>
#include <vector>

#include "api/cascade.hpp"
#include "command_io.hpp"

namespace {

constexpr const char* book_usage =
    "usage: margin cascade-book --accounts N --seed S [--underlyings BTC,ETH] [--mode market|house]\n"
    "                           [--params NAME] [--market FILE] [--jsonl] [--compact]\n"
    "  A generated book (docs/cascade-books.md): N accounts (1 .. 100000), Philox seed S\n"
    "  (0 .. 2^64 - 1), drawn over the underlyings (default BTC,ETH; house mode: BTC, one only), on the\n"
    "  example market or FILE's \"market\", margined by the preset NAME (default standard; house: pmrm2).\n"
    "  Prints a cascade/1 request (pipe it to `margin cascade -`); --jsonl: the accounts as stress-book\n"
    "  JSON lines. Errors: BAD_COUNT /accounts, /seed; BAD_ENUM /mode; UNKNOWN_UNDERLYING\n"
    "  /underlyings/<i>; OUT_OF_RANGE /underlyings; UNKNOWN_PRESET /params; MODEL_NOT_SUPPORTED /params.\n";

int fail(const std::string& why) { return command_io::usage_error("cascade-book", why, book_usage); }

}  // namespace

int cascade_book_command(const std::vector<std::string>& args) {
    // the flags become the options document api::cascade_book_from_json decodes (the npm package's
    // cascadeBook passes the same), so a bad value is reported with its code and path there
    nlohmann::ordered_json o = nlohmann::ordered_json::object();
    bool compact = false;
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--help" || a == "-h") return command_io::help(book_usage);
        if (a == "--jsonl") {
            o["jsonl"] = true;
        } else if (a == "--compact") {
            compact = true;
        } else if (a == "--accounts" || a == "--seed" || a == "--underlyings" || a == "--mode" || a == "--params" || a == "--market") {
            if (i + 1 >= args.size()) return fail(a + " needs a value");
            const std::string& v = args[++i];
            const std::string key = a.substr(2);
            if (a == "--underlyings") {
                nlohmann::ordered_json u = nlohmann::ordered_json::array();
                for (const std::string& sym : command_io::split_commas(v)) u.push_back(sym);
                o[key] = std::move(u);
            } else if (a == "--market") {
                std::string text;
                if (!read_all(v, text)) return fail("cannot read " + v);
                auto m = nlohmann::ordered_json::parse(text, nullptr, false);
                if (m.is_discarded() || !m.is_object()) return fail(v + " is not a JSON object");
                o[key] = std::move(m);
            } else {
                o[key] = v;
            }
        } else {
            return fail("unknown argument " + a);
        }
    }
    if (!o.contains("accounts")) return fail("--accounts N is required");
    if (!o.contains("seed")) return fail("--seed S is required");
    const auto r = margin::api::cascade_book_from_json(o.dump(), !compact);
    std::printf("%s\n", r.text.c_str());
    return r.ok() ? 0 : 1;
}
