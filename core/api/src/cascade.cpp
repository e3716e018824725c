// The cascade door (docs/cascade.md): request text -> cascade::run (or, with "monte_carlo",
// cascade::monte_carlo) -> the step log (or the bad-debt distribution), errors with the path of
// the field given (the simulator's paths re-rooted under /cascade).
#include "api/cascade.hpp"
#include "api/pipeline.hpp"

namespace margin::api {

reply cascade_json(std::string_view request_text, bool pretty, std::size_t threads) {
    const auto rq = parse_cascade(request_text);
    if (!rq.ok()) return reply::failure(*rq.err, pretty);
    auto rooted = [&](error e) {
        // cascade::run speaks of its input: "/path/<i>" is the request's shock path
        if (e.path.compare(0, 5, "/path") == 0) e.path = "/shock" + e.path;
        e.path = "/cascade" + e.path;
        return reply::failure(e, pretty);
    };
    if (rq.value.mc) {
        auto r = cascade::monte_carlo(rq.value.in, rq.value.mc->spec, threads == 0 ? 1 : threads);
        if (!r.ok()) return rooted(*r.err);
        return {encode_cascade_mc(rq.value, r.value, pretty), std::nullopt};
    }
    auto r = cascade::run(rq.value.in, threads == 0 ? 1 : threads);
    if (!r.ok()) return rooted(*r.err);
    return {encode_cascade(rq.value.in, r.value, pretty), std::nullopt};
}

}  // namespace margin::api
