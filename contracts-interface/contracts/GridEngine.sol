// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {PortfolioMargin} from "./PortfolioMargin.sol";
import {EngineCalldata} from "./EngineCalldata.sol";

/// @title GridEngine
/// @notice PortfolioMargin's full grid (every scenario, IM, MM and the verdict) as a stateless
/// deployed contract: what MarginAccounts' margin checks (trades, withdrawals, the liquidator's
/// IM) and its fullGrid view run. Apart from MarginEngine (the witness) and MarkEngine (the mark
/// cache) so that each stays well under EIP-170's code size; the house holds the three addresses.
/// @dev The standard ABI encoding of the arguments, copied into PortfolioMargin's memory structs
/// by EngineCalldata.inputs.
contract GridEngine {
    /// @notice PortfolioMargin.grid: every scenario, IM, MM and the verdict. `marks`: `marks(book)`
    /// (a clearing house's cached values) or empty, to price the legs here.
    /// Reverts with empty data on malformed calldata (as solc's decoder would).
    function grid(PortfolioMargin.Book calldata, PortfolioMargin.Params calldata, int256[][] calldata)
        external
        pure
        returns (PortfolioMargin.Grid memory)
    {
        (PortfolioMargin.Book memory b, PortfolioMargin.Params memory p, int256[][] memory m) = EngineCalldata.inputs(true, 68);
        return PortfolioMargin.grid(b, p, m);
    }
}
