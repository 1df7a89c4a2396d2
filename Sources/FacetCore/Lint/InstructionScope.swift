/// Whether an instruction says to whom or to what it applies, without "if" or
/// "when": "For technical questions, explain every step", "Respond in Spanish to
/// customers in Mexico". Such an instruction is an exception to a general one,
/// not a contradiction of it, so `ConflictingInstructions` treats it as it treats
/// a condition.
enum InstructionScope {
    /// Words that open a scoping phrase at the start of a unit ("For beginners, ...").
    static let openers = WordSet(["for", "in", "with", "during", "on", "within", "inside", "under", "among", "regarding",
                                  "to", "after", "before", "once", "while", "at"].map(Tokenizer.hash))
    /// Prepositions that scope an instruction from behind ("... to customers in Mexico").
    static let trailing = WordSet(["for", "to", "with"].map(Tokenizer.hash))
    /// Who or what an instruction may be limited to: people, and the things and
    /// situations it may be about ("technical questions", "casual conversation").
    static let audiences = WordSet((peopleWords + groupWords + [
        "question", "questions", "request", "requests", "query", "queries", "task", "tasks", "topic", "topics",
        "issue", "issues", "review", "reviews", "problem", "problems", "case", "cases", "message", "messages",
        "email", "emails", "post", "posts", "ticket", "tickets", "channel", "channels", "platform", "platforms",
        "conversation", "conversations", "chat", "chats", "situation", "situations", "emergency", "emergencies", "error", "errors",
        "onboarding", "mode"]).map(Tokenizer.hash))
    /// The audiences that are people. After "with" only these say to whom an
    /// instruction applies ("with enterprise customers"); a thing says how ("with
    /// a friendly message", "with short messages").
    static let people = WordSet((peopleWords + groupWords).map(Tokenizer.hash))
    static let peopleWords = ["user", "users", "customer", "customers", "client", "clients", "people", "person", "visitor", "visitors",
                              "student", "child", "kid", "beginner", "expert", "developer", "developers", "engineer", "engineers",
                              "patient", "patients", "member", "members", "employee", "employees", "partner", "partners",
                              "audience", "audiences", "reader", "readers", "friend", "friends", "family", "colleague", "colleagues",
                              "speaker", "speakers"]
    /// People one word sets apart from the rest, so that alone it says to whom an
    /// instruction applies ("For beginners, ...", "... to guests", "Admins: ...").
    /// Not the words for everyone a message speaks to ("users", "customers",
    /// "people"), nor ones that are everyone in some messages ("developers" to a
    /// coding assistant, "patients", "members", "employees"), nor a bare "speakers"
    /// ("Spanish speakers" is two words).
    static let groupWords = ["beginners", "novices", "newcomers", "experts", "specialists", "admins", "administrators",
                             "moderators", "children", "kids", "teens", "teenagers", "minors", "adults", "seniors", "guests",
                             "students", "teachers", "parents"]
    static let groups = WordSet(groupWords.map(Tokenizer.hash))
    /// Words after an audience that narrow it: "customers in Mexico", "users who ask".
    static let narrowers = WordSet(["in", "from", "who", "that", "which", "on", "at", "using", "asking", "with", "of", "about"].map(Tokenizer.hash))
    /// Words that make an opening phrase cover everything again: "In general,", "In
    /// short,", "For all users,", "In your replies,", "For example,".
    static let widening = WordSet(["all", "every", "any", "each", "general", "short", "summary", "brief", "addition", "particular",
                                   "conclusion", "other", "example", "instance", "your", "times", "order", "sum", "essence", "fact",
                                   "that", "this", "said", "words", "reply", "replies", "answer", "answers", "response", "responses",
                                   "output"].map(Tokenizer.hash))
    /// Words before an audience that do not narrow it: "to user questions", "for all users".
    static let generic = WordSet(["all", "every", "any", "each", "user", "user's", "users'", "customer's", "customers'", "client's",
                                  "clients'", "other", "such", "incoming", "this", "that", "these", "those", "their", "his", "her",
                                  "its", "general", "wider", "broad", "following", "same"].map(Tokenizer.hash))
    /// Lowercase words that sort people or requests, so that after a bare "to" they
    /// are a modifier and not a verb: "to new customers", "to returning users", "to
    /// enterprise clients" (but "to help customers", "to serve customers"). A list,
    /// not a guess from the ending: "to helping customers" is a verb.
    static let audienceModifiers = WordSet(["new", "returning", "existing", "current", "former", "prospective", "potential", "regular",
                                            "loyal", "occasional", "first-time", "paying", "paid", "premium", "enterprise", "business",
                                            "corporate", "commercial", "retail", "wholesale", "vip", "trial", "guest", "registered",
                                            "unregistered", "verified", "anonymous", "international", "domestic", "local", "foreign",
                                            "overseas", "young", "younger", "older", "elderly", "senior", "junior", "adult", "technical",
                                            "non-technical", "advanced", "novice", "inexperienced", "experienced", "professional",
                                            "academic", "internal", "external", "individual", "small", "large"].map(Tokenizer.hash))
    /// Determiners that may stand before the audience without widening it.
    static let determiners = WordSet(["a", "an", "the", "your", "our", "my"].map(Tokenizer.hash))
    /// How many words an opening phrase may have before its comma.
    static let openingReach = 8

