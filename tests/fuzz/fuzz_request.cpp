// libFuzzer target: the JSON API's request parser (core/api), text in.
//
// Properties, beyond "no crash":
// - an error carries a known code, a valid JSON pointer and a message; when the text is
//   JSON (as nlohmann reads it) and the error is not about the text itself, the pointer
//   names a value of the document or a member its parent object lacks, and the document
//   decoder (parse_request_document) reports the same error;
// - a request that parses canonicalises to a fixed point:
//   canonical(parse(canonical(x))) == canonical(x), and parse_request_document agrees;
// - compute_json answers with a document that is JSON, a result or an error, never both,
//   and an error document iff parsing or computing failed, with the same code and path.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "api/document.hpp"
#include "api/pipeline.hpp"
#include "api/request.hpp"
#include "api/response.hpp"
#include "core/margin.hpp"
#include "fuzz_common.hpp"

using margin::error_code;
using nlohmann::json;

namespace {

// Errors about the text (stage one of docs/api.md) rather than the document's content.
bool text_error(error_code c) {
    return c == error_code::JSON_SYNTAX || c == error_code::JSON_TOO_LARGE || c == error_code::JSON_TOO_DEEP ||
           c == error_code::JSON_NUMBER || c == error_code::DUPLICATE_KEY;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto r = margin::api::parse_request(text);
    const auto reply = margin::api::compute_json(text, false);
    const json answer = json::parse(reply.text, nullptr, false);
    fuzz::require(!answer.is_discarded() && answer.is_object() && (answer.contains("result") != answer.contains("error")),
                  "compute_json answers a result or an error document", reply.text);
    if (!r.ok()) {
        fuzz::check_error(*r.err, {}, "parse_request");
        fuzz::require(reply.err && *reply.err == *r.err, "compute_json reports the parser's error", reply.text);
        if (text_error(r.err->code)) return 0;
        // The text is JSON: the same document through the document decoder gives the same error.
        const json doc = json::parse(text, nullptr, false);
        fuzz::require(!doc.is_discarded(), "a content error for a text that is not JSON", r.err->path);
        fuzz::require(fuzz::resolves_or_parent(doc, r.err->path), "the error's pointer names the request", r.err->path);
        const auto d = margin::api::parse_request_document(doc);
        fuzz::require(!d.ok() && *d.err == *r.err, "parse_request_document reports the text parser's error", r.err->path);
        return 0;
    }
    const std::string c1 = margin::api::canonical_request(r.value);
    const auto again = margin::api::parse_request(c1);
    fuzz::require(again.ok(), "a canonical request parses", c1);
    const std::string c2 = margin::api::canonical_request(again.value);
    fuzz::require(c1 == c2, "canonical(parse(canonical(x))) == canonical(x)", c1 + "\n" + c2);
    const auto d = margin::api::parse_request_document(json::parse(text));
    fuzz::require(d.ok() && margin::api::canonical_request(d.value) == c1, "parse_request_document gives the same request", c1);
    const auto res = margin::compute(r.value);
    if (!res.ok()) {
        fuzz::check_error(*res.err, {}, "compute");
        fuzz::require(reply.err && *reply.err == *res.err, "compute_json reports compute's error", reply.text);
    } else {
        fuzz::require(reply.ok() && reply.text == margin::api::encode_result(r.value, res.value, false),
                      "compute_json answers compute's result", reply.text);
    }
    return 0;
}
