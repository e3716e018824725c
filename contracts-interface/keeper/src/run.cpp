// Rounds and back-off; the real clock; reports as JSON lines.
#include <algorithm>
#include <thread>

#include "keeper/keeper.hpp"

namespace keeper {
namespace {

class system_clock final : public clock {
public:
    std::chrono::steady_clock::time_point now() override { return std::chrono::steady_clock::now(); }
    void sleep(std::chrono::milliseconds d) override { std::this_thread::sleep_for(d); }
};

}  // namespace

clock& steady_clock() {
    static system_clock c;
    return c;
}

line_reporter::line_reporter(std::ostream& out, clock& time) : out_(out), time_(time), start_(time.now()) {}

void line_reporter::report(nlohmann::json event) {
    event["ms"] = std::chrono::duration_cast<std::chrono::milliseconds>(time_.now() - start_).count();
    out_ << event.dump() << std::endl;
}

int run(keeper& k, const schedule& s, reporter& out, clock& time) {
    long done = 0;
    int failures = 0;
    auto cut = [](std::string m) { return m.size() > 300 ? m.substr(0, 300) + "..." : m; };
    while (s.rounds == 0 || done < s.rounds) {
        std::optional<margin::error> err;
        try {  // whatever escapes a round (a bug, memory) fails that round only
            err = k.round();
        } catch (const std::exception& e) {
            err = margin::error{margin::error_code::INTERNAL_ERROR, "", std::string("a round threw: ") + e.what()};
        } catch (...) {
            err = margin::error{margin::error_code::INTERNAL_ERROR, "", "a round threw"};
        }
        if (err && k.refused()) {
            out.report({{"event", "stop"},
                        {"why", "refused: retrying cannot help"},
                        {"code", margin::name(err->code)},
                        {"path", err->path},
                        {"message", cut(err->message)}});
            return 4;
        }
        if (err) {
            if (++failures > s.retries) {
                out.report({{"event", "stop"},
                            {"why", "gave up after " + std::to_string(s.retries) + " failed rounds"},
                            {"code", margin::name(err->code)},
                            {"message", cut(err->message)}});
                return 3;
            }
            const long wait = std::min(8000L, 250L << std::min(failures - 1, 5));
            out.report({{"event", "rpc_error"},
                        {"code", margin::name(err->code)},
                        {"method", err->path},
                        {"message", cut(err->message)},
                        {"retry_in_ms", wait},
                        {"failures", failures}});
            time.sleep(std::chrono::milliseconds(wait));
            continue;
        }
        failures = 0;
        ++done;
        if (s.rounds != 0 && done >= s.rounds) break;
        time.sleep(s.pause);
    }
    out.report({{"event", "stop"}, {"why", "done"}, {"rounds", done}});
    return 0;
}

}  // namespace keeper
