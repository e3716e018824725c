// fpcalc: the fixed-point number model from the command line.
//
//   fpcalc demo                     evaluate the embedded example operations
//   fpcalc demo-vectors             the same operations as corpus lines (for the EVM check)
//   fpcalc vectors IN OUT           evaluate a JSON-lines operation corpus ("-" = stdin/stdout)
//   fpcalc OP ARG... [ROUNDING]     one operation on decimal arguments, e.g. `fpcalc pow 2 0.5`
//
// The same source runs natively and as WebAssembly under Node; both must print
// identical bytes (tests/parity checks it). Corpus format: tests/parity/README.md.
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fixedpoint/black76.hpp"
#include "fixedpoint/wad.hpp"

namespace {

using fp::errc;
using fp::result;
using fp::rounding;
using fp::Wad;

// A raw integer argument read as a count of seconds; anything outside int64 is
// passed as -1, which every kernel rejects as FP_DOMAIN (as the Solidity twin does).
std::int64_t seconds_arg(const Wad& a) {
    const fp::I256& r = a.raw();
    return r.fits_i128() && r.to_i128() >= std::numeric_limits<std::int64_t>::min() &&
                   r.to_i128() <= std::numeric_limits<std::int64_t>::max()
               ? static_cast<std::int64_t>(r.to_i128())
               : -1;
}

// One field of the Black-76 kernel (SPEC.md 4.7) for F, K and w (EXT), as a raw integer.
template <fp::I256 fp::black76_terms::*field>
result<Wad> black76_field(const std::vector<Wad>& a) {
    const auto t = fp::black76(a[0], a[1], a[2].raw());
    if (!t.ok()) return result<Wad>::failure(t.error);
    return result<Wad>{Wad::from_raw(t.value.*field)};
}

result<Wad> raw_result(const result<fp::I256>& r) {
    if (!r.ok()) return result<Wad>::failure(r.error);
    return result<Wad>{Wad::from_raw(r.value)};
}

struct op_def {
    int arity;
    bool rounded;
    std::function<result<Wad>(const std::vector<Wad>&, rounding)> fn;
    bool raw_only = false;  // arguments in kernel units: corpus lines only, not decimal command lines
};

const std::map<std::string, op_def>& ops() {
    static const std::map<std::string, op_def> table = {
        {"add", {2, false, [](auto& a, rounding) { return fp::add(a[0], a[1]); }}},
        {"sub", {2, false, [](auto& a, rounding) { return fp::sub(a[0], a[1]); }}},
        {"neg", {1, false, [](auto& a, rounding) { return fp::neg(a[0]); }}},
        {"abs", {1, false, [](auto& a, rounding) { return fp::abs(a[0]); }}},
        {"min", {2, false, [](auto& a, rounding) { return result<Wad>{fp::min(a[0], a[1])}; }}},
        {"max", {2, false, [](auto& a, rounding) { return result<Wad>{fp::max(a[0], a[1])}; }}},
        {"cmp",
         {2, false, [](auto& a, rounding) { return result<Wad>{Wad::from_raw(fp::I256(a[0] < a[1] ? -1 : (a[0] == a[1] ? 0 : 1)))}; }}},
        {"mul", {2, true, [](auto& a, rounding r) { return fp::mul(a[0], a[1], r); }}},
        {"div", {2, true, [](auto& a, rounding r) { return fp::div(a[0], a[1], r); }}},
        {"mul_div", {3, true, [](auto& a, rounding r) { return fp::mul_div(a[0], a[1], a[2], r); }}},
        {"exp", {1, false, [](auto& a, rounding) { return fp::exp(a[0]); }}},
        {"ln", {1, false, [](auto& a, rounding) { return fp::ln(a[0]); }}},
        {"sqrt", {1, false, [](auto& a, rounding) { return fp::sqrt(a[0]); }}},
        {"pow", {2, false, [](auto& a, rounding) { return fp::pow(a[0], a[1]); }}},
        {"normal_pdf", {1, false, [](auto& a, rounding) { return fp::normal_pdf(a[0]); }}},
        {"normal_cdf", {1, false, [](auto& a, rounding) { return fp::normal_cdf(a[0]); }}},
        // Black-76 kernel: raw integers in the kernel's units (black76.hpp).
        {"black76_call", {3, false, [](auto& a, rounding) { return black76_field<&fp::black76_terms::call>(a); }, true}},
        {"black76_put", {3, false, [](auto& a, rounding) { return black76_field<&fp::black76_terms::put>(a); }, true}},
        {"black76_n_d1", {3, false, [](auto& a, rounding) { return black76_field<&fp::black76_terms::n_d1>(a); }, true}},
        {"black76_pdf_d1", {3, false, [](auto& a, rounding) { return black76_field<&fp::black76_terms::pdf_d1>(a); }, true}},
        {"black76_sqrt_w", {3, false, [](auto& a, rounding) { return black76_field<&fp::black76_terms::sqrt_w>(a); }, true}},
        {"total_variance_ext",
         {2, false, [](auto& a, rounding) { return raw_result(fp::total_variance_ext(a[0], seconds_arg(a[1]))); }, true}},
        {"sqrt_year_fraction", {1, false, [](auto& a, rounding) { return raw_result(fp::sqrt_year_fraction(seconds_arg(a[0]))); }, true}},
    };
    return table;
}

std::optional<rounding> parse_rounding(const std::string& s) {
    if (s == "toward_zero") return rounding::toward_zero;
    if (s == "floor") return rounding::floor;
    if (s == "ceil") return rounding::ceil;
    return std::nullopt;
}

// One corpus line -> one result line. Numeric args and results are raw int256
// integers (wei); "parse" takes a decimal string and "format" returns one.
std::string eval_line(const std::string& line) {
    using nlohmann::json;
    json in = json::parse(line, nullptr, false);
    json out;
    auto fail = [&](std::string_view why) {
        out["invalid"] = std::string(why);
        return out.dump();
    };
    if (in.is_discarded() || !in.is_object() || !in.contains("op") || !in["op"].is_string() || !in.contains("args") ||
        !in["args"].is_array())
        return fail("line is not {\"op\": string, \"args\": [string...]}");
    out = in;
    const std::string op = in["op"];
    std::vector<std::string> args;
    for (const auto& a : in["args"]) {
        if (!a.is_string()) return fail("args must be strings");
        args.push_back(a.get<std::string>());
    }
    auto emit = [&](const result<Wad>& r, bool as_decimal) {
        if (r.ok())
            out["expect"] = {{"value", as_decimal ? fp::format(r.value) : r.value.raw().to_string()}};
        else
            out["expect"] = {{"error", std::string(fp::errc_name(r.error))}};
        return out.dump();
    };
    if (op == "parse") {
        if (args.size() != 1) return fail("parse takes 1 argument");
        return emit(fp::parse(args[0]), false);
    }
    std::vector<Wad> vals;
    for (const auto& a : args) {
        const auto v = fp::I256::parse(a);
        if (!v.ok()) return fail("argument is not a raw int256 integer");
        vals.push_back(Wad::from_raw(v.value));
    }
    if (op == "format") {
        if (vals.size() != 1) return fail("format takes 1 argument");
        out["expect"] = {{"value", fp::format(vals[0])}};
        return out.dump();
    }
    const auto it = ops().find(op);
    if (it == ops().end()) return fail("unknown op");
    if (static_cast<int>(vals.size()) != it->second.arity) return fail("wrong number of arguments");
    rounding r = rounding::toward_zero;
    if (it->second.rounded) {
        if (!in.contains("rounding") || !in["rounding"].is_string() || !parse_rounding(in["rounding"]))
            return fail("rounding must be toward_zero, floor or ceil");
        r = *parse_rounding(in["rounding"]);
    }
    return emit(it->second.fn(vals, r), false);
}

int run_vectors(const std::string& in_path, const std::string& out_path) {
    std::ifstream fin;
    std::ofstream fout;
    if (in_path != "-") {
        fin.open(in_path);
        if (!fin) {
            std::cerr << "fpcalc: cannot read " << in_path << "\n";
            return 2;
        }
    }
    if (out_path != "-") {
        fout.open(out_path);
        if (!fout) {
            std::cerr << "fpcalc: cannot write " << out_path << "\n";
            return 2;
        }
    }
    std::istream& is = in_path == "-" ? std::cin : fin;
    std::ostream& os = out_path == "-" ? std::cout : fout;
    std::string line;
    long long n = 0;
    while (std::getline(is, line)) {
        if (line.empty()) continue;
        os << eval_line(line) << '\n';
        ++n;
    }
    std::cerr << "fpcalc: evaluated " << n << " vectors\n";
    return os ? 0 : 2;
}

void usage() {
    std::cerr << "usage: fpcalc demo | fpcalc demo-vectors | fpcalc vectors IN OUT | fpcalc OP ARG... [ROUNDING]\n"
                 "ops: add sub neg abs min max cmp mul div mul_div exp ln sqrt pow normal_pdf normal_cdf\n"
                 "vector-only ops (raw integers): black76_call black76_put black76_n_d1 black76_pdf_d1 black76_sqrt_w\n"
                 "  total_variance_ext sqrt_year_fraction (tests/parity/README.md)\n";
}

std::string arguments(int n) { return std::to_string(n) + (n == 1 ? " decimal argument" : " decimal arguments"); }

// Decimal arguments, decimal result: `fpcalc mul 1.5 2.25 floor`.
// Exit status: 0 with a result, 1 with an engine error code, 2 for a usage error.
int run_single(const std::string& op, std::vector<std::string> args) {
    const auto it = ops().find(op);
    if (it != ops().end() && it->second.raw_only) {
        std::cerr << "fpcalc: " << op << " takes raw integers in kernel units: use it in a corpus (fpcalc vectors)\n";
        return 2;
    }
    if (it == ops().end()) {
        std::cerr << "fpcalc: unknown operation '" << op << "'\n";
        usage();
        return 2;
    }
    rounding r = rounding::toward_zero;
    if (it->second.rounded) {
        if (static_cast<int>(args.size()) != it->second.arity + 1 || !parse_rounding(args.back())) {
            std::cerr << "fpcalc: " << op << " takes " << arguments(it->second.arity) << " and a rounding (toward_zero, floor, ceil)\n";
            return 2;
        }
        r = *parse_rounding(args.back());
        args.pop_back();
    }
    if (static_cast<int>(args.size()) != it->second.arity) {
        std::cerr << "fpcalc: " << op << " takes " << arguments(it->second.arity) << "\n";
        return 2;
    }
    std::vector<Wad> vals;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const auto v = fp::parse(args[i]);
        if (!v.ok()) {
            std::cout << fp::errc_name(v.error) << " (argument " << i + 1 << ": \"" << args[i] << "\")\n";
            return 1;
        }
        vals.push_back(v.value);
    }
    const auto res = it->second.fn(vals, r);
    if (!res.ok()) {
        std::cout << fp::errc_name(res.error) << "\n";
        return 1;
    }
    std::cout << fp::format(res.value) << "\n";
    return 0;
}

