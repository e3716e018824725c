// The keeper (namespace keeper): finds every liquidatable account of a MarginAccounts
// clearing house and liquidates it with its worst scenario, the engine deciding natively
// on exactly the inputs the chain will use (the contract's own book() of each account).
// apps/keeper.cpp (margin-keeper) is its command line; tests drive it over a transport that
// replays recorded node answers (tests/keeper/).
//
// A round: new accounts from the contract's logs (Deposited, Traded, Liquidated);
// params(), market(), limits(); every account's book() in JSON-RPC batches; each book
// evaluated by the engine (contract values shared across accounts: scenario::value_cache);
// for each liquidatable one, liquidate(account, worst scenario): simulated first
// (eth_estimateGas: a revert there is reported and skipped, never sent), then sent and
// its receipt awaited. A reverted transaction (e.g. front-run) is reported, not fatal.
// A transport failure aborts the round; run() retries it with exponential back-off.
//
// Reports: one JSON object per event (reporter), in order: round (block, accounts,
// evaluated, liquidatable, contracts_priced, timings), decision, sent, replaced,
// liquidated, reverted, reorged, reorg, skip, error, rpc_error, stop. What the keeper
// refuses to believe of a node, and why: contracts-interface/README.md, "The keeper".
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "abi/abi.hpp"
#include "chain/rpc.hpp"
#include "chain/tx.hpp"

