/// What one dataset row gave: its system message's facets, findings and
/// length, or why it has none. Small, so results of many rows stay cheap.
public struct DatasetRowResult: Sendable {
    public struct RowFinding: Sendable, Codable, Equatable {
        public var rule: String
        public var severity: Severity
        public var message: String
        /// 1-based line and column (in UTF-16 code units, as editors count) within the system message.
        public var line: Int
        public var column: Int
    }

    /// 1-based row number, and the file line the row starts on.
    public var row: Int
    public var line: Int
    public var format: DatasetFormat?
    /// Why the row has no analysed message.
    public var problem: String?
    public var characters = 0
    /// Bit `n` set when facet `Facet.allCases[n]` is covered.
    public var facetMask: UInt8 = 0
    public var findings: [RowFinding] = []
    /// FNV-1a of the message bytes, for duplicates.
    public var hash: UInt64 = 0
    /// The first characters of the message, kept for duplicates only.
    public var excerpt = ""

    public init(row: Int, line: Int) {
        self.row = row
        self.line = line
    }

    /// Analyses one row's bytes.
    public static func analyze(_ bytes: [UInt8], row: Int, line: Int, configuration: FacetConfiguration) -> DatasetRowResult {
        var result = DatasetRowResult(row: row, line: line)
        let located: LocatedMessage
        switch SystemMessageLocator.locate(bytes, decode: false) {
        case .success(let found): located = found
        case .failure(let error):
            result.problem = error.description
            return result
        }
        result.format = located.format
        // The message's own bytes, as a file's are read: decoded to a String, its invalid
        // UTF-8 became U+FFFD and the row had no invalid-encoding finding.
        let source = SourceText(bytes: JSONString.bytes(bytes[located.literal]))
        result.characters = characterCount(source.bytes)
        result.hash = fnv1a(source.bytes)
        let analysis = Analyzer.analyze(source, configuration: configuration)
        for (facet, units) in analysis.profile.facetUnits where !units.isEmpty { result.facetMask |= 1 << facet.order }
        result.findings = analysis.findings.map { finding in
            // UTF-8 byte columns, as `facet check` gives for files; counted in UTF-16
            // they cost a walk from the line start per finding (a long row took seconds).
            let position = source.lines.positionInFile(of: finding.range.lowerBound, encoding: .utf8)
            return RowFinding(rule: finding.rule, severity: finding.severity, message: finding.message, line: position.line + 1, column: position.column + 1)
        }
        result.excerpt = String(String(decoding: source.bytes, as: UTF8.self).prefix(80))
        return result
    }

    static func fnv1a(_ bytes: [UInt8]) -> UInt64 {
        bytes.withUnsafeBufferPointer { buffer in
            var hash: UInt64 = 0xcbf29ce484222325
            for byte in buffer {
                hash ^= UInt64(byte)
                hash = hash &* 0x100000001b3
            }
            return hash
        }
    }

    /// Characters (Unicode scalars): every byte that is not a UTF-8 continuation byte.
    static func characterCount(_ bytes: [UInt8]) -> Int {
        bytes.withUnsafeBufferPointer { buffer in
            var count = 0
            for byte in buffer where byte & 0xC0 != 0x80 { count += 1 }
            return count
        }
    }
}

/// Aggregates over a dataset, fed one row at a time in row order. Memory grows
/// only with the number of distinct messages (one hash each, for duplicates).
public struct DatasetSummary: Sendable, Codable, Equatable {
    public struct Duplicate: Sendable, Codable, Equatable {
        public var rows: [Int]
        public var count: Int
        public var excerpt: String

        public init(rows: [Int], count: Int, excerpt: String) {
            self.rows = rows
            self.count = count
            self.excerpt = excerpt
        }
    }

    public struct Lengths: Sendable, Codable, Equatable {
        public static let bucketWidth = 250
        public static let bucketCount = 12
        /// Nil until a message is counted: a dataset without one has no shortest or longest
        /// (the JSON summary gave Int.max as the minimum of an empty file).
        public var min: Int?
        public var max: Int?
        public var total = 0
        /// Messages per 250-character bucket; the last holds everything longer.
        public var buckets = [Int](repeating: 0, count: bucketCount)

