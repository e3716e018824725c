// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {PortfolioMargin} from "./PortfolioMargin.sol";
import {EngineCalldata} from "./EngineCalldata.sol";

/// @title MarginEngine
/// @notice PortfolioMargin's witness check (one scenario: the liquidation test of DESIGN.md
/// section 7) as a stateless deployed contract: the same function, the same integers, the same
/// reverts. The house's other two uses of the model are contracts of their own, so that each
/// has headroom under EIP-170's 24,576 bytes: GridEngine (the full grid: the margin checks) and
/// MarkEngine (the mark cache's pricing).
/// @dev The functions take the standard ABI encoding of their arguments and copy the book,
/// params and marks into the library's memory structs with EngineCalldata.inputs, a decoder
/// for exactly these types.
contract MarginEngine {
    /// @notice PortfolioMargin.witness: scenario `id` alone and the MM it implies. `marks`:
    /// `marks(book)` (a clearing house's cached values) or empty, to price the legs here.
    /// Reverts with empty data on malformed calldata (as solc's decoder would).
    function witness(PortfolioMargin.Book calldata, PortfolioMargin.Params calldata, uint256 id, int256[][] calldata)
        external
        pure
        returns (PortfolioMargin.Witness memory)
    {
        (PortfolioMargin.Book memory b, PortfolioMargin.Params memory p, int256[][] memory m) = EngineCalldata.inputs(true, 100);
        return PortfolioMargin.witness(b, p, id, m);
    }
}
