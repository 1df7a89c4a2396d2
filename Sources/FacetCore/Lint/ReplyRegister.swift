/// Whether a register word ("formal", "casual") is about the reply, for `ConflictingInstructions`.
///
/// An adjective right before a noun describes that noun: "draft a formal
/// complaint", "a casual meeting" say nothing of how to reply. It is about the
/// reply as an adverb ("write formally"), said of something ("Be formal.",
/// "Keep the conversation casual", "Stay casual with regulars") or before a
/// word for the way one speaks ("a casual tone", "formal English"). After an
/// article or a possessive the adjective stands before a noun even when a list
/// of adjectives follows it ("a casual, friendly invitation", "an informal and
/// upbeat poem"): it is about the reply only when that noun is a word for the
/// way one speaks or for the reply ("a casual, friendly tone", "a casual,
/// friendly reply"); without one, a comma still ends the phrase it is said in
/// ("Be casual, friendly and warm"). So it does right after a verb of making
/// something, whose object the list opens ("Draft casual, friendly
/// invitations", not "Write casual, friendly replies"). A noun the assistant is
/// told to be describes the assistant, so the list before it is about the reply
/// whatever the noun ("Be a casual, friendly presence", "You are a formal
/// assistant"). "Slang" is
/// about the reply when the assistant is told to use some ("use slang", "a bit
/// of slang"), not when it is what users write ("customers write in slang").
/// "Too formal", "overly casual" find fault with a register rather than ask for it.
enum ReplyRegister {
    static let adverbs = WordSet(["formally", "casually", "informally", "colloquially"].map(Tokenizer.hash))
    /// What a register adjective may stand before and still be about the reply.
    static let registerNouns = WordSet(["tone", "tones", "register", "style", "styles", "language", "voice", "manner", "way", "wording",
                                        "phrasing", "vocabulary", "diction", "words", "expressions", "speech", "writing", "prose",
                                        "greetings", "replies", "reply", "responses", "response", "answers", "answer", "messages",
                                        "communication", "conversation", "conversations", "chat", "interactions"].map(Tokenizer.hash))
    /// Words after an adjective that end the phrase it stands in, so it is said of
    /// something rather than before a noun: "be casual with regulars", "formal but warm".
    static let afterPredicative = WordSet(["and", "or", "but", "yet", "with", "in", "to", "for", "when", "whenever", "if", "unless",
                                           "while", "as", "at", "throughout", "during", "about", "than", "enough", "so"].map(Tokenizer.hash))
    /// Before a register word, words that find fault with it: "an overly formal tone", "too casual".
    static let excess = WordSet(["too", "overly", "excessively", "unduly", "needlessly", "unnecessarily"].map(Tokenizer.hash))
    /// How many words may stand between the adjective and its register noun: "a casual conversational tone".
    static let nounReach = 2
    /// Words that put the adjective before a noun: "a casual, friendly invitation", "your formal letters".
    static let determiners = WordSet(["a", "an", "the", "your", "our", "their", "my", "his", "her", "its", "this", "these", "those",
                                      "some", "each", "every", "another"].map(Tokenizer.hash))
    /// Words of degree that may stand between a determiner and the adjective: "a very casual, relaxed dress code".
    static let degrees = WordSet(["very", "more", "less", "slightly", "fairly", "quite", "rather", "somewhat", "really", "extremely",
                                  "highly"].map(Tokenizer.hash))
    /// Verbs of making something, whose object an adjective right after them opens:
    /// "draft casual, friendly invitations", "create formal, clear documents".
    static let makingVerbs = WordSet(["draft", "drafts", "drafting", "write", "writes", "writing", "compose", "composing", "create",
                                      "creating", "prepare", "preparing", "produce", "producing", "generate", "generating", "design",
                                      "designing", "craft", "crafting", "make", "making", "plan", "planning", "organize", "organise",
                                      "organizing", "organising", "suggest", "suggesting", "recommend", "recommending", "propose",
                                      "proposing", "host", "hosting", "arrange", "arranging"].map(Tokenizer.hash))
    /// Before a determiner, words that make the noun phrase what the assistant is:
    /// "be a casual, friendly presence", "you are a formal assistant", "act as a ...".
    static let beingVerbs = WordSet(["be", "being", "become", "remain", "stay"].map(Tokenizer.hash))
    static let are = Tokenizer.hash("are"), youAre = Tokenizer.hash("you're"), act = Tokenizer.hash("act"), asWord = Tokenizer.hash("as")
    /// After a determiner, how many words a list of adjectives may run to its noun: "a casual, friendly, warm and upbeat tone".
    static let listReach = 5

    static let slang = Tokenizer.hash("slang"), use = Tokenizer.hash("use"), of = Tokenizer.hash("of")
    /// Right before "slang", words that ask for some: "use slang", "using slang", "some slang", "a little slang".
    static let askingForSlang = WordSet(["use", "using", "some", "little"].map(Tokenizer.hash))
    /// Before "of slang": "a bit of slang", "a touch of slang".
    static let slangAmounts = WordSet(["bit", "touch", "dash", "pinch", "little", "sprinkle", "sprinkling"].map(Tokenizer.hash))
    /// Before "use", words that make it an instruction: "Use slang", "Feel free to use slang",
    /// "Please use slang"; anything else is more likely its subject ("Many renters use slang").
    static let beforeImperativeUse = WordSet(["to", "please", "and", "also", "always", "freely", "occasionally", "then", "or", "but", "just"]
        .map(Tokenizer.hash))
    /// A modal before "use" asks the assistant when "you" stands before it or nothing does: "You can use slang" (not "Users may use slang").
    static let modals = WordSet(["can", "may", "should", "must", "could", "might", "will"].map(Tokenizer.hash))
    static let you = Tokenizer.hash("you")

