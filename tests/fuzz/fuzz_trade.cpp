// libFuzzer target: the trade parser (api::parse_trade, core's apply_trade) on the shipped
// example account, under the standard model or (first byte odd) the pmrm2 portfolio model.
//
// Properties, beyond "no crash":
// - an error carries a known code, a valid JSON pointer under /trade and a message; when
//   the trade text is JSON and the error is about its content, the pointer names a value of
//   the trade document or a member its parent object lacks;
// - an account after a trade is a valid request: validate() accepts it again unchanged, it
//   holds at most 10,000 positions, no instrument twice, and it canonicalises to a fixed
//   point (canonical(parse(canonical(after))) == canonical(after));
// - preview_json agrees: an error document iff parsing, trading or computing failed.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "api/documents.hpp"
#include "api/pipeline.hpp"
#include "api/request.hpp"
#include "api/response.hpp"
#include "core/limits.hpp"
#include "core/margin.hpp"
#include "core/validate.hpp"
#include "fuzz_common.hpp"

using margin::error_code;
using nlohmann::json;

namespace {

const std::string& before_text(bool portfolio) {
    static const std::string standard(margin::api::document("example"));
    static const std::string pmrm2 = [] {
        json j = json::parse(margin::api::document("example"));
        j["params"] = "pmrm2";
        return j.dump();
    }();
    return portfolio ? pmrm2 : standard;
}

bool text_error(error_code c) {
    return c == error_code::JSON_SYNTAX || c == error_code::JSON_TOO_LARGE || c == error_code::JSON_TOO_DEEP ||
           c == error_code::JSON_NUMBER || c == error_code::DUPLICATE_KEY;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const bool portfolio = (data[0] & 1) != 0;
    const std::string_view trade(reinterpret_cast<const char*>(data) + 1, size - 1);
    static const auto before_standard = margin::api::parse_request(before_text(false));
    static const auto before_portfolio = margin::api::parse_request(before_text(true));
    const auto& before = portfolio ? before_portfolio : before_standard;
    fuzz::require(before.ok(), "the example request parses");

    const auto after = margin::api::parse_trade(before.value, trade);
    const auto reply = margin::api::preview_json(before_text(portfolio), trade, false);
    const json answer = json::parse(reply.text, nullptr, false);
    fuzz::require(!answer.is_discarded() && answer.is_object(), "preview_json answers JSON", reply.text);
    if (!after.ok()) {
        const margin::error& e = *after.err;
        fuzz::check_error(e, {}, "parse_trade");
        fuzz::require(e.path.rfind("/trade", 0) == 0, "a trade's error points into /trade", e.path);
        fuzz::require(reply.err && *reply.err == e, "preview_json reports the trade's error", reply.text);
        if (!text_error(e.code) && !e.path.empty()) {
            const json doc = json::parse(trade, nullptr, false);
            fuzz::require(!doc.is_discarded(), "a content error for a trade that is not JSON", e.path);
            fuzz::require(fuzz::resolves_or_parent(doc, e.path.substr(6)), "the error's pointer names the trade", e.path);
        }
        return 0;
    }
    const margin::request& a = after.value;
    fuzz::require(a.acct.positions.size() <= margin::limits::max_positions, "at most 10,000 positions after a trade");
    const auto revalidated = margin::validate(a, true);
    fuzz::require(revalidated.ok(), "the account after a trade is valid", revalidated.ok() ? "" : revalidated.err->path);
    const std::string c1 = margin::api::canonical_request(a);
    fuzz::require(margin::api::canonical_request(revalidated.value) == c1, "validation leaves a traded account unchanged", c1);
    const auto again = margin::api::parse_request(c1);
    fuzz::require(again.ok(), "the canonical account after a trade parses", c1);
    fuzz::require(margin::api::canonical_request(again.value) == c1, "canonical(parse(canonical(after))) == canonical(after)", c1);
    const auto r0 = margin::compute(before.value);
    const auto r1 = margin::compute(a);
    fuzz::require(reply.ok() == (r0.ok() && r1.ok()), "preview_json fails iff computing fails", reply.text);
    if (!r1.ok()) fuzz::check_error(*r1.err, {}, "compute after a trade");
    return 0;
}
