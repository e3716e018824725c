// Requests as nlohmann documents: decode_request() without the text stage.
#include "api/document.hpp"

#include "decode.hpp"
#include "decoder.hpp"

namespace margin::api {

outcome<nlohmann::json> parse_json(std::string_view text) { return detail::parse_document(text); }

outcome<request> parse_request_document(const nlohmann::json& doc) { return detail::decode_request(doc, nullptr); }

outcome<request> parse_request_document(const nlohmann::json& doc, const portfolio_params& params) {
    return detail::decode_request(doc, &params);
}

}  // namespace margin::api
