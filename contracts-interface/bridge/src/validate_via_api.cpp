// TODO(validate): replaced by margin::validate. The only file of the bridge that includes a
// JSON header: when core validates a model request itself, this file goes and
// request.cpp calls that instead.
#include "validate_via_api.hpp"

#include <nlohmann/json.hpp>

#include "core/json_api.hpp"
#include "core/json_document.hpp"

namespace bridge::detail {

margin::outcome<margin::request> validate_via_api(const margin::request& q, const api_form& form) {
    if (form.as_text) {
        if (form.shared_params) return margin::parse_request(margin::canonical_request(q), *form.shared_params);
        return margin::parse_request(margin::canonical_request(q));
    }
    // The canonical document, not printed and re-parsed (that took most of a keeper's time
    // per account), with the discount factors the chain leaves implicit removed.
    nlohmann::json doc = margin::canonical_document(q);
    if (!form.implicit_discount.empty()) {
        auto& exps = doc["market"]["underlyings"][q.market.underlyings.begin()->first]["expiries"];
        for (std::size_t i = 0; i < form.implicit_discount.size(); ++i)
            if (form.implicit_discount[i]) exps[i].erase("discount_factor");
    }
    if (form.shared_params) {
        doc.erase("params");
        return margin::parse_request_document(doc, *form.shared_params);
    }
    return margin::parse_request_document(doc);
}

}  // namespace bridge::detail
