// chain::http_transport: JSON-RPC's HTTP POSTs through libcurl, one easy handle reused so
// the connection stays open between calls.
#include <curl/curl.h>

#include <string_view>

#include "chain/transport.hpp"

namespace chain {
namespace {

using margin::error_code;
using margin::outcome;

// The body so far and its cap: a write past the cap stops the transfer (CURLE_WRITE_ERROR).
struct sink {
    std::string body;
    std::size_t max = 0;
    bool over = false;
};

std::size_t collect(char* data, std::size_t size, std::size_t n, void* out) {
    auto* s = static_cast<sink*>(out);
    if (s->body.size() + size * n > s->max) {
        s->over = true;
        return 0;  // curl aborts the transfer
    }
    s->body.append(data, size * n);
    return size * n;
}

// One exchange on `curl` (a POST when `body` is given, else a GET): the status and the body,
// cut at `max` bytes (RPC_TOO_LARGE), RPC_UNREACHABLE without an answer; `shown` names the
// endpoint in messages.
outcome<transport::response> perform(CURL* curl, const std::string& url, const std::string* body, long timeout_ms, std::size_t max,
                                     const std::string& shown, const std::string& what) {
    using O = outcome<transport::response>;
    if (!curl) return O::failure(error_code::RPC_UNREACHABLE, what, "libcurl could not start");
    sink out;
    out.max = max;
    curl_slist* headers = body ? curl_slist_append(nullptr, "Content-Type: application/json") : nullptr;
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    if (body) {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body->c_str());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body->size()));
    } else {
        curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    }
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &out);
    curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(max));
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    const CURLcode rc = curl_easy_perform(curl);
    curl_slist_free_all(headers);
    if (out.over || rc == CURLE_FILESIZE_EXCEEDED)
        return O::failure(error_code::RPC_TOO_LARGE, what,
                          shown + ": an answer over " + std::to_string(max) + " bytes (refused while received)");
    if (rc != CURLE_OK) return O::failure(error_code::RPC_UNREACHABLE, what, shown + ": " + curl_easy_strerror(rc));
    transport::response r;
    r.body = std::move(out.body);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r.status);
    return {std::move(r), std::nullopt};
}

void global_init() {
    static const bool global = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
    (void)global;
}

class curl_transport final : public transport {
public:
    curl_transport(std::string url, long timeout_ms, std::size_t max_response)
        : url_(std::move(url)), shown_(redact_url(url_)), timeout_ms_(timeout_ms), max_response_(max_response) {
        global_init();
        curl_ = curl_easy_init();
    }
    ~curl_transport() override {
        if (curl_) curl_easy_cleanup(curl_);
    }
    curl_transport(const curl_transport&) = delete;
    curl_transport& operator=(const curl_transport&) = delete;

    outcome<response> post(const std::string& body, const std::string& what) override {
        return perform(curl_, url_, &body, timeout_ms_, max_response_, shown_, what);
    }
    const std::string& endpoint() const noexcept override { return shown_; }

private:
    std::string url_, shown_;  // the URL, and as messages show it
    long timeout_ms_;
    std::size_t max_response_;
    CURL* curl_ = nullptr;
};

}  // namespace

std::unique_ptr<transport> http_transport(std::string url, long timeout_ms, std::size_t max_response) {
    return std::make_unique<curl_transport>(std::move(url), timeout_ms, max_response);
}

outcome<transport::response> http_get(const std::string& url, long timeout_ms, std::size_t max_response, const std::string& what) {
    global_init();
    CURL* curl = curl_easy_init();
    auto r = perform(curl, url, nullptr, timeout_ms, max_response, redact_url(url), what);
    if (curl) curl_easy_cleanup(curl);
    return r;
}

std::string redact_url(std::string_view url) {
    std::string out;
    std::string_view rest = url;
    if (const auto scheme = rest.find("://"); scheme != std::string_view::npos) {
        out = std::string(rest.substr(0, scheme + 3));
        rest.remove_prefix(scheme + 3);
    }
    const std::size_t end = rest.find_first_of("/?#");
    std::string_view authority = rest.substr(0, end);
    if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
        out += "***@";
        authority.remove_prefix(at + 1);
    }
    out += authority;
    if (end != std::string_view::npos && rest.substr(end) != "/") out += "/***";
    return out;
}

}  // namespace chain
