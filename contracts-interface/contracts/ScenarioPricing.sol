// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {FixedPoint, FixedPointDomain, FixedPointOverflow} from "./FixedPoint.sol";
import {Black76} from "./Black76.sol";
import {PortfolioMargin} from "./PortfolioMargin.sol";

/// @title ScenarioPricing
/// @notice The pricing half of PortfolioMargin (`core/src/scenario.cpp`'s expiry_state,
/// moved_vol and unit_value): an expiry's shared state (time, discount factor, vol-shock
/// multipliers, skew caps, static discounts), a leg's vol under a scenario's vol move, and the
/// value of an expiry's options at a forward under a vol move (Black-76 through the leg cache,
/// or the discounted intrinsic value), summed exactly and rounded once, or stored per leg (the
/// marks). PortfolioMargin.sol assembles the witness and the grid from these. Internal
/// functions only (inlined into the caller's code, as when they were one library): the
/// results, the roundings and the reverts are PortfolioMargin's, named there.
library ScenarioPricing {
    int256 private constant WAD = 1e18;
    int256 private constant YEAR = 31_536_000;
    int256 private constant THIRTY_DAYS = 30 * 86_400;
    int256 private constant MAX_SECONDS = 2_000_000_000;
    /// 2^125 * 10^18: a Black-76 price (wei * 2^125) times a WAD discount factor back to wei.
    int256 private constant UNIT_DENOM = (1 << 125) * 1e18;
    uint8 private constant TOWARD_ZERO = 0;
    uint8 private constant FLOOR = 1;
    uint8 private constant CEIL = 2;
    // PortfolioMargin's vol moves
    uint8 private constant VOL_NONE = PortfolioMargin.VOL_NONE;
    uint8 private constant VOL_UP = PortfolioMargin.VOL_UP;
    uint8 private constant VOL_DOWN = PortfolioMargin.VOL_DOWN;
    uint8 private constant LINEAR_SKEW = PortfolioMargin.LINEAR_SKEW;
    uint8 private constant ABS_SKEW = PortfolioMargin.ABS_SKEW;

    /// @dev Per-expiry values shared by every scenario and leg (scenario.cpp expiry_state).
    /// The static discounts are STATIC_UNKNOWN until needed when the state is made for one
    /// scenario (`_scenarioPnl` then computes the one its value's sign picks).
    struct ExpiryState {
        int256 tau;
        int256 discount;
        int256 upMult;
        int256 downMult;
        int256 posDiscount;
        int256 negDiscount;
        int256 linearCap;
        int256 absCap;
        int256 kStar;
    }

    /// @dev The leg cache: what every scenario shares for one leg, filled at first use:
    /// B1's ln K and, per vol move m (0..4), the moved vol, its total variance (W1) and B2's
    /// root. Each is a pure function of the leg and its expiry, so a cached value is the one
    /// the step would compute again, and a revert still happens where it first would.
    /// One flat int256 array per expiry (_legCache zeroes only the known bits and the memo's
    /// strike, which guard every other word): MEMO_WORDS words of an ln K memo (the
    /// strike whose ln K was computed last in the expiry, and that ln K: a put and a call at
    /// one strike, adjacent in a book sorted by strike, take one logarithm), then LEG_CACHE
    /// words per leg:
    uint256 private constant LC_KNOWN = 0; // bit m: move m's entries; bit 5: ln K
    uint256 private constant LC_LN_STRIKE = 1;
    uint256 private constant LC_VOL = 2; // + m
    uint256 private constant LC_VARIANCE = 7; // + m; set when the vol prices by Black-76 (T > 0, vol > 0)
    uint256 private constant LC_ROOT = 12; // + m; set when the variance is > 0
    uint256 private constant LEG_CACHE = 17;
    uint256 private constant MEMO_WORDS = 2; // the memo's strike (0: none, no strike is valid at 0), its ln K
    uint256 private constant LN_STRIKE_KNOWN = 1 << 5;
    /// @dev No logarithm taken yet: B1's logarithms lie below 2^128 in magnitude.
    int256 private constant LN_UNKNOWN = type(int256).min;
    /// @dev A static discount not computed yet. A real discount equal to it (only from absurd
    /// parameters) would merely be computed again, to the same value: _staticDiscount is pure.
    int256 internal constant STATIC_UNKNOWN = type(int256).min;

    function tau(int256 secs) internal pure returns (int256) {
        if (secs < 0 || secs > MAX_SECONDS) revert FixedPointDomain();
        return FixedPoint.div(secs * WAD, YEAR * WAD, FLOOR);
    }

    /// @dev The expiry's discount factor: its own, or e^(-max(rate, 0) tau) when that is 0.
    function discountFactor(PortfolioMargin.Expiry memory e, int256 tau) internal pure returns (int256) {
        if (e.discount != 0) return e.discount;
        return FixedPoint.exp(FixedPoint.neg(FixedPoint.mul(FixedPoint.max(e.rate, 0), tau, FLOOR)));
    }

    /// @dev expiry_state_of(): `shocks` computes the vol-shock multipliers, `skew` the skew
    /// caps, `statics` the static discounts (else STATIC_UNKNOWN: a witness needs only the
    /// one its expiry value's sign picks, and `_scenarioPnl` computes it then).
    function expiryState(PortfolioMargin.Expiry memory e, PortfolioMargin.Params memory p, bool statics, bool shocks, bool skew) internal pure returns (ExpiryState memory s) {
        s.tau = tau(e.secondsToExpiry);
        s.discount = discountFactor(e, s.tau);
        if (shocks) {
            int256 floorS = e.secondsToExpiry;
            if (p.dteFloorSeconds > floorS) floorS = p.dteFloorSeconds;
            if (floorS < 1) floorS = 1;
            int256 ratio = FixedPoint.div(THIRTY_DAYS * WAD, FixedPoint.mul(floorS, WAD * WAD, TOWARD_ZERO), FLOOR); // floorS x 1e18, exact
            int256 m = FixedPoint.pow(ratio, e.secondsToExpiry <= THIRTY_DAYS ? p.shortTermPower : p.longTermPower);
            s.upMult = FixedPoint.add(WAD, FixedPoint.mul(p.rangeUp, m, FLOOR));
            s.downMult = FixedPoint.max(FixedPoint.sub(WAD, FixedPoint.mul(p.rangeDown, m, CEIL)), 0);
        }
        if (statics) {
            s.posDiscount = staticDiscount(e, p, s, true);
            s.negDiscount = staticDiscount(e, p, s, false);
        } else {
            s.posDiscount = STATIC_UNKNOWN;
            s.negDiscount = STATIC_UNKNOWN;
        }
        if (skew) {
            int256 sqrtTau = FixedPoint.sqrt(s.tau);
            s.linearCap = FixedPoint.add(FixedPoint.mul(p.linearCBase, sqrtTau, FLOOR), p.linearBaseCap);
            s.absCap = FixedPoint.add(FixedPoint.mul(p.absCBase, sqrtTau, FLOOR), p.absBaseCap);
            int256 volParam = FixedPoint.add(p.volParamStatic, FixedPoint.mul(sqrtTau, p.volParamScale, FLOOR));
            s.kStar = FixedPoint.max(p.minKStar, FixedPoint.mul(FixedPoint.mul(sqrtTau, p.widthScale, FLOOR), volParam, FLOOR));
        }
    }

    /// @dev The static discount of an expiry's value of sign `positive` (needs s.tau and
    /// s.discount): base x e^(-tau x rate') for a gain, floor; for a loss the smaller of
    /// ceil(1 / DF) and ceil(base / e^(-tau x rate')), where rate' = max(rate, 0) x mult + add.
    function staticDiscount(PortfolioMargin.Expiry memory e, PortfolioMargin.Params memory p, ExpiryState memory s, bool positive) internal pure returns (int256) {
        int256 rate = FixedPoint.max(e.rate, 0);
        if (positive) {
            int256 posRate = FixedPoint.add(FixedPoint.mul(rate, p.longRateMult, FLOOR), p.longRateAdd);
            return FixedPoint.mul(p.longBaseDiscount, FixedPoint.exp(FixedPoint.neg(FixedPoint.mul(s.tau, posRate, FLOOR))), FLOOR);
        }
        int256 negRate = FixedPoint.add(FixedPoint.mul(rate, p.shortRateMult, FLOOR), p.shortRateAdd);
        int256 negD = FixedPoint.div(p.shortBaseDiscount, FixedPoint.exp(FixedPoint.neg(FixedPoint.mul(s.tau, negRate, FLOOR))), CEIL);
        return FixedPoint.min(FixedPoint.div(WAD, s.discount, CEIL), negD);
    }

    /// @dev A leg's vol under a scenario's vol move (scenario.cpp moved_vol()).
    function _movedVol(PortfolioMargin.Leg memory l, int256 forward, ExpiryState memory s, PortfolioMargin.Params memory p, uint8 move) private pure returns (int256) {
        if (move == VOL_NONE) return l.vol;
        if (move == VOL_UP) return FixedPoint.max(p.minVolUp, FixedPoint.mul(l.vol, s.upMult, FLOOR));
        if (move == VOL_DOWN) return FixedPoint.mul(l.vol, s.downMult, FLOOR);
        bool linear = move == LINEAR_SKEW;
        int256 k = FixedPoint.ln(FixedPoint.div(l.strike, forward, FLOOR));
        if (!linear) k = FixedPoint.abs(k);
        int256 cap = linear ? s.linearCap : s.absCap;
        int256 scaled = FixedPoint.mulDiv(k, cap, s.kStar, FLOOR);
        int256 shift = k >= 0 ? FixedPoint.min(cap, scaled) : FixedPoint.max(FixedPoint.neg(cap), scaled);
        return FixedPoint.mul(l.vol, FixedPoint.max(FixedPoint.add(WAD, shift), 0), FLOOR);
    }

    /// @dev An expiry's options at forward f under a vol move, discounted at the expiry's DF:
    /// floor(sum amount x unit value / 1e18), the exact sum rounded once (fp::dot). With a
    /// non-empty `units` (`marks`), each leg's unit value is stored there instead, and 0 returned.
    function expiryValue(PortfolioMargin.Expiry memory e, int256[] memory cache, int256 f, uint8 move, PortfolioMargin.Params memory p, ExpiryState memory s, int256[] memory units)
        internal
        pure
        returns (int256)
    {
        PortfolioMargin.Leg[] memory legs = e.legs;
        uint256 n = legs.length;
        bool store = units.length != 0; // = n, as `marks` allocates it
        int256 lnF = LN_UNKNOWN;
        int256 acc = 0;
        for (uint256 l = 0; l < n;) {
            PortfolioMargin.Leg memory leg;
            assembly ("memory-safe") {
                leg := mload(add(legs, shl(5, add(l, 1)))) // l < n
            }
            int256 u;
            unchecked {
                (u, lnF) = _unitValue(e, leg, cache, MEMO_WORDS + l * LEG_CACHE, f, lnF, move, p, s); // < 2^40
                ++l;
            }
            if (store) {
                assembly ("memory-safe") {
                    mstore(add(units, shl(5, l)), u) // units[l - 1]
                }
            } else {
                acc = _mulAdd(acc, leg.amount, u);
            }
        }
        return _floorWad(acc);
    }

    /// @dev A leg cache for n legs with nothing known: the memo's strike and every entry's known
    /// bits zeroed, the other words left as memory holds them (each is read only once its
    /// known bit is set, or the memo's strike matches). Cheaper than `new`, which zeroes all.
    function legCache(uint256 n) internal pure returns (int256[] memory c) {
        assembly ("memory-safe") {
            c := mload(0x40)
            let words := add(MEMO_WORDS, mul(n, LEG_CACHE)) // n < 2^32 (a calldata length)
            mstore(c, words)
            let end := add(add(c, 0x20), shl(5, words))
            mstore(add(c, 0x20), 0)
            for { let at := add(c, shl(5, add(MEMO_WORDS, 1))) } lt(at, end) { at := add(at, shl(5, LEG_CACHE)) } {
                mstore(at, 0)
            }
            mstore(0x40, end)
        }
    }

    /// @dev The empty `units` of _expiryValue: the value is summed.
    function noUnits() internal pure returns (int256[] memory none) {}

    /// @dev _expiryValue at the current market from the legs' marks (`units`, expiry `j`):
    /// the same exact sum, rounded once.
    function markedValue(PortfolioMargin.Leg[] memory legs, int256[] memory units, uint256 j) internal pure returns (int256) {
        uint256 n = legs.length;
        if (units.length != n) revert PortfolioMargin.MarksMismatch(j);
        int256 acc = 0;
        for (uint256 l = 0; l < n;) {
            int256 a;
            int256 u;
            assembly ("memory-safe") {
                let at := shl(5, add(l, 1)) // l < n = both lengths
                a := mload(add(mload(add(legs, at)), 0x40)) // the leg's amount
                u := mload(add(units, at))
            }
            acc = _mulAdd(acc, a, u);
            unchecked {
                ++l;
            }
        }
        return _floorWad(acc);
    }

    /// @dev acc + a * b exactly: FixedPoint.add(acc, FixedPoint.mulDiv(a, b, 1, 0)) without the
    /// division. Reverts FixedPointOverflow if the product or the sum leaves int256 (an
    /// expiry's value sums one such product per leg).
    function _mulAdd(int256 acc, int256 a, int256 b) private pure returns (int256 sum) {
        bool overflow;
        assembly ("memory-safe") {
            let p := mul(a, b)
            // exact unless p / a != b, or a = -1 and b = -2^255 (whose wrapped product divides back)
            overflow := and(iszero(iszero(a)), or(iszero(eq(sdiv(p, a), b)), and(eq(a, not(0)), eq(b, shl(255, 1)))))
            sum := add(acc, p)
            overflow := or(overflow, iszero(eq(slt(p, 0), slt(sum, acc)))) // FixedPoint.add's test
        }
        if (overflow) revert FixedPointOverflow();
    }

    /// @dev floor(a / 10^18): FixedPoint.mulDiv(a, 1, WAD, FLOOR), which cannot fail.
    function _floorWad(int256 a) private pure returns (int256 q) {
        assembly ("memory-safe") {
            q := sdiv(a, 1000000000000000000)
            if and(slt(a, 0), iszero(iszero(smod(a, 1000000000000000000)))) { q := sub(q, 1) }
        }
    }

    /// @dev floor(DF x price) per unit at forward f under a vol move: Black-76, or the
    /// intrinsic value once expired or at zero vol (scenario.cpp unit_value()). Black76.price's
    /// steps, with ln f passed in and out (LN_UNKNOWN until an option of the expiry needs it)
    /// and the leg's own parts from its cache entry (`c` from word `first`), filled at first use.
    function _unitValue(
        PortfolioMargin.Expiry memory e,
        PortfolioMargin.Leg memory leg,
        int256[] memory c,
        uint256 first,
        int256 f,
        int256 lnF,
        uint8 move,
        PortfolioMargin.Params memory p,
        ExpiryState memory s
    ) private pure returns (int256, int256) {
        // _movedVol takes every move above ABS_SKEW as ABS_SKEW: they share its entries.
        uint8 slot = move < ABS_SKEW ? move : ABS_SKEW;
        uint256 entry; // the entry's memory address: first + LEG_CACHE <= c.length by construction
        uint256 known;
        assembly ("memory-safe") {
            entry := add(add(c, 0x20), shl(5, first))
            known := mload(entry)
        }
        if (known & (1 << slot) == 0) known = _fill(e, leg, entry, slot, p, s);
        int256 vol;
        int256 w;
        assembly ("memory-safe") {
            vol := mload(add(entry, shl(5, add(LC_VOL, slot))))
            w := mload(add(entry, shl(5, add(LC_VARIANCE, slot))))
        }
        if (e.secondsToExpiry <= 0 || vol <= 0) {
            int256 diff = leg.call ? FixedPoint.sub(f, leg.strike) : FixedPoint.sub(leg.strike, f);
            return (FixedPoint.mul(s.discount, FixedPoint.max(diff, 0), FLOOR), lnF);
        }
        Black76.checkArguments(f, leg.strike, w);
        if (lnF == LN_UNKNOWN) lnF = Black76.lnExt(f);
        int256 lnK;
        uint256 root;
        assembly ("memory-safe") {
            lnK := mload(add(entry, shl(5, LC_LN_STRIKE)))
            root := mload(add(entry, shl(5, add(LC_ROOT, slot))))
        }
        if (known & LN_STRIKE_KNOWN == 0) {
            int256 memoStrike;
            assembly ("memory-safe") {
                memoStrike := mload(add(c, 0x20))
                lnK := mload(add(c, 0x40))
            }
            if (memoStrike != leg.strike) {
                lnK = Black76.lnExt(leg.strike); // a pure function of the strike: the memo's value
                assembly ("memory-safe") {
                    mstore(add(c, 0x20), mload(leg)) // a Leg's first word is its strike
                    mstore(add(c, 0x40), lnK)
                }
            }
            assembly ("memory-safe") {
                mstore(add(entry, shl(5, LC_LN_STRIKE)), lnK)
                mstore(entry, or(known, LN_STRIKE_KNOWN))
            }
        }
        int256 x;
        unchecked {
            x = lnF - lnK; // both below 2^127.5 in magnitude
        }
        (int256 callPrice, int256 putPrice) = Black76.priceAt(f, leg.strike, x, root);
        return (_discounted(leg.call ? callPrice : putPrice, s.discount), lnF);
    }

    /// @dev floor(price x df / (2^125 x 10^18)): FixedPoint.mulDiv(price, df, UNIT_DENOM, FLOOR)
    /// exactly, for a Black-76 price in wei x 2^125. With 0 <= price < 2^253 and
    /// 0 <= df < 2^128 the product is below 2^381: its 512-bit form shifted right by 125,
    /// then divided by 10^18, is the same quotient (a floor of a floor, for positive
    /// divisors) without a 512-bit division. Other operands take mulDiv, reverts included.
    function _discounted(int256 price, int256 df) private pure returns (int256 q) {
        bool inRange;
        assembly ("memory-safe") {
            // unsigned compares: a negative operand is above 2^255
            inRange := and(lt(price, shl(253, 1)), lt(df, shl(128, 1)))
        }
        if (!inRange) return FixedPoint.mulDiv(price, df, UNIT_DENOM, FLOOR);
        assembly ("memory-safe") {
            let mm := mulmod(price, df, not(0))
            let lo := mul(price, df)
            let hi := sub(sub(mm, lo), lt(mm, lo)) // < 2^125
            q := div(or(shl(131, hi), shr(125, lo)), 1000000000000000000)
        }
    }

    /// @dev Fills the cache entry at memory address `entry` for vol move `slot`: the moved
    /// vol and, when it prices by Black-76, W1's variance and (when that is > 0) B2's root.
    /// Returns the entry's known bits, updated.
    function _fill(PortfolioMargin.Expiry memory e, PortfolioMargin.Leg memory leg, uint256 entry, uint8 slot, PortfolioMargin.Params memory p, ExpiryState memory s)
        private
        pure
        returns (uint256 known)
    {
        int256 secs = e.secondsToExpiry;
        int256 moved = _movedVol(leg, e.forward, s, p, slot);
        int256 w;
        uint256 root;
        if (secs > 0 && moved > 0) {
            w = Black76.totalVarianceExt(moved, secs);
            if (w > 0) root = Black76.sqrtVariance(w);
        }
        assembly ("memory-safe") {
            mstore(add(entry, shl(5, add(LC_VOL, slot))), moved)
            mstore(add(entry, shl(5, add(LC_VARIANCE, slot))), w)
            mstore(add(entry, shl(5, add(LC_ROOT, slot))), root)
            known := or(mload(entry), shl(slot, 1))
            mstore(entry, known)
        }
    }

    /// @dev floor(futures x floor(forward x (shock - 1))): dated futures' P&L under a spot move.
    function futuresPnl(PortfolioMargin.Expiry memory e, int256 shock) internal pure returns (int256) {
        if (e.futures == 0) return 0;
        return FixedPoint.mul(e.futures, FixedPoint.mul(e.forward, FixedPoint.sub(shock, WAD), FLOOR), FLOOR);
    }
}
