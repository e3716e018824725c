// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {PortfolioMargin} from "./PortfolioMargin.sol";

/// @title EngineCalldata
/// @notice The calldata decoder MarginEngine and MarkEngine share (internal: compiled into
/// each): the standard ABI encoding of their arguments copied into PortfolioMargin's memory
/// structs, one CALLDATACOPY per array of structs or of marks. Against solc's generic
/// calldata-to-memory decoder it saved about 5,400 gas on a 16-leg witness (book and
/// params, measured when it was written); decoding the marks too saved ~1,500 more at 16
/// legs over 4 expiries.
library EngineCalldata {
    /// @dev The first two arguments (book, params; only the book unless `withParams`) as memory
    /// structs, and the int256[][] whose offset is at calldata position `marksAt` (none if 0),
    /// in solc's memory layout:
    /// a struct is one word per member, a dynamic array its length then one word per element,
    /// and a struct or array member (or element) a pointer to its own memory. Every offset and
    /// length is checked against calldatasize before it is read, and bools must be 0 or 1 and
    /// the scenarios' uint8 below 256, as solc's decoder requires; anything else reverts with
    /// empty data. Offsets are below 2^64 and lengths below 2^32 once checked, so no sum wraps.
    function inputs(bool withParams, uint256 marksAt)
        internal
        pure
        returns (PortfolioMargin.Book memory b, PortfolioMargin.Params memory p, int256[][] memory m)
    {
        assembly ("memory-safe") {
            function fail() {
                revert(0, 0)
            }
            function alloc(size) -> ptr {
                ptr := mload(0x40)
                mstore(0x40, add(ptr, size))
            }
            // The position `base` + the offset stored at `at`, where `size` bytes must follow.
            function tail(base, at, size) -> pos {
                let o := calldataload(at)
                if gt(o, 0xffffffffffffffff) { fail() }
                pos := add(base, o)
                if gt(add(pos, size), calldatasize()) { fail() }
            }
            // The length word at `pos` for elements of `size` bytes each, all inside calldata.
            function count(pos, size) -> n {
                n := calldataload(pos)
                if gt(n, 0xffffffff) { fail() }
                if gt(add(add(pos, 32), mul(n, size)), calldatasize()) { fail() }
            }
            // An array of n static structs of `words` words at `src` (after its length word),
            // the word `flag` of each (flag < words) checked to be at most `flagMax`. The structs
            // lie back to back in calldata as in memory: one copy, then the pointer table.
            function structs(src, n, words, flag, flagMax) -> arr {
                let size := shl(5, words)
                let table := shl(5, add(n, 1))
                arr := alloc(add(table, mul(n, size)))
                mstore(arr, n)
                let item := add(arr, table)
                calldatacopy(item, src, mul(n, size))
                let bad := 0
                for { let at := add(arr, 32) } lt(at, add(arr, table)) { at := add(at, 32) } {
                    mstore(at, item)
                    bad := or(bad, gt(mload(add(item, shl(5, flag))), flagMax))
                    item := add(item, size)
                }
                if bad { fail() }
            }
            // Book: 8 ints, then expiries (Expiry: 7 ints, then legs of Leg: 3 ints and a bool)
            // and collaterals (Collateral: 5 ints and a bool).
            let book := tail(4, 4, 320)
            b := alloc(320)
            calldatacopy(b, book, 256)
            let at := tail(book, add(book, 256), 32)
            let n := count(at, 32)
            let expiries := alloc(shl(5, add(n, 1)))
            mstore(expiries, n)
            for { let i := 0 } lt(i, n) { i := add(i, 1) } {
                let x := tail(add(at, 32), add(at, shl(5, add(i, 1))), 256)
                let e := alloc(256)
                calldatacopy(e, x, 224)
                let legs := tail(x, add(x, 224), 32)
                mstore(add(e, 224), structs(add(legs, 32), count(legs, 128), 4, 3, 1))
                mstore(add(expiries, shl(5, add(i, 1))), e)
            }
            mstore(add(b, 256), expiries)
            let collaterals := tail(book, add(book, 288), 32)
            mstore(add(b, 288), structs(add(collaterals, 32), count(collaterals, 192), 6, 5, 1))
            // Params: scenarios (Scenario: int, uint8, int), then 34 ints.
            if withParams {
                let params := tail(4, 36, 1120)
                p := alloc(1120)
                calldatacopy(add(p, 32), add(params, 32), 1088)
                let scenarios := tail(params, params, 32)
                mstore(p, structs(add(scenarios, 32), count(scenarios, 96), 3, 1, 0xff))
            }
            // Marks: int256[][], each inner array copied whole (its length word included).
            if marksAt {
                let outer := tail(4, marksAt, 32)
                let ne := count(outer, 32)
                m := alloc(shl(5, add(ne, 1)))
                mstore(m, ne)
                for { let i := 0 } lt(i, ne) { i := add(i, 1) } {
                    let inner := tail(add(outer, 32), add(outer, shl(5, add(i, 1))), 32)
                    let size := shl(5, add(count(inner, 32), 1))
                    let units := alloc(size)
                    calldatacopy(units, inner, size)
                    mstore(add(m, shl(5, add(i, 1))), units)
                }
            }
        }
    }
}
