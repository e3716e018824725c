// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {FixedPoint, FixedPointOverflow} from "./FixedPoint.sol";
import {ScenarioPricing} from "./ScenarioPricing.sol";

/// @title PortfolioMargin
/// @notice The portfolio (scenario) model of `core/` for one underlying, on the fixed-point
/// twin: `core/src/scenario.cpp` (evaluate, evaluate_scenario) and the single-underlying
/// part of `core/src/portfolio.cpp` (compute_portfolio). For the same inputs it gives the
/// same integers as the C++: every scenario's P&L, the basis contingency, mark-to-market,
/// contingencies, IM, MM and the verdict. docs/scenario.md states the formulas; each line
/// below names its rounding as the C++ does (values and P&L toward -inf, charges toward +inf).
/// @dev Errors: the C++ fails the whole evaluation (ARITHMETIC_OVERFLOW) on any fixed-point
/// error; here the first such step reverts with its FixedPoint error. `witness` evaluates
/// only what one scenario needs, so it can succeed where the full evaluation would fail on
/// a value it does not use; inside the bounds the accounts contract enforces (prices and
/// sizes of the JSON API's ranges) no step can fail. Leg products are exact int256 sums:
/// |amount| <= 2^100 and unit values <= 2^112 keep 2^16 legs far inside int256.
///
/// This file holds the model's types and its assembly: the witness and the grid from the
/// scenario-independent base (mark-to-market, contingencies), each scenario's P&L and the basis
/// contingency. ScenarioPricing.sol prices what a scenario row needs: each expiry's state, its
/// options' values under a forward and a vol move (Black-76 through the leg cache), the marks.
library PortfolioMargin {
    int256 private constant WAD = 1e18;
    uint8 private constant FLOOR = 1;
    uint8 private constant CEIL = 2;

    /// @notice Vol moves, numbered as the C++ `scenario::vol_move`.
    uint8 internal constant VOL_NONE = 0;
    uint8 internal constant VOL_UP = 1;
    uint8 internal constant VOL_DOWN = 2;
    uint8 internal constant LINEAR_SKEW = 3;
    uint8 internal constant ABS_SKEW = 4;

    struct Scenario {
        int256 spotShock; // multiplier (1.2e18 = +20%)
        uint8 vol; // VOL_NONE .. ABS_SKEW
        int256 weight; // dampening / cover fraction (1e18 = full)
    }

    /// @notice scenario::params (docs/scenario.md), every field a WAD but dteFloorSeconds.
    struct Params {
        Scenario[] scenarios;
        // vol shock: m(T) = (30 days / max(T, floor)) ^ power
        int256 rangeUp;
        int256 rangeDown;
        int256 shortTermPower;
        int256 longTermPower;
        int256 minVolUp;
        int256 dteFloorSeconds;
        // skew shock
        int256 linearBaseCap;
        int256 linearCBase;
        int256 absBaseCap;
        int256 absCBase;
        int256 minKStar;
        int256 widthScale;
        int256 volParamStatic;
        int256 volParamScale;
        // loss factors and static discounting
        int256 imFactor;
        int256 mmFactor;
        int256 longRateMult;
        int256 longRateAdd;
        int256 shortRateMult;
        int256 shortRateAdd;
        int256 longBaseDiscount;
        int256 shortBaseDiscount;
        // basis contingency
        int256 basisUp;
        int256 basisDown;
        int256 basisAdd;
        int256 basisMult;
        // contingencies
        int256 pegThreshold;
        int256 pegFactor;
        int256 confidenceThreshold;
        int256 confidenceMargin;
        int256 mmPerpPercent;
        int256 imPerpPercent;
        int256 mmOptionPercent;
        int256 imOptionPercent;
    }

    /// @notice One option position: `amount` = size x contract size, signed, underlying units.
    struct Leg {
        int256 strike;
        int256 vol; // the series' mark vol
        int256 amount;
        bool call;
    }

    /// @notice One expiry of the underlying as the oracle gives it, and the account's
    /// positions on it. `futuresEntry` matters only when `futures` != 0, and is 0 otherwise
    /// in the canonical book (the input hash covers it; abi::book_of builds it so).
    struct Expiry {
        int256 secondsToExpiry; // 0 = expired: options at intrinsic value
        int256 forward;
        int256 forwardConfidence; // absolute, 0 <= c <= forward
        int256 rate; // continuously compounded; below 0 counts as 0 (static discounting)
        int256 discount; // DF; 0 = e^(-rate t)
        int256 futures; // net dated futures, underlying units
        int256 futuresEntry;
        Leg[] legs;
    }

    /// @notice Collateral: value = amount x price / stable price (floor); a risk-cancelling
    /// asset moves with the underlying's spot in the scenarios.
    struct Collateral {
        int256 amount;
        int256 price;
        int256 confidence; // absolute
        int256 imHaircut;
        int256 mmHaircut;
        bool riskCancelling;
    }

    /// @notice An account with positions on one underlying, and its market.
    struct Book {
        int256 cash; // settlement currency, signed
        int256 spot;
        int256 spotConfidence; // absolute
        int256 stablePrice; // USD price of the settlement currency
        int256 perpPosition;
        int256 perpPrice; // perp mark
        int256 perpEntry; // 0 without a perp position (canonical, as futuresEntry)
        int256 perpConfidence; // absolute
        Expiry[] expiries;
        Collateral[] collaterals;
    }

    /// @notice The scenario-independent part: value and contingencies (scenario.cpp prepare()).
    struct Base {
        int256 equity; // cash + mark-to-market
        int256 markToMarket; // the book's value, without cash
        int256 mmContingency;
        int256 imContingency; // the IM-only part, with the oracle contingency
        int256 imFactor; // after the de-peg adjustment
        int256[] expiryNow; // each expiry's options at the current market
        int256[] collateralValue;
        ScenarioPricing.ExpiryState[] states;
        int256[][] legCache; // per expiry: the ln K memo, then LEG_CACHE words per leg at the LC_ offsets
    }

    /// @notice One scenario as the witness check evaluates it (evaluate_scenario).
    struct Witness {
        int256 pnl; // the scenario's weighted P&L (the basis contingency for id == n)
        int256 equity;
        int256 maintenance; // MM if this scenario were the worst: ceil(max(-pnl, 0) mmFactor) + MM contingency
        bool liquidatable; // equity < maintenance; then the true MM is at least as large
    }

    /// @notice Every scenario (evaluate + compute_portfolio for one underlying).
    struct Grid {
        int256[] pnl; // per scenario
        int256 basis; // basis contingency
        uint256 worst; // index; scenarios.length = the basis contingency (wins ties)
        int256 worstLoss;
        int256 equity;
        int256 markToMarket;
        int256 mmContingency;
        int256 imContingency;
        int256 initial;
        int256 maintenance;
        bool liquidatable; // equity < maintenance
    }

    error ScenarioOutOfRange(uint256 id, uint256 count);
    /// @notice `marks` is not empty and not shaped as the book: `expiry` is the first expiry
    /// whose leg count differs, or the book's expiry count if the expiry counts differ.
    error MarksMismatch(uint256 expiry);

    // ------------------------------------------------------------------ public

    /// @notice The witness check: scenario `id` alone (id == scenarios.length: the basis
    /// contingency) and the maintenance requirement it implies. Because the true MM takes
    /// the worst scenario, `liquidatable` here proves the account liquidatable.
    /// `m` is `marks(b)` or empty (then computed here): the legs' values at the current market.
    /// Reverts ScenarioOutOfRange for id > scenarios.length, MarksMismatch for a non-empty `m`
    /// not shaped as the book, else as the library doc says.
    function witness(Book memory b, Params memory p, uint256 id, int256[][] memory m) internal pure returns (Witness memory w) {
        uint256 n = p.scenarios.length;
        if (id > n) revert ScenarioOutOfRange(id, n);
        uint8 move = id == n ? VOL_NONE : p.scenarios[id].vol;
        Base memory base = _base(b, p, m, false, move == VOL_UP || move == VOL_DOWN, move == LINEAR_SKEW || move == ABS_SKEW);
        if (id == n) {
            w.pnl = _basis(b, p, base);
        } else {
            w.pnl = _scenarioPnl(b, p, base, p.scenarios[id]);
        }
        w.equity = base.equity;
        w.maintenance = _requirement(w.pnl, p.mmFactor, base.mmContingency);
        w.liquidatable = FixedPoint.sub(w.equity, w.maintenance) < 0;
    }

    /// @notice The full evaluation: every scenario, the worst, IM, MM and the verdict, as
    /// compute_portfolio gives them for an account on one underlying. O(scenarios x legs)
    /// Black-76 evaluations: a view for small portfolios (audits, tests, margin checks).
    /// `m` as for `witness`.
    function grid(Book memory b, Params memory p, int256[][] memory m) internal pure returns (Grid memory g) {
        Base memory base = _base(b, p, m, true, true, true);
        uint256 n = p.scenarios.length;
        g.pnl = new int256[](n);
        g.basis = _basis(b, p, base);
        g.worst = n;
        g.worstLoss = g.basis;
        for (uint256 i = 0; i < n; ++i) {
            int256 v = _scenarioPnl(b, p, base, p.scenarios[i]);
            g.pnl[i] = v;
            if (v < g.worstLoss) {
                // strict: the first of equal losses is the worst, the basis contingency first of all
                g.worstLoss = v;
                g.worst = i;
            }
        }
        g.equity = base.equity;
        g.markToMarket = base.markToMarket;
        g.mmContingency = base.mmContingency;
        g.imContingency = base.imContingency;
        g.maintenance = _requirement(g.worstLoss, p.mmFactor, base.mmContingency);
        g.initial = FixedPoint.add(_requirement(g.worstLoss, base.imFactor, base.mmContingency), base.imContingency);
        g.liquidatable = FixedPoint.sub(g.equity, g.maintenance) < 0;
    }

    /// @notice Every leg's unit value at the current market, per expiry and leg in the book's
    /// order: floor(DF x Black-76 price) at the expiry's forward and the leg's own vol, or the
    /// discounted intrinsic value once expired or at zero vol (scenario.cpp unit_value()).
    /// This is the value `witness` and `grid` give the leg's current position. It depends on the
    /// expiry's market (time, forward, rate, discount) and the leg's strike, vol and type only:
    /// not on the amount or on any parameter. A clearing house can compute it once per series
    /// at each oracle update and pass it to every witness and grid.
    /// Reverts as the same steps of `grid` would.
    function marks(Book memory b) internal pure returns (int256[][] memory m) {
        uint256 ne = b.expiries.length;
        m = new int256[][](ne);
        Params memory none; // VOL_NONE reads no parameter
        for (uint256 j = 0; j < ne; ++j) {
            Expiry memory e = b.expiries[j];
            ScenarioPricing.ExpiryState memory s;
            s.tau = ScenarioPricing.tau(e.secondsToExpiry);
            s.discount = ScenarioPricing.discountFactor(e, s.tau);
            uint256 n = e.legs.length;
            int256[] memory units = new int256[](n);
            ScenarioPricing.expiryValue(e, ScenarioPricing.legCache(n), e.forward, VOL_NONE, none, s, units);
            m[j] = units;
        }
    }

    /// @notice An oracle confidence score in [0, 1]: 1 - ceil(confidence / price), at least 0;
    /// 1 when the confidence is 0 (portfolio.cpp score()).
    function score(int256 confidence, int256 price) internal pure returns (int256) {
        if (confidence == 0) return WAD;
        return FixedPoint.max(FixedPoint.sub(WAD, FixedPoint.div(confidence, price, CEIL)), 0);
    }

    // --------------------------------------------------------------- internals

    /// @dev ceil(max(-loss, 0) x factor) + contingency: a gain is no risk.
    function _requirement(int256 loss, int256 factor, int256 contingency) private pure returns (int256) {
        int256 risk = FixedPoint.max(FixedPoint.neg(loss), 0);
        return FixedPoint.add(FixedPoint.mul(risk, factor, CEIL), contingency);
    }

    /// @dev x * weight, floor; a full weight is exact, so it is skipped (as the C++).
    function _weighted(int256 x, int256 weight) private pure returns (int256) {
        return weight == WAD ? x : FixedPoint.mul(x, weight, FLOOR);
    }

    /// @dev Mark-to-market and contingencies (scenario.cpp prepare(), portfolio.cpp).
    /// `m`: the legs' current values (`marks`), or empty to price them here. `all` computes
    /// the IM-only parts too (the witness needs only MM's); `shocks` and `skew` ask the expiry
    /// states for the vol-shock multipliers and the skew caps.
    function _base(Book memory b, Params memory p, int256[][] memory m, bool all, bool shocks, bool skew)
        private
        pure
        returns (Base memory base)
    {
        // Linear positions' value: each position's P&L against its entry, floor.
        int256 mtm = 0;
        if (b.perpPosition != 0) {
            mtm = FixedPoint.mul(b.perpPosition, FixedPoint.sub(b.perpPrice, b.perpEntry), FLOOR);
        }
        uint256 ne = b.expiries.length;
        for (uint256 j = 0; j < ne; ++j) {
            Expiry memory e = b.expiries[j];
            if (e.futures != 0) mtm = FixedPoint.add(mtm, FixedPoint.mul(e.futures, FixedPoint.sub(e.forward, e.futuresEntry), FLOOR));
        }
        int256 minConf = score(b.spotConfidence, b.spot);
        if (b.perpPosition != 0) minConf = FixedPoint.min(minConf, score(b.perpConfidence, b.perpPrice));
        // Contingencies on linear notional at spot: none without a position (0 x any rate is 0
        // and cannot fail, so skipping the products changes nothing).
        int256 mmCont;
        int256 imCont;
        int256 oracle;
        if (b.perpPosition != 0) {
            int256 perpNotional = FixedPoint.mul(FixedPoint.abs(b.perpPosition), b.spot, CEIL);
            mmCont = FixedPoint.mul(perpNotional, p.mmPerpPercent, CEIL);
            if (all) {
                imCont = FixedPoint.mul(perpNotional, p.imPerpPercent, CEIL);
                oracle = _confidenceCharge(p, minConf, perpNotional);
            }
        }
        bool marked = m.length != 0;
        if (marked && m.length != ne) revert MarksMismatch(ne);
        base.expiryNow = new int256[](ne);
        {
            // two arrays of ne pointers, every element set in the loop below before any is
            // read (`new` would allocate and zero a struct, or point to the empty array, for each)
            ScenarioPricing.ExpiryState[] memory states;
            int256[][] memory caches;
            assembly ("memory-safe") {
                states := mload(0x40)
                mstore(states, ne)
                caches := add(states, shl(5, add(ne, 1)))
                mstore(caches, ne)
                mstore(0x40, add(caches, shl(5, add(ne, 1))))
            }
            base.states = states;
            base.legCache = caches;
        }
        for (uint256 j = 0; j < ne; ++j) {
            Expiry memory e = b.expiries[j];
            ScenarioPricing.ExpiryState memory s = ScenarioPricing.expiryState(e, p, all, shocks, skew);
            base.states[j] = s;
            base.legCache[j] = ScenarioPricing.legCache(e.legs.length);
            int256 cur = marked ? ScenarioPricing.markedValue(e.legs, m[j], j) : ScenarioPricing.expiryValue(e, base.legCache[j], e.forward, VOL_NONE, p, s, ScenarioPricing.noUnits());
            base.expiryNow[j] = cur;
            mtm = FixedPoint.add(mtm, cur);
            // Naked shorts per strike (calls and puts netted); gross size for the IM alone.
            int256 nakedNotional = FixedPoint.mul(_naked(e.legs), b.spot, CEIL);
            if (e.futures != 0) {
                int256 futNotional = FixedPoint.mul(FixedPoint.abs(e.futures), b.spot, CEIL);
                mmCont = FixedPoint.add(mmCont, FixedPoint.mul(futNotional, p.mmPerpPercent, CEIL));
                if (all) imCont = FixedPoint.add(imCont, FixedPoint.mul(futNotional, p.imPerpPercent, CEIL));
            }
            mmCont = FixedPoint.add(mmCont, FixedPoint.mul(nakedNotional, p.mmOptionPercent, CEIL));
            if (all) {
                imCont = FixedPoint.add(imCont, FixedPoint.mul(nakedNotional, p.imOptionPercent, CEIL));
                int256 gross = FixedPoint.add(_gross(e.legs), FixedPoint.abs(e.futures));
                int256 conf = FixedPoint.min(minConf, score(e.forwardConfidence, e.forward));
                oracle = FixedPoint.add(oracle, _confidenceCharge(p, conf, FixedPoint.mul(gross, b.spot, CEIL)));
            }
        }
        // Collateral in the stable currency; haircuts and confidence as contingencies.
        uint256 nc = b.collaterals.length;
        base.collateralValue = new int256[](nc);
        for (uint256 j = 0; j < nc; ++j) {
            Collateral memory k = b.collaterals[j];
            int256 value = FixedPoint.mulDiv(k.amount, k.price, b.stablePrice, FLOOR);
            base.collateralValue[j] = value;
            mtm = FixedPoint.add(mtm, value);
            mmCont = FixedPoint.add(mmCont, FixedPoint.mul(value, k.mmHaircut, CEIL));
            if (all) {
                imCont = FixedPoint.add(imCont, FixedPoint.mul(value, k.imHaircut, CEIL));
                // collateral that does not move is evaluated apart, at a spot score of 1
                int256 conf = score(k.confidence, k.price);
                if (k.riskCancelling) conf = FixedPoint.min(conf, score(b.spotConfidence, b.spot));
                oracle = FixedPoint.add(oracle, _confidenceCharge(p, conf, value));
            }
        }
        base.markToMarket = mtm;
        base.equity = FixedPoint.add(b.cash, mtm);
        base.mmContingency = mmCont;
        if (all) {
            base.imContingency = FixedPoint.add(imCont, oracle);
            base.imFactor = p.imFactor;
            if (b.stablePrice < p.pegThreshold) {
                base.imFactor = FixedPoint.add(base.imFactor, FixedPoint.mul(FixedPoint.sub(p.pegThreshold, b.stablePrice), p.pegFactor, CEIL));
            }
        }
    }

    /// @dev Below the threshold: ceil(ceil((1 - confidence) margin) notional).
    function _confidenceCharge(Params memory p, int256 confidence, int256 notional) private pure returns (int256) {
        if (confidence >= p.confidenceThreshold) return 0;
        return FixedPoint.mul(FixedPoint.mul(FixedPoint.sub(WAD, confidence), p.confidenceMargin, CEIL), notional, CEIL);
    }

    /// @dev Sum over strikes of max(-net amount, 0). Each strike's net is summed in leg order
    /// over its legs, and the strikes are taken in the order they first occur. Reverts
    /// FixedPointOverflow if a net, its negation or the sum leaves int256 (FixedPoint.add's
    /// and neg's tests; nothing else can fail here, so testing once at the end reverts alike).
    /// Legs in non-decreasing strike order (MarginAccounts' books, most books) take one pass:
    /// a strike's legs are adjacent. Otherwise each strike's net is summed where it first
    /// occurs, over the legs from there on, and the legs it counted are flagged (a scratch byte
    /// each, past the free memory pointer) so that a later leg of the strike is skipped: the
    /// same sums in the same order, O(legs x strikes). Assembly over the legs' memory (a Leg's
    /// first word is its strike, its third its amount).
    function _naked(Leg[] memory legs) private pure returns (int256 naked) {
        bool overflow;
        assembly ("memory-safe") {
            let end := add(add(legs, 0x20), shl(5, mload(legs)))
            let at := add(legs, 0x20)
            let net := 0
            for {} lt(at, end) {} {
                let leg := mload(at)
                let a := mload(add(leg, 0x40))
                let c := add(net, a)
                overflow := or(overflow, iszero(eq(slt(a, 0), slt(c, net)))) // add's test
                net := c
                at := add(at, 0x20)
                let done := 1 // the strike's last leg
                if lt(at, end) {
                    let next := mload(mload(at))
                    if slt(next, mload(leg)) { break } // not sorted: at < end
                    done := iszero(eq(next, mload(leg)))
                }
                if done {
                    // naked += max(-net, 0), with neg's and add's tests
                    overflow := or(overflow, eq(net, shl(255, 1)))
                    let short := sub(0, net)
                    if sgt(short, 0) {
                        c := add(naked, short)
                        overflow := or(overflow, slt(c, naked))
                        naked := c
                    }
                    net := 0
                }
            }
            if lt(at, end) {
                naked := 0
                overflow := 0
                let flags := mload(0x40)
                calldatacopy(flags, calldatasize(), mload(legs)) // zeroed
                for { at := add(legs, 0x20) } lt(at, end) {
                    at := add(at, 0x20)
                    flags := add(flags, 1)
                } {
                    if iszero(byte(0, mload(flags))) {
                        let strike := mload(mload(at))
                        net := 0
                        for { let q := at  let g := flags } lt(q, end) { q := add(q, 0x20)  g := add(g, 1) } {
                            let leg := mload(q)
                            if eq(mload(leg), strike) {
                                mstore8(g, 1)
                                let a := mload(add(leg, 0x40))
                                let c := add(net, a)
                                overflow := or(overflow, iszero(eq(slt(a, 0), slt(c, net))))
                                net := c
                            }
                        }
                        // as above
                        overflow := or(overflow, eq(net, shl(255, 1)))
                        let owed := sub(0, net)
                        if sgt(owed, 0) {
                            let c := add(naked, owed)
                            overflow := or(overflow, slt(c, naked))
                            naked := c
                        }
                    }
                }
            }
        }
        if (overflow) revert FixedPointOverflow();
    }

    /// @dev The sum of |amount| over the legs (the IM's oracle contingency only).
    function _gross(Leg[] memory legs) private pure returns (int256 gross) {
        uint256 n = legs.length;
        for (uint256 l = 0; l < n; ++l) {
            gross = FixedPoint.add(gross, FixedPoint.abs(legs[l].amount));
        }
    }

    /// @dev Scenario P&L relative to the current value, weighted (scenario.cpp scenario_pnl()).
    function _scenarioPnl(Book memory b, Params memory p, Base memory base, Scenario memory sc) private pure returns (int256 pnl) {
        int256 move = FixedPoint.sub(sc.spotShock, WAD);
        bool skew = sc.vol == LINEAR_SKEW || sc.vol == ABS_SKEW;
        if (b.perpPosition != 0) {
            pnl = _weighted(FixedPoint.mul(b.perpPosition, FixedPoint.mul(move, b.perpPrice, FLOOR), FLOOR), sc.weight);
        }
        uint256 ne = b.expiries.length;
        for (uint256 j = 0; j < ne; ++j) {
            Expiry memory e = b.expiries[j];
            ScenarioPricing.ExpiryState memory s = base.states[j];
            // skew scenarios keep the spot: the forward unchanged, exactly
            int256 f = skew || sc.spotShock == WAD ? e.forward : FixedPoint.mul(e.forward, sc.spotShock, FLOOR);
            int256 v = ScenarioPricing.expiryValue(e, base.legCache[j], f, sc.vol, p, s, ScenarioPricing.noUnits());
            int256 d = v >= 0 ? s.posDiscount : s.negDiscount; // static discounting
            if (d == ScenarioPricing.STATIC_UNKNOWN) d = ScenarioPricing.staticDiscount(e, p, s, v >= 0);
            v = FixedPoint.mul(v, d, FLOOR);
            int256 ePnl = _weighted(FixedPoint.sub(v, base.expiryNow[j]), sc.weight);
            if (skew && ePnl > 0) ePnl = -ePnl; // the skew could rotate either way (ePnl > 0: no overflow)
            if (!skew && e.futures != 0) ePnl = FixedPoint.add(ePnl, _weighted(ScenarioPricing.futuresPnl(e, sc.spotShock), sc.weight));
            pnl = FixedPoint.add(pnl, ePnl);
        }
        uint256 nc = b.collaterals.length;
        for (uint256 j = 0; j < nc; ++j) {
            if (b.collaterals[j].riskCancelling) {
                pnl = FixedPoint.add(pnl, _weighted(FixedPoint.mul(base.collateralValue[j], move, FLOOR), sc.weight));
            }
        }
    }

    /// @dev The basis contingency: per expiry, the worse of the two forward moves if a loss,
    /// times (add + mult tau), floor; summed.
    function _basis(Book memory b, Params memory p, Base memory base) private pure returns (int256 total) {
        uint256 ne = b.expiries.length;
        for (uint256 j = 0; j < ne; ++j) {
            Expiry memory e = b.expiries[j];
            ScenarioPricing.ExpiryState memory s = base.states[j];
            int256 fUp = FixedPoint.mul(e.forward, p.basisUp, FLOOR);
            int256 fDown = FixedPoint.mul(e.forward, p.basisDown, FLOOR);
            int256 cur = base.expiryNow[j];
            int256[] memory cache = base.legCache[j];
            int256 up = FixedPoint.add(FixedPoint.sub(ScenarioPricing.expiryValue(e, cache, fUp, VOL_NONE, p, s, ScenarioPricing.noUnits()), cur), ScenarioPricing.futuresPnl(e, p.basisUp));
            int256 down = FixedPoint.add(FixedPoint.sub(ScenarioPricing.expiryValue(e, cache, fDown, VOL_NONE, p, s, ScenarioPricing.noUnits()), cur), ScenarioPricing.futuresPnl(e, p.basisDown));
            int256 factor = FixedPoint.add(p.basisAdd, FixedPoint.mul(p.basisMult, s.tau, FLOOR));
            total = FixedPoint.add(total, FixedPoint.mul(FixedPoint.min(FixedPoint.min(up, down), 0), factor, FLOOR));
        }
    }
}
