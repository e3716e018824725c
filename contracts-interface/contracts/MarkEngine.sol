// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {PortfolioMargin} from "./PortfolioMargin.sol";
import {EngineCalldata} from "./EngineCalldata.sol";

/// @title MarkEngine
/// @notice The mark cache's pricing as a stateless deployed contract: PortfolioMargin.marks, the
/// value of one unit of every leg at the book's market, which MarginAccounts caches per series
/// at every oracle push (Listings.price). Apart from MarginEngine (the witness and the grid) so
/// that each stays well under EIP-170's code size; the house holds both addresses.
contract MarkEngine {
    /// @notice PortfolioMargin.marks: each leg's value at the book's market (what MarginAccounts
    /// caches per series at every oracle update).
    function marks(PortfolioMargin.Book calldata) external pure returns (int256[][] memory) {
        (PortfolioMargin.Book memory b,,) = EngineCalldata.inputs(false, 0);
        return PortfolioMargin.marks(b);
    }
}
