import XCTest
@testable import FacetCore

/// Where prose breaks into sentences (SentenceSplitter, through the Segmenter).
final class SentenceSplitterTests: XCTestCase {
    func texts(_ text: String) -> [String] {
        let document = Segmenter.segment(SourceText(text))
        return document.units.map { document.text(of: $0) }
    }

    // MARK: Quotations

    /// An inch mark opened a quotation that never closed: the sentences after it
    /// were one unit.
    func testAnInchMarkOpensNoQuotation() {
        XCTAssertEqual(texts("Recommend the 27\" monitor for gaming. Never recommend the 24\" one. Say \"Thanks.\" at the end."),
                       ["Recommend the 27\" monitor for gaming.", "Never recommend the 24\" one.", "Say \"Thanks.\" at the end."])
        // After a digit a mark still closes a quotation.
        XCTAssertEqual(texts("Type \"1234\" first. Then press Enter."), ["Type \"1234\" first.", "Then press Enter."])
        XCTAssertEqual(texts("Reply \"Call 911. Stay calm\" and wait."), ["Reply \"Call 911. Stay calm\" and wait."])
    }

    /// A stray mark held every stop after it whenever another quotation followed
    /// on the line: the next quotation's opening mark is no closing one.
    func testAStrayQuotationMarkHoldsNoStopBeforeTheNextQuotation() {
        XCTAssertEqual(texts("Use the \"big monitor. Say \"hi\" to the user."), ["Use the \"big monitor.", "Say \"hi\" to the user."])
        // A closing mark after a space still closes.
        XCTAssertEqual(texts("Add a greeting (such as \"Hi. \") before the reply."), ["Add a greeting (such as \"Hi. \") before the reply."])
        XCTAssertEqual(texts("Reply \"Sorry. I cannot help.\" and stop. Next."), ["Reply \"Sorry. I cannot help.\" and stop.", "Next."])
    }

    /// Each stop rescanned its unit from the start: 600 KB of quotations took seconds.
    func testManyQuotationsInOneSentenceTakeLinearTime() {
        let text = String(repeating: "Say \"Hi. Bye\" and ", count: 10_000) + "stop."
        let start = Date()
        XCTAssertEqual(texts(text).count, 1)
        XCTAssertLessThan(Date().timeIntervalSince(start), 2, "quadratic in the sentence's length")
    }

    // MARK: Line breaks

    /// A wrapped line went on only when the next line began with an ASCII letter
    /// in lower case.
    func testAWrappedLineGoesOnBeforeNonASCIILowerCaseDigitsAndVariables() {
        for text in ["Antworte immer freundlich und ausführlich\nüber das Thema, das der Nutzer anspricht.",
                     "Greet the customer by name, then ask for\n{{order_id}} before you look anything up in the system.",
                     "You may retry the request at most\n3 times before you give up."] {
            XCTAssertEqual(texts(text), [text])
        }
        // A capitalised line after one with no stop is still a sentence of its own.
        XCTAssertEqual(texts("Support hours\nWe answer within a day. Be kind."), ["Support hours", "We answer within a day.", "Be kind."])
        // Numbers and variables that start rows, or follow a title, start units.
        XCTAssertEqual(texts("Score the answer from 0 to 2.\n0 = wrong and unhelpful\n1 = partly right\n2 = right"),
                       ["Score the answer from 0 to 2.", "0 = wrong and unhelpful", "1 = partly right", "2 = right"])
        XCTAssertEqual(texts("Grid rules\n9 equal tiles in a clean layout.\n"), ["Grid rules", "9 equal tiles in a clean layout."])
        XCTAssertEqual(texts("${language} - the language of the code\n${framework} - the framework used."),
                       ["${language} - the language of the code", "${framework} - the framework used."])
        XCTAssertEqual(texts("Slack:      real-time updates and quick questions\n1 on 1 calls for sensitive situations."),
                       ["Slack:      real-time updates and quick questions", "1 on 1 calls for sensitive situations."])
        // A number goes on only after a word that joins it ("at most", "up to"): these are lines of their own.
        XCTAssertEqual(texts("Offer the user one of these plans depending on their needs\n1 month costs $10.\n12 months cost $100."),
                       ["Offer the user one of these plans depending on their needs", "1 month costs $10.", "12 months cost $100."])
    }

