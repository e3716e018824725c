// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {FixedPoint, FixedPointOverflow, FixedPointDomain} from "./FixedPoint.sol";
import {FixedPointTables, K187, INV_SQRT_2PI_Q125} from "./FixedPointTables.sol";

/// @title Black76
/// @notice The Black-76 kernel of `fixedpoint/black76.hpp` (SPEC.md 4.7, steps W1-W3 and
/// B1-B6): for the same arguments, the same integers, or the same error as a custom revert.
/// Units as the C++: forward and strike in wei; total variance and sqrt(w) in EXT
/// (v * 1e18 * 2^56); prices undiscounted in wei * 2^125; N(d1) and phi(d1) in Q125.
/// @dev Nothing here rounds to the wei: the caller multiplies by size and discount
/// factor and rounds once, as core/ does. Every intermediate's bound is in a comment.
library Black76 {
    int256 private constant WAD = 1e18;
    int256 private constant ONE_Q = 1 << 125;
    uint256 private constant EXT_ONE = 1e18 << 56;
    uint256 private constant HALF_EXT = EXT_ONE / 2;
    uint256 private constant TAIL_END = 26 * HALF_EXT; // 13: Q(13) < 2^-125
    uint256 private constant W_CAP = (1 << 127) - 1; // B2's clamp
    int256 private constant SECONDS_PER_YEAR = 31_536_000;
    int256 private constant MAX_EXPIRY_SECONDS = 2_000_000_000;

    /// @notice One option's Black-76 quantities (black76_terms in C++).
    struct Terms {
        int256 call; // max(F N(d1) - K N(d2), max(F - K, 0)), wei * 2^125
        int256 put; // max(K N(-d2) - F N(-d1), max(K - F, 0)), wei * 2^125
        int256 nD1; // N(d1), Q125
        int256 pdfD1; // phi(d1), Q125
        int256 sqrtW; // sqrt(w), EXT, floor
    }

    /// @notice B1-B6 for forward `f`, strike `k` and total variance `w` (EXT).
    /// @dev Reverts FixedPointDomain if f <= 0, k <= 0 or w <= 0, then FixedPointOverflow
    /// if f or k >= 2^127. A variance of 2^127 EXT or more is taken as 2^127 - 1 (saturated
    /// prices). No rounding beyond the spec's floors; never panics.
    function price(int256 f, int256 k, int256 w) internal pure returns (Terms memory t) {
        checkArguments(f, k, w);
        uint256 v = sqrtVariance(w);
        int256 m1;
        int256 e1;
        int256 x;
        unchecked {
            x = lnExt(f) - lnExt(k); // both below 2^127.5 in magnitude
        }
        (t.call, t.put, t.nD1, m1, e1) = _priceAt(f, k, x, v, true);
        t.pdfD1 = _scaleDown(m1, INV_SQRT_2PI_Q125, e1); // B5's phi(d1); 0 where d1's tail was not evaluated
        t.sqrtW = int256(v);
    }

    /// @notice `price`'s reverts: FixedPointDomain if f <= 0, k <= 0 or w <= 0, then
    /// FixedPointOverflow if f or k >= 2^127. The steps below assume these pass.
    function checkArguments(int256 f, int256 k, int256 w) internal pure {
        bool domain;
        bool overflow;
        assembly ("memory-safe") {
            domain := or(or(slt(f, 1), slt(k, 1)), slt(w, 1))
            overflow := or(gt(f, W_CAP), gt(k, W_CAP)) // >= 2^127 (unsigned: a negative one is a domain error first)
        }
        if (domain) revert FixedPointDomain();
        if (overflow) revert FixedPointOverflow();
    }

    /// @notice B1's logarithm: ln y in EXT, the Q125 part floored (L5's unrounded value).
    /// x = lnExt(f) - lnExt(k); callers pricing many options share each forward's and
    /// strike's logarithm. Precondition (unchecked): 0 < y < 2^127; never reverts.
    function lnExt(int256 y) internal pure returns (int256) {
        (int256 a, int256 l) = FixedPoint._lnCore(uint256(y));
        unchecked {
            return a + FixedPoint._sarMul(l, WAD, 69); // |l * 1e18| < 2^184, |a| < 2^127
        }
    }

    /// @notice B2: v = floor(sqrt(min(w, 2^127 - 1) * 10^18 * 2^56)), sqrt(w) in EXT.
    /// Precondition (unchecked): w > 0; never reverts.
    function sqrtVariance(int256 w) internal pure returns (uint256) {
        uint256 wc;
        assembly ("memory-safe") {
            wc := w
            if gt(wc, W_CAP) { wc := W_CAP }
        }
        unchecked {
            return FixedPoint._isqrt(wc * EXT_ONE); // w * EXT_ONE < 2^127 * 2^115.8
        }
    }

    /// @notice B3-B6 from x = ln F - ln K (EXT, |x| < 2^127.5) and v = sqrt(w) (EXT):
    /// the undiscounted call and put in wei * 2^125.
    /// Preconditions (unchecked): `checkArguments(f, k, w)` passed, x = lnExt(f) - lnExt(k)
    /// and v = sqrtVariance(w); then the prices are `price(f, k, w)`'s. Never reverts.
    function priceAt(int256 f, int256 k, int256 x, uint256 v) internal pure returns (int256 callPrice, int256 putPrice) {
        (callPrice, putPrice,,,) = _priceAt(f, k, x, v, false);
    }

    /// @dev priceAt; with `d1Terms`, also N(d1) (Q125) and d1's e^(-d1^2/2) = m1 2^e1 for
    /// phi(d1) (m1 = 0 where d1's tail is not evaluated: phi(d1) is 0 there). Without it
    /// n1, m1 and e1 are unspecified: the prices need one exponential, N(d1) for x > 0 a second.
    /// The selections are branch-free: each branch costs more than the arithmetic it picks.
    function _priceAt(int256 f, int256 k, int256 x, uint256 v, bool d1Terms)
        private
        pure
        returns (int256 callPrice, int256 putPrice, int256 n1, int256 m1, int256 e1)
    {
        int256 fkOne; // (F - K) 2^125: |F - K| < 2^127
        int256 raw; // the call before B6's floors: B3's value, or B5's plus put-call parity
        bool callOtm; // x <= 0: the call is the out-of-the-money option
        bool near; // not B3's case: |x| < 64 v
        uint256 q;
        assembly ("memory-safe") {
            fkOne := shl(125, sub(f, k))
            callOtm := iszero(sgt(x, 0))
            raw := mul(fkOne, iszero(callOtm)) // B3: (F - K) 2^125 for x > 0, else 0
            n1 := shl(125, iszero(callOtm))
            let sx := sar(255, x)
            let ax := sub(xor(x, sx), sx) // |x| < 2^127.5
            near := lt(ax, mul(64, v))
            // ax < 64 v < 2^127.5: ax * EXT_ONE < 2^243.3, and v >= 1 wherever q is used
            q := div(mul(ax, EXT_ONE), v)
        }
        if (near) {
            // B3-B5 with h = floor(v / 2): d1 = sign(x) q + h and d2 = d1 - v. For x <= 0,
            // u = -d1 = q - h and s = -d2 = q + v - h; for x > 0, u = d2 = q - (v - h) and
            // s = d1 = q + h. So u = q - a and s = u + v, with a = h for x <= 0, else v - h.
            int256 u;
            uint256 su;
            uint256 au;
            int256 m; // B5's M: F for x <= 0, else K
            int256 otm; // B5's P, set for |u| >= 13: 0 for u >= 0, M 2^125 for u < 0
            assembly ("memory-safe") {
                let h := shr(1, v)
                let a := xor(sub(v, h), mul(callOtm, xor(sub(v, h), h)))
                u := sub(q, a) // |u| <= q + v < 2^128
                su := add(u, v)
                let sg := sar(255, u)
                au := sub(xor(u, sg), sg)
                m := xor(k, mul(xor(f, k), callOtm))
                otm := mul(shl(125, m), iszero(iszero(sg)))
            }
            int256 e;
            int256 ru;
            if (au < TAIL_END) {
                (m1, e) = _gauss(au);
                ru = _scaledTail(au);
                int256 rs = su < TAIL_END ? _scaledTail(su) : int256(0);
                // M < 2^127 and the Q125 factors below 2^126: each product below 2^253.
                assembly ("memory-safe") {
                    switch slt(u, 0)
                    case 0 {
                        // M e^(-u^2/2) (R(u) - R(s)), the difference clamped at 0 (B6's floor
                        // gives the same prices)
                        let dr := 0
                        if sgt(ru, rs) { dr := sub(ru, rs) }
                        otm := sar(sub(0, e), mul(m, sar(125, mul(m1, dr))))
                    }
                    default {
                        // M - M e^(-u^2/2) (R(-u) + R(s))
                        otm := sub(otm, sar(sub(0, e), mul(m, sar(125, mul(m1, add(ru, rs))))))
                    }
                }
            }
            if (d1Terms) {
                if (callOtm) {
                    // B5: d1 = -u, whose e^(-d1^2/2) is this one (m1 = 0 beyond the tail's end)
                    int256 tail = au < TAIL_END ? _scaleDown(m1, ru, e) : int256(0);
                    n1 = u <= 0 ? ONE_Q - tail : tail;
                    e1 = e;
                } else {
                    // B5: d1 = s >= 0 takes its own exponential
                    int256 tail1;
                    (tail1, m1, e1) = _tail(su);
                    n1 = ONE_Q - tail1;
                }
            }
            unchecked {
                raw += otm; // put-call parity: call - put = (F - K) 2^125
            }
        }
        assembly ("memory-safe") {
            // B6: the intrinsic value as a floor (no-arbitrage bound); every term below 2^253.
            callPrice := raw
            let callFloor := mul(fkOne, sgt(fkOne, 0))
            if slt(raw, callFloor) { callPrice := callFloor }
            putPrice := sub(raw, fkOne)
            let putFloor := mul(sub(0, fkOne), slt(fkOne, 0))
            if slt(putPrice, putFloor) { putPrice := putFloor }
        }
    }

    /// @notice W1: floor(vol^2 * seconds * 2^56 / (31,536,000 * 10^18)), at most 2^127 - 1.
    /// @dev Reverts FixedPointDomain if vol <= 0, seconds <= 0 or seconds > 2,000,000,000.
    function totalVarianceExt(int256 vol, int256 secs) internal pure returns (int256) {
        bool domain;
        assembly ("memory-safe") {
            domain := or(or(slt(vol, 1), slt(secs, 1)), sgt(secs, MAX_EXPIRY_SECONDS))
        }
        if (domain) revert FixedPointDomain();
        // vol >= 2^100 wei puts the quotient above 2^200 * 2^56 / 2^84.7 > 2^127: the cap.
        if (vol >= 1 << 100) return int256(W_CAP);
        uint256 v2;
        unchecked {
            v2 = uint256(vol) * uint256(vol); // < 2^200
        }
        uint256 q;
        uint256 t = uint256(secs) << 56; // < 2^87
        if (v2 < 1 << 169) {
            // the product is below 2^256: one division (every vol below ~2^84.5 wei)
            unchecked {
                q = (v2 * t) / uint256(SECONDS_PER_YEAR * WAD);
            }
        } else {
            // < 2^200 * 2^87 / 2^84.7: the quotient fits, no revert.
            (q,) = FixedPoint._mulDivU(v2, t, uint256(SECONDS_PER_YEAR * WAD));
        }
        return q < W_CAP ? int256(q) : int256(W_CAP);
    }

    /// @notice W3: floor(sqrt(floor(seconds * 2^250 / 31,536,000))): sqrt of the year
    /// fraction in Q125, floor. Reverts FixedPointDomain unless 0 <= seconds <= 2,000,000,000.
    function sqrtYearFraction(int256 secs) internal pure returns (int256) {
        if (secs < 0 || secs > MAX_EXPIRY_SECONDS) revert FixedPointDomain();
        // seconds * 2^250 / 31,536,000 < 64 * 2^250 = 2^256: the quotient fits.
        (uint256 q,) = FixedPoint._mulDivU(uint256(secs), 1 << 250, uint256(SECONDS_PER_YEAR));
        return int256(FixedPoint._isqrt(q)); // < 2^128
    }

    /// @dev e^(-z) = m * 2^k for 0 <= z <= 84.5 EXT; above 32 as the product of two halves,
    /// each inside E1's domain (B4).
    function _expNeg(uint256 z) private pure returns (int256 m, int256 k) {
        unchecked {
            if (z <= 32 * EXT_ONE) return FixedPoint._expCore(-int256(z));
            uint256 z1 = z >> 1;
            (int256 ma, int256 ka) = FixedPoint._expCore(-int256(z1));
            (int256 mb, int256 kb) = FixedPoint._expCore(-int256(z - z1));
            return (FixedPoint._sarMul(ma, mb, 125), ka + kb); // mantissas < 2^126
        }
    }

    /// @dev B4: R(y) = Q(y) e^(y^2/2) in Q125, for 0 <= y < 13 (EXT).
    function _scaledTail(uint256 y) private pure returns (int256) {
        unchecked {
            uint256 j = y / HALF_EXT;
            int256 t = int256(y - (j * HALF_EXT + HALF_EXT / 2)); // |t| <= 0.25 EXT < 2^114
            int256 tq;
            assembly ("memory-safe") {
                tq := sar(118, mul(t, K187)) // |t| K187 < 2^242
            }
            return FixedPointTables.tailPoly(j, tq);
        }
    }

    /// @dev B4: e^(-y^2/2) = m * 2^e for 0 <= y < 13 (EXT).
    function _gauss(uint256 y) private pure returns (int256 m, int256 e) {
        unchecked {
            return _expNeg((y * y) / (2 * EXT_ONE)); // y < 2^119.6: y^2 fits
        }
    }

    /// @dev B4: the upper tail Q(y) in Q125 and e^(-y^2/2) = m * 2^e (m = e = 0 from the
    /// tail's end on), for y >= 0 in EXT.
    function _tail(uint256 y) private pure returns (int256 q, int256 m, int256 e) {
        if (y >= TAIL_END) return (0, 0, 0);
        (m, e) = _gauss(y);
        q = _scaleDown(m, _scaledTail(y), e);
    }

    /// @dev floor(floor(m * r / 2^125) * 2^e) for e <= 0 and 0 <= m, r < 2^126 (0 when -e >= 127).
    function _scaleDown(int256 m, int256 r, int256 e) private pure returns (int256 q) {
        assembly ("memory-safe") {
            let s := sub(0, e)
            if lt(s, 127) { q := sar(s, sar(125, mul(m, r))) }
        }
    }
}
