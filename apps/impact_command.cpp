// `margin param-impact --current A --proposed B BOOK.jsonl` (docs/dynamic-params.md
// §Parameter-change impact): every account of a book margined under the current and the
// proposed scenario/1 documents (the rest of the portfolio parameters from the shipped
// portfolio-pmrm2 or --portfolio), the accounts that become liquidatable or lose their free
// collateral, the timelock's step limits on the change, the proposed document's hash as
// `margin param-hash` prints it (bridge::param_hash: what the on-chain timelock queues), and,
// with --prices, the reference portfolios' backtest coverage before and after.
#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "abi/keccak.hpp"
#include "api/documents.hpp"
#include "api/request.hpp"
#include "api/response.hpp"
#include "bridge/book.hpp"
#include "command_io.hpp"
#include "core/limits.hpp"
#include "core/margin.hpp"
#include "impact_report.hpp"

namespace {

using fp::Wad;
using margin::error;
using margin::error_code;
using margin::outcome;

constexpr std::size_t max_book_accounts = 100000;

constexpr const char* impact_usage =
    "usage: margin param-impact --current A.json --proposed B.json BOOK.jsonl [--portfolio P.json]\n"
    "                           [--prices DIR [--from D] [--to D] [--underlyings BTC,ETH] [--threads N]]\n"
    "                           [--json FILE] [--html FILE]\n"
    "  A, B: scenario/1 documents; BOOK: one request per line without \"params\" (market and account)\n";

int fail(const std::string& why) { return command_io::usage_error("param-impact", why, impact_usage); }
using command_io::engine_error;

std::string hex(const abi::hash256& h) {
    std::array<char, 67> buf;
    return std::string(abi::to_hex(h, buf));
}

// Timelock.paramSteps: the loss factors and contingency percentages within max(0.25 |old|, 0.01),
// the tails (smallest and largest spot shock) within 0.05.
std::vector<impact_report::step> timelock_steps(const margin::scenario::params& a, const margin::scenario::params& b) {
    std::vector<impact_report::step> out;
    const Wad quarter = fp::parse("0.25").value, floor = fp::parse("0.01").value, tail = fp::parse("0.05").value;
    const auto relative = [&](const char* name, const Wad& x, const Wad& y) {
        const Wad bound = fp::max(fp::mul(fp::abs(x).value, quarter, fp::rounding::floor).value, floor);  // FixedPoint.mul, floor
        out.push_back({name, x, y, bound, fp::abs(fp::sub(y, x).value).value <= bound});
    };
    relative("imFactor", a.loss.im_factor, b.loss.im_factor);
    relative("mmFactor", a.loss.mm_factor, b.loss.mm_factor);
    relative("mmPerpPercent", a.contingency.mm_perp_percent, b.contingency.mm_perp_percent);
    relative("imPerpPercent", a.contingency.im_perp_percent, b.contingency.im_perp_percent);
    relative("mmOptionPercent", a.contingency.mm_option_percent, b.contingency.mm_option_percent);
    relative("imOptionPercent", a.contingency.im_option_percent, b.contingency.im_option_percent);
    const auto [alo, ahi] = dynamic_setup::tails(a);
    const auto [blo, bhi] = dynamic_setup::tails(b);
    out.push_back({"minSpotShock", alo, blo, tail, fp::abs(fp::sub(blo, alo).value).value <= tail});
    out.push_back({"maxSpotShock", ahi, bhi, tail, fp::abs(fp::sub(bhi, ahi).value).value <= tail});
    return out;
}

}  // namespace