    /// "For technical questions, ...": a preposition, words that name an audience
    /// or a situation (`namesAudience`), then a comma (or a colon). "To be clear,",
    /// "For best results,", "For users,", "For user questions," and "In the chat,"
    /// limit nothing.
    /// Without a preposition, a label that names an audience (`labelsAudience`);
    /// without a comma, a phrase that ends on its audience (`opensWithAudience`).
    static func opensWithScope(_ tokens: ArraySlice<Token>, _ bytes: [UInt8]) -> Bool {
        guard let first = tokens.first else { return false }
        guard openers.contains(first.hash) else { return labelsAudience(tokens, bytes) }
        if let end = phraseEnd(tokens, bytes, colonOnly: false), namesAudience(tokens[(tokens.startIndex + 1)..<end]) { return true }
        return opensWithAudience(tokens, bytes)
    }

    /// "For enterprise clients explain every step": with no comma to end it, the
    /// phrase is read as far as its audience, as at the end of a unit: a determiner,
    /// one or two modifiers ("For the users be brief" names no one in particular)
    /// and the audience, or a group alone ("For beginners explain ..."), then the instruction (not a narrower or "and", as where
    /// those end is unknown), with only spaces between ("For thorough instructions,
    /// review ..." is not about reviews). Decided by `namesAudience`, as with a
    /// comma, and besides: a generic word ("For the technical user"), a language
    /// ("In French write to customers": how, not to whom) or a preposition limits
    /// nothing; after "to" the first word must be a modifier ("To help customers
    /// explain ..." says why, not to whom).
    static func opensWithAudience(_ tokens: ArraySlice<Token>, _ bytes: [UInt8]) -> Bool {
        var cursor = tokens.startIndex + 1
        if cursor < tokens.endIndex && determiners.contains(tokens[cursor].hash) { cursor += 1 }
        guard let head = tokens[cursor..<min(tokens.endIndex, cursor + 3)].firstIndex(where: { audiences.contains($0.hash) }) else { return false }
        var last = head
        while last + 1 < tokens.endIndex && audiences.contains(tokens[last + 1].hash) { last += 1 }  // "customer questions"
        guard last + 1 < tokens.endIndex, !narrowers.contains(tokens[last + 1].hash), !joiners.contains(tokens[last + 1].hash) else { return false }
        let phrase = tokens[(tokens.startIndex + 1)...last]
        for index in phrase.startIndex...(last + 1) where !tokens.onlySpaces(after: index - 1, in: bytes) { return false }
        guard namesAudience(phrase), !phrase.contains(where: { generic.contains($0.hash) || openers.contains($0.hash)
                                                              || ConflictingInstructions.languages[$0.hash] != nil }) else { return false }
        return tokens[tokens.startIndex].hash != toWord || modifiesAfterTo(phrase[phrase.startIndex])
    }

    /// "Mexican customers: reply in Spanish", "Customers in Mexico: ...": a label
    /// and a colon. Decided as an opening phrase is, and besides: the label's head
    /// (its last audience word, which ends it or a narrower follows) is people, as
    /// a label naming a thing is most often a topic ("Handling multi-part
    /// questions:", "Use sentence case:", "Customer support guidelines:"); and a
    /// generic word ("All customers:", "Customers' questions:") limits nothing.
    /// A label that opens with an -ing verb is a topic too ("Replying to users:",
    /// "Communicating with customers:"), unless the word sorts people ("Returning
    /// customers:").
    static func labelsAudience(_ tokens: ArraySlice<Token>, _ bytes: [UInt8]) -> Bool {
        guard let end = phraseEnd(tokens, bytes, colonOnly: true) else { return false }
        let label = tokens[tokens.startIndex..<end]
        if label[label.startIndex].endsIn("ing", minLength: 5, in: bytes) && !audienceModifiers.contains(label[label.startIndex].hash) { return false }
        guard namesAudience(label), !label.contains(where: { generic.contains($0.hash) }),
              let head = label.lastIndex(where: { audiences.contains($0.hash) }), pluralAudiences.contains(label[head].hash) else { return false }
        return head == label.endIndex - 1 || narrowers.contains(label[head + 1].hash)
    }


    /// Where a phrase at the start of a unit ends: the index of the first word after
    /// a comma or colon (only a colon, for a label), within `openingReach` words.
    static func phraseEnd(_ tokens: ArraySlice<Token>, _ bytes: [UInt8], colonOnly: Bool) -> Int? {
        var index = tokens.startIndex + 1
        while index < tokens.endIndex && index - tokens.startIndex <= openingReach {
            let gap = tokens[index - 1].range.upperBound..<tokens[index].range.lowerBound
            if bytes[gap].contains(where: { $0 == colon || !colonOnly && $0 == comma }) { return index }
            index += 1
        }
        return nil
    }

