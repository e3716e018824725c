// The bridge's one way into the JSON API (private to bridge/src): a request assembled from
// chain data is validated, and its derived fields filled, by the API's own decoder.
// Everything else in the bridge is JSON-free; this goes once core offers the same checks
// on the model itself.
#pragma once

#include <vector>

#include "core/model.hpp"

namespace bridge::detail {

/// How validate_via_api presents a request to the JSON API.
struct api_form {
    /// Parameters the caller already holds validated (request_builder::make's): the document
    /// leaves "params" out and is read under these (q.portfolio is then ignored).
    const margin::portfolio_params* shared_params = nullptr;
    /// Per expiry of the request's one underlying: true where the chain's discount factor is
    /// 0, "derive it" (e^(-rate t)); the document leaves it out, as a user would.
    std::vector<bool> implicit_discount;
    /// Printed and parsed as text, not handed over as a document: for a request carrying a
    /// caller's string (make()'s underlying), which the printer makes valid UTF-8.
    bool as_text = false;
};

// TODO(validate): replaced by margin::validate. The JSON round trip through the API's
// canonical form (margin::canonical_document / canonical_request, then
// parse_request_document / parse_request): the validated request, or the API's error with
// its path into the request.
margin::outcome<margin::request> validate_via_api(const margin::request& q, const api_form& form);

}  // namespace bridge::detail