int impact_command(const std::vector<std::string>& args) {
    if (command_io::wants_help(args)) return command_io::help(impact_usage);
    std::string current, proposed, book, portfolio_file, json_file, html_file;
    dynamic_setup::options o;
    o.variants.clear();
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a.rfind("--", 0) != 0) {
            if (!book.empty()) return fail("one BOOK only");
            book = a;
            continue;
        }
        if (i + 1 >= args.size()) return fail(a + " needs a value");
        const std::string& v = args[++i];
        const std::map<std::string, std::string*> text = {
            {"--current", &current},           {"--proposed", &proposed}, {"--portfolio", &portfolio_file},
            {"--prices", &o.prices},           {"--from", &o.from},       {"--to", &o.to},
            {"--underlyings", &o.underlyings}, {"--json", &json_file},    {"--html", &html_file}};
        if (const auto it = text.find(a); it != text.end())
            *it->second = v;
        else if (a == "--threads") {
            if (!command_io::count_arg(v, 1, 64, o.threads)) return fail("--threads is 1 .. 64");
        } else
            return fail("unknown option " + a);
    }
    if (current.empty() || proposed.empty() || book.empty()) return fail("--current, --proposed and BOOK are required");

    // the two documents, and the portfolio parameters they go into
    impact_report::report rep;
    rep.current_file = current;
    rep.proposed_file = proposed;
    rep.book_file = book;
    margin::scenario::params docs[2];
    for (int k = 0; k < 2; ++k) {
        const std::string& file = k == 0 ? current : proposed;
        const std::string path = k == 0 ? "/current" : "/proposed";
        std::string text;
        if (!read_all(file, text)) return fail("cannot read " + file);
        auto p = margin::api::parse_scenario_params(text, path);
        if (!p.ok()) return engine_error(*p.err);
        docs[k] = std::move(p.value);
    }
    rep.current_hash = hex(bridge::param_hash(docs[0]));
    rep.proposed_hash = hex(bridge::param_hash(docs[1]));
    rep.steps = timelock_steps(docs[0], docs[1]);
    std::string portfolio_text = portfolio_file.empty() ? std::string(margin::api::document("pmrm2")) : std::string();
    if (!portfolio_file.empty() && !read_all(portfolio_file, portfolio_text)) return fail("cannot read " + portfolio_file);
    auto carrier = margin::api::parse_request(
        R"({"api_version": "1", "market": {"timestamp": "1", "underlyings": {"BTC": {"spot": "1"}}}, "account": {"cash": "0"}, "params": )" +
        portfolio_text + "}");
    if (!carrier.ok()) {
        error e = *carrier.err;
        e.path = "/portfolio" + e.path.substr(e.path.rfind("/params", 0) == 0 ? 7 : 0);
        return engine_error(e);
    }
    if (carrier.value.model != margin::margin_model::portfolio)
        return engine_error({error_code::UNSUPPORTED_VERSION, "/portfolio/version", "--portfolio takes a portfolio/1 document"});
    margin::portfolio_params params[2] = {carrier.value.portfolio, carrier.value.portfolio};
    params[0].scenarios = docs[0];
    params[1].scenarios = docs[1];

    // the book: one request per line
    std::ifstream in(book, std::ios::binary);
    if (!in) return fail("cannot read " + book);
    std::string line;
    std::size_t number = 0;
    while (std::getline(in, line)) {
        ++number;
        if (line.empty()) continue;
        if (rep.accounts.size() == max_book_accounts)
            return engine_error(
                {error_code::OUT_OF_RANGE, "/book", "a book holds at most " + std::to_string(max_book_accounts) + " accounts"});
        if (line.size() > margin::limits::max_document_bytes)
            return engine_error(
                {error_code::JSON_TOO_LARGE, "/book/" + std::to_string(number), "line " + std::to_string(number) + " is over 16 MiB"});
        impact_report::account acc;
        acc.line = number;
        for (int k = 0; k < 2; ++k) {
            auto req = margin::api::parse_request(line, params[k]);
            if (!req.ok()) {
                error e = *req.err;
                e.path = "/book/" + std::to_string(number) + e.path;
                e.message = book + " line " + std::to_string(number) + ": " + e.message;
                return engine_error(e);
            }
            auto res = margin::compute(req.value);
            if (!res.ok()) {
                error e = *res.err;
                e.path = "/book/" + std::to_string(number) + e.path;
                return engine_error(e);
            }
            const auto& r = res.value;
            acc.equity = r.equity;
            (k == 0 ? acc.im_before : acc.im_after) = r.initial_margin;
            (k == 0 ? acc.mm_before : acc.mm_after) = r.maintenance_margin;
            (k == 0 ? acc.free_before : acc.free_after) = r.free_collateral;
            (k == 0 ? acc.liquidatable_before : acc.liquidatable_after) = r.liquidatable;
        }
        rep.accounts.push_back(acc);
    }
    if (rep.accounts.empty()) return engine_error({error_code::OUT_OF_RANGE, "/book", book + " holds no account (one request per line)"});

    // backtest coverage before and after
    if (!o.prices.empty()) {
        const auto first = margin::risk::parse_date(o.from), last = margin::risk::parse_date(o.to);
        if (!first) return engine_error({error_code::HISTORY_SYNTAX, "/backtest/from", "not a date YYYY-MM-DD: " + o.from});
        if (!last) return engine_error({error_code::HISTORY_SYNTAX, "/backtest/to", "not a date YYYY-MM-DD: " + o.to});
        const auto syms = dynamic_setup::split(o.underlyings);
        auto hist = dynamic_setup::load_prices(o.prices, syms);
        if (!hist.ok()) return engine_error(*hist.err);
        auto rows = dynamic_setup::backtest_variants(*hist.value, *first, *last, o.horizon, syms,
                                                     {{"current", docs[0], {}}, {"proposed", docs[1], {}}}, o.threads);
        if (!rows.ok()) return engine_error(*rows.err);
        rep.coverage = std::move(rows.value);
        rep.coverage_from = o.from;
        rep.coverage_to = o.to;
    }

    const auto write = command_io::write_output;
    if (json_file.empty() && html_file.empty()) json_file = "-";
    if (!json_file.empty() && !write(json_file, impact_report::to_json(rep))) return fail("cannot write " + json_file);
    if (!html_file.empty() && !write(html_file, impact_report::to_html(rep))) return fail("cannot write " + html_file);
    return 0;
}