    /// What decides whether an opening phrase names an audience: a determiner aside,
    /// two or more words, one of them an audience, none widening, and no generic word
    /// up to the audience ("technical questions", "customers in Mexico", "casual
    /// conversation"; not "users", "the chat", "our platform", "best results", "all
    /// users", "the user's questions", "these user questions"); or one word that
    /// names a group (`groups`: "beginners", "admins").
    static func namesAudience(_ phrase: ArraySlice<Token>) -> Bool {
        let words = phrase.first.map { determiners.contains($0.hash) } == true ? phrase.dropFirst() : phrase
        if words.count == 1, let word = words.first { return groups.contains(word.hash) }
        guard words.count >= 2, !words.contains(where: { widening.contains($0.hash) }),
              var last = words.firstIndex(where: { audiences.contains($0.hash) }) else { return false }
        while last + 1 < words.endIndex && audiences.contains(words[last + 1].hash) { last += 1 }  // "user questions"
        return !words[..<last].contains { generic.contains($0.hash) }
    }

    /// "... to customers in Mexico", "... for complex questions": after "for", "to"
    /// or "with", an audience with a word before it ("complex questions") or, when
    /// plural, after it ("customers in Mexico") that narrows it, or a group alone
    /// ("for beginners", not "for beginners and experts"); after "with", only
    /// people ("with enterprise customers", not "with a friendly message"). "To the
    /// user in Spanish" and "to users in a friendly tone" say how, not to whom.
    static func endsWithScope(_ tokens: ArraySlice<Token>) -> Bool {
        let words = tokens.dropFirst()
        for index in words.indices where trailing.contains(words[index].hash) {
            let word = words[index]
            let heads = word.hash == withWord ? people : audiences
            var cursor = index + 1
            let determined = cursor < words.endIndex && determiners.contains(words[cursor].hash)
            if determined { cursor += 1 }
            // Up to two modifiers, then the audience. After a bare "to" a word is more
            // likely a verb than a modifier ("to help customers").
            let modifier = cursor < words.endIndex && modifiesAfterTo(words[cursor])
            var modifiers = 0, narrowed = determined || modifier || word.hash != toWord
            while cursor < words.endIndex && modifiers <= 2 && !heads.contains(words[cursor].hash) {
                if determiners.contains(words[cursor].hash) { break }
                if generic.contains(words[cursor].hash) { narrowed = false }
                modifiers += 1
                cursor += 1
            }
            guard cursor < words.endIndex, modifiers <= 2, heads.contains(words[cursor].hash) else { continue }
            if modifiers > 0 && narrowed { return true }
            // "for beginners", but not "to beginners and experts" (everyone, or where it ends is unknown).
            if modifiers == 0 && groups.contains(words[cursor].hash)
                && (cursor + 1 == words.endIndex || !joiners.contains(words[cursor + 1].hash)) { return true }
            if modifiers == 0 && pluralAudiences.contains(words[cursor].hash) && cursor + 2 < words.endIndex
                && narrowers.contains(words[cursor + 1].hash) && !saysHow(words[cursor + 1], words[cursor + 2]) { return true }
        }
        return false
    }

    /// After a bare "to", a word before an audience is more likely a verb ("to help
    /// customers"); a capitalised word is a modifier ("to Mexican customers"), and
    /// so is a word that sorts people ("to new customers"), as is a determiner.
    static func modifiesAfterTo(_ word: Token) -> Bool {
        word.startsUpper || audienceModifiers.contains(word.hash) || determiners.contains(word.hash)
    }

    /// "in a friendly tone", "in English", "in detail": how to reply, not where. After
    /// "in" only a place narrows ("in Mexico", "in the US").
    static func saysHow(_ narrower: Token, _ next: Token) -> Bool {
        if ConflictingInstructions.languages[next.hash] != nil || next.hash == aWord || next.hash == anWord { return true }
        return narrower.hash == inWord && !next.startsUpper && next.hash != theWord
    }

    static let comma = UInt8(ascii: ","), colon = UInt8(ascii: ":")
    /// Words that carry an audience on: "clients and partners".
    static let joiners = WordSet(["and", "or", "nor"].map(Tokenizer.hash))
    static let aWord = Tokenizer.hash("a"), anWord = Tokenizer.hash("an"), theWord = Tokenizer.hash("the"), inWord = Tokenizer.hash("in"),
               toWord = Tokenizer.hash("to"), withWord = Tokenizer.hash("with")
    static let pluralAudiences = WordSet((["users", "customers", "clients", "people", "visitors", "developers", "engineers",
                                           "patients", "members", "employees", "partners", "audiences", "readers", "speakers"]
                                          + groupWords).map(Tokenizer.hash))
}
