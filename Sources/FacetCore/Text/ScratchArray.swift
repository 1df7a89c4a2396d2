/// A growable array of plain values for a buffer that is emptied and refilled
/// many times (once per unit, or per word). An `Array` checks on every append
/// and every write that its storage is not shared (a call into the runtime),
/// and empties itself through a general `replaceSubrange`; this one owns its
/// storage alone, as a noncopyable value, so it needs neither: emptying it
/// sets its count. Indexing is bounds-checked, as an `Array`'s is.
struct ScratchArray<Element: BitwiseCopyable>: ~Copyable {
    private var base: UnsafeMutablePointer<Element>
    private(set) var capacity: Int
    private(set) var count = 0

    init(capacity: Int = 16) {
        self.capacity = max(capacity, 1)
        base = .allocate(capacity: self.capacity)
    }

    init(repeating value: Element, count: Int) {
        self.init(capacity: count)
        base.initialize(repeating: value, count: count)
        self.count = count
    }

    deinit { base.deallocate() }

    /// The elements, valid until the next change to the array.
    var elements: UnsafeBufferPointer<Element> { UnsafeBufferPointer(start: base, count: count) }

    /// The elements to change in place, valid until the next change to the array's length.
    var mutableElements: UnsafeMutableBufferPointer<Element> { UnsafeMutableBufferPointer(start: base, count: count) }

    subscript(index: Int) -> Element {
        get {
            precondition(index >= 0 && index < count, "ScratchArray index out of range")
            return base[index]
        }
        set {
            precondition(index >= 0 && index < count, "ScratchArray index out of range")
            base[index] = newValue
        }
    }

    @inline(__always)
    mutating func append(_ element: Element) {
        if count == capacity { grow(to: capacity * 2) }
        (base + count).initialize(to: element)
        count += 1
    }

    mutating func append(contentsOf other: UnsafeBufferPointer<Element>) {
        if count + other.count > capacity { grow(to: max(capacity * 2, count + other.count)) }
        if let start = other.baseAddress { (base + count).initialize(from: start, count: other.count) }
        count += other.count
    }

    /// Empties the array, keeping its storage.
    @inline(__always)
    mutating func removeAll() { count = 0 }

    /// Keeps the first `newCount` elements.
    mutating func truncate(to newCount: Int) {
        precondition(newCount >= 0 && newCount <= count, "ScratchArray truncated past its end")
        count = newCount
    }

    private mutating func grow(to newCapacity: Int) {
        let grown = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
        grown.initialize(from: base, count: count)
        base.deallocate()
        base = grown
        capacity = newCapacity
    }
}

extension ScratchArray where Element: Comparable {
    /// Sorts the elements in place, as `Array.sort()` does.
    mutating func sort() {
        var elements = mutableElements
        elements.sort()
    }
}
