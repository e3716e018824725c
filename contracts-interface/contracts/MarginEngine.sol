// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {PortfolioMargin} from "./PortfolioMargin.sol";

/// @title MarginEngine
/// @notice PortfolioMargin as a stateless deployed contract, so that the accounts contract
/// stays under EIP-170's code size: the same functions, the same integers, the same reverts.
contract MarginEngine {
    /// @notice PortfolioMargin.witness: scenario `id` alone and the MM it implies.
    function witness(PortfolioMargin.Book calldata b, PortfolioMargin.Params calldata p, uint256 id)
        external
        pure
        returns (PortfolioMargin.Witness memory)
    {
        return PortfolioMargin.witness(b, p, id);
    }

    /// @notice PortfolioMargin.grid: every scenario, IM, MM and the verdict.
    function grid(PortfolioMargin.Book calldata b, PortfolioMargin.Params calldata p) external pure returns (PortfolioMargin.Grid memory) {
        return PortfolioMargin.grid(b, p);
    }
}