struct demo_line {
    const char* op;
    std::vector<std::string> args;  // decimal text
    const char* rnd;                // rounding, or nullptr
};

const std::vector<demo_line>& demo_lines() {
    static const std::vector<demo_line> lines = {
        {"mul", {"1.5", "0.333333333333333333"}, "floor"},
        {"mul", {"-1.5", "0.333333333333333333"}, "floor"},
        {"div", {"1", "3"}, "ceil"},
        {"mul_div", {"10000000000000000000000000", "10000000000000000000000000", "3"}, "floor"},  // a*b needs 512 bits
        {"exp", {"1"}, nullptr},
        {"exp", {"135.3"}, nullptr},
        {"ln", {"2"}, nullptr},
        {"ln", {"0.000000000000000001"}, nullptr},
        {"sqrt", {"2"}, nullptr},
        {"pow", {"1.0001", "10000"}, nullptr},
        {"normal_pdf", {"0"}, nullptr},
        {"normal_cdf", {"1.96"}, nullptr},
        {"normal_cdf", {"-3.5"}, nullptr},
        {"exp", {"136"}, nullptr},
        {"ln", {"0"}, nullptr},
        {"div", {"1", "0"}, "floor"},
    };
    return lines;
}

int run_demo() {
    std::cout << "fixed-point demo (signed 18-decimal, int256 range); every line is exact and reproducible\n";
    for (const auto& d : demo_lines()) {
        std::string call = std::string(d.op) + "(";
        for (std::size_t i = 0; i < d.args.size(); ++i) call += (i ? ", " : "") + d.args[i];
        if (d.rnd) call += std::string(", ") + d.rnd;
        call += ")";
        std::vector<Wad> vals;
        for (const auto& a : d.args) vals.push_back(fp::parse(a).value);
        const auto res = ops().at(d.op).fn(vals, d.rnd ? *parse_rounding(d.rnd) : rounding::toward_zero);
        std::printf("  %-66s = %s\n", call.c_str(),
                    res.ok() ? fp::format(res.value).c_str() : std::string(fp::errc_name(res.error)).c_str());
    }
    return 0;
}

int run_demo_vectors() {
    for (const auto& d : demo_lines()) {
        nlohmann::json line;
        line["op"] = d.op;
        line["args"] = nlohmann::json::array();
        for (const auto& a : d.args) line["args"].push_back(fp::parse(a).value.raw().to_string());
        if (d.rnd) line["rounding"] = d.rnd;
        std::cout << line.dump() << '\n';
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "demo") return run_demo();
    if (args[0] == "demo-vectors") return run_demo_vectors();
    if (args[0] == "vectors") {
        if (args.size() != 3) {
            usage();
            return 2;
        }
        return run_vectors(args[1], args[2]);
    }
    if (args[0] == "--help" || args[0] == "-h") {
        usage();
        return 0;
    }
    return run_single(args[0], {args.begin() + 1, args.end()});
}
