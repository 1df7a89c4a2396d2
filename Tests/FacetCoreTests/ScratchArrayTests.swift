@testable import FacetCore
import XCTest

/// `ScratchArray` stands in for `Array` in the hot loops: it must hold what an
/// `Array` given the same changes holds, through growth and reuse.
final class ScratchArrayTests: XCTestCase {
    func testHoldsWhatAnArrayGivenTheSameChangesHolds() {
        var scratch = ScratchArray<Int>(capacity: 2)
        var array: [Int] = []
        func same(_ note: String) {
            XCTAssertEqual(Array(scratch.elements), array, note)
            XCTAssertEqual(scratch.count, array.count, note)
        }
        same("new")
        for value in [5, 3, 9, 1, 7, 3, 8] {  // past its first capacity, twice over
            scratch.append(value)
            array.append(value)
        }
        same("appended")
        XCTAssertGreaterThanOrEqual(scratch.capacity, 7)
        scratch[2] = 4
        array[2] = 4
        same("set")
        XCTAssertEqual(scratch[6], 8)
        let more = (0..<40).map { $0 * 3 % 11 }
        more.withUnsafeBufferPointer { scratch.append(contentsOf: $0) }
        array += more
        same("appended many")
        scratch.sort()
        array.sort()
        same("sorted")
        scratch.truncate(to: 10)
        array.removeSubrange(10...)
        same("truncated")
        scratch.removeAll()
        array.removeAll()
        same("emptied")
        scratch.append(42)
        array.append(42)
        same("reused")
        let filled = ScratchArray(repeating: UInt32(7), count: 5)
        XCTAssertEqual(Array(filled.elements), [7, 7, 7, 7, 7])
    }

    func testChangingElementsInPlace() {
        var scratch = ScratchArray<UInt64>()
        for value: UInt64 in [1, 1, 2, 3, 3, 3, 4] { scratch.append(value) }
        scratch.truncate(to: DuplicateInstruction.removeRepeats(scratch.mutableElements))
        XCTAssertEqual(Array(scratch.elements), [1, 2, 3, 4])
    }
}
