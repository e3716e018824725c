// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {FixedPoint} from "../FixedPoint.sol";
import {Black76} from "../Black76.sol";

/// @notice Test harness: every FixedPoint operation as an external function, so the
/// parity runner can call them one by one on the EVM. `gas_*` return the gas one
/// internal call costs (gasleft() before and after, so it includes ~30 gas of
/// call and measurement overhead) for the gas table.
contract FixedPointHarness {
    function add(int256 a, int256 b) external pure returns (int256) { return FixedPoint.add(a, b); }
    function sub(int256 a, int256 b) external pure returns (int256) { return FixedPoint.sub(a, b); }
    function neg(int256 a) external pure returns (int256) { return FixedPoint.neg(a); }
    function abs(int256 a) external pure returns (int256) { return FixedPoint.abs(a); }
    function min(int256 a, int256 b) external pure returns (int256) { return FixedPoint.min(a, b); }
    function max(int256 a, int256 b) external pure returns (int256) { return FixedPoint.max(a, b); }
    function cmp(int256 a, int256 b) external pure returns (int256) { return a < b ? int256(-1) : (a == b ? int256(0) : int256(1)); }
    function mul(int256 a, int256 b, uint8 r) external pure returns (int256) { return FixedPoint.mul(a, b, r); }
    function div(int256 a, int256 b, uint8 r) external pure returns (int256) { return FixedPoint.div(a, b, r); }
    function mul_div(int256 a, int256 b, int256 c, uint8 r) external pure returns (int256) { return FixedPoint.mulDiv(a, b, c, r); }
    function exp(int256 x) external pure returns (int256) { return FixedPoint.exp(x); }
    function ln(int256 x) external pure returns (int256) { return FixedPoint.ln(x); }
    function sqrt(int256 x) external pure returns (int256) { return FixedPoint.sqrt(x); }
    function pow(int256 x, int256 y) external pure returns (int256) { return FixedPoint.pow(x, y); }
    function normal_pdf(int256 x) external pure returns (int256) { return FixedPoint.normalPdf(x); }
    function normal_cdf(int256 x) external pure returns (int256) { return FixedPoint.normalCdf(x); }
    function black76_call(int256 f, int256 k, int256 w) external pure returns (int256) { return Black76.price(f, k, w).call; }
    function black76_put(int256 f, int256 k, int256 w) external pure returns (int256) { return Black76.price(f, k, w).put; }
    function black76_n_d1(int256 f, int256 k, int256 w) external pure returns (int256) { return Black76.price(f, k, w).nD1; }
    function black76_pdf_d1(int256 f, int256 k, int256 w) external pure returns (int256) { return Black76.price(f, k, w).pdfD1; }
    function black76_sqrt_w(int256 f, int256 k, int256 w) external pure returns (int256) { return Black76.price(f, k, w).sqrtW; }
    function total_variance_ext(int256 vol, int256 secs) external pure returns (int256) { return Black76.totalVarianceExt(vol, secs); }
    function sqrt_year_fraction(int256 secs) external pure returns (int256) { return Black76.sqrtYearFraction(secs); }

    /// @dev The measurement's own cost, to subtract: gasleft() twice with nothing between.
    /// Each probe returns its result beside the gas, so that the optimizer cannot drop the
    /// computation as unused (a pure call whose result is discarded may be removed).
    function gas_nop() external view returns (uint256 g) { g = gasleft(); g -= gasleft(); }
    function gas_mul(int256 a, int256 b, uint8 r) external view returns (uint256 g, int256 v) { g = gasleft(); v = FixedPoint.mul(a, b, r); g -= gasleft(); }
    function gas_div(int256 a, int256 b, uint8 r) external view returns (uint256 g, int256 v) { g = gasleft(); v = FixedPoint.div(a, b, r); g -= gasleft(); }
    function gas_mul_div(int256 a, int256 b, int256 c, uint8 r) external view returns (uint256 g, int256 v) { g = gasleft(); v = FixedPoint.mulDiv(a, b, c, r); g -= gasleft(); }
    function gas_exp(int256 x) external view returns (uint256 g, int256 v) { g = gasleft(); v = FixedPoint.exp(x); g -= gasleft(); }
    function gas_ln(int256 x) external view returns (uint256 g, int256 v) { g = gasleft(); v = FixedPoint.ln(x); g -= gasleft(); }
    function gas_sqrt(int256 x) external view returns (uint256 g, int256 v) { g = gasleft(); v = FixedPoint.sqrt(x); g -= gasleft(); }
    function gas_pow(int256 x, int256 y) external view returns (uint256 g, int256 v) { g = gasleft(); v = FixedPoint.pow(x, y); g -= gasleft(); }
    function gas_normal_pdf(int256 x) external view returns (uint256 g, int256 v) { g = gasleft(); v = FixedPoint.normalPdf(x); g -= gasleft(); }
    function gas_normal_cdf(int256 x) external view returns (uint256 g, int256 v) { g = gasleft(); v = FixedPoint.normalCdf(x); g -= gasleft(); }
    /// @dev The whole kernel: both prices, N(d1), phi(d1) and sqrt(w).
    function gas_black76_call(int256 f, int256 k, int256 w) external view returns (uint256 g, Black76.Terms memory t) { g = gasleft(); t = Black76.price(f, k, w); g -= gasleft(); }
    /// @dev Both prices alone, as PortfolioMargin prices a leg: the checks, sqrt(w), both
    /// logarithms and B3-B6.
    function gas_black76_prices(int256 f, int256 k, int256 w) external view returns (uint256 g, int256 c, int256 p) {
        g = gasleft();
        Black76.checkArguments(f, k, w);
        uint256 v = Black76.sqrtVariance(w);
        int256 x;
        unchecked {
            x = Black76.lnExt(f) - Black76.lnExt(k); // as PortfolioMargin: both below 2^127.5
        }
        (c, p) = Black76.priceAt(f, k, x, v);
        g -= gasleft();
    }
}