    /// A line ending on a preposition before a number range went on only when the range
    /// was written "180-300": "180–300" (an en dash) and "180 - 300" started a sentence of
    /// their own, as did a number after "between", and any number in a block of short lines
    /// with no full stop ("Respond within / 180-300 days").
    func testARangeOrANumberGoesOnAfterAPreposition() {
        for text in ["Respond within\n180-300 days.", "Respond within\n180–300 days.", "Respond within\n180 - 300 days.",
                     "Respond within\n180 – 300 days.", "Keep every answer between\n2 and 5 sentences.",
                     "Keep it shorter than\n200 words.", "Respond in about\n180-300 words.", "Stay under\n5 items.",
                     "Respond within\n180-300 days", "Keep it above\n12 points"] {
            XCTAssertEqual(texts(text), [text], text)
        }
        // Lines without a joining word, and rows of numbers, stay apart.
        XCTAssertEqual(texts("be concise\n3 rules apply"), ["be concise", "3 rules apply"])
        XCTAssertEqual(texts("Plans\n180 – 300 days costs $10."), ["Plans", "180 – 300 days costs $10."])
        XCTAssertEqual(texts("Use the tool\n`web_search` again"), ["Use the tool", "`web_search` again"])
    }

    /// A number after a joining word went on only before a word in lower case: a
    /// joining word in title case ("Respond Within"), a unit on the number ("24h")
    /// and a stop right after it ("within / 180-300.") started a sentence of their own.
    func testANumberFinishesThePhraseItsJoiningWordOpened() {
        for text in ["Respond Within\n180-300 days.", "Respond within\n24h.", "Respond within\n180-300.",
                     "Reply within\n24h to every ticket.", "Answer in at most\n3 sentences, then stop.",
                     "Keep it under\n200"] {
            XCTAssertEqual(texts(text), [text], text)
        }
        // Without a joining word the lines stay apart, whatever follows the number.
        XCTAssertEqual(texts("Plans\n180-300."), ["Plans", "180-300."])
        XCTAssertEqual(texts("Top Tips\n24h."), ["Top Tips", "24h."])
        XCTAssertEqual(texts("Offer the user one of these plans depending on their needs\n12 months."),
                       ["Offer the user one of these plans depending on their needs", "12 months."])
    }

    /// An abbreviation ending a line held the sentence only until the break.
    func testAnAbbreviationAtTheEndOfALineHoldsTheSentence() {
        for text in ["Please contact Dr.\nSmith for help with billing questions and refunds today.",
                     "Name a capital, e.g.\nParis or Berlin, when you explain the topic."] {
            XCTAssertEqual(texts(text), [text])
        }
        XCTAssertEqual(texts("You work for Acme Inc.\nYou answer billing questions."), ["You work for Acme Inc.", "You answer billing questions."])
        // "etc." and an initial at the end of a line let the next line decide.
        XCTAssertEqual(texts("**Stack**: [Laravel, Livewire, etc.]\n**Timeline**: [From the spec]"),
                       ["**Stack**: [Laravel, Livewire, etc.]", "**Timeline**: [From the spec]"])
        XCTAssertEqual(texts("Author: Scott M.\nDate: January 2026"), ["Author: Scott M.", "Date: January 2026"])
    }

