// chain::http_transport: JSON-RPC's HTTP POSTs through libcurl, one easy handle reused so
// the connection stays open between calls.
#include <curl/curl.h>

#include "chain/transport.hpp"

namespace chain {
namespace {

using margin::error_code;
using margin::outcome;

std::size_t collect(char* data, std::size_t size, std::size_t n, void* out) {
    static_cast<std::string*>(out)->append(data, size * n);
    return size * n;
}

class curl_transport final : public transport {
public:
    curl_transport(std::string url, long timeout_ms) : url_(std::move(url)), timeout_ms_(timeout_ms) {
        static const bool global = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
        (void)global;
        curl_ = curl_easy_init();
    }
    ~curl_transport() override {
        if (curl_) curl_easy_cleanup(curl_);
    }
    curl_transport(const curl_transport&) = delete;
    curl_transport& operator=(const curl_transport&) = delete;

    outcome<response> post(const std::string& body, const std::string& what) override {
        if (!curl_) return outcome<response>::failure(error_code::RPC_UNREACHABLE, what, "libcurl could not start");
        response r;
        curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
        curl_easy_setopt(curl_, CURLOPT_URL, url_.c_str());
        curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, body.c_str());
        curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
        curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, collect);
        curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &r.body);
        curl_easy_setopt(curl_, CURLOPT_TIMEOUT_MS, timeout_ms_);
        curl_easy_setopt(curl_, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms_);
        curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
        const CURLcode rc = curl_easy_perform(curl_);
        curl_slist_free_all(headers);
        if (rc != CURLE_OK) return outcome<response>::failure(error_code::RPC_UNREACHABLE, what, url_ + ": " + curl_easy_strerror(rc));
        curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &r.status);
        return {std::move(r), std::nullopt};
    }
    const std::string& endpoint() const noexcept override { return url_; }

private:
    std::string url_;
    long timeout_ms_;
    CURL* curl_ = nullptr;
};

}  // namespace

std::unique_ptr<transport> http_transport(std::string url, long timeout_ms) {
    return std::make_unique<curl_transport>(std::move(url), timeout_ms);
}

}  // namespace chain
