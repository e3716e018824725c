#include "text.hpp"

#include <set>
#include <vector>

#include "abi/json.hpp"
#include "api/response.hpp"
#include "core/limits.hpp"

namespace service::text {

namespace {

// Values in a text, counted from its structure (each ',' '[' '{' outside strings starts at
// most one more value): an upper bound, enough to refuse what the API would refuse.
std::size_t value_bound(std::string_view t) {
    std::size_t n = 1;
    bool in_string = false, escaped = false;
    for (char c : t) {
        if (in_string) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == ',' || c == '[' || c == '{') {
            ++n;
        }
    }
    return n;
}

}  // namespace

margin::outcome<json> parse(std::string_view t) {
    using O = margin::outcome<json>;
    if (t.size() > margin::limits::max_document_bytes) return O::failure(margin::error_code::JSON_TOO_LARGE, "", "a document over 16 MiB");
    if (t.find('\0') != std::string_view::npos) return O::failure(margin::error_code::JSON_SYNTAX, "", "a NUL byte in the text");
    if (abi::nesting_depth(t, 16) > 16) return O::failure(margin::error_code::JSON_TOO_DEEP, "", "nested deeper than 16 levels");
    if (value_bound(t) > margin::limits::max_json_values)
        return O::failure(margin::error_code::JSON_TOO_LARGE, "", "more than 2000000 JSON values in one document");
    // Duplicate keys: nlohmann keeps the last one silently; the API refuses them. The parser's
    // callback sees every key with its depth: one set of keys per open object.
    struct frame {
        bool object;
        std::set<std::string> keys;
        std::string at;  // the JSON pointer of this container
        std::string key;
        std::size_t index = 0;
    };
    std::vector<frame> stack;
    std::optional<margin::error> dup;
    auto here = [&]() -> std::string {
        if (stack.empty()) return "";
        const frame& f = stack.back();
        return f.object ? margin::child(f.at, f.key) : margin::child(f.at, f.index);
    };
    auto cb = [&](int, json::parse_event_t ev, json& parsed) -> bool {
        switch (ev) {
            case json::parse_event_t::object_start:
            case json::parse_event_t::array_start: {
                std::string at = here();
                stack.push_back({ev == json::parse_event_t::object_start, {}, std::move(at), {}, 0});
                break;
            }
            case json::parse_event_t::key: {
                frame& f = stack.back();
                f.key = parsed.get<std::string>();
                if (!f.keys.insert(f.key).second && !dup)
                    dup = margin::error{margin::error_code::DUPLICATE_KEY, margin::child(f.at, f.key),
                                        "the key \"" + f.key + "\" twice in one object"};
                break;
            }
            case json::parse_event_t::object_end:
            case json::parse_event_t::array_end:
                stack.pop_back();
                if (!stack.empty() && !stack.back().object) ++stack.back().index;
                break;
            case json::parse_event_t::value:
                if (!stack.empty() && !stack.back().object) ++stack.back().index;
                break;
        }
        return true;
    };
    json doc = json::parse(t.begin(), t.end(), cb, false);
    if (doc.is_discarded()) return O::failure(margin::error_code::JSON_SYNTAX, "", "not JSON");
    if (dup) return O::failure(*dup);
    return {std::move(doc), std::nullopt};
}

margin::outcome<json> parse_object(std::string_view t, std::initializer_list<std::string_view> fields, std::string_view what) {
    using O = margin::outcome<json>;
    auto parsed = parse(t);
    if (!parsed.ok()) return parsed;
    if (!parsed.value.is_object()) return O::failure(margin::error_code::WRONG_TYPE, "", std::string(what) + " is a JSON object");
    for (auto& [k, v] : parsed.value.items()) {
        bool known = false;
        for (std::string_view f : fields) known = known || k == f;
        if (known) continue;
        std::string list;
        for (std::string_view f : fields) list += (list.empty() ? "" : ", ") + std::string(f);
        return O::failure(margin::error_code::UNKNOWN_FIELD, margin::child("", k), std::string(what) + " holds " + list);
    }
    return parsed;
}

std::string error_document(const margin::error& e) { return margin::api::encode_error(e, false); }

std::string dump(const json& j) { return j.dump(-1, ' ', false, nlohmann::detail::error_handler_t::replace); }

}  // namespace service::text
