// The WebAssembly package's C surface: JSON v1 text in, JSON v1 text out, over
// the same core/api/ functions as the CLI. Every text comes as a pointer and a byte length
// (not NUL-terminated: a NUL byte inside a document is an error the engine reports, as the
// CLI does, not the end of the input). Every result is a NUL-terminated string from malloc
// that the caller releases with margin_free. Nothing here throws.
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "api/cascade.hpp"
#include "api/documents.hpp"
#include "api/pipeline.hpp"
#include "api/request.hpp"
#include "api/response.hpp"
#include "core/scenario.hpp"
#include "replay/replay.hpp"

namespace {

char* to_c(const std::string& s) {
    char* out = static_cast<char*>(std::malloc(s.size() + 1));
    if (out) std::memcpy(out, s.c_str(), s.size() + 1);
    return out;
}

// The request's text with, when `synthetic`, the series its "history" lacks from the shipped
// SYNTHETIC history, as `margin var --synthetic` (apps/risk_command.cpp) merges them: the same
// parse, merge and dump, so the same bytes reach the engine.
std::string with_history(const char* request, std::size_t request_len, int synthetic) {
    std::string text(request, request_len);
    if (!synthetic) return text;
    using json = nlohmann::ordered_json;
    json doc = json::parse(text, nullptr, false);
    if (doc.is_object() && (!doc.contains("history") || doc["history"].is_object())) {
        const json shipped = json::parse(margin::api::document("history/synthetic"));
        json& history = doc["history"];
        for (const auto& [sym, csv] : shipped["history"].items())
            if (!history.contains(sym)) history[sym] = csv;
        text = doc.dump(-1, ' ', false, nlohmann::detail::error_handler_t::replace);
    }
    return text;
}

}  // namespace

extern "C" {

/// The response to a request (compact JSON; the bytes of `margin batch`).
char* margin_compute(const char* request, std::size_t request_len) {
    return to_c(margin::api::compute_json({request, request_len}, false).text);
}

/// The SPAN risk-array requirement of {"api_version": "1", "span": {...}} (docs/span.md), compact.
char* margin_span(const char* request, std::size_t request_len) { return to_c(margin::api::span_json({request, request_len}, false).text); }

/// The account at one scenario (portfolio model), compact.
char* margin_scenario(const char* request, std::size_t request_len, int scenario) {
    return to_c(margin::api::scenario_json({request, request_len}, scenario, false).text);
}

/// Margin before and after a trade, compact.
char* margin_preview(const char* request, std::size_t request_len, const char* trade, std::size_t trade_len) {
    return to_c(margin::api::preview_json({request, request_len}, {trade, trade_len}, false).text);
}

/// VaR and ES of the request's account from its "risk" and "history" (docs/risk.md), compact:
/// the bytes of `margin var --compact`. With `synthetic` nonzero, the series the request's
/// "history" lacks come from the shipped SYNTHETIC history first (with_history).
char* margin_risk(const char* request, std::size_t request_len, int synthetic) {
    return to_c(margin::api::risk_json(with_history(request, request_len, synthetic), false).text);
}

/// Stress testing (docs/stress.md), compact: mode 0 the account under the request's "stress"
/// scenarios (the bytes of `margin stress --compact`), 1 those scenarios as applied (`--print-scenarios`),
/// 2 reverse stress of its "reverse_stress" (`margin stress --reverse`). `synthetic` as margin_risk's.
char* margin_stress(const char* request, std::size_t request_len, int mode, int synthetic) {
    const std::string text = with_history(request, request_len, synthetic);
    return to_c((mode == 2   ? margin::api::reverse_stress_json(text, false)
                 : mode == 1 ? margin::api::stress_scenarios_json(text, false)
                             : margin::api::stress_json(text, false))
                    .text);
}

/// Book-level stress (docs/stress.md §Book-level stress): the book (JSON lines, one margin request
/// per line) under the options {"scenarios", "insurance_fund"?, "top"?, "history"?}, compact: the
/// bytes of `margin stress-book --compact` (one thread). `synthetic` as margin_risk's, on the
/// options' "history".
char* margin_stress_book(const char* book, std::size_t book_len, const char* options, std::size_t options_len, int synthetic) {
    return to_c(margin::api::stress_book_json({book, book_len}, with_history(options, options_len, synthetic), false).text);
}

/// The liquidation cascade of a cascade/1 request (docs/cascade.md), compact: the bytes of
/// `margin cascade --compact` (one thread; the bytes do not depend on it).
char* margin_cascade(const char* request, std::size_t request_len) {
    return to_c(margin::api::cascade_json({request, request_len}, false, 1).text);
}

/// A generated book (docs/cascade-books.md) from the options document {"accounts", "seed",
/// "underlyings"?, "mode"?, "params"?, "market"?, "jsonl"?}: the bytes of `margin cascade-book --compact`
/// (a cascade/1 request, or stress-book JSON lines), or an error document.
char* margin_cascade_book(const char* options, std::size_t options_len) {
    return to_c(margin::api::cascade_book_from_json({options, options_len}, false).text);
}

/// The canonical encoding of a request, or an error document.
char* margin_canonical(const char* request, std::size_t request_len) {
    const auto req = margin::api::parse_request({request, request_len});
    return to_c(req.ok() ? margin::api::canonical_request(req.value) : margin::api::encode_error(*req.err, false));
}

/// A shipped document: "standard", a portfolio preset ("pmrm2", "span16"), a
/// scenario set ("scenarios/pmrm2", "scenarios/span16"), "example" or the SYNTHETIC
/// price history "history/synthetic"; "" if unknown.
char* margin_document(const char* name, std::size_t name_len) { return to_c(std::string(margin::api::document({name, name_len}))); }

/// As `margin --version`.
char* margin_version() { return to_c(margin::api::version_string()); }

/// The replay report of an on-chain liquidation's bundle (contracts-interface/replay/include/replay/replay.hpp),
/// or an error document.
char* margin_replay(const char* bundle, std::size_t bundle_len) { return to_c(replay::run_json({bundle, bundle_len}, false)); }

void margin_free(char* p) { std::free(p); }

}  // extern "C"
