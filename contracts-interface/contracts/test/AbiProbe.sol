// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {PortfolioMargin} from "../PortfolioMargin.sol";

/// @notice Test probe: the EVM's own keccak256 and abi.encode, for the cross-check of
/// the C++ keccak256 and ABI codec (contracts-interface/harness/keccak.js, abi.js).
/// Each `eN` decodes its calldata with Solidity's decoder (reverting on malformed
/// data) and returns abi.encode of the same arguments.
contract AbiProbe {
    struct Inner {
        int256 a;
        bool b;
        bytes c;
    }

    struct Pair {
        address who;
        bytes4 tag;
    }

    struct Deep {
        int64 x;
        Pair[2] pairs;
        string[] names;
    }

    function hash(bytes calldata data) external pure returns (bytes32) { return keccak256(data); }

    function e1(uint256 a, int8 b, address c, bool d, bytes32 e, bytes memory f, string memory g) external pure returns (bytes memory) {
        return abi.encode(a, b, c, d, e, f, g);
    }

    function e2(int256[] memory a, Inner[] memory b, uint16[3] memory c) external pure returns (bytes memory) {
        return abi.encode(a, b, c);
    }

    function e3(Deep[] memory a, bytes[] memory b, int24 c) external pure returns (bytes memory) {
        return abi.encode(a, b, c);
    }

    function e4(uint8[][2] memory a, bytes7 b, uint40 c) external pure returns (bytes memory) {
        return abi.encode(a, b, c);
    }

    /// MarginAccounts' input: abi.encode(book, params, scenarioId).
    function e5(PortfolioMargin.Book memory b, PortfolioMargin.Params memory p, uint256 id) external pure returns (bytes memory) {
        return abi.encode(b, p, id);
    }
}
