import XCTest
@testable import FacetCore

final class FixTests: XCTestCase {
    /// Applies a fix's edits (non-overlapping) to the text's bytes.
    func apply(_ fix: Fix, to text: String) -> String {
        var bytes = Array(text.utf8)
        for edit in fix.edits.sorted(by: { $0.range.lowerBound > $1.range.lowerBound }) {
            bytes.replaceSubrange(edit.range, with: Array(edit.newText.utf8))
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    func fixed(_ text: String, rule: String, index: Int = 0, fix: Int = 0, configuration: FacetConfiguration = .default,
               file: StaticString = #filePath, line: UInt = #line) -> String? {
        let findings = Analyzer.analyze(text, configuration: configuration).findings.filter { $0.rule == rule }
        guard index < findings.count else { XCTFail("no \(rule) finding #\(index)", file: file, line: line); return nil }
        guard fix < findings[index].fixes.count else { XCTFail("\(rule) finding has no fix", file: file, line: line); return nil }
        return apply(findings[index].fixes[fix], to: text)
    }

    func testWeakInstructionRemovalCapitalises() {
        XCTAssertEqual(fixed("Try to answer in under 100 words.\n", rule: "weak-instruction"), "Answer in under 100 words.\n")
        XCTAssertEqual(fixed("Maybe add a table.\n", rule: "weak-instruction"), "Add a table.\n")
    }

    /// A hedge that ended its line left a blank line (a new paragraph) and a lower-case start.
    func testWeakInstructionRemovalAtTheEndOfALineTakesTheLineBreak() {
        let text = "You are a support bot for Acme. Help users with billing.\nTry to\nbe brief.\n"
        XCTAssertEqual(fixed(text, rule: "weak-instruction"), "You are a support bot for Acme. Help users with billing.\nBe brief.\n")
        let crlf = "You are a support bot for Acme.\r\nTry to\r\nbe brief.\r\n"
        XCTAssertEqual(fixed(crlf, rule: "weak-instruction"), "You are a support bot for Acme.\r\nBe brief.\r\n")
    }

    /// "3. **Provide alternatives**: If possible, offer a workaround" became "...: offer a
    /// workaround": the capital the author gave the hedge after a label was lost.
    func testWeakInstructionRemovalAfterALabelKeepsTheCapital() {
        let intro = "You are a support bot for Acme. Help users with billing.\n"
        XCTAssertEqual(fixed(intro + "3. **Provide alternatives**: If possible, offer a workaround.\n", rule: "weak-instruction"),
                       intro + "3. **Provide alternatives**: Offer a workaround.\n")
        XCTAssertEqual(fixed(intro + "1. **Tone**: Maybe add a joke.\n", rule: "weak-instruction"), intro + "1. **Tone**: Add a joke.\n")
        XCTAssertEqual(fixed(intro + "- **Sources:** If possible, cite two.\n", rule: "weak-instruction"), intro + "- **Sources:** Cite two.\n")
        // A hedge the author wrote in lower case stays so.
        XCTAssertEqual(fixed(intro + "1. **Tone**: maybe add a joke.\n", rule: "weak-instruction"), intro + "1. **Tone**: add a joke.\n")
    }

    func testWeakInstructionRemovalWithFollowingComma() {
        XCTAssertEqual(fixed("If possible, include a summary.\n", rule: "weak-instruction"), "Include a summary.\n")
    }

    func testWeakInstructionRemovalWithPrecedingComma() {
        XCTAssertEqual(fixed("Answer in English, if possible.\n", rule: "weak-instruction"), "Answer in English.\n")
    }

    func testWeakInstructionRemovalAfterACommaKeepsTheWordsApart() {
        XCTAssertEqual(fixed("Explain grammar, maybe with a table.\n", rule: "weak-instruction"), "Explain grammar with a table.\n")
    }

    /// "When greeting the user, maybe joke" became "When greeting the user joke".
    func testWeakInstructionRemovalKeepsTheCommaThatEndsAnOpeningClause() {
        XCTAssertEqual(fixed("When greeting the user, maybe joke about the weather.\n", rule: "weak-instruction"), "When greeting the user, joke about the weather.\n")
        // A later comma is not the clause's: "be concise,." was left.
        XCTAssertEqual(fixed("In your answers, be concise, if possible.\n", rule: "weak-instruction"), "In your answers, be concise.\n")
    }

    func testWeakInstructionRemovalInTheMiddle() {
        XCTAssertEqual(fixed("Please try to be concise.\n", rule: "weak-instruction"), "Please be concise.\n")
    }

    func testWeakInstructionFixKeepsOtherSentences() {
        XCTAssertEqual(fixed("Be kind. Try to be brief. Be clear.\n", rule: "weak-instruction"), "Be kind. Be brief. Be clear.\n")
    }

    /// Marks around a hedge were left behind: "**** keep it short.", "short ().", "brief — — and".
    func testWeakInstructionRemovalTakesTheMarksAroundTheHedge() {
        XCTAssertEqual(fixed("**Try to** keep it short.\n", rule: "weak-instruction"), "Keep it short.\n")
        XCTAssertEqual(fixed("Keep it short (if possible).\n", rule: "weak-instruction"), "Keep it short.\n")
        XCTAssertEqual(fixed("Keep it short (if possible) and clear.\n", rule: "weak-instruction"), "Keep it short and clear.\n")
        XCTAssertEqual(fixed("Be brief — if possible — and polite.\n", rule: "weak-instruction"), "Be brief and polite.\n")
        XCTAssertEqual(fixed("Be brief, if possible, and polite.\n", rule: "weak-instruction"), "Be brief and polite.\n")
    }

    /// "Try to not use jargon." became "Not use jargon."; "Try, if possible, to" kept a comma.
    func testWeakInstructionRemovalKeepsASentence() {
        XCTAssertEqual(fixed("Try to not use jargon.\n", rule: "weak-instruction"), "Do not use jargon.\n")
        XCTAssertEqual(fixed("Please try to not use jargon.\n", rule: "weak-instruction"), "Please do not use jargon.\n")
        XCTAssertEqual(fixed("Try, if possible, to keep it short.\n", rule: "weak-instruction"), "Try to keep it short.\n")
    }

    /// "You should try to not" became "You should do not", "Always try to not" "Always
    /// do not", and "**Try to** not" left its opening marks: "**do not".
    func testWeakInstructionTryToNotKeepsTheWordsBeforeIt() {
        XCTAssertEqual(fixed("You should try to not use jargon.\n", rule: "weak-instruction"), "You should not use jargon.\n")
        XCTAssertEqual(fixed("You must also try to not guess.\n", rule: "weak-instruction"), "You must also not guess.\n")
        XCTAssertEqual(fixed("Always try to not guess prices.\n", rule: "weak-instruction"), "Never guess prices.\n")
        XCTAssertEqual(fixed("Please always try to not guess prices.\n", rule: "weak-instruction"), "Please never guess prices.\n")
        XCTAssertEqual(fixed("**Try to** not mention competitors.\n", rule: "weak-instruction"), "Do not mention competitors.\n")
        XCTAssertEqual(fixed("You should **try to** not use jargon.\n", rule: "weak-instruction"), "You should not use jargon.\n")
    }

    /// "You should probably ask" became "You ask": the instruction turned into a statement.
    func testWeakInstructionShouldProbablyKeepsShould() {
        XCTAssertEqual(fixed("You should probably ask for the order number.\n", rule: "weak-instruction"), "You should ask for the order number.\n")
    }

    /// "It would be nice if you replied in English" became "You replied in English".
    func testWeakInstructionHedgeThatCannotBeRemovedHasNoFix() {
        let findings = Analyzer.analyze("It would be nice if you replied in English.\n").findings.filter { $0.rule == "weak-instruction" }
        XCTAssertEqual(findings.count, 1)
        XCTAssertEqual(findings.first?.fixes.count, 0)
    }

    /// "These can be any statement, ideally one to two words." became "any statement one to two words".
    func testWeakInstructionHedgeAfterACommaBeforeAPhraseHasNoFix() {
        let text = "You are a voice agent.\nYou can use expressive tags in square brackets. These can be any statement, ideally one to two words.\n"
        let findings = Analyzer.analyze(text).findings.filter { $0.rule == "weak-instruction" }
        XCTAssertEqual(findings.count, 1)
        XCTAssertEqual(findings.first?.fixes.count, 0)
        // Before a preposition, the hedge and its comma go.
        XCTAssertEqual(fixed("End with a question, ideally with a few options.\n", rule: "weak-instruction"), "End with a question with a few options.\n")
        XCTAssertEqual(fixed("Answer in English, if possible.\n", rule: "weak-instruction"), "Answer in English.\n")
    }

    /// "If possible: cite the invoice." became ": cite the invoice."
    func testWeakInstructionRemovalTakesTheColonAfterAnOpeningHedge() {
        XCTAssertEqual(fixed("If possible: cite the invoice.\n", rule: "weak-instruction"), "Cite the invoice.\n")
        XCTAssertEqual(fixed("Ideally: cite the invoice.\n", rule: "weak-instruction"), "Cite the invoice.\n")
        // A colon later in the sentence stays, without the space before it.
        XCTAssertEqual(fixed("Do this if possible: cite the invoice.\n", rule: "weak-instruction"), "Do this: cite the invoice.\n")
        XCTAssertEqual(fixed("Cite sources if possible; keep it short.\n", rule: "weak-instruction"), "Cite sources; keep it short.\n")
    }

    /// "**If possible:** cite your sources." became "**** cite your sources.": the
    /// marks around the hedge and its colon stayed behind, empty.
    func testWeakInstructionRemovalTakesTheMarksAroundAHedgeAndItsColon() {
        XCTAssertEqual(fixed("**If possible:** cite your sources.\n", rule: "weak-instruction"), "Cite your sources.\n")
        XCTAssertEqual(fixed("*If possible:* cite your sources.\n", rule: "weak-instruction"), "Cite your sources.\n")
        XCTAssertEqual(fixed("*Ideally,* cite your sources.\n", rule: "weak-instruction"), "Cite your sources.\n")
        XCTAssertEqual(fixed("__Ideally,__ cite your sources.\n", rule: "weak-instruction"), "Cite your sources.\n")
        XCTAssertEqual(fixed("_Maybe_ add a table.\n", rule: "weak-instruction"), "Add a table.\n")
        XCTAssertEqual(fixed("**If possible**: cite your sources.\n", rule: "weak-instruction"), "Cite your sources.\n")
        XCTAssertEqual(fixed("Be brief, **if possible,** and polite.\n", rule: "weak-instruction"), "Be brief and polite.\n")
        // Marks around more than the hedge stay: only the hedge goes.
        XCTAssertEqual(fixed("**If possible: cite** your sources.\n", rule: "weak-instruction"), "**Cite** your sources.\n")
    }

    /// "You should probably, if needed, ask." became "You should if needed, ask.":
    /// the comma that opens the aside after the hedge went with it.
    func testWeakInstructionRemovalInsideASentenceKeepsTheCommaAfterIt() {
        XCTAssertEqual(fixed("You should probably, if needed, ask.\n", rule: "weak-instruction"), "You should, if needed, ask.\n")
        XCTAssertEqual(fixed("Reply in English if possible, then summarise the ticket.\n", rule: "weak-instruction"),
                       "Reply in English, then summarise the ticket.\n")
        // At the start the comma goes with the hedge.
        XCTAssertEqual(fixed("Perhaps, if needed, ask.\n", rule: "weak-instruction"), "If needed, ask.\n")
        XCTAssertEqual(fixed("Note: ideally, cite your sources.\n", rule: "weak-instruction"), "Note: cite your sources.\n")
        // After an opening clause's comma, the comma after the hedge goes.
        XCTAssertEqual(fixed("When asked, if possible, reply in English.\n", rule: "weak-instruction"), "When asked, reply in English.\n")
    }

    /// "{{café}}" was read as "caf", and the fix for a declared "cafe" wrote "{{cafeé}}".
    func testUndefinedVariableFixReplacesANameInAnotherScriptWhole() {
        XCTAssertEqual(fixed("---\nvariables: [cafe]\n---\nUsa {{café}}.\n", rule: "undefined-variable"), "---\nvariables: [cafe]\n---\nUsa {{cafe}}.\n")
    }

    func testDuplicateRemovesWholeListLine() {
        let text = "- Always cite the original sources of facts.\n- Summarise the document for the reader.\n- Always cite the original sources of facts.\n"
        XCTAssertEqual(fixed(text, rule: "duplicate-instruction"),
                       "- Always cite the original sources of facts.\n- Summarise the document for the reader.\n")
    }

    /// The item's marker went with the copy, and the line below joined the item before.
    func testDuplicateKeepsTheMarkerOfAnItemThatGoesOn() {
        let text = "- Always answer in English.\n  Keep it polite.\n- Help users with billing.\n- Always answer in English.\n  Keep it polite and short.\n- Say goodbye.\n"
        XCTAssertEqual(fixed(text, rule: "duplicate-instruction"),
                       "- Always answer in English.\n  Keep it polite.\n- Help users with billing.\n- Keep it polite and short.\n- Say goodbye.\n")
    }

    func testDuplicateRemovesWholeLastLineWithoutNewline() {
        let text = "1. Always cite the original sources of facts.\n2. Always cite the original sources of facts."
        XCTAssertEqual(fixed(text, rule: "duplicate-instruction"), "1. Always cite the original sources of facts.\n")
    }

    /// A "•" item alone on its line goes with its line; a copy followed by
    /// non-breaking space, or by other text, only as a sentence.
    func testDuplicateRemovesBulletLineAndKeepsWhatFollowsOnTheLine() {
        let bullets = "• Always cite the original sources of facts.\n• Always cite the original sources of facts.\u{00A0}\nEnd.\n"
        XCTAssertEqual(fixed(bullets, rule: "duplicate-instruction"), "• Always cite the original sources of facts.\nEnd.\n")
        let inline = "• Always cite the original sources of facts.\n• Always cite the original sources of facts. Then stop.\n"
        XCTAssertEqual(fixed(inline, rule: "duplicate-instruction"), "• Always cite the original sources of facts.\n• Then stop.\n")
    }

    /// A copy that was a paragraph of its own left two blank lines in its place, or a
    /// blank line at the end of the message.
    func testDuplicateParagraphRemovalTakesOneBlankLineWithIt() {
        let copy = "Always cite the original sources of facts."
        XCTAssertEqual(fixed("\(copy)\n\nBe kind.\n\n\(copy)\n\nSay goodbye.\n", rule: "duplicate-instruction"), "\(copy)\n\nBe kind.\n\nSay goodbye.\n")
        XCTAssertEqual(fixed("\(copy)\r\n\r\nBe kind.\r\n\r\n\(copy)\r\n\r\nSay goodbye.\r\n", rule: "duplicate-instruction"),
                       "\(copy)\r\n\r\nBe kind.\r\n\r\nSay goodbye.\r\n")
        XCTAssertEqual(fixed("\(copy)\n\nBe kind.\n\n\(copy)\n", rule: "duplicate-instruction"), "\(copy)\n\nBe kind.\n")
        XCTAssertEqual(fixed("\(copy)\n\nBe kind.\n\n\(copy)", rule: "duplicate-instruction"), "\(copy)\n\nBe kind.\n")
        // Lines of one paragraph keep the blank line after it.
        XCTAssertEqual(fixed("\(copy)\nBe kind.\n\(copy)\n\nSay goodbye.\n", rule: "duplicate-instruction"), "\(copy)\nBe kind.\n\nSay goodbye.\n")
    }

    /// "4. IMPORTANT!!! Only generate ..." became "4. IMPORTANT!!!": the label that
    /// announced the copy stayed behind, announcing nothing.
    func testDuplicateRemovalTakesTheLabelThatAnnouncedTheCopy() {
        let copy = "Only generate images in a paper art style!"
        XCTAssertEqual(fixed("- IMPORTANT!!! \(copy)\n- Be kind.\n- IMPORTANT!!! \(copy)\n- Say goodbye.\n", rule: "duplicate-instruction"),
                       "- IMPORTANT!!! \(copy)\n- Be kind.\n- Say goodbye.\n")
        XCTAssertEqual(fixed("Always answer in English today.\nBe kind.\n4. Important! Always answer in English today.\n", rule: "duplicate-instruction"),
                       "Always answer in English today.\nBe kind.\n")
        // An item that goes on keeps its marker, not the label.
        XCTAssertEqual(fixed("- Be kind.\n- Always answer in English today.\n- Important! Always answer in English today.\n  Keep it polite.\n", rule: "duplicate-instruction"),
                       "- Be kind.\n- Always answer in English today.\n- Keep it polite.\n")
        // A sentence before the copy is no label.
        XCTAssertEqual(fixed("Always answer in English today.\nBe kind. Always answer in English today.\n", rule: "duplicate-instruction"),
                       "Always answer in English today.\nBe kind.\n")
    }

    /// Removing item 3 of a numbered list left "1. 2. 4. 5.": the numbers are text
    /// the model reads, so the items after it count on from 3.
    func testDuplicateRemovalRenumbersTheListAfterIt() {
        let copy = "Always cite the original sources of facts."
        let list = "1. \(copy)\n2. Be kind.\n3. \(copy)\n4. Say goodbye.\n   Wave if you like.\n   1. A nested list is left alone.\n\n5. Ask for feedback.\n\nThen stop.\n6. Unrelated.\n"
        XCTAssertEqual(fixed(list, rule: "duplicate-instruction"),
                       "1. \(copy)\n2. Be kind.\n3. Say goodbye.\n   Wave if you like.\n   1. A nested list is left alone.\n\n4. Ask for feedback.\n\nThen stop.\n6. Unrelated.\n")
        XCTAssertEqual(fixed("  9) \(copy)\r\n  10) Be kind.\r\n  11) \(copy)\r\n  12) Say goodbye.\r\n", rule: "duplicate-instruction"),
                       "  9) \(copy)\r\n  10) Be kind.\r\n  11) Say goodbye.\r\n")
        // Numbers out of sequence (Markdown's "1. 1. 1.") are not the list's count: left as they are.
        XCTAssertEqual(fixed("1. \(copy)\n1. Be kind.\n1. \(copy)\n1. Say goodbye.\n", rule: "duplicate-instruction"),
                       "1. \(copy)\n1. Be kind.\n1. Say goodbye.\n")
        // Bullets have no count to keep.
        XCTAssertEqual(fixed("- \(copy)\n- Be kind.\n- \(copy)\n- Say goodbye.\n", rule: "duplicate-instruction"),
                       "- \(copy)\n- Be kind.\n- Say goodbye.\n")
    }

    func testDuplicateRemovesSentenceInsideParagraph() {
        let text = "Answer using the provided context. Be kind. Answer using the provided context.\n"
        XCTAssertEqual(fixed(text, rule: "duplicate-instruction"), "Answer using the provided context. Be kind.\n")
    }

    /// A later copy that says more ("with a link") is the one to keep.
    func testDuplicateThatSaysMoreRemovesTheEarlierCopy() {
        let text = "- Always cite the original invoice document.\n- Be kind.\n- Always cite the original invoice document with a link.\n"
        XCTAssertEqual(fixed(text, rule: "duplicate-instruction"), "- Be kind.\n- Always cite the original invoice document with a link.\n")
    }

    /// The copy that was all of "# Steps" went, and left the heading over nothing.
    func testDuplicateRemovalLeavesNoHeadingOverNothing() {
        let text = "# Identity\n\nPlease be brief. Compare and contrast the list of items.\n\n# Steps\n\nCompare and contrast the list of items\n\n# Output\n\nPut it into a table.\n"
        XCTAssertEqual(fixed(text, rule: "duplicate-instruction"),
                       "# Identity\n\nPlease be brief.\n\n# Steps\n\nCompare and contrast the list of items\n\n# Output\n\nPut it into a table.\n")
        // Each copy all of its section, or the other copy saying less: no fix.
        for text in ["# Sources\n\nAlways cite the original sources of facts.\n\n# Answers\n\n- Always cite the original sources of facts.\n",
                     "Be kind.\n\n# Invoices\n\nAlways cite the original invoice document.\n\n# Links\n\nAlways cite the original invoice document with a link.\n"] {
            let findings = Analyzer.analyze(text).findings.filter { $0.rule == "duplicate-instruction" }
            XCTAssertEqual(findings.count, 1, text)
            XCTAssertEqual(findings.first?.fixes, [], text)
        }
        // A section that goes on in a subsection is not left empty.
        let nested = "Always cite the original sources of facts.\n# Steps\nAlways cite the original sources of facts.\n## Details\nBe kind.\n"
        XCTAssertEqual(fixed(nested, rule: "duplicate-instruction"), "Always cite the original sources of facts.\n# Steps\n## Details\nBe kind.\n")
    }

    /// A block said twice is one finding, whose fix removes the later block with one
    /// of the blank lines around it, and numbers the list after it on from the block.
    func testDuplicateBlockRemovalTakesTheWholeBlock() throws {
        let block = "## Booking\n1. Always confirm the dates before you book anything.\n2. Quote prices in the customer's own currency.\n3. Never book a flight without the customer's consent.\n"
        let text = "You are a travel agent.\n\n\(block)\nThanks for reading these rules.\n\n\(block)4. Say goodbye to the customer politely.\n"
        let findings = Analyzer.analyze(text).findings.filter { $0.rule == "duplicate-instruction" }
        XCTAssertEqual(findings.count, 1)
        let finding = try XCTUnwrap(findings.first)
        XCTAssertEqual(finding.message, "these 3 instructions repeat lines 4-6; remove one copy")
        XCTAssertEqual(finding.fixes.first?.title, "Remove the repeated block")
        XCTAssertEqual(fixed(text, rule: "duplicate-instruction"),
                       "You are a travel agent.\n\n\(block)\nThanks for reading these rules.\n\n## Booking\n1. Say goodbye to the customer politely.\n")
        // Copies on one line name that line.
        let rules = "Always confirm the dates before you book anything. Quote prices in the customer's own currency. Never book a flight without the customer's consent."
        let oneLine = "You are a travel agent. \(rules)\nBe kind to every customer.\n\(rules)\n"
        XCTAssertEqual(Analyzer.analyze(oneLine).findings.filter { $0.rule == "duplicate-instruction" }.map(\.message),
                       ["these 3 instructions repeat line 1; remove one copy"])
        XCTAssertEqual(fixed(oneLine, rule: "duplicate-instruction"), "You are a travel agent. \(rules)\nBe kind to every customer.\n")
        // A section said twice, the block all it holds, goes with its heading.
        XCTAssertEqual(fixed("You are a travel agent.\n\n\(block)\n# Other\n\n\(block)", rule: "duplicate-instruction"),
                       "You are a travel agent.\n\n\(block)\n# Other\n")
        // The later block not the same text ("!" for "."): one finding, no fix, since
        // what sits between its sentences may be its own.
        let changed = "You are a travel agent.\n\n\(block)\nThanks for reading these rules.\n\n"
            + block.replacingOccurrences(of: "own currency.", with: "own currency!")
        let nearly = Analyzer.analyze(changed).findings.filter { $0.rule == "duplicate-instruction" }
        XCTAssertEqual(nearly.count, 1)
        XCTAssertEqual(nearly.first?.fixes, [])
    }

    func testUnbalancedSectionClosingTag() {
        XCTAssertEqual(fixed("<instructions>\nAnswer in French.", rule: "unbalanced-section"),
                       "<instructions>\nAnswer in French.\n</instructions>\n")
        XCTAssertEqual(fixed("<instructions>\nAnswer in French.\n", rule: "unbalanced-section"),
                       "<instructions>\nAnswer in French.\n</instructions>\n")
    }

    /// A tag left open inside a closed section, or inside a quoted prompt, is
    /// closed where that ends: at the end of the message it would cross the section.
    func testUnbalancedSectionClosesInsideTheSectionOrQuoteItWasOpenedIn() throws {
        let nested = try XCTUnwrap(fixed("<rules>\nBe brief.\n<examples>\nOne.\n</rules>\n", rule: "unbalanced-section"))
        XCTAssertEqual(nested, "<rules>\nBe brief.\n<examples>\nOne.\n</examples>\n</rules>\n")
        XCTAssertFalse(Analyzer.analyze(nested).findings.contains { $0.rule == "unbalanced-section" }, nested)
        XCTAssertEqual(fixed("<rules>\n<examples>One.\nTwo. </rules>\n", rule: "unbalanced-section"),
                       "<rules>\n<examples>One.\nTwo. </examples></rules>\n")
        let quoted = "Our prompt:\n\n```markdown\nYou are a support bot.\n<rules>\nBe brief.\n```\n\nWe use it.\n"
        XCTAssertEqual(fixed(quoted, rule: "unbalanced-section"),
                       "Our prompt:\n\n```markdown\nYou are a support bot.\n<rules>\nBe brief.\n</rules>\n```\n\nWe use it.\n")
    }

    /// Tags left open up to the same place were each closed by a fix inserting at one offset:
    /// applied together, `<a> <b>` got `</a> </b>`, crossed. One fix, on the first tag, closes
    /// them all in nesting order, so applying every fix gives the same, whatever the order.
    func testUnbalancedSectionTagsLeftOpenTogetherAreClosedInNestingOrder() {
        let cases = [
            ("<a>\n<b>\nText here.\n", "<a>\n<b>\nText here.\n</b>\n</a>\n"),
            ("<a>\n<b>\n<c>\nText here.", "<a>\n<b>\n<c>\nText here.\n</c>\n</b>\n</a>\n"),
            ("<rules>\n<a>\n<b>\nText here.\n</rules>\n", "<rules>\n<a>\n<b>\nText here.\n</b>\n</a>\n</rules>\n"),
            ("<rules>\n<a>\nOne.\n</rules>\n<b>\nTwo.\n", "<rules>\n<a>\nOne.\n</a>\n</rules>\n<b>\nTwo.\n</b>\n"),
        ]
        for (text, expected) in cases {
            let fixes = Analyzer.analyze(text).findings.filter { $0.rule == "unbalanced-section" }.flatMap(\.fixes)
            XCTAssertFalse(fixes.isEmpty, text)
            // Every fix's edits at once, in either order: inserts at one offset go in the order given.
            for ordered in [fixes, fixes.reversed()] {
                var bytes = Array(text.utf8)
                let edits = ordered.flatMap(\.edits).enumerated().sorted { ($0.element.range.lowerBound, $0.offset) > ($1.element.range.lowerBound, $1.offset) }
                for (_, edit) in edits { bytes.replaceSubrange(edit.range, with: Array(edit.newText.utf8)) }
                let after = String(decoding: bytes, as: UTF8.self)
                XCTAssertEqual(after, expected, text)
                XCTAssertFalse(Analyzer.analyze(after).findings.contains { $0.rule == "unbalanced-section" }, after)
            }
        }
        XCTAssertEqual(Analyzer.analyze("<a>\n<b>\nText here.\n").findings.filter { $0.rule == "unbalanced-section" }.map { $0.fixes.map(\.title) },
                       [["Close </b> and </a> at the end of the message"], []])
    }

    func testUnbalancedSectionStrayTagRemoval() {
        XCTAssertEqual(fixed("Answer in French.\n</instructions>\n", rule: "unbalanced-section"), "Answer in French.\n\n")
    }

    func testUnbalancedSectionCrossedClosingTagsAreSwapped() throws {
        let after = try XCTUnwrap(fixed("<a>\n<b>\nBe kind.\n</a>\n</b>\n", rule: "unbalanced-section"))
        XCTAssertEqual(after, "<a>\n<b>\nBe kind.\n</b>\n</a>\n")
        XCTAssertFalse(Analyzer.analyze(after).findings.contains { $0.rule == "unbalanced-section" }, after)
        XCTAssertEqual(fixed("<a> <b> </a> </b>\n", rule: "unbalanced-section"), "<a> <b> </b> </a>\n")
    }

    /// Crossed closing tags after text on their line were taken for tags named in a
    /// sentence: "<b> is never closed", with a fix that made the tags cross.
    func testUnbalancedSectionCrossedClosingTagsAfterTextAreSwapped() throws {
        let after = try XCTUnwrap(fixed("You are a bot.\n<a>\n<b>\nBe brief.</a> </b>\n", rule: "unbalanced-section"))
        XCTAssertEqual(after, "You are a bot.\n<a>\n<b>\nBe brief.</b> </a>\n")
        XCTAssertFalse(Analyzer.analyze(after).findings.contains { $0.rule == "unbalanced-section" }, after)
    }

    /// Each tag keeps its spelling; the three of a three-way crossing are put in order at once.
    func testUnbalancedSectionCrossedClosingTagsAreReorderedAsWritten() {
        XCTAssertEqual(fixed("<Rules>\n<b>\n<c>\nBe kind.\n</RULES>\n</B>\n</c>\n", rule: "unbalanced-section"),
                       "<Rules>\n<b>\n<c>\nBe kind.\n</c>\n</B>\n</RULES>\n")
        // A closing tag between them that did not cross (</a>) takes its place in the order too; </x> is left.
        XCTAssertEqual(fixed("<x>\n<a>\n<b>\n<c>\nBe kind.\n</b>\n</a>\n</c>\n</x>\n", rule: "unbalanced-section"),
                       "<x>\n<a>\n<b>\n<c>\nBe kind.\n</c>\n</b>\n</a>\n</x>\n")
    }

    /// A closing tag pairs with the nearest opening tag of its name, so with a name twice
    /// the tags moved by position paired as before: both fixes gave `</b></a></b></a>`,
    /// which crossed as much, and the crossing of the `<b>` opened first was left out.
    func testUnbalancedSectionFixOfRepeatedNamesUntanglesThem() throws {
        let text = "You are a bot.\n<a>\n<b>\n<b>\n<a>\n</b>\n</a>\n</a>\n</b>\n"
        XCTAssertEqual(Analyzer.analyze(text).findings.filter { $0.rule == "unbalanced-section" }.count, 2)
        for index in 0..<2 {
            let after = try XCTUnwrap(fixed(text, rule: "unbalanced-section", index: index))
            XCTAssertEqual(after, "You are a bot.\n<a>\n<b>\n<b>\n<a>\n</a>\n</b>\n</b>\n</a>\n")
            XCTAssertFalse(Analyzer.analyze(after).findings.contains { $0.rule == "unbalanced-section" }, after)
        }
    }

    /// Two crossings in one run: the fix of one moved the other's tag (`</d>`) and left
    /// that crossing as it was. Each fix now puts the tags of both in order.
    func testUnbalancedSectionFixTakesTheCrossingsOfTheTagsItMoves() throws {
        let text = "<a>\n<b>\n<c>\n<d>\n</c>\n</a>\n</d>\n</b>\n"
        for index in 0..<2 {
            let after = try XCTUnwrap(fixed(text, rule: "unbalanced-section", index: index))
            XCTAssertEqual(after, "<a>\n<b>\n<c>\n<d>\n</d>\n</c>\n</b>\n</a>\n")
            XCTAssertFalse(Analyzer.analyze(after).findings.contains { $0.rule == "unbalanced-section" }, after)
        }
    }

    /// Moved first, `</b>` would close the last `<b>` of the sentence (a closing tag that
    /// starts a line looks past a few named in a sentence, not nine) and leave the section
    /// open: a fix that does not untangle the tags is none.
    func testUnbalancedSectionOffersNoFixThatPairsTheTagsOtherwise() {
        let text = "<a>\n<b>\nSee <b> <b> <b> <b> <b> <b> <b> <b> <b> here.\n</a>\n</b>\n"
        let findings = Analyzer.analyze(text).findings.filter { $0.rule == "unbalanced-section" }
        XCTAssertEqual(findings.count, 1)
        XCTAssertEqual(findings.first?.fixes, [])
    }

    /// With one `<b>` named in the sentence, the moved `</b>` closes the section's `<b>`.
    func testUnbalancedSectionFixLooksPastATagNamedInASentence() throws {
        let after = try XCTUnwrap(fixed("<a>\n<b>\nSee <b> here.\n</a>\n</b>\n", rule: "unbalanced-section"))
        XCTAssertEqual(after, "<a>\n<b>\nSee <b> here.\n</b>\n</a>\n")
        XCTAssertFalse(Analyzer.analyze(after).findings.contains { $0.rule == "unbalanced-section" }, after)
    }

    /// With text between the closing tags, moving one moves the text into or out of a section.
    func testUnbalancedSectionCrossedTagsWithTextBetweenHaveNoFix() {
        let findings = Analyzer.analyze("<a>\n<b>\nBe kind.\n</a>\nBe brief.\n</b>\n").findings.filter { $0.rule == "unbalanced-section" }
        XCTAssertEqual(findings.count, 1)
        XCTAssertEqual(findings.first?.fixes, [])
        // Nor when another crossing's closing tag stands apart (</c> after text): the run would not untangle it.
        let three = Analyzer.analyze("<a>\n<b>\n<c>\nBe kind.\n</a>\n</b>\nBe brief.\n</c>\n").findings.filter { $0.rule == "unbalanced-section" }
        XCTAssertEqual(three.count, 1)
        XCTAssertEqual(three.first?.fixes, [])
    }

    /// Eight tags at most: thousands crossed gave each finding thousands of edits.
    func testUnbalancedSectionReordersAFewTagsAtMost() {
        func text(_ inners: Int) -> String {
            let names = (1...inners).map { "b\($0)" }
            return "<a>\n" + names.map { "<\($0)>\n" }.joined() + "Be kind.\n</a>\n" + names.map { "</\($0)>\n" }.joined()
        }
        let eight = Analyzer.analyze(text(7)).findings.filter { $0.rule == "unbalanced-section" }
        XCTAssertEqual(eight.count, 1)
        XCTAssertEqual(eight.first?.fixes.first?.edits.count, 8)
        let nine = Analyzer.analyze(text(8)).findings.filter { $0.rule == "unbalanced-section" }
        XCTAssertEqual(nine.count, 1)
        XCTAssertEqual(nine.first?.fixes, [])
    }

    func testMissingFacetRoleSkeletonAtTop() {
        let text = "Hello there.\nThe weather is nice.\nIt rains a lot.\n"
        let findings = Analyzer.analyze(text).findings.filter { $0.rule == "missing-facet" }
        let role = try! XCTUnwrap(findings.first { $0.message.contains("role") })
        XCTAssertEqual(apply(role.fixes[0], to: text),
                       "You are a [describe the assistant's role and expertise].\n\nHello there.\nThe weather is nice.\nIt rains a lot.\n")
        let task = try! XCTUnwrap(findings.first { $0.message.contains("task") })
        XCTAssertEqual(apply(task.fixes[0], to: text),
                       "Hello there.\nYour task is to (describe what the assistant does for the user).\nThe weather is nice.\nIt rains a lot.\n")
        var configuration = FacetConfiguration.default
        configuration.requiredFacets = [.format]
        XCTAssertEqual(fixed(text, rule: "missing-facet", configuration: configuration),
                       text + "Reply in this format: [describe the output: length, structure, Markdown or JSON].\n")
    }

    /// The line after the first sentence's end was in the middle of a hard-wrapped second sentence.
    func testMissingFacetSkeletonIsNotInsertedInsideAWrappedSentence() {
        let text = "Hello there, I hope you are well. The weather here is\nnice and warm today in the city.\nIt rains a lot in winter.\n"
        var configuration = FacetConfiguration.default
        configuration.requiredFacets = [.task]
        XCTAssertEqual(fixed(text, rule: "missing-facet", configuration: configuration),
                       "Hello there, I hope you are well. The weather here is\nnice and warm today in the city.\nYour task is to (describe what the assistant does for the user).\nIt rains a lot in winter.\n")
    }

    /// Appended after the file's last line, the sentence turned a tag left open there
    /// (which is text) into an unclosed section: the fix made an error.
    func testMissingFacetSkeletonGoesAfterTheLastUnitNotAfterTrailingTags() throws {
        let text = "You are a judge.\nRead the answer.\nScore it from 1 to 5.\n<critique>"
        var configuration = FacetConfiguration.default
        configuration.requiredFacets = [.style]
        let after = try XCTUnwrap(fixed(text, rule: "missing-facet", configuration: configuration))
        XCTAssertTrue(after.hasSuffix("Score it from 1 to 5.\nUse a [describe the tone, e.g. friendly and concise] tone.\n<critique>"), after)
        XCTAssertFalse(Analyzer.analyze(after, configuration: configuration).findings.contains { $0.rule == "unbalanced-section" }, after)
    }

    /// The task went on the line after the first sentence, which ended in a lead-in:
    /// "Markdown table rules:" was cut off from its list. It goes after the list.
    func testMissingFacetSkeletonDoesNotSplitALeadInFromItsList() {
        let text = "You are Raycast AI, a large language model. Respond with markdown syntax. Markdown table rules:\n"
            + "* Header row uses pipes (|) to separate columns\n* All rows must have equal columns\n"
        var configuration = FacetConfiguration.default
        configuration.requiredFacets = [.task]
        XCTAssertEqual(fixed(text, rule: "missing-facet", configuration: configuration),
                       text + "Your task is to (describe what the assistant does for the user).\n")
        // A lead-in followed by anything but a list (here a code block): above the lead-in.
        let block = "You are a chef. Use this format:\n\n```\nName: dish\n```\n\nThe kitchen is big.\n"
        XCTAssertEqual(fixed(block, rule: "missing-facet", configuration: configuration),
                       "Your task is to (describe what the assistant does for the user).\n" + block)
        // Without a lead-in, still on the line after the first sentence.
        let items = "* Header row uses pipes (|) to separate columns\n* All rows must have equal columns\n"
        let plain = "You are Raycast AI, a large language model. Respond with markdown syntax.\n" + items
        XCTAssertEqual(fixed(plain, rule: "missing-facet", configuration: configuration),
                       "You are Raycast AI, a large language model. Respond with markdown syntax.\nYour task is to (describe what the assistant does for the user).\n" + items)
    }

    /// A message that quotes its prompt in a fence gets the sentence inside the prompt,
    /// not in the commentary around it.
    func testMissingFacetSkeletonGoesIntoTheQuotedPrompt() throws {
        let text = "Here is the prompt I use:\n\n```markdown\nYou are a chef.\nThe kitchen is big.\nIt rains a lot.\n```\n\nIt works well for me.\n"
        var configuration = FacetConfiguration.default
        configuration.requiredFacets = [.task]
        XCTAssertEqual(fixed(text, rule: "missing-facet", configuration: configuration),
                       "Here is the prompt I use:\n\n```markdown\nYou are a chef.\nYour task is to (describe what the assistant does for the user).\nThe kitchen is big.\nIt rains a lot.\n```\n\nIt works well for me.\n")
        configuration.requiredFacets = [.format]
        XCTAssertEqual(fixed(text, rule: "missing-facet", configuration: configuration),
                       "Here is the prompt I use:\n\n```markdown\nYou are a chef.\nThe kitchen is big.\nIt rains a lot.\nReply in this format: [describe the output: length, structure, Markdown or JSON].\n```\n\nIt works well for me.\n")
        configuration.requiredFacets = [.role]
        let noRole = "Here is the prompt I use:\n\n```markdown\nHelp users cook dinner.\nThe kitchen is big.\nIt rains a lot.\n```\n"
        XCTAssertEqual(fixed(noRole, rule: "missing-facet", configuration: configuration),
                       "Here is the prompt I use:\n\n```markdown\nYou are a [describe the assistant's role and expertise].\n\nHelp users cook dinner.\nThe kitchen is big.\nIt rains a lot.\n```\n")
    }

    /// Under "# Tools" the task sentence was read as a tool's description: applying the
    /// fix left "no unit states the task" where it was. It goes above the heading.
    func testMissingFacetTaskSkeletonIsNotPutUnderAHeadingOfAnotherFacet() throws {
        var configuration = FacetConfiguration.default
        configuration.requiredFacets = [.task]
        let task = "Your task is to (describe what the assistant does for the user).\n"
        let tools = "# Tools\n\nYou have access to the following functions:\n\n```json\n{\"name\": \"web_search\"}\n```\n\n"
            + "Call one function at a time.\nWait for its result.\n"
        let after = try XCTUnwrap(fixed(tools, rule: "missing-facet", configuration: configuration))
        XCTAssertEqual(after, task + "\n" + tools)
        XCTAssertFalse(Analyzer.analyze(after, configuration: configuration).findings.contains { $0.rule == "missing-facet" }, after)
        // Only the headings that name another facet: a title above them keeps the sentence under it.
        let titled = "# Search bot\n\n" + tools.replacingOccurrences(of: "# Tools", with: "## Tools")
        XCTAssertEqual(fixed(titled, rule: "missing-facet", configuration: configuration),
                       "# Search bot\n\n" + task + "\n" + tools.replacingOccurrences(of: "# Tools", with: "## Tools"))
        // A heading that names no facet is no reason to move.
        let plain = "# Search bot\n\nYou can search the web.\nCall one function at a time.\nWait for its result.\n"
        XCTAssertEqual(fixed(plain, rule: "missing-facet", configuration: configuration),
                       "# Search bot\n\nYou can search the web.\n" + task + "Call one function at a time.\nWait for its result.\n")
    }

    func testMissingFacetSkeletonWithoutTrailingNewline() {
        let text = "You are a chef.\nThe kitchen is big.\nIt rains a lot."
        var configuration = FacetConfiguration.default
        configuration.requiredFacets = [.task]
        XCTAssertEqual(fixed(text, rule: "missing-facet", configuration: configuration),
                       "You are a chef.\nYour task is to (describe what the assistant does for the user).\nThe kitchen is big.\nIt rains a lot.")
        configuration.requiredFacets = [.format]
        XCTAssertEqual(fixed(text, rule: "missing-facet", configuration: configuration),
                       text + "\nReply in this format: [describe the output: length, structure, Markdown or JSON].\n")
    }

    func testUndefinedVariableRename() {
        let text = "---\nvariables: [user_name]\n---\nGreet {{username}} by name.\n"
        XCTAssertEqual(fixed(text, rule: "undefined-variable"), "---\nvariables: [user_name]\n---\nGreet {{user_name}} by name.\n")
        let spaced = "---\nvariables: [user_name]\n---\nGreet {{ usr_name }} by name.\n"
        XCTAssertEqual(fixed(spaced, rule: "undefined-variable"), "---\nvariables: [user_name]\n---\nGreet {{ user_name }} by name.\n")
    }

    /// `{{date}}` got the fix "Use the declared variable name": any declared name
    /// within two edits was offered, however short.
    func testUndefinedVariableFixOffersOnlyATypoOfADeclaredName() {
        let text = "---\nvariables: [name, email]\n---\nToday is {{date}} at {{time}}. Hello {{nme}}.\n"
        let findings = Analyzer.analyze(text).findings.filter { $0.rule == "undefined-variable" }
        XCTAssertEqual(findings.map(\.fixes.count), [0, 0, 1])
        XCTAssertEqual(fixed(text, rule: "undefined-variable", index: 2), "---\nvariables: [name, email]\n---\nToday is {{date}} at {{time}}. Hello {{name}}.\n")
        let single = Analyzer.analyze("---\nvariables: [a]\n---\nUse {{b}}.\n").findings.filter { $0.rule == "undefined-variable" }
        XCTAssertEqual(single.map(\.fixes.count), [0])
    }

    func testUndefinedVariableWithNoCloseNameHasNoFix() {
        let text = "---\nvariables: [user_name]\n---\nGreet {{completely_different}}.\n"
        let finding = Analyzer.analyze(text).findings.first { $0.rule == "undefined-variable" }
        XCTAssertNotNil(finding)
        XCTAssertEqual(finding?.fixes.count, 0)
    }
}

final class SkeletonTests: XCTestCase {
    /// Each skeleton the missing-facet fix inserts must itself be read as that facet,
    /// or applying the fix would leave the finding in place.
    func testEverySkeletonStatesItsFacet() {
        for facet in Facet.allCases {
            let skeleton = MissingFacet.skeletons[facet]!
            let analysis = Analyzer.analyze(skeleton)
            XCTAssertEqual(analysis.facets.first?.facets.first, facet, "\(facet): \(skeleton) → \(analysis.facets.map(\.facets))")
            // As the fix leaves it: after the message's own text.
            let inserted = Analyzer.analyze("Greet the user by name.\n" + skeleton + "\n")
            XCTAssertEqual(inserted.facets.last?.facets.first, facet, "\(facet) after a sentence: \(inserted.facets.map(\.facets))")
        }
    }
}
