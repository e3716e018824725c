// libFuzzer target: the replay-bundle parser (contracts-interface/replay), text in.
//
// Properties, beyond "no crash":
// - run_json answers JSON: a replay-report/1 (with "match" the flag it returns, and one
//   {field, chain, engine, match} per compared field, "match" their conjunction) or an
//   error document with a known code of replay's list and a valid JSON pointer;
// - the text and the parsed document give the same answer (run_json == run on the document),
//   and a text with a NUL byte is refused (nlohmann would read the NUL as the end of input);
// - replaying is deterministic: the same text twice gives the same bytes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "api/response.hpp"
#include "fuzz_common.hpp"
#include "replay/replay.hpp"

using margin::error_code;
using nlohmann::json;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    bool match = true;
    const std::string out = replay::run_json(text, false, &match);
    const json answer = json::parse(out, nullptr, false);
    fuzz::require(!answer.is_discarded() && answer.is_object(), "run_json answers JSON", out);
    if (answer.contains("error")) {
        fuzz::require(!match, "an error document is no match");
        const auto code = margin::error_code_of(answer["error"]["code"].get<std::string>());
        fuzz::require(code.has_value(), "an error document with a known code", out);
        const margin::error e{*code, answer["error"]["path"].get<std::string>(), answer["error"]["message"].get<std::string>()};
        // replay.hpp: BAD_BUNDLE, the book's request-form errors (the JSON API's), ARITHMETIC_OVERFLOW.
        fuzz::check_error(e, {}, "replay::run_json");
        fuzz::require(e.code != error_code::RPC_ERROR && e.code != error_code::RPC_HTTP && e.code != error_code::RPC_UNREACHABLE,
                      "replay of a bundle makes no RPC", out);
    } else {
        fuzz::require(answer.value("version", "") == "replay-report/1", "a report is replay-report/1", out);
        fuzz::require(answer["match"].is_boolean() && answer["match"].get<bool>() == match, "the report's match is the flag", out);
        bool all = true;
        for (const json& f : answer["fields"]) {
            fuzz::require(f.contains("field") && f.contains("chain") && f.contains("engine") && f["match"].is_boolean(),
                          "each field is {field, chain, engine, match}", f.dump());
            all = all && f["match"].get<bool>();
        }
        fuzz::require(all == match, "match is the conjunction of the fields'", out);
    }
    const std::string twice = replay::run_json(text, false, nullptr);
    fuzz::require(twice == out, "replay is deterministic", twice);
    // nlohmann reads a NUL byte as the end of its input, so "1\0x" would parse as 1: run_json
    // refuses any NUL first, and only NUL-free texts are compared with the parsed document.
    if (text.find('\0') != std::string_view::npos) {
        const std::string code = answer.contains("error") ? answer["error"]["code"].get<std::string>() : "";
        fuzz::require(code == "BAD_BUNDLE" || code == "JSON_TOO_DEEP" || code == "JSON_TOO_LARGE", "a text with a NUL byte is refused",
                      out);
        return 0;
    }
    const json doc = json::parse(text, nullptr, false);
    if (!doc.is_discarded()) {
        const auto r = replay::run(doc);
        const std::string direct = r.ok() ? r.value.dump() : margin::api::encode_error(*r.err, false);
        fuzz::require(direct == out, "run on the document answers as run_json on the text", direct);
    }
    return 0;
}
