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

}  // namespace keeper_test
