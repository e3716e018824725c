// The cascade door (docs/cascade.md): request text -> cascade::run -> the step log, errors
// with the path of the field given (the simulator's paths re-rooted under /cascade).
#include "api/cascade.hpp"
#include "api/pipeline.hpp"

namespace margin::api {

reply cascade_json(std::string_view request_text, bool pretty, std::size_t threads) {
    const auto in = parse_cascade_request(request_text);
    if (!in.ok()) return reply::failure(*in.err, pretty);
    auto r = cascade::run(in.value, threads == 0 ? 1 : threads);
    if (!r.ok()) {
        error e = *r.err;
        // cascade::run speaks of its input: "/path/<i>" is the request's shock path
        if (e.path.compare(0, 5, "/path") == 0) e.path = "/shock" + e.path;
        e.path = "/cascade" + e.path;
        return reply::failure(e, pretty);
    }
    return {encode_cascade(in.value, r.value, pretty), std::nullopt};
}

}  // namespace margin::api
