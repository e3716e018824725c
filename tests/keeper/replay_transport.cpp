#include "replay_transport.hpp"

#include <fstream>
#include <iterator>
#include <stdexcept>

namespace keeper_test {

using nlohmann::json;

json load_fixture(const std::string& name) {
    const std::string path = std::string(MARGIN_KEEPER_FIXTURES) + "/" + name + ".json";
    std::ifstream f(path, std::ios::binary);
    if (!f) throw std::runtime_error("no fixture " + path);
    const std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    return json::parse(text);
}

replay_transport::replay_transport(json exchanges, std::string url) : exchanges_(std::move(exchanges)), url_(std::move(url)) {}

margin::outcome<chain::transport::response> replay_transport::post(const std::string& body, const std::string& what) {
    using out_t = margin::outcome<response>;
    const json got = json::parse(body, nullptr, false);
    requests_.push_back(got);
    if (next_ >= exchanges_.size()) {
        mismatches_.push_back("request " + std::to_string(next_) + " after the recording's end: " + body.substr(0, 300));
        return out_t::failure(margin::error_code::RPC_UNREACHABLE, what, "the recording has no more answers");
    }
    const json& x = exchanges_[next_];
    if (got != x.at("request")) {
        mismatches_.push_back("request " + std::to_string(next_) + " differs from the recording:\n  got      " + body.substr(0, 600) +
                              "\n  recorded " + x.at("request").dump().substr(0, 600));
        return out_t::failure(margin::error_code::RPC_UNREACHABLE, what, "not the recorded request");
    }
    ++next_;
    if (x.contains("unreachable"))
        return out_t::failure(margin::error_code::RPC_UNREACHABLE, what, url_ + ": " + x["unreachable"].get<std::string>());
    const json& r = x.at("response");
    return {{x.at("status").get<long>(), r.is_string() ? r.get<std::string>() : r.dump()}, std::nullopt};
}

std::vector<std::string> methods_of(const json& request) {
    std::vector<std::string> out;
    if (request.is_array()) {
        for (const json& r : request) out.push_back(r.value("method", ""));
    } else if (request.is_object())
        out.push_back(request.value("method", ""));
    return out;
}

json result(const json& r) { return {{"jsonrpc", "2.0"}, {"id", 0}, {"result", r}}; }

fixture_node::fixture_node(const json& exchanges, std::string url) : url_(std::move(url)) {
    for (const json& x : exchanges) {
        if (!x.contains("response") || (!x.at("response").is_object() && !x.at("response").is_array())) continue;
        const json& q = x["request"];
        const json& a = x["response"];
        if (q.is_array()) {
            for (const json& one : q)
                for (const json& r : a)
                    if (r.is_object() && r.value("id", json()) == one.at("id")) recorded_.emplace_back(one, r);
        } else
            recorded_.emplace_back(q, a);
    }
}

std::size_t fixture_node::count(const std::string& method) const {
    std::size_t n = 0;
    for (const json& q : requests) n += q.value("method", "") == method;
    return n;
}

json fixture_node::answer(const json& q) {
    requests.push_back(q);
    json a;
    if (on)
        if (auto o = on(q)) a = *o;
    const std::string method = q.value("method", "");
    auto same = [&](const json& r) {
        if (r.value("method", "") != method) return false;
        if (method == "eth_call") return r["params"][0] == q["params"][0];
        return r["params"] == q["params"];
    };
    if (a.is_null())
        for (const auto& [r, resp] : recorded_)
            if (same(r)) {
                a = resp;
                break;
            }
    if (a.is_null())
        for (const auto& [r, resp] : recorded_)
            if (r.value("method", "") == method) {
                a = resp;
                break;
            }
    if (a.is_null()) a = {{"jsonrpc", "2.0"}, {"error", {{"code", -32601}, {"message", "no recorded answer for " + method}}}};
    if (a.is_object()) a["id"] = q.value("id", json());
    return a;
}

margin::outcome<chain::transport::response> fixture_node::post(const std::string& body, const std::string&) {
    const json q = json::parse(body);
    if (q.is_array()) {
        json out = json::array();
        for (const json& one : q) out.push_back(answer(one));
        return {{200, out.dump()}, std::nullopt};
    }
    const json a = answer(q);
    return {{200, a.is_string() ? a.get<std::string>() : a.dump()}, std::nullopt};
}

}  // namespace keeper_test
