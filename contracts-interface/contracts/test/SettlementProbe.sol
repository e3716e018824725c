// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Listings} from "../Listings.sol";

/// @notice Test probe: the clearing house's payout formula (Listings.cash, the code every
/// OptionSettled amount comes from) over arrays, for the settlement differential of
/// harness/expiry.js against the C++ engine (margin::option_settlement).
contract SettlementProbe {
    function cashes(int256[] calldata amounts, int256[] calldata strikes, bool[] calldata calls, int256[] calldata prices)
        external
        pure
        returns (int256[] memory out)
    {
        out = new int256[](amounts.length);
        for (uint256 i = 0; i < amounts.length; ++i) out[i] = Listings.cash(amounts[i], strikes[i], calls[i], prices[i]);
    }
}