    /// Dates, sections and pages broke their sentence: "Oct." | "2023.", "Sept." | "30. Meetings".
    func testMonthsWeekdaysSectionsAndPagesBeforeANumberHoldTheSentence() {
        XCTAssertEqual(texts("Your knowledge cutoff is Oct. 2023. Today is Mon. Jan. 6, 2025."),
                       ["Your knowledge cutoff is Oct. 2023.", "Today is Mon. Jan. 6, 2025."])
        XCTAssertEqual(texts("The deadline is Sept. 30. Meetings start at 10."), ["The deadline is Sept. 30.", "Meetings start at 10."])
        XCTAssertEqual(texts("Refer to Sec. 4 and Art. 12 of the policy. Read ch. 3 and p. 45 first."),
                       ["Refer to Sec. 4 and Art. 12 of the policy.", "Read ch. 3 and p. 45 first."])
        // Elsewhere they are words that end sentences.
        XCTAssertEqual(texts("The cat sat. Then it slept. We close on Sat. Call us Monday."),
                       ["The cat sat.", "Then it slept.", "We close on Sat.", "Call us Monday."])
        // A time zone in capitals is no "est." (estimated).
        XCTAssertEqual(texts("Times are in EST. Convert them for the user. The est. cost is $5."),
                       ["Times are in EST.", "Convert them for the user.", "The est. cost is $5."])
    }

    /// Only ASCII lower case went on after a dot: "std. éclair" and Russian "т. е. в" split.
    func testAWordInLowerCaseInAnyScriptGoesOnAfterADot() {
        XCTAssertEqual(texts("Use the std. éclair recipe."), ["Use the std. éclair recipe."])
        XCTAssertEqual(texts("Отвечай кратко, т. е. в двух предложениях."), ["Отвечай кратко, т. е. в двух предложениях."])
    }

    /// Hard-wrapped prose broke at every line whose next line starts with a capital.
    func testALineEndingOnAJoiningWordGoesOnBeforeACapital() {
        XCTAssertEqual(texts("Summarise reports written by the analysts in the\nLondon office. Always reply in\nEnglish."),
                       ["Summarise reports written by the analysts in the\nLondon office.", "Always reply in\nEnglish."])
        XCTAssertEqual(texts("- Always answer in\n  English.\n"), ["Always answer in\n  English."])
        // A name or label in capitals ends its line: "Plan A".
        XCTAssertEqual(texts("Offer Plan A\nMention the price"), ["Offer Plan A", "Mention the price"])
    }

    /// "St." held its sentence across a line break like "Dr.": an address at the end
    /// of a line swallowed the next sentence.
    func testAnAbbreviationAfterANameEndsTheSentenceAtTheEndOfALine() {
        XCTAssertEqual(texts("Visit us at 221 Baker St.\nCall us on Monday."), ["Visit us at 221 Baker St.", "Call us on Monday."])
        XCTAssertEqual(texts("Our office is on 42nd St.\nWe open at nine."), ["Our office is on 42nd St.", "We open at nine."])
        XCTAssertEqual(texts("The founder is John Smith Jr.\nHe answers press questions."),
                       ["The founder is John Smith Jr.", "He answers press questions."])
        XCTAssertEqual(texts("Escalate to Robert Smith Sr.\nNever promise refunds."), ["Escalate to Robert Smith Sr.", "Never promise refunds."])
        XCTAssertEqual(texts("You work for Acme Ltd.\nBe polite."), ["You work for Acme Ltd.", "Be polite."])
        XCTAssertEqual(texts("You work for Acme Co.\nBe polite."), ["You work for Acme Co.", "Be polite."])
        XCTAssertEqual(texts("You work for Acme Corp.\nBe polite."), ["You work for Acme Corp.", "Be polite."])
        XCTAssertEqual(texts("Offer tea, coffee, etc.\nNever offer alcohol."), ["Offer tea, coffee, etc.", "Never offer alcohol."])
        // Before a name, as a title, they still hold it; so do abbreviations that never end a sentence.
        for text in ["Recommend a visit to the St.\nLawrence River when users ask about Quebec.",
                     "Tell the caller to ask for el Sr.\nGarcía at the front desk of the hotel.",
                     "Please contact Mr.\nJones about refunds and any other billing questions.",
                     "Mention a landmark, e.g.\nBig Ben, when you describe the city to a visitor.",
                     "Nenne Beispiele, z. B.\nTabellen oder Listen, wenn der Nutzer fragt."] {
            XCTAssertEqual(texts(text), [text])
        }
        // A line in lower case still goes on.
        XCTAssertEqual(texts("Visit us at 221 Baker St.\nnear the station, on weekdays."), ["Visit us at 221 Baker St.\nnear the station, on weekdays."])
    }

