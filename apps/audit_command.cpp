// margin audit-marks --rpc URL --house ADDR [--block N] [--compact]: the mark cache of the
// house's last push at block N (latest by default) audited from the chain's logs: the push's
// MarketInputs decoded, every live series priced by the native engine and compared with the
// mark the house cached (chain/marks.hpp; docs/clearing-house.md, "Replay"). Native only: it
// reads a node. Prints the audit (JSON); each mismatch also on stderr with the series and both
// values. Exit status: 0 every mark equal, 1 a mismatch or an error document, 2 usage.
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "command_io.hpp"
#ifdef MARGIN_HAS_CHAIN
#include "chain/marks.hpp"
#endif

namespace {

using command_io::engine_error;
using command_io::usage_error;

constexpr const char* audit_usage =
    "usage: margin audit-marks --rpc URL --house ADDR [--block N] [--compact]\n"
    "  the house's mark cache at its last push at or before block N (default: latest), from the push's\n"
    "  MarketInputs log: every live series priced by the engine against the cached mark (native build)\n";

}  // namespace

int audit_command(const std::vector<std::string>& args) {
    if (command_io::wants_help(args)) return command_io::help(audit_usage);
    std::string rpc, house;
    std::optional<std::uint64_t> block;
    bool compact = false;
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string& a = args[i];
        const bool has_value = i + 1 < args.size();
        if (a == "--rpc" && has_value) {
            rpc = args[++i];
        } else if (a == "--house" && has_value) {
            house = args[++i];
        } else if (a == "--block" && has_value) {
            const std::string& n = args[++i];
            if (n.empty() || n.size() > 15 || n.find_first_not_of("0123456789") != std::string::npos)
                return usage_error("audit-marks", "--block takes a block number", audit_usage);
            block = std::stoull(n);
        } else if (a == "--compact") {
            compact = true;
        } else {
            return usage_error("audit-marks", "unknown or incomplete option " + a, audit_usage);
        }
    }
    if (rpc.empty() || house.empty()) return usage_error("audit-marks", "takes --rpc URL and --house ADDR", audit_usage);
#ifdef MARGIN_HAS_CHAIN
    auto contract = chain::parse_address(house);
    if (!contract.ok()) return usage_error("audit-marks", "--house: " + contract.err->message, audit_usage);
    chain::rpc_client client(rpc);
    auto a = chain::audit_marks(client, contract.value, block);
    if (!a.ok()) return engine_error(*a.err);
    for (const chain::mark_check& c : a.value.checks)
        if (!c.match())
            std::fprintf(stderr, "margin audit-marks: series %llu (expiry %llu, strike %s, %s, vol %s): engine %s, cached %s\n",
                         static_cast<unsigned long long>(c.series.id), static_cast<unsigned long long>(c.series.expiry),
                         c.series.strike.to_string().c_str(), c.series.call ? "call" : "put", c.vol.to_string().c_str(),
                         c.engine_mark.to_string().c_str(), c.cached_mark.to_string().c_str());
    std::printf("%s\n", chain::to_json(a.value).dump(compact ? -1 : 2).c_str());
    return a.value.mismatches() == 0 ? 0 : 1;
#else
    (void)block;
    (void)compact;
    return usage_error("audit-marks", "needs the native build (WebAssembly has no sockets)", audit_usage);
#endif
}