namespace keeper {

/// Where a round takes its accounts from instead of the contract's logs (margin-keeper
/// --accounts-from): each round asks it for the accounts to read and evaluate. The books are
/// still read from the chain and the engine still decides: a source only narrows the scan.
class account_source {
public:
    virtual ~account_source() = default;
    /// The accounts for this round. Errors fail the round (retried with back-off).
    virtual margin::outcome<std::vector<chain::address>> accounts() = 0;
    /// What the round report names as the source (a redacted URL).
    virtual std::string name() const = 0;
};

/// Caps: accounts taken from a service listing in one round.
inline constexpr std::size_t max_source_accounts = 1'000'000;

/// A margin-serve's listing as the source (docs/service.md, "The keeper"): GET
/// BASE/accounts?health=HEALTH (below_mm, below_im, or "" for every account), page by page,
/// the ids that are account addresses ("0x" + 40 hex digits; others are skipped). Errors:
/// RPC_UNREACHABLE, RPC_HTTP (a status other than 200), RPC_BAD_RESPONSE (not a listing),
/// RPC_TOO_LARGE (a page over 64 MiB, or over max_source_accounts accounts), path "service".
std::unique_ptr<account_source> service_accounts(std::string base_url, std::string health, long timeout_ms = 10'000);

/// What the keeper acts on and how it sends.
struct config {
    chain::address contract{};             ///< the MarginAccounts contract
    std::optional<chain::signer> key;      ///< sign locally (eth_sendRawTransaction); else
    chain::address from{};                 ///< send as this unlocked node account (eth_sendTransaction)
    std::string underlying = "BTC";        ///< the underlying's symbol in requests
    bool dry_run = false;                  ///< decide and report, send nothing
    std::uint64_t gas_limit = 16'777'216;  ///< cap on a liquidation's gas (EIP-7825's per-transaction cap)
    std::uint64_t from_block = 0;          ///< first block whose logs name accounts
    /// The chain the keeper works on: the node's eth_chainId must equal it (else the keeper
    /// refuses, CHAIN_ID_MISMATCH). Unset: pinned to the node's at the first round, and
    /// every signature is checked against the pinned id.
    std::optional<std::uint64_t> chain_id;
    /// Cap on maxFeePerGas in wei (default 500 gwei): fees are min(2 x base fee + tip, cap)
    /// and the tip at most cap - base fee; a base fee above the cap: the liquidation is
    /// skipped (FEE_TOO_HIGH), the round goes on. Replacements never exceed it either.
    abi::integer max_fee = abi::integer(500'000'000'000ULL);
    /// Blocks on top of a liquidation's block before it is reported "liquidated"; 0: the
    /// receipt suffices. If the receipt moved or vanished meanwhile: "reorged".
    std::uint64_t confirmations = 0;
    /// How far back a reorg may reach: after one (a scanned block's hash changed), logs are
    /// read again from this many blocks before the last scanned one; a head that goes back
    /// further is not believed (RPC_BAD_RESPONSE).
    std::uint64_t reorg_depth = 64;
    /// The most a head may advance between two rounds before it is not believed.
    std::uint64_t max_block_jump = 1'000'000;
    /// A sent transaction without a receipt this long is replaced (same nonce, tip and fee
    /// cap each raised by 12.5%, within max_fee): locally signed transactions only.
    std::chrono::milliseconds bump_after{20'000};
    /// How long to wait for a receipt (and its confirmations) before leaving it to the next round.
    std::chrono::milliseconds tx_timeout{120'000};
    /// Per-account `error` events per round; the rest are counted in the round's errors_suppressed.
    std::size_t max_error_reports = 20;
    /// Accounts from here instead of the contract's logs (null: discovery from the logs).
    std::shared_ptr<account_source> accounts_from;
};

/// How rounds repeat (run()).
struct schedule {
    long rounds = 1;                        ///< successful rounds before stopping; 0: until the process ends
    std::chrono::milliseconds pause{2000};  ///< between successful rounds
    int retries = 30;                       ///< failed rounds in a row before giving up
};

/// Where the keeper's reports go, one event at a time.
class reporter {
public:
    virtual ~reporter() = default;
    virtual void report(nlohmann::json event) = 0;
};

/// Time as the keeper sees it: now() for the round's timings, sleep() for back-off,
/// receipt polling and the pause between rounds.
class clock {
public:
    virtual ~clock() = default;
    virtual std::chrono::steady_clock::time_point now() = 0;
    virtual void sleep(std::chrono::milliseconds d) = 0;
};

/// std::chrono::steady_clock and std::this_thread::sleep_for.
clock& steady_clock();

/// One JSON line per event on `out`, flushed, with "ms": milliseconds since the reporter
/// was made (margin-keeper's stdout).
class line_reporter final : public reporter {
public:
    line_reporter(std::ostream& out, clock& time);
    void report(nlohmann::json event) override;

private:
    std::ostream& out_;
    clock& time_;
    std::chrono::steady_clock::time_point start_;
};

class keeper {
public:
    /// `rpc`, `out` and `time` must outlive the keeper.
    keeper(config c, chain::rpc_client& rpc, reporter& out, clock& time);
    ~keeper();
    keeper(const keeper&) = delete;
    keeper& operator=(const keeper&) = delete;

    /// One round. A transport failure anywhere aborts it (returned: RPC_UNREACHABLE,
    /// RPC_HTTP, RPC_BAD_RESPONSE, RPC_TOO_LARGE, or an RPC_ERROR of a read), as does an
    /// answer that fails its checks (types, hex, ranges; a head that goes back more than
    /// reorg_depth or jumps more than max_block_jump); reverts and books without a request
    /// form are reported and the round goes on.
    std::optional<margin::error> round();
    /// Whether the last failed round cannot succeed by retrying: the node serves another
    /// chain (CHAIN_ID_MISMATCH), or the contract's parameters have no request form.
    bool refused() const noexcept;

private:
    struct state;
    std::unique_ptr<state> s_;
};

/// Rounds by `s`: a failed round is reported (rpc_error, its message cut at 300 characters)
/// and retried after 0.25 s, doubling to 8 s; after `s.retries` failures in a row the keeper
/// gives up. An exception escaping a round is caught and counts as a failed round
/// (INTERNAL_ERROR). A refused round (keeper::refused) stops at once. Reports stop at the end.
/// Returns margin-keeper's exit status: 0 done, 3 gave up, 4 refused.
int run(keeper& k, const schedule& s, reporter& out, clock& time);

}  // namespace keeper
