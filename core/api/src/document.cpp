// Requests as nlohmann documents: decode_request() without the text stage.
#include "api/document.hpp"

#include "decode.hpp"

namespace margin::api {

outcome<request> parse_request_document(const nlohmann::json& doc) { return detail::decode_request(doc, nullptr); }

outcome<request> parse_request_document(const nlohmann::json& doc, const portfolio_params& params) {
    return detail::decode_request(doc, &params);
}

}  // namespace margin::api