    // MARK: Chinese and Japanese

    func testCJKStopsInAQuotationDoNotEndTheSentence() {
        XCTAssertEqual(texts("请回答“我不知道。”然后结束对话。"), ["请回答“我不知道。”然后结束对话。"])
        XCTAssertEqual(texts("请回答「我不知道。」然后结束对话。"), ["请回答「我不知道。」然后结束对话。"])
        XCTAssertEqual(texts("他说：“你好。”\n再见。"), ["他说：“你好。”", "再见。"])
        XCTAssertEqual(texts("你好。你是谁？我很好！"), ["你好。", "你是谁？", "我很好！"])
    }

    func testARunOfCJKStopsIsOne() {
        XCTAssertEqual(texts("本当！？次へ。"), ["本当！？", "次へ。"])
        XCTAssertEqual(texts("。。。"), ["。。。"])
        XCTAssertEqual(texts("等等。。。然后回答。"), ["等等。。。然后回答。"])
    }

    // MARK: German

    func testSpacedGermanAbbreviations() {
        XCTAssertEqual(texts("Nutze z. B. Tabellen für Vergleiche."), ["Nutze z. B. Tabellen für Vergleiche."])
        XCTAssertEqual(texts("Zeig Beispiele, d. h. Tabellen oder Listen. Dann stopp."), ["Zeig Beispiele, d. h. Tabellen oder Listen.", "Dann stopp."])
        XCTAssertEqual(texts("Use plan A. B. is the backup."), ["Use plan A.", "B. is the backup."])
    }

    func testGermanOrdinalsAfterAnArticleOrPreposition() {
        XCTAssertEqual(texts("Antworte im 2. Absatz ausführlich."), ["Antworte im 2. Absatz ausführlich."])
        XCTAssertEqual(texts("Ab dem 3. Tag gilt die Regel. Am 1. Januar nicht."), ["Ab dem 3. Tag gilt die Regel.", "Am 1. Januar nicht."])
        // A number that ends a sentence still ends it.
        XCTAssertEqual(texts("Go to step 2. Then read the file."), ["Go to step 2.", "Then read the file."])
        XCTAssertEqual(texts("Lies Kapitel 3. Danach antworte."), ["Lies Kapitel 3.", "Danach antworte."])
    }

    // MARK: Inline lists

    func testAListAfterAColonStartsWithItsFirstNumber() {
        XCTAssertEqual(texts("Follow these steps: 1. Read the file. 2. Summarise it."),
                       ["Follow these steps:", "1. Read the file.", "2. Summarise it."])
        // One number after a colon is a value, not a list.
        XCTAssertEqual(texts("Max retries: 1. Then stop."), ["Max retries: 1.", "Then stop."])
        // A list quoted whole is part of its quotation.
        XCTAssertEqual(texts("Reply exactly: \"Next steps: 1. Restart the router. 2. Call us.\" Then end the chat."),
                       ["Reply exactly: \"Next steps: 1. Restart the router. 2. Call us.\"", "Then end the chat."])
    }

    // MARK: White space

    func testNoBreakAndIdeographicSpacesSeparateSentences() {
        XCTAssertEqual(texts("Be polite.\u{00A0}Never swear."), ["Be polite.", "Never swear."])
        XCTAssertEqual(texts("Be polite.\u{3000}Never swear."), ["Be polite.", "Never swear."])
        XCTAssertEqual(texts("你好。\u{3000}你是谁？"), ["你好。", "你是谁？"])
        XCTAssertEqual(texts("Ask Dr.\u{00A0}Smith. Then stop."), ["Ask Dr.\u{00A0}Smith.", "Then stop."])
    }
}
