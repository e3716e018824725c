// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {FixedPoint} from "./FixedPoint.sol";
import {PortfolioMargin} from "./PortfolioMargin.sol";
import {Listings} from "./Listings.sol";
import {ParamBounds} from "./ParamBounds.sol";

/// @title HouseGuards
/// @notice What MarginAccounts refuses, apart from the house so that it stays under EIP-170's
/// 24,576 bytes: the parameter bounds (the generated table, ParamBounds, which core's
/// validate() checks too, plus the rules that are not bounds) and the oracle guards on every
/// pushed field. An external library (deployed once, linked, run by DELEGATECALL on the
/// house's storage). docs/clearing-house.md, "Parameter bounds" and "Oracle guards", states
/// the rules.
///
/// The oracle's rule, per field, between the last push (stamped t0) and the new one (t1):
///     |new - old| <= old x min(cap, speed x (t1 - t0))
/// relative for prices, vols (and, through the rate, discount factors), absolute for rates, and
/// in units of the new price for confidences. Linear in the time elapsed, with a cap per push:
/// a move split over many pushes is allowed no more than the same move in one push over the
/// same time (the speeds add up), so an oracle cannot walk a field further per hour by pushing
/// more often; the cap bounds what one push may do after a long silence.
library HouseGuards {
    /// @notice The oracle's snapshot of the underlying (absolute confidences, WAD prices).
    struct Market {
        uint64 timestamp;
        int256 spot;
        int256 spotConfidence;
        int256 perpMark;
        int256 perpConfidence;
        int256 stablePrice;
    }

    /// @notice The oracle's speeds (WAD per second) and per-push caps (WAD), set by the admin
    /// (MarginAccounts.setOracleLimits; bounds: ParamBounds.checkOracle). Prices (spot, perp
    /// mark, stable price, forwards) move at most priceRate per second relative, capped by
    /// RiskLimits.maxDeviation per push; vols volRate per second relative, capped by volCap;
    /// rates rateRate per second absolute, capped by rateCap; confidences confRate per second
    /// of the new price, capped by confCap. A discount factor must lie within dfTolerance
    /// (relative) of exp(-rate x tau), tau the years to its expiry (365-day years).
    struct OracleLimits {
        int256 priceRate;
        int256 volRate;
        int256 volCap;
        int256 rateRate;
        int256 rateCap;
        int256 confRate;
        int256 confCap;
        int256 dfTolerance;
    }

    error InvalidParameter(bytes32 what);
    error PriceDeviation(bytes32 what, int256 previous, int256 next);

    int256 private constant WAD = 1e18;
    uint8 private constant FLOOR = 1;
    int256 private constant MAX_PRICE = 1e33; // 1e15 WAD: limits::max_price
    int256 private constant MAX_VOL = 10e18; // limits::max_vol
    int256 private constant MAX_RATE = 10e18; // limits::max_rate
    int256 private constant MAX_DISCOUNT = 2e18; // limits::max_discount_factor
    int256 private constant YEAR = 365 days;

    // ------------------------------------------------------------ parameters

    /// @notice The model's parameters: every bound of the generated table, then the rules that
    /// are not bounds, as core's validate(): IM factor >= MM factor, a skew scenario (vol move
    /// 3 or 4) has spot shock exactly 1, at most one scenario of each skew kind.
    function checkParams(PortfolioMargin.Params calldata p) external pure {
        ParamBounds.check(p);
        bool linear = false;
        bool abs_ = false;
        for (uint256 i = 0; i < p.scenarios.length; ++i) {
            uint8 v = p.scenarios[i].vol;
            if (v < PortfolioMargin.LINEAR_SKEW) continue;
            if (p.scenarios[i].spotShock != WAD) revert InvalidParameter("skewSpotShock");
            if (v == PortfolioMargin.LINEAR_SKEW ? linear : abs_) revert InvalidParameter("skewTwice");
            if (v == PortfolioMargin.LINEAR_SKEW) linear = true;
            else abs_ = true;
        }
        if (p.imFactor < p.mmFactor) revert InvalidParameter("imFactor");
    }

    /// @notice RiskLimits' bounds (the generated table).
    function checkLimits(int256 buffer, int256 reward, uint64 maxStaleness, int256 maxDeviation) external pure {
        ParamBounds.checkLimits(buffer, reward, maxStaleness, maxDeviation);
    }

    /// @notice OracleLimits' bounds (the generated table).
    function checkOracleLimits(OracleLimits calldata o) external pure {
        ParamBounds.checkOracle([o.priceRate, o.volRate, o.volCap, o.rateRate, o.rateCap, o.confRate, o.confCap, o.dfTolerance]);
    }

    // ---------------------------------------------------------------- oracle

    /// @notice Every field of a push against its static range and, from the second push on,
    /// against the last push by the rule above; a new expiry's first forward against spot.
    /// `byExpiry` follows the expiries after `m.timestamp` (those at or before it are settled by
    /// this push first), `vols` the live series after it. Reverts InvalidParameter for a value
    /// outside its range or a length that does not match, PriceDeviation(field, old, new) for a
    /// move beyond the rule. Read only: the house stores the push afterwards.
    function checkPush(
        Market storage last,
        OracleLimits storage ol,
        int256 maxDeviation,
        uint64[] storage expiries,
        mapping(uint64 => Listings.ExpiryMarket) storage expiryMarket,
        Listings.Series[] storage series,
        uint32[] storage live,
        mapping(uint256 => Listings.Quote) storage quotes,
        Market calldata m,
        Listings.ExpiryMarket[] calldata byExpiry,
        int256[] calldata vols
    ) external view {
        OracleLimits memory o = ol;
        if (o.priceRate == 0) revert InvalidParameter("oracleLimits"); // never set
        _static(m.spot, m.spotConfidence, "spot");
        _static(m.perpMark, m.perpConfidence, "perpMark");
        if (m.stablePrice <= 0 || m.stablePrice > MAX_PRICE) revert InvalidParameter("stablePrice");
        Market memory l = last;
        // the allowed moves of this push (0 on the first: no previous value to move from)
        int256 dt = l.timestamp == 0 ? int256(0) : int256(uint256(m.timestamp - l.timestamp));
        int256 price = _allowed(o.priceRate, maxDeviation, dt);
        int256 conf = _allowed(o.confRate, o.confCap, dt);
        if (dt != 0) {
            _relative(l.spot, m.spot, price, "spot");
            _relative(l.perpMark, m.perpMark, price, "perpMark");
            _relative(l.stablePrice, m.stablePrice, price, "stablePrice");
            _absolute(l.spotConfidence, m.spotConfidence, FixedPoint.mul(m.spot, conf, FLOOR), "spotConfidence");
            _absolute(l.perpConfidence, m.perpConfidence, FixedPoint.mul(m.perpMark, conf, FLOOR), "perpConfidence");
        }
        // expiries: those after m.timestamp, in order
        uint256 k = 0;
        uint256 ne = expiries.length;
        while (k < ne && expiries[k] <= m.timestamp) ++k;
        if (byExpiry.length != ne - k) revert InvalidParameter("byExpiry");
        int256 rateMove = _allowed(o.rateRate, o.rateCap, dt);
        for (uint256 j = 0; j < byExpiry.length; ++j) {
            uint64 t = expiries[k + j];
            Listings.ExpiryMarket calldata e = byExpiry[j];
            _static(e.forward, e.forwardConfidence, "forward");
            if (e.discount <= 0 || e.discount > MAX_DISCOUNT) revert InvalidParameter("discount");
            if (e.rate < -MAX_RATE || e.rate > MAX_RATE) revert InvalidParameter("rate");
            // the discount factor is the rate's: within dfTolerance of exp(-rate x tau)
            int256 g = FixedPoint.exp(-FixedPoint.mulDiv(e.rate, int256(uint256(t - m.timestamp)), YEAR, FLOOR));
            _absolute(g, e.discount, FixedPoint.mul(g, o.dfTolerance, FLOOR), "discount");
            Listings.ExpiryMarket memory prev = expiryMarket[t];
            if (prev.forward == 0 || dt == 0) {
                // a new expiry's first forward: carried to today by its discount factor, within
                // the per-push cap of spot
                _absolute(m.spot, FixedPoint.mul(e.forward, e.discount, FLOOR), FixedPoint.mul(m.spot, maxDeviation, FLOOR), "firstForward");
            } else {
                _relative(prev.forward, e.forward, price, "forward");
                _absolute(prev.rate, e.rate, rateMove, "rate");
                _absolute(prev.forwardConfidence, e.forwardConfidence, FixedPoint.mul(e.forward, conf, FLOOR), "forwardConfidence");
            }
        }
        // vols: the live series after m.timestamp, in order
        int256 volMove = _allowed(o.volRate, o.volCap, dt);
        uint256 ns = live.length;
        uint256 i = 0;
        for (uint256 s = 0; s < ns; ++s) {
            uint32 id = live[s];
            if (series[id].expiry <= m.timestamp) continue; // settled by this push
            if (i >= vols.length) revert InvalidParameter("vols");
            int256 v = vols[i++];
            if (v <= 0 || v > MAX_VOL) revert InvalidParameter("vol");
            int256 old = quotes[id].vol;
            if (old != 0 && dt != 0) _relative(old, v, volMove, "vol"); // 0: listed since the last push
        }
        if (i != vols.length) revert InvalidParameter("vols");
    }

    /// @dev A price in (0, 1e15] with a confidence in [0, price].
    function _static(int256 price, int256 confidence, bytes32 what) private pure {
        if (price <= 0 || price > MAX_PRICE || confidence < 0 || confidence > price) revert InvalidParameter(what);
    }

    /// @dev min(cap, speed x dt): speed is WAD per second, dt whole seconds (< 2^64).
    function _allowed(int256 speed, int256 cap, int256 dt) private pure returns (int256) {
        int256 a = speed * dt; // speed <= 1e18 by the table, dt < 2^64: no overflow
        return a < cap ? a : cap;
    }

    /// @dev |next - previous| <= previous x allowed (floor).
    function _relative(int256 previous, int256 next, int256 allowed, bytes32 what) private pure {
        _absolute(previous, next, FixedPoint.mul(previous, allowed, FLOOR), what);
    }

    /// @dev |next - previous| <= bound.
    function _absolute(int256 previous, int256 next, int256 bound, bytes32 what) private pure {
        int256 d = next - previous; // both within +-2^200 here
        if (d < 0) d = -d;
        if (d > bound) revert PriceDeviation(what, previous, next);
    }
}
