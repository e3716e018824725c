// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {
    FixedPointTables,
    LN2_EXT,
    LN1E18_EXT,
    HALF_LN2_EXT,
    INV_HALF_LN2_EXT_242,
    K187,
    SQRT2_Q125,
    INV_SQRT_2PI_Q125
} from "./FixedPointTables.sol";

/// @dev FP_OVERFLOW (code 1): the result is outside int256.
error FixedPointOverflow();
/// @dev FP_DIV_BY_ZERO (code 2): the divisor is zero.
error FixedPointDivByZero();
/// @dev FP_DOMAIN (code 3): ln(x <= 0), sqrt(x < 0), pow(x <= 0, y).
error FixedPointDomain();

/// @title FixedPoint
/// @notice Signed 18-decimal fixed point on int256: the Solidity twin of the C++
/// `fixedpoint/` library. Every function returns, for the same arguments, the same
/// integer or reverts with the custom error matching the same C++ error code, as
/// `fixedpoint/SPEC.md` (version 1) specifies; the step labels (E1, L3, ...) are the spec's.
/// Arguments and results are raw values (the real value times 1e18).
/// @dev No function can panic: arithmetic that could wrap is bounded in the comments and
/// done unchecked, and every out-of-range case reverts with one of the three errors above.
library FixedPoint {
    int256 internal constant WAD = 1e18;
    int256 private constant ONE_Q = 1 << 125;
    int256 private constant EXT_ONE = WAD << 56;
    int256 private constant EXP_EXT_MAX = 136 * EXT_ONE;
    int256 private constant EXP_EXT_MIN = -(85 * EXT_ONE) / 2;
    uint256 private constant X_NEAR_ONE_LO = 707106781186547525;
    uint256 private constant X_NEAR_ONE_HI = 1414213562373095048;

    /// @dev Rounding modes, numbered as the C++ `fp::rounding`.
    uint8 internal constant TOWARD_ZERO = 0;
    uint8 internal constant FLOOR = 1;
    uint8 internal constant CEIL = 2;

    // ----------------------------------------------------------------- exact

    /// @dev a + b. Reverts FixedPointOverflow outside int256.
    function add(int256 a, int256 b) internal pure returns (int256 c) {
        unchecked {
            c = a + b;
        }
        if ((b < 0) != (c < a)) revert FixedPointOverflow();
    }

    /// @dev a - b. Reverts FixedPointOverflow outside int256.
    function sub(int256 a, int256 b) internal pure returns (int256 c) {
        unchecked {
            c = a - b;
        }
        if ((b > 0) != (c < a)) revert FixedPointOverflow();
    }

    /// @dev -a. Reverts FixedPointOverflow for type(int256).min.
    function neg(int256 a) internal pure returns (int256) {
        if (a == type(int256).min) revert FixedPointOverflow();
        return -a;
    }

    /// @dev |a|. Reverts FixedPointOverflow for type(int256).min.
    function abs(int256 a) internal pure returns (int256) {
        if (a == type(int256).min) revert FixedPointOverflow();
        return a < 0 ? -a : a;
    }

    function min(int256 a, int256 b) internal pure returns (int256) {
        return b < a ? b : a;
    }

    function max(int256 a, int256 b) internal pure returns (int256) {
        return a < b ? b : a;
    }

    // --------------------------------------------------------------- rounded

    /// @dev round_r(a * b / 1e18): mulDiv(a, b, WAD, r). Reverts FixedPointOverflow.
    /// When |a| and |b| are below 2^127 (every use in the portfolio model) the product fits
    /// int256, and the signed quotient by the constant 1e18 is adjusted by one toward the
    /// rounding. Any other operands take mulDiv, whose paths handle every product.
    function mul(int256 a, int256 b, uint8 r) internal pure returns (int256 q) {
        bool fits;
        assembly ("memory-safe") {
            // -2^127 <= x < 2^127 as one unsigned compare of x + 2^127 (wrapping)
            fits := and(lt(add(a, shl(127, 1)), shl(128, 1)), lt(add(b, shl(127, 1)), shl(128, 1)))
            let p := mul(a, b) // |p| <= 2^254 when it fits
            q := sdiv(p, 1000000000000000000) // toward zero; |q| < 2^195, so the step below cannot wrap
            if smod(p, 1000000000000000000) {
                q := add(q, sub(and(eq(r, 2), sgt(p, 0)), and(eq(r, 1), slt(p, 0))))
            }
        }
        if (!fits) return mulDiv(a, b, WAD, r);
    }

    /// @dev round_r(a * 1e18 / b): mulDiv(a, WAD, b, r). Reverts FixedPointDivByZero, then
    /// FixedPointOverflow. When a * 1e18 fits int256 the quotient is one signed division
    /// (it cannot be -2^255 / -1: 2^255 is no multiple of 1e18), adjusted by one toward the
    /// rounding; any other dividend takes mulDiv's 512-bit path.
    function div(int256 a, int256 b, uint8 r) internal pure returns (int256 q) {
        if (b == 0) revert FixedPointDivByZero();
        bool fits;
        assembly ("memory-safe") {
            let p := mul(a, 1000000000000000000)
            fits := eq(sdiv(p, 1000000000000000000), a)
            q := sdiv(p, b)
            if smod(p, b) {
                // the exact quotient's sign: p's and b's differ
                let negative := xor(slt(p, 0), slt(b, 0))
                q := add(q, sub(and(eq(r, 2), iszero(negative)), and(eq(r, 1), negative)))
            }
        }
        if (!fits) return mulDiv(a, WAD, b, r);
    }

    /// @dev round_r(a * b / c) with the full 512-bit product, rounded once as `r`
    /// (TOWARD_ZERO, FLOOR or CEIL; any other value acts as TOWARD_ZERO).
    /// Reverts FixedPointDivByZero when c == 0, then FixedPointOverflow.
    function mulDiv(int256 a, int256 b, int256 c, uint8 r) internal pure returns (int256 q) {
        if (c == 0) revert FixedPointDivByZero();
        // Fast path, the common case: |a * b| fits in 256 bits. Branch-free but for
        // the path choice: |v| = (v + m) ^ m with m = v >> 255 (arithmetic), the sign
        // of the result is the top bit of a ^ b ^ c, and (uq ^ -n) + n negates when n = 1.
        bool done;
        bool overflow;
        assembly ("memory-safe") {
            let ma := sar(255, a)
            let ua := xor(add(a, ma), ma)
            let mb := sar(255, b)
            let ub := xor(add(b, mb), mb)
            let p := mul(ua, ub)
            if or(iszero(ua), eq(div(p, ua), ub)) {
                let mc := sar(255, c)
                let uc := xor(add(c, mc), mc)
                let n := shr(255, xor(xor(a, b), c))
                let uq := div(p, uc)
                // +1 on the magnitude when inexact and rounding away from zero
                // (FLOOR of a negative, CEIL of a positive); uc >= 2 then, so no wrap.
                uq := add(uq, and(gt(mod(p, uc), 0), or(and(eq(r, 1), n), and(eq(r, 2), iszero(n)))))
                overflow := gt(uq, add(sub(shl(255, 1), 1), n)) // beyond 2^255 - 1, or 2^255 if negative
                q := add(xor(uq, sub(0, n)), n)
                done := 1
            }
        }
        if (overflow) revert FixedPointOverflow();
        if (done) return q;
        // General path: the 512-bit product.
        bool negative = ((a < 0) != (b < 0)) != (c < 0);
        (uint256 uq2, bool inexact) = _mulDivU(_uabs(a), _uabs(b), _uabs(c));
        if (inexact && ((r == FLOOR && negative) || (r == CEIL && !negative))) {
            if (uq2 == type(uint256).max) revert FixedPointOverflow();
            uq2 += 1;
        }
        if (negative) {
            if (uq2 > 1 << 255) revert FixedPointOverflow();
            unchecked {
                return int256(0 - uq2); // 2^255 gives type(int256).min
            }
        }
        if (uq2 > uint256(type(int256).max)) revert FixedPointOverflow();
        return int256(uq2);
    }

    // ------------------------------------------------------------- functions
    // All round once to nearest, ties toward +infinity (SPEC.md 4).

    /// @dev e^x. Reverts FixedPointOverflow above 2^255 - 1 wei (x > ~135.306);
    /// 0 when the result rounds below one wei (x < ~-42.1397).
    function exp(int256 x) internal pure returns (int256) {
        if (x > 136 * WAD) revert FixedPointOverflow(); // X1
        if (x < -(85 * WAD) / 2) return 0;
        unchecked {
            // X2: z = x * 2^56 (|z| < 2^123.1); X1's bounds imply E0's.
            (int256 m, int256 k) = _expCore(x * (1 << 56));
            return _toWad(m, k);
        }
    }

    /// @dev ln x, within 0.5 wei + 1e-9 wei (correctly rounded on every measured sample).
    /// Reverts FixedPointDomain for x <= 0.
    function ln(int256 x) internal pure returns (int256) {
        if (x <= 0) revert FixedPointDomain();
        (int256 a, int256 l) = _lnCore(uint256(x));
        unchecked {
            int256 v = a + _sarMul(l, WAD, 69); // L5: |l * 1e18| < 2^184
            return (v + (1 << 55)) >> 56;
        }
    }

    /// @dev sqrt x correctly rounded to nearest. Reverts FixedPointDomain for x < 0.
    function sqrt(int256 x) internal pure returns (int256) {
        if (x < 0) revert FixedPointDomain();
        uint256 ux = uint256(x);
        uint256 r;
        if (ux <= type(uint256).max / uint256(WAD)) {
            unchecked {
                r = _isqrt(ux * uint256(WAD)); // fits: checked just above
            }
        } else {
            // x * 1e18 needs 512 bits: Newton from above on the exact quotient.
            unchecked {
                r = (_isqrt(ux) + 1) * 1e9; // >= sqrt(x * 1e18)
            }
            while (true) {
                (uint256 q,) = _mulDivU(ux, uint256(WAD), r); // < 2^158
                uint256 y = (r + q) >> 1;
                if (y >= r) break;
                r = y;
            }
        }
        unchecked {
            // N - r^2 <= 2r < 2^159: its low 256 bits are exact.
            if (ux * uint256(WAD) - r * r > r) r += 1;
        }
        return int256(r);
    }

    /// @dev x^y = e^(y ln x) with y ln x kept in extended precision. pow(x, 0) = pow(1, y) = 1.
    /// Reverts FixedPointDomain for x <= 0, FixedPointOverflow when the result exceeds int256.
    function pow(int256 x, int256 y) internal pure returns (int256) {
        if (x <= 0) revert FixedPointDomain();
        (int256 a, int256 l) = _lnCore(uint256(x)); // P0
        int256 z;
        if (_uabs(y) >= 1 << 131) {
            // P1 for huge |y|: unless x == 1 (a = l = 0, z = 0), |ln x| >= ~1e-18 makes
            // |z| > 2^131 * 7e-2 EXT units, beyond E0's bounds, with the sign of y * (x - 1).
            if (a != 0 || l != 0) {
                if ((y > 0) == (x > WAD)) revert FixedPointOverflow();
                return 0;
            }
        } else {
            unchecked {
                // P1: |y * a| < 2^131 * 2^123.6 and |y * l| < 2^131 * 2^123.5: both fit.
                z = (y * a) / WAD + ((y * l) >> 69);
            }
        }
        return _expExt(z); // P2
    }

    /// @dev Standard normal density e^(-x^2/2) / sqrt(2 pi). Never reverts.
    function normalPdf(int256 x) internal pure returns (int256) {
        uint256 a = _uabs(x);
        if (a >= 10 * uint256(WAD)) return 0; // D1
        unchecked {
            int256 z = int256(((a * a) << 55) / uint256(WAD)); // D2: a^2 < 1e38, << 55 < 2^182
            if (-z < EXP_EXT_MIN) return 0;
            (int256 m, int256 k) = _expCore(-z); // D3
            return _toWad(_sarMul(m, INV_SQRT_2PI_Q125, 125), k);
        }
    }

    /// @dev Standard normal distribution function Phi(x) in [0, 1e18]. Never reverts.
    function normalCdf(int256 x) internal pure returns (int256) {
        uint256 a = _uabs(x);
        if (a >= 9 * uint256(WAD)) return x < 0 ? int256(0) : WAD; // C1
        unchecked {
            uint256 j = a / 5e17; // C2
            int256 t = int256(a) - int256(j * 5e17 + 25e16);
            int256 q = FixedPointTables.cdfPoly(j, _sarMulU(t, K187, 62)); // C3
            if (q < 0) q = 0;
            if (q > ONE_Q) q = ONE_Q;
            int256 phi = x < 0 ? q : ONE_Q - q; // C4
            return int256((uint256(phi) * uint256(WAD) + (1 << 124)) >> 125);
        }
    }

    // -------------------------------------------------------------- internals
    // (internal, not private, where Black76.sol builds on them: one copy of each step.)

    /// @dev exp_ext(z), SPEC.md 4.1 E0-E5, z in EXT units.
    function _expExt(int256 z) private pure returns (int256) {
        if (z > EXP_EXT_MAX) revert FixedPointOverflow(); // E0
        if (z < EXP_EXT_MIN) return 0;
        (int256 m, int256 k) = _expCore(z);
        return _toWad(m, k);
    }

    /// @dev E1-E4: e^z = m * 2^k with m in Q125. Precondition: E0's bounds hold.
    function _expCore(int256 z) internal pure returns (int256 m, int256 k) {
        unchecked {
            // E1: h close to round(z / (ln2/2)); u in [0, 2^124], u * INV < 2^251.1
            uint256 u = uint256(z + 128 * HALF_LN2_EXT + HALF_LN2_EXT / 2);
            int256 h = int256((u * INV_HALF_LN2_EXT_242) >> 242) - 128;
            int256 r = z - h * HALF_LN2_EXT; // E2: |r| <= ln2/4 in EXT
            m = FixedPointTables.expPoly(_sarMulU(r, K187, 118)); // E3
            if (h & 1 != 0) m = _sarMul(m, SQRT2_Q125, 125); // E4
            k = h >> 1;
        }
    }

    /// @dev E5: round-half-up(m * 1e18 * 2^k / 2^125) for m >= 0. Reverts FixedPointOverflow.
    function _toWad(int256 m, int256 k) private pure returns (int256) {
        unchecked {
            uint256 p = uint256(m) * uint256(WAD); // < 2^187
            int256 s = 125 - k;
            if (s > 187) return 0;
            if (s > 0) return int256((p + (1 << uint256(s - 1))) >> uint256(s));
            uint256 t = uint256(-s);
            if (p > uint256(type(int256).max) >> t) revert FixedPointOverflow();
            return int256(p << t);
        }
    }

    /// @dev SPEC.md 4.2 L1-L4: ln x = a + l * 1e18 / 2^69 in EXT, l = ln(m) in Q125. x > 0.
    function _lnCore(uint256 x) internal pure returns (int256 a, int256 l) {
        int256 s;
        assembly ("memory-safe") {
            let m
            // L1a's range as one unsigned compare: x - LO wraps above the width for x < LO
            switch lt(sub(x, X_NEAR_ONE_LO), add(sub(X_NEAR_ONE_HI, X_NEAR_ONE_LO), 1))
            case 0 {
                // L1b: x's top bit moved to bit 125 (x > 0): shifting it to 255 and back by 130
                // floors exactly as x >> (e - 125) and loses nothing for e <= 125
                let z := clz(x)
                m := shr(130, shl(z, x))
                let b := gt(m, SQRT2_Q125) // L2
                m := shr(b, m)
                a := sub(mul(sub(add(255, b), z), LN2_EXT), LN1E18_EXT) // e = 255 - z (+ 1)
            }
            default { m := div(shl(125, x), WAD) } // L1a: x < 2^61
            // L3: sdiv truncates; |m - 1| * 2^125 < 2^249 and m + 1 > 0
            s := sdiv(mul(sub(m, ONE_Q), ONE_Q), add(m, ONE_Q))
        }
        int256 g = FixedPointTables.lnPoly(_sarMul(s, s, 125)); // L4
        l = _sarMul(s, g, 124);
    }

    /// @dev floor(a * b / d) and whether it was inexact, for a 512-bit product.
    /// Reverts FixedPointOverflow when the quotient needs more than 256 bits. d > 0.
    function _mulDivU(uint256 a, uint256 b, uint256 d) internal pure returns (uint256 q, bool inexact) {
        uint256 lo;
        uint256 hi;
        uint256 rem;
        assembly ("memory-safe") {
            let mm := mulmod(a, b, not(0))
            lo := mul(a, b)
            hi := sub(sub(mm, lo), lt(mm, lo)) // a * b = hi * 2^256 + lo
            rem := mulmod(a, b, d)
        }
        inexact = rem != 0;
        if (hi == 0) {
            assembly ("memory-safe") {
                q := div(lo, d) // d > 0
            }
            return (q, inexact);
        }
        if (hi >= d) revert FixedPointOverflow();
        assembly ("memory-safe") {
            // Make the product divisible by d, then divide exactly: strip the
            // powers of two d shares with 2^256, multiply by d's inverse mod 2^256.
            hi := sub(hi, gt(rem, lo))
            lo := sub(lo, rem)
            let twos := and(d, sub(0, d))
            d := div(d, twos)
            lo := div(lo, twos)
            lo := or(lo, mul(hi, add(div(sub(0, twos), twos), 1)))
            let inv := xor(mul(3, d), 2) // correct to 4 bits; each step doubles them
            inv := mul(inv, sub(2, mul(d, inv)))
            inv := mul(inv, sub(2, mul(d, inv)))
            inv := mul(inv, sub(2, mul(d, inv)))
            inv := mul(inv, sub(2, mul(d, inv)))
            inv := mul(inv, sub(2, mul(d, inv)))
            inv := mul(inv, sub(2, mul(d, inv)))
            q := mul(lo, inv)
        }
    }

    /// @dev floor(sqrt(n)). The seed is 2^(bits/2) for an even bit count and
    /// 1.5 * 2^((bits-1)/2) for an odd one: at least the root and at most 1.5 times it.
    /// Newton's relative error from 0.5 goes 0.083, 3.2e-3, 5.1e-6, 1.3e-11, 8.5e-23,
    /// 3.6e-45 < 2^-128: after six unconditional steps r is floor(sqrt n) or one above,
    /// and min(r, n / r) is the floor. (SPEC.md 4.3 fixes only the value; the parity
    /// corpus checks it against the C++'s exact integer square root at every bit length.)
    function _isqrt(uint256 n) internal pure returns (uint256 r) {
        uint256 b = _msb(n); // bits = b + 1 (b = 0 for n < 2)
        assembly ("memory-safe") {
            // b odd (even bit count): 2^((b+1)/2); b even: 3 * 2^(b/2 - 1), or 1 for n < 4
            r := shl(shr(1, add(b, 1)), 1)
            if iszero(and(b, 1)) { r := shr(1, mul(3, shl(shr(1, b), 1))) }
            r := shr(1, add(r, div(n, r)))
            r := shr(1, add(r, div(n, r)))
            r := shr(1, add(r, div(n, r)))
            r := shr(1, add(r, div(n, r)))
            r := shr(1, add(r, div(n, r)))
            r := shr(1, add(r, div(n, r)))
            let q := div(n, r)
            if lt(q, r) { r := q }
        }
    }

    /// @dev Index of the highest set bit of x > 0 (0 for x = 0): CLZ (EIP-7939, Osaka), with
    /// x's lowest bit set so that 0 and 1 both give 0.
    function _msb(uint256 x) internal pure returns (uint256 r) {
        assembly ("memory-safe") {
            r := sub(255, clz(or(x, 1)))
        }
    }

    /// @dev floor(a * b / 2^s) for signed a, b; the caller bounds |a * b| < 2^255.
    function _sarMul(int256 a, int256 b, uint256 s) internal pure returns (int256 r) {
        assembly ("memory-safe") {
            r := sar(s, mul(a, b))
        }
    }

    /// @dev floor(a * b / 2^s) for signed a, unsigned b; the caller bounds |a| * b < 2^255.
    function _sarMulU(int256 a, uint256 b, uint256 s) internal pure returns (int256 r) {
        assembly ("memory-safe") {
            r := sar(s, mul(a, b))
        }
    }

    function _uabs(int256 a) internal pure returns (uint256) {
        unchecked {
            return a < 0 ? uint256(0 - uint256(a)) : uint256(a);
        }
    }
}
