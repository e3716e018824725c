// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {PortfolioMargin} from "../PortfolioMargin.sol";
import {MarginEngine} from "../MarginEngine.sol";
import {GridEngine} from "../GridEngine.sol";

/// @notice Test harness: PortfolioMargin's witness and full grid as external functions over
/// flat int256 arrays (the differential test's encoding, harness/portfolio.js `flatParams`
/// and `flatBook`), so a test can call them without an ABI library. `gas_*` return the gas
/// of the library call alone (decoding and marks excluded) for the gas table.
/// `witness` takes the legs' values from `PortfolioMargin.marks` (as MarginAccounts does,
/// from its cache); `grid` prices them itself (empty marks): the differential test checks
/// both paths against the native engine.
contract PortfolioHarness {
    function witness(int256[] calldata params, int256[] calldata book, uint256 id)
        external
        pure
        returns (int256 pnl, int256 equity, int256 maintenance, bool liquidatable)
    {
        PortfolioMargin.Book memory b = decodeBook(book);
        PortfolioMargin.Witness memory w = PortfolioMargin.witness(b, decodeParams(params), id, PortfolioMargin.marks(b));
        return (w.pnl, w.equity, w.maintenance, w.liquidatable);
    }

    function grid(int256[] calldata params, int256[] calldata book) external pure returns (PortfolioMargin.Grid memory) {
        return PortfolioMargin.grid(decodeBook(book), decodeParams(params), new int256[][](0));
    }

    /// @notice Calldata for MarginEngine.witness(book, params, id, marks) (`grid` false) or
    /// GridEngine.grid(book, params, marks), by solc's own ABI encoder: the engines' decoder
    /// is tested against it (harness/portfolio.js). `marked`: marks = PortfolioMargin.marks(book),
    /// else empty.
    function engineCall(int256[] calldata params, int256[] calldata book, uint256 id, bool grid, bool marked)
        external
        pure
        returns (bytes memory)
    {
        PortfolioMargin.Book memory b = decodeBook(book);
        PortfolioMargin.Params memory p = decodeParams(params);
        int256[][] memory m = marked ? PortfolioMargin.marks(b) : new int256[][](0);
        return grid ? abi.encodeCall(GridEngine.grid, (b, p, m)) : abi.encodeCall(MarginEngine.witness, (b, p, id, m));
    }

    /// @notice MarginAccounts' input hash of this book: keccak256(abi.encode(book, params, id)).
    function inputHash(int256[] calldata params, int256[] calldata book, uint256 id) external pure returns (bytes32) {
        return keccak256(abi.encode(decodeBook(book), decodeParams(params), id));
    }

    function gas_witness(int256[] calldata params, int256[] calldata book, uint256 id) external view returns (uint256 g) {
        PortfolioMargin.Book memory b = decodeBook(book);
        PortfolioMargin.Params memory p = decodeParams(params);
        int256[][] memory m = PortfolioMargin.marks(b);
        g = gasleft();
        PortfolioMargin.witness(b, p, id, m);
        g -= gasleft();
    }

    function gas_grid(int256[] calldata params, int256[] calldata book) external view returns (uint256 g) {
        PortfolioMargin.Book memory b = decodeBook(book);
        PortfolioMargin.Params memory p = decodeParams(params);
        int256[][] memory m = PortfolioMargin.marks(b);
        g = gasleft();
        PortfolioMargin.grid(b, p, m);
        g -= gasleft();
    }

    function decodeParams(int256[] calldata a) public pure returns (PortfolioMargin.Params memory p) {
        uint256 n = uint256(a[0]);
        uint256 i = 1;
        p.scenarios = new PortfolioMargin.Scenario[](n);
        for (uint256 s = 0; s < n; ++s) {
            p.scenarios[s] = PortfolioMargin.Scenario(a[i], uint8(uint256(a[i + 1])), a[i + 2]);
            i += 3;
        }
        p.rangeUp = a[i++];
        p.rangeDown = a[i++];
        p.shortTermPower = a[i++];
        p.longTermPower = a[i++];
        p.minVolUp = a[i++];
        p.dteFloorSeconds = a[i++];
        p.linearBaseCap = a[i++];
        p.linearCBase = a[i++];
        p.absBaseCap = a[i++];
        p.absCBase = a[i++];
        p.minKStar = a[i++];
        p.widthScale = a[i++];
        p.volParamStatic = a[i++];
        p.volParamScale = a[i++];
        p.imFactor = a[i++];
        p.mmFactor = a[i++];
        p.longRateMult = a[i++];
        p.longRateAdd = a[i++];
        p.shortRateMult = a[i++];
        p.shortRateAdd = a[i++];
        p.longBaseDiscount = a[i++];
        p.shortBaseDiscount = a[i++];
        p.basisUp = a[i++];
        p.basisDown = a[i++];
        p.basisAdd = a[i++];
        p.basisMult = a[i++];
        p.pegThreshold = a[i++];
        p.pegFactor = a[i++];
        p.confidenceThreshold = a[i++];
        p.confidenceMargin = a[i++];
        p.mmPerpPercent = a[i++];
        p.imPerpPercent = a[i++];
        p.mmOptionPercent = a[i++];
        p.imOptionPercent = a[i++];
        require(i == a.length, "params length");
    }

    function decodeBook(int256[] calldata a) public pure returns (PortfolioMargin.Book memory b) {
        b.cash = a[0];
        b.spot = a[1];
        b.spotConfidence = a[2];
        b.stablePrice = a[3];
        b.perpPosition = a[4];
        b.perpPrice = a[5];
        b.perpEntry = a[6];
        b.perpConfidence = a[7];
        uint256 ne = uint256(a[8]);
        uint256 i = 9;
        b.expiries = new PortfolioMargin.Expiry[](ne);
        for (uint256 j = 0; j < ne; ++j) {
            PortfolioMargin.Expiry memory e = b.expiries[j];
            e.secondsToExpiry = a[i];
            e.forward = a[i + 1];
            e.forwardConfidence = a[i + 2];
            e.rate = a[i + 3];
            e.discount = a[i + 4];
            e.futures = a[i + 5];
            e.futuresEntry = a[i + 6];
            uint256 nl = uint256(a[i + 7]);
            i += 8;
            e.legs = new PortfolioMargin.Leg[](nl);
            for (uint256 l = 0; l < nl; ++l) {
                e.legs[l] = PortfolioMargin.Leg(a[i], a[i + 1], a[i + 2], a[i + 3] != 0);
                i += 4;
            }
        }
        uint256 nc = uint256(a[i++]);
        b.collaterals = new PortfolioMargin.Collateral[](nc);
        for (uint256 j = 0; j < nc; ++j) {
            b.collaterals[j] = PortfolioMargin.Collateral(a[i], a[i + 1], a[i + 2], a[i + 3], a[i + 4], a[i + 5] != 0);
            i += 6;
        }
        require(i == a.length, "book length");
    }
}
