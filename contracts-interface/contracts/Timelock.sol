// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {FixedPoint} from "./FixedPoint.sol";
import {PortfolioMargin} from "./PortfolioMargin.sol";
import {HouseGuards} from "./HouseGuards.sol";
import {ParamBounds} from "./ParamBounds.sol";

/// @title Timelock
/// @notice MarginAccounts' queue of admin changes and their step limits, apart from the house so
/// that it stays under EIP-170's 24,576 bytes: an external library (deployed once, linked, run by
/// DELEGATECALL on the house's storage; its events are the house's logs).
///
/// A change (new parameters, risk limits, oracle limits, or a role's holder) is queued by the
/// admin under its id, keccak256 of the ABI encoding of exactly what the house will apply
/// (`abi.encode(params)` for the model's parameters: the hash `margin param-hash` prints for the
/// parameter document, and ParamsSet's hash once applied). It may be executed (by the admin,
/// with the same arguments) from `eta` = queue time + the house's delay, for GRACE after that,
/// once; the admin may cancel it before. docs/clearing-house.md, "Admin changes", states the
/// rules and the step limits.
///
/// Step limits, on each update after the first (the first setting of each is immediate: before
/// it the house can neither trade nor take a push). For the model's key factors (imFactor,
/// mmFactor, mmPerpPercent, imPerpPercent, mmOptionPercent, imOptionPercent) and the
/// liquidation buffer, reward and per-push deviation cap: |new - old| <= max(STEP x old,
/// FLOOR), STEP = 0.25 and FLOOR = 0.01 (a factor moves by at most a quarter of itself, or by
/// 0.01 if that is more, so a zero can be raised). For the scenarios' tails (the largest and the
/// smallest spot shock): at most TAIL_STEP = 0.05 each. Else StepLimit(field, old, new). The
/// values, and GRACE (14 days), are rows of the generated bounds table (ParamBounds).
library Timelock {
    /// @notice MarginAccounts' liquidation and oracle settings (WAD fractions, seconds).
    struct RiskLimits {
        int256 buffer; // restore equity >= (1 + buffer) x MM; <= 1
        int256 reward; // the liquidator's reward per unit of MM released; < 1 + buffer, <= 0.5
        uint64 maxStaleness; // market older than this: no margin decision
        int256 maxDeviation; // per push, on prices (spot, perp mark, stable, forwards); in (0, 1]
    }

    bytes32 private constant ADMIN = "admin";
    bytes32 private constant ORACLE = "oracle";
    bytes32 private constant MATCHER = "matcher";
    // the step limits and the grace period: rows of the generated table (ParamBounds, from
    // core/tools/gen_bounds.py, as core/include/core/param_bounds.hpp's `timelock`)
    int256 internal constant STEP = ParamBounds.STEP;
    int256 internal constant FLOOR = ParamBounds.STEP_FLOOR;
    int256 internal constant TAIL_STEP = ParamBounds.TAIL_STEP;
    uint256 internal constant GRACE = ParamBounds.GRACE;
    uint8 private constant FLOOR_ROUNDING = 1;
    int256 private constant MAX_PRICE = 1e33; // a strike's and a payout's bound (Listings, MarginAccounts)

    error NotQueued(bytes32 id);
    error AlreadyQueued(bytes32 id);
    error TooEarly(bytes32 id, uint256 eta);
    error ChangeExpired(bytes32 id, uint256 eta);
    error StepLimit(bytes32 what, int256 previous, int256 next);
    error InvalidParameter(bytes32 what);

    /// @notice The model's parameters applied (MarginAccounts' event): `paramsHash` =
    /// keccak256(abi.encode(params)), the change's id; `data` holds that encoding as code.
    event ParamsSet(bytes32 paramsHash, address data);
    event LimitsSet(int256 buffer, int256 reward, uint64 maxStaleness, int256 maxDeviation);
    event OracleLimitsSet(HouseGuards.OracleLimits limits);

    /// @notice A change queued: `data` is the ABI encoding the house will apply, `id` its
    /// keccak256, executable from `eta` (block timestamp) for GRACE seconds.
    event ChangeQueued(bytes32 indexed id, bytes32 indexed kind, uint256 eta, bytes data);
    event ChangeExecuted(bytes32 indexed id);
    event ChangeCancelled(bytes32 indexed id);

    /// @notice MarginAccounts.queue: `data` decoded strictly as `kind`'s arguments ("params":
    /// Params; "limits": RiskLimits; "oracleLimits": OracleLimits; "role": (bytes32, address);
    /// "series": listSeries' (uint64 expiry, int256 strike, bool call), the strike in (0, 1e33]
    /// and the expiry after now + delay; "insurance": withdrawInsurance's (address to, uint256
    /// amount), to not 0 and amount in (0, 1e33])
    /// and checked as their execution will check them (bounds and rules, and the step limits
    /// against `applied` (the house's parameters' code address, 0: none) and `limits`), then
    /// queued under id = keccak256 of their canonical encoding, executable `delay` seconds from
    /// now (ChangeQueued with that encoding). Reverts InvalidParameter("kind") for another kind,
    /// InvalidParameter("data") for a non-canonical encoding (an encoding of another length),
    /// the checks' InvalidParameter and StepLimit, AlreadyQueued(id) if it is queued.
    function queue(
        mapping(bytes32 => uint256) storage etaOf,
        address applied,
        RiskLimits storage limits,
        bytes32 kind,
        bytes calldata data,
        uint256 delay
    ) external returns (bytes32 id) {
        bytes memory encoded;
        if (kind == "params") {
            encoded = _checkedParams(applied, data);
        } else if (kind == "limits") {
            encoded = abi.encode(_checkedLimits(limits, data));
        } else if (kind == "oracleLimits") {
            HouseGuards.OracleLimits memory o = abi.decode(data, (HouseGuards.OracleLimits));
            HouseGuards.checkOracleLimits(o);
            encoded = abi.encode(o);
        } else if (kind == "role") {
            (bytes32 role, address who) = abi.decode(data, (bytes32, address));
            checkRole(role, who);
            encoded = abi.encode(role, who);
        } else if (kind == "series") {
            // a listing: its expiry must still be ahead at the earliest execution (Listings.list
            // checks it all again then)
            (uint64 expiry, int256 strike, bool call) = abi.decode(data, (uint64, int256, bool));
            if (strike <= 0 || strike > MAX_PRICE) revert InvalidParameter("strike");
            if (expiry <= block.timestamp + delay) revert InvalidParameter("expiry");
            encoded = abi.encode(expiry, strike, call);
        } else if (kind == "insurance") {
            // a payout from the fund's surplus (checked against the surplus at execution)
            (address to, uint256 amount) = abi.decode(data, (address, uint256));
            if (to == address(0) || amount == 0 || amount > uint256(MAX_PRICE)) revert InvalidParameter("amount");
            encoded = abi.encode(to, amount);
        } else {
            revert InvalidParameter("kind");
        }
        if (encoded.length != data.length) revert InvalidParameter("data");
        id = keccak256(encoded);
        if (etaOf[id] != 0) revert AlreadyQueued(id);
        uint256 eta = block.timestamp + delay;
        etaOf[id] = eta;
        emit ChangeQueued(id, kind, eta, encoded);
    }

    /// @notice A role the house knows (InvalidParameter("role")) and a holder (InvalidParameter("who") for 0).
    function checkRole(bytes32 role, address who) public pure {
        if (role != ADMIN && role != ORACLE && role != MATCHER) revert InvalidParameter("role");
        if (who == address(0)) revert InvalidParameter("who");
    }

    /// @notice MarginAccounts.setLimits: `data` its argument. Checks (bounds: InvalidParameter; step
    /// limits against `limits` once set: StepLimit), consume(id) unless these are the first
    /// limits, store, LimitsSet.
    function setLimits(mapping(bytes32 => uint256) storage etaOf, RiskLimits storage limits, bytes calldata data) external {
        RiskLimits memory l = _checkedLimits(limits, data);
        if (limits.maxStaleness != 0) _consume(etaOf, keccak256(abi.encode(l)));
        limits.buffer = l.buffer;
        limits.reward = l.reward;
        limits.maxStaleness = l.maxStaleness;
        limits.maxDeviation = l.maxDeviation;
        emit LimitsSet(l.buffer, l.reward, l.maxStaleness, l.maxDeviation);
    }

    /// @notice MarginAccounts.setOracleLimits: `data` its argument. Bounds (InvalidParameter),
    /// consume(id) unless these are the first oracle limits, store, OracleLimitsSet.
    function setOracleLimits(mapping(bytes32 => uint256) storage etaOf, HouseGuards.OracleLimits storage stored, bytes calldata data) external {
        HouseGuards.OracleLimits memory o = abi.decode(data, (HouseGuards.OracleLimits));
        HouseGuards.checkOracleLimits(o);
        if (stored.priceRate != 0) _consume(etaOf, keccak256(abi.encode(o)));
        stored.priceRate = o.priceRate;
        stored.volRate = o.volRate;
        stored.volCap = o.volCap;
        stored.rateRate = o.rateRate;
        stored.rateCap = o.rateCap;
        stored.confRate = o.confRate;
        stored.confCap = o.confCap;
        stored.dfTolerance = o.dfTolerance;
        emit OracleLimitsSet(o);
    }

    function _checkedLimits(RiskLimits storage limits, bytes calldata data) private view returns (RiskLimits memory l) {
        l = abi.decode(data, (RiskLimits));
        HouseGuards.checkLimits(l.buffer, l.reward, l.maxStaleness, l.maxDeviation);
        if (limits.maxStaleness != 0) {
            step(limits.buffer, l.buffer, "buffer");
            step(limits.reward, l.reward, "reward");
            step(limits.maxDeviation, l.maxDeviation, "maxDeviation");
        }
    }

    /// @notice Execute (consume) change `id`. Reverts NotQueued(id) if it was never queued, was
    /// cancelled or already executed; TooEarly(id, eta) before its eta; ChangeExpired(id, eta)
    /// more than GRACE after it.
    function consume(mapping(bytes32 => uint256) storage etaOf, bytes32 id) external {
        _consume(etaOf, id);
    }

    function _consume(mapping(bytes32 => uint256) storage etaOf, bytes32 id) private {
        uint256 eta = etaOf[id];
        if (eta == 0) revert NotQueued(id);
        if (block.timestamp < eta) revert TooEarly(id, eta);
        if (block.timestamp > eta + GRACE) revert ChangeExpired(id, eta);
        delete etaOf[id];
        emit ChangeExecuted(id);
    }

    /// @notice Cancel change `id`. Reverts NotQueued(id) unless it is queued.
    function cancel(mapping(bytes32 => uint256) storage etaOf, bytes32 id) external {
        if (etaOf[id] == 0) revert NotQueued(id);
        delete etaOf[id];
        emit ChangeCancelled(id);
    }

    /// @notice MarginAccounts.setParams: checks (HouseGuards.checkParams: InvalidParameter; step
    /// limits against `applied`: StepLimit), then, unless these are the first parameters,
    /// consume(id); stores the encoding as the code of a new contract (its address returned: the
    /// house's paramsData) and emits ParamsSet(id, address).
    function setParams(mapping(bytes32 => uint256) storage etaOf, address applied, bytes calldata data) external returns (address ptr) {
        bytes memory encoded = _checkedParams(applied, data);
        bytes32 id = keccak256(encoded);
        if (applied != address(0)) _consume(etaOf, id);
        // creation: PUSH4 size, DUP1, PUSH1 14, PUSH1 0, CODECOPY, PUSH1 0, RETURN; then 0x00 STOP and the data
        bytes memory init = abi.encodePacked(hex"63", uint32(encoded.length + 1), hex"80600e6000396000f3", hex"00", encoded);
        assembly ("memory-safe") {
            ptr := create(0, add(init, 32), mload(init))
        }
        if (ptr == address(0)) revert InvalidParameter("paramsData");
        emit ParamsSet(id, ptr);
    }

    /// @dev The canonical encoding of the parameters in `data`, checked: bounds and rules, then
    /// (if parameters are applied) the step limits against them.
    function _checkedParams(address applied, bytes calldata data) private view returns (bytes memory) {
        PortfolioMargin.Params memory p = abi.decode(data, (PortfolioMargin.Params));
        HouseGuards.checkParams(p);
        if (applied != address(0)) {
            bytes memory old = new bytes(applied.code.length - 1);
            assembly ("memory-safe") {
                extcodecopy(applied, add(old, 32), 1, mload(old))
            }
            paramSteps(abi.decode(old, (PortfolioMargin.Params)), p);
        }
        return abi.encode(p);
    }

    /// @notice The step limits of new parameters `p` against the applied ones, `o`. Reverts
    /// StepLimit(field, old, new).
    function paramSteps(PortfolioMargin.Params memory o, PortfolioMargin.Params memory p) internal pure {
        step(o.imFactor, p.imFactor, "imFactor");
        step(o.mmFactor, p.mmFactor, "mmFactor");
        step(o.mmPerpPercent, p.mmPerpPercent, "mmPerpPercent");
        step(o.imPerpPercent, p.imPerpPercent, "imPerpPercent");
        step(o.mmOptionPercent, p.mmOptionPercent, "mmOptionPercent");
        step(o.imOptionPercent, p.imOptionPercent, "imOptionPercent");
        (int256 oLo, int256 oHi) = _tails(o.scenarios);
        (int256 nLo, int256 nHi) = _tails(p.scenarios);
        _absolute(oLo, nLo, TAIL_STEP, "minSpotShock");
        _absolute(oHi, nHi, TAIL_STEP, "maxSpotShock");
    }

    /// @dev |next - old| <= max(STEP x |old|, FLOOR). Values are within the bounds table (|x| < 2^200).
    function step(int256 old, int256 next, bytes32 what) internal pure {
        int256 a = FixedPoint.mul(old < 0 ? -old : old, STEP, FLOOR_ROUNDING);
        _absolute(old, next, a > FLOOR ? a : FLOOR, what);
    }

    function _absolute(int256 old, int256 next, int256 bound, bytes32 what) private pure {
        int256 d = next - old;
        if (d < 0) d = -d;
        if (d > bound) revert StepLimit(what, old, next);
    }

    function _tails(PortfolioMargin.Scenario[] memory s) private pure returns (int256 lo, int256 hi) {
        lo = type(int256).max;
        hi = type(int256).min;
        for (uint256 i = 0; i < s.length; ++i) {
            int256 x = s[i].spotShock;
            if (x < lo) lo = x;
            if (x > hi) hi = x;
        }
    }
}