    /// Whether `side` has a phrase in `tokens` that is about the reply's register.
    static func asksFor(_ side: PhraseMatcher, in tokens: ArraySlice<Token>, bytes: [UInt8]) -> Bool {
        side.hasMatch(tokens) { first, end in
            if tokens[first].hash == slang { return asksForSlang(tokens, at: first) }
            if first > tokens.startIndex && excess.contains(tokens[first - 1].hash) { return false }
            // "Respond formally", not "Users often write informally".
            if adverbs.contains(tokens[first].hash) { return !UserSubject.isSubject(ofVerbAt: first - 1, in: tokens, bytes) }
            if let determiner = determiner(tokens, adjectiveStart: first, bytes: bytes) {
                return describesTheAssistant(tokens, determiner: determiner) || beforeARegisterNoun(tokens, adjectiveEnd: end, bytes: bytes)
            }
            if first > tokens.startIndex && makingVerbs.contains(tokens[first - 1].hash) && tokens.onlySpaces(after: first - 1, in: bytes) {
                return beforeARegisterNoun(tokens, adjectiveEnd: end, bytes: bytes)
            }
            return saidOfTheReply(tokens, adjectiveEnd: end, bytes: bytes)
        }
    }

    /// Where the determiner stands when one, perhaps with a word of degree after it,
    /// stands right before the adjective starting at `first`: "a casual", "your very formal".
    static func determiner(_ tokens: ArraySlice<Token>, adjectiveStart first: Int, bytes: [UInt8]) -> Int? {
        var index = first - 1
        guard index >= tokens.startIndex, tokens.onlySpaces(after: index, in: bytes) else { return nil }
        if degrees.contains(tokens[index].hash) {
            index -= 1
            guard index >= tokens.startIndex, tokens.onlySpaces(after: index, in: bytes) else { return nil }
        }
        return determiners.contains(tokens[index].hash) ? index : nil
    }

    /// Whether the noun phrase opening with the determiner at `index` is what the
    /// assistant is told it is: "be a", "you are a", "you're the", "act as a".
    static func describesTheAssistant(_ tokens: ArraySlice<Token>, determiner index: Int) -> Bool {
        guard index > tokens.startIndex else { return false }
        let before = tokens[index - 1].hash
        if beingVerbs.contains(before) || before == youAre { return true }
        guard index - 1 > tokens.startIndex else { return false }
        let twoBefore = tokens[index - 2].hash
        return before == are && twoBefore == you || before == asWord && twoBefore == act
    }


    /// Whether a register noun ends the list of adjectives (words, commas, "and")
    /// that starts after the adjective: "a casual, friendly tone", not "a casual,
    /// friendly invitation" nor "a formal complaint, in a calm tone".
    static func beforeARegisterNoun(_ tokens: ArraySlice<Token>, adjectiveEnd end: Int, bytes: [UInt8]) -> Bool {
        var index = end
        while index < min(tokens.endIndex, end + listReach) {
            let gap = bytes[tokens[index - 1].range.upperBound..<tokens[index].range.lowerBound]
            let commaOrSpaces = gap.allSatisfy { $0 == UInt8(ascii: " ") } || gap.first == UInt8(ascii: ",") && gap.dropFirst().allSatisfy { $0 == UInt8(ascii: " ") }
            if !commaOrSpaces || gap.isEmpty { return false }
            if registerNouns.contains(tokens[index].hash) || ConflictingInstructions.languages[tokens[index].hash] != nil { return true }
            index += 1
        }
        return false
    }

    /// Whether an adjective that ends before `end` is said of something ("Be formal.",
    /// "casual with regulars") or stands before a register noun ("formal English").
    static func saidOfTheReply(_ tokens: ArraySlice<Token>, adjectiveEnd end: Int, bytes: [UInt8]) -> Bool {
        var index = end
        while index < min(tokens.endIndex, end + 1 + nounReach) {
            let gap = tokens[index - 1].range.upperBound..<tokens[index].range.lowerBound
            let punctuated = !bytes[gap].allSatisfy { $0 == UInt8(ascii: " ") }
            if index == end && (punctuated || afterPredicative.contains(tokens[index].hash)) { return true }
            if index > end && punctuated { return false }  // "a formal complaint, in a calm tone"
            if registerNouns.contains(tokens[index].hash) || ConflictingInstructions.languages[tokens[index].hash] != nil { return true }
            index += 1
        }
        return end == tokens.endIndex
    }

    /// "Use slang", "using some slang", "a bit of slang"; not "customers write in slang" or "customers use slang".
    static func asksForSlang(_ tokens: ArraySlice<Token>, at index: Int) -> Bool {
        guard index > tokens.startIndex else { return false }
        let before = tokens[index - 1].hash
        if before == of { return index - 2 >= tokens.startIndex && slangAmounts.contains(tokens[index - 2].hash) }
        guard askingForSlang.contains(before) else { return false }
        return before != use || tellsToUse(tokens, at: index - 1)
    }

    /// Whether "use" at `index` is said to the assistant: first, after "to" or "please", or after "you can".
    static func tellsToUse(_ tokens: ArraySlice<Token>, at index: Int) -> Bool {
        guard index > tokens.startIndex else { return true }
        let before = tokens[index - 1].hash
        if beforeImperativeUse.contains(before) { return true }
        return modals.contains(before) && (index - 1 == tokens.startIndex || tokens[index - 2].hash == you)
    }
}
