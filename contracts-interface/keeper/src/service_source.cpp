// The keeper's accounts from a margin-serve listing (keeper.hpp, service_accounts): the
// service re-margins every account on each tick, so its standings name the few accounts
// worth reading from the chain, instead of every account the logs ever named.
#include <nlohmann/json.hpp>

#include <cctype>

#include "chain/transport.hpp"
#include "chain/tx.hpp"
#include "keeper/keeper.hpp"

namespace keeper {
namespace {

using margin::error_code;
using O = margin::outcome<std::vector<chain::address>>;

// Query-string escaping of an id (the service's ids are [A-Za-z0-9_.:-]: only ':' needs it).
std::string escape(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-') {
            out += c;
        } else {
            static const char* hex = "0123456789ABCDEF";
            out += '%';
            out += hex[(static_cast<unsigned char>(c) >> 4) & 15];
            out += hex[static_cast<unsigned char>(c) & 15];
        }
    }
    return out;
}

class service_source final : public account_source {
public:
    service_source(std::string base, std::string health, long timeout_ms)
        : base_(std::move(base)), health_(std::move(health)), timeout_ms_(timeout_ms), shown_(chain::redact_url(base_)) {
        while (!base_.empty() && base_.back() == '/') base_.pop_back();
    }

    O accounts() override {
        std::vector<chain::address> out;
        std::string after;
        for (;;) {
            std::string url = base_ + "/accounts?limit=100000";
            if (!health_.empty()) url += "&health=" + health_;
            if (!after.empty()) url += "&after=" + escape(after);
            auto r = chain::http_get(url, timeout_ms_, chain::default_max_response, "service");
            if (!r.ok()) return O::failure(*r.err);
            if (r.value.status != 200)
                return O::failure(error_code::RPC_HTTP, "service", shown_ + ": HTTP " + std::to_string(r.value.status) + " from /accounts");
            auto page = nlohmann::json::parse(r.value.body, nullptr, false);
            if (page.is_discarded() || !page.is_object() || !page.contains("accounts") || !page["accounts"].is_array())
                return O::failure(error_code::RPC_BAD_RESPONSE, "service", shown_ + ": /accounts is not a listing");
            for (const auto& a : page["accounts"]) {
                if (!a.is_object() || !a.contains("id") || !a["id"].is_string())
                    return O::failure(error_code::RPC_BAD_RESPONSE, "service", shown_ + ": a listed account without an id");
                if (auto addr = chain::parse_address(a["id"].get<std::string>()); addr.ok()) out.push_back(addr.value);
            }
            if (out.size() > max_source_accounts)
                return O::failure(error_code::RPC_TOO_LARGE, "service", shown_ + ": more than 1000000 accounts listed");
            if (!page.contains("next_after")) break;
            if (!page["next_after"].is_string() || page["next_after"].get<std::string>() <= after)
                return O::failure(error_code::RPC_BAD_RESPONSE, "service", shown_ + ": a listing's next page does not move forward");
            after = page["next_after"].get<std::string>();
        }
        return {std::move(out), std::nullopt};
    }

    std::string name() const override { return shown_; }

private:
    std::string base_, health_;
    long timeout_ms_;
    std::string shown_;
};

}  // namespace

std::unique_ptr<account_source> service_accounts(std::string base_url, std::string health, long timeout_ms) {
    return std::make_unique<service_source>(std::move(base_url), std::move(health), timeout_ms);
}

}  // namespace keeper
