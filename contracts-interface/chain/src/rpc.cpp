#include "chain/rpc.hpp"

#include "abi/json.hpp"

namespace chain {
namespace {

error rpc_failure(error_code code, const std::string& what, std::string message) { return {code, what, std::move(message)}; }

constexpr std::size_t max_error_message = 500;
constexpr std::size_t max_revert_data = 2 + 2 * 65'536;  // "0x" and 64 KiB

bool is_hex_data(const json& j) {
    if (!j.is_string()) return false;
    const auto& s = j.get_ref<const std::string&>();
    return s.size() >= 2 && s.size() <= max_revert_data && s.size() % 2 == 0 && s.compare(0, 2, "0x") == 0 &&
           s.find_first_not_of("0123456789abcdefABCDEF", 2) == std::string::npos;
}

// The node's error object as the client keeps it: {"code": int, "message": string (cut),
// "data": hex or {"data": hex}}, each member only when it is well-formed; anything else dropped.
json error_object(const json& e) {
    json out = json::object();
    if (!e.is_object()) {
        out["message"] = "an error that is not an object (" + std::string(e.type_name()) + ")";
        return out;
    }
    if (auto c = e.find("code"); c != e.end() && c->is_number_integer()) out["code"] = *c;
    if (auto m = e.find("message"); m != e.end() && m->is_string()) {
        const auto& text = m->get_ref<const std::string&>();
        out["message"] = text.size() > max_error_message ? text.substr(0, max_error_message) + "..." : text;
    }
    if (auto d = e.find("data"); d != e.end()) {
        if (is_hex_data(*d))
            out["data"] = *d;
        else if (d->is_object() && d->contains("data") && is_hex_data((*d)["data"]))
            out["data"] = json{{"data", (*d)["data"]}};
    }
    return out;
}

// A JSON-RPC response object -> its result, or RPC_ERROR / RPC_BAD_RESPONSE.
outcome<json> result_of(const json& r, const std::string& what) {
    if (!r.is_object())
        return outcome<json>::failure(rpc_failure(error_code::RPC_BAD_RESPONSE, what, "a response that is not a JSON object"));
    if (r.contains("error")) return outcome<json>::failure(rpc_failure(error_code::RPC_ERROR, what, error_object(r["error"]).dump()));
    if (!r.contains("result"))
        return outcome<json>::failure(rpc_failure(error_code::RPC_BAD_RESPONSE, what, "a response without result or error"));
    return {r["result"], std::nullopt};
}

}  // namespace

rpc_client::rpc_client(transport& t, std::size_t max_response) : transport_(&t), max_response_(max_response) {}

rpc_client::rpc_client(std::string url, long timeout_ms, std::size_t max_response)
    : owned_(http_transport(std::move(url), timeout_ms, max_response)), transport_(owned_.get()), max_response_(max_response) {}

outcome<json> rpc_client::post(const std::string& body, const std::string& what) {
    auto r = transport_->post(body, what);
    if (!r.ok()) return outcome<json>::failure(*r.err);
    const std::string& response = r.value.body;
    if (r.value.status != 200)
        return outcome<json>::failure(
            rpc_failure(error_code::RPC_HTTP, what, url() + ": HTTP " + std::to_string(r.value.status) + ": " + response.substr(0, 200)));
    if (response.size() > max_response_)
        return outcome<json>::failure(rpc_failure(
            error_code::RPC_TOO_LARGE, what,
            url() + ": an answer of " + std::to_string(response.size()) + " bytes, over the cap of " + std::to_string(max_response_)));
    if (abi::nesting_depth(response, max_response_depth) > static_cast<std::size_t>(max_response_depth))
        return outcome<json>::failure(rpc_failure(
            error_code::RPC_TOO_LARGE, what, url() + ": an answer nested deeper than " + std::to_string(max_response_depth) + " levels"));
    json parsed = json::parse(response, nullptr, false);
    if (parsed.is_discarded())
        return outcome<json>::failure(rpc_failure(error_code::RPC_BAD_RESPONSE, what, "not JSON: " + response.substr(0, 200)));
    return {std::move(parsed), std::nullopt};
}

outcome<json> rpc_client::call(const std::string& method, json params) {
    const json body = {{"jsonrpc", "2.0"}, {"id", next_id_++}, {"method", method}, {"params", std::move(params)}};
    auto r = post(body.dump(), method);
    if (!r.ok()) return r;
    return result_of(r.value, method);
}

outcome<std::vector<outcome<json>>> rpc_client::batch(const std::vector<std::pair<std::string, json>>& calls) {
    using out_t = outcome<std::vector<outcome<json>>>;
    if (calls.empty()) return {{}, std::nullopt};
    json body = json::array();
    const long first = next_id_;
    for (const auto& [method, params] : calls)
        body.push_back({{"jsonrpc", "2.0"}, {"id", next_id_++}, {"method", method}, {"params", params}});
    const std::string what = calls.front().first + " (batch of " + std::to_string(calls.size()) + ")";
    auto r = post(body.dump(), what);
    if (!r.ok()) return out_t::failure(*r.err);
    if (!r.value.is_array() || r.value.size() != calls.size())
        return out_t::failure(rpc_failure(error_code::RPC_BAD_RESPONSE, what, "a batch answer of the wrong shape"));
    std::vector<outcome<json>> out(calls.size());
    std::vector<bool> seen(calls.size(), false);
    for (const json& item : r.value) {  // answers may come in any order: match by id
        const long id = item.is_object() && item.contains("id") && item["id"].is_number_integer() ? item["id"].get<long>() : -1;
        const long k = id - first;
        if (k < 0 || k >= static_cast<long>(calls.size()) || seen[static_cast<std::size_t>(k)])
            return out_t::failure(rpc_failure(error_code::RPC_BAD_RESPONSE, what, "a batch answer with an unknown id"));
        seen[static_cast<std::size_t>(k)] = true;
        out[static_cast<std::size_t>(k)] = result_of(item, calls[static_cast<std::size_t>(k)].first);
    }
    return {std::move(out), std::nullopt};
}

std::string revert_data(const error& e) {
    if (e.code != error_code::RPC_ERROR) return {};
    const json j = json::parse(e.message, nullptr, false);
    if (!j.is_object() || !j.contains("data")) return {};
    const json& d = j["data"];
    if (is_hex_data(d)) return d.get<std::string>();
    if (d.is_object() && d.contains("data") && is_hex_data(d["data"])) return d["data"].get<std::string>();
    return {};
}

}  // namespace chain