        enum CodingKeys: String, CodingKey { case min, max, total, buckets }

        public init() {}

        /// `min` and `max` are written as null rather than left out, so every summary has the same keys.
        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(min, forKey: .min)
            try container.encode(max, forKey: .max)
            try container.encode(total, forKey: .total)
            try container.encode(buckets, forKey: .buckets)
        }

        mutating func add(_ characters: Int) {
            min = Swift.min(min ?? characters, characters)
            max = Swift.max(max ?? characters, characters)
            total += characters
            buckets[Swift.min(characters / Self.bucketWidth, Self.bucketCount - 1)] += 1
        }

        /// The bucket holding the p-th percentile (0...1), as its range's upper end (the last: the maximum).
        public func percentile(_ p: Double) -> Int {
            let count = buckets.reduce(0, +)
            guard count > 0, let max else { return 0 }
            let target = Int((Double(count) * p).rounded(.up))
            var seen = 0
            for (index, n) in buckets.enumerated() {
                seen += n
                if seen >= Swift.max(1, target) { return index == Self.bucketCount - 1 ? max : Swift.min(max, (index + 1) * Self.bucketWidth) }
            }
            return max
        }
    }

    public var rows = 0
    public var messages = 0
    public var formats: [String: Int] = [:]
    /// Rows without an analysed message: reason → count, and the first rows.
    public var skipped: [String: Int] = [:]
    public var skippedRows: [Int] = []
    /// Messages covering each facet.
    public var facetCoverage: [String: Int] = [:]
    /// Messages by how many of the seven facets they cover (index 0...7).
    public var facetsPerMessage = [Int](repeating: 0, count: 8)
    /// Rule → (rows with it, findings).
    public var findingRows: [String: Int] = [:]
    public var findingCounts: [String: Int] = [:]
    public var errors = 0
    public var lengths = Lengths()
    public var duplicates: [Duplicate] = []
    public var duplicateRows = 0

    private var seen: [UInt64: Int] = [:]
    private var duplicateIndex: [UInt64: Int] = [:]

    enum CodingKeys: String, CodingKey {
        case rows, messages, formats, skipped, skippedRows, facetCoverage, facetsPerMessage, findingRows, findingCounts, errors, lengths, duplicates, duplicateRows
    }

    public init() {}

    public mutating func add(_ result: DatasetRowResult) {
        rows += 1
        guard let format = result.format else {
            let reason = result.problem ?? "no system message"
            let key = reason.hasPrefix("not valid JSON") ? "not valid JSON" : reason
            skipped[key, default: 0] += 1
            if skippedRows.count < 20 { skippedRows.append(result.row) }
            return
        }
        messages += 1
        formats[format.rawValue, default: 0] += 1
        var covered = 0
        for (index, facet) in Facet.allCases.enumerated() where result.facetMask & (1 << index) != 0 {
            facetCoverage[facet.rawValue, default: 0] += 1
            covered += 1
        }
        facetsPerMessage[covered] += 1
        var rules = Set<String>()
        for finding in result.findings {
            findingCounts[finding.rule, default: 0] += 1
            rules.insert(finding.rule)
            if finding.severity == .error { errors += 1 }
        }
        for rule in rules { findingRows[rule, default: 0] += 1 }
        lengths.add(result.characters)
        if let first = seen[result.hash] {
            duplicateRows += 1
            if let index = duplicateIndex[result.hash] {
                duplicates[index].count += 1
                if duplicates[index].rows.count < 10 { duplicates[index].rows.append(result.row) }
            } else {
                duplicateIndex[result.hash] = duplicates.count
                duplicates.append(Duplicate(rows: [first, result.row], count: 2, excerpt: result.excerpt))
            }
        } else {
            seen[result.hash] = result.row
        }
    }

    /// Duplicated messages, most repeated first.
    public var topDuplicates: [Duplicate] { duplicates.sorted { $0.count != $1.count ? $0.count > $1.count : $0.rows[0] < $1.rows[0] } }
}
