/// Two words as a pair of hashes: a key that allocates nothing (an array key would).
struct WordPair: Hashable {
    var first: UInt64
    var second: UInt64
}
