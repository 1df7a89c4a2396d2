import Foundation
import XCTest
@testable import FacetCore

final class FacetModelTests: XCTestCase {
    func testWeightsFileIsCurrent() {
        let model = FacetModel.shared
        XCTAssertEqual(model.unknownNames, [], "FacetModelWeights.swift names features UnitFeatures no longer has: retrain (bench/train-facets.py --write)")
        XCTAssertGreaterThan(model.wordWeights.count / FacetModel.facets, 1000)
        XCTAssertEqual(model.threshold, 0.3)
        XCTAssertEqual(model.unsupported, 0.5)
        XCTAssertNotNil(model.second, "the weights file has no second pass (s2.* rows)")
    }

    /// The second pass reads the first's probabilities for a unit, its neighbours,
    /// the three units either side and the document: held to a plain recomputation
    /// from the weights file's "s2." lines, read by name here. Examples are absent,
    /// and a message shorter than `SecondPass.minimumUnits` is left to the first pass.
    func testSecondPassMatchesItsWeightsByName() throws {
        let second = try XCTUnwrap(FacetModel.shared.second)
        var weights: [String: [Double]] = [:]
        for line in FacetModelWeights.text.split(separator: "\n") where line.hasPrefix("s2.") {
            let fields = line.split(separator: "\t")
            weights[String(fields[0])] = fields[1].split(separator: " ").map { Double($0)! }
        }
        XCTAssertEqual(weights.count, SecondPass.inputs)
        // Every seventh unit an example; log-odds from -12 to 12, past the clip at both ends.
        let first: [SIMD8<Double>?] = (0..<60).map { unit in
            guard unit % 7 != 3 else { return nil }
            var logits = SIMD8<Double>()
            for facet in 0..<FacetModel.facets { logits[facet] = Double((unit * 5 + facet * 11) % 25) - 12 }
            return logits
        }
        var fast = first
        second.apply(to: &fast)
        let names = Facet.allCases.map(\.rawValue)
        let present = first.indices.filter { first[$0] != nil }
        func p(_ unit: Int) -> [Double] { (0..<FacetModel.facets).map { 1 / (1 + exp(-first[unit]![$0])) } }
        func mean(_ units: [Int]) -> [Double] { (0..<FacetModel.facets).map { f in units.map { p($0)[f] }.reduce(0, +) / Double(units.count) } }
        for unit in first.indices {
            guard first[unit] != nil else { XCTAssertNil(fast[unit]); continue }
            var blocks = ["p": p(unit), "doc": mean(present),
                          "logit": (0..<FacetModel.facets).map { min(max(first[unit]![$0], -log(9999.0)), log(9999.0)) / 5 }]
            if unit > 0, first[unit - 1] != nil { blocks["prev"] = p(unit - 1) }
            if unit + 1 < first.count, first[unit + 1] != nil { blocks["next"] = p(unit + 1) }
            let near = (max(0, unit - 3)...min(first.count - 1, unit + 3)).filter { $0 != unit && first[$0] != nil }
            if !near.isEmpty { blocks["near"] = mean(near) }
            for out in 0..<FacetModel.facets {
                var z = weights["s2.bias"]![out]
                for (block, values) in blocks { for (f, name) in names.enumerated() { z += weights["s2.\(block).\(name)"]![out] * values[f] } }
                XCTAssertEqual(fast[unit]![out], z, accuracy: 1e-9, "unit \(unit), facet \(names[out])")
            }
        }
        var short = Array(first.prefix(SecondPass.minimumUnits))  // examples among them: fewer units count
        let before = short
        second.apply(to: &short)
        XCTAssertEqual(short, before)
    }

    func testEveryFixedSlotHasItsOwnName() {
        let names = UnitFeatures.Fixed.names
        XCTAssertEqual(names.count, UnitFeatures.Fixed.count)
        XCTAssertFalse(names.contains(""))
        XCTAssertEqual(Set(names).count, names.count)
    }

    /// Output templates leave bracketed blanks; links, ticked boxes and
    /// brackets around nothing but symbols are not blanks.
    func testPlaceholderFlag() {
        func flagged(_ text: String) -> Bool {
            let bytes = Array(text.utf8)
            return bytes.withUnsafeBufferPointer { UnitFeatures.hasPlaceholder($0, 0..<bytes.count) }
        }
        for blank in ["**App Title**: [Optimized title with keywords]", "[Action] → [Owner] → [Deadline]",
                      "INCIDENT BRIEF — [TIMESTAMP]", "Nom : [名前を入力]", "Use [tool name] to search."] {
            XCTAssertTrue(flagged(blank), blank)
        }
        for text in ["See [the docs](https://example.com) first.", "- [x] Done", "- [ ] To do", "Array a[0] and b[i]",
                     "A bracket [ opened and never closed", "Reply in JSON.", "[", "[]", "[ab"] {
            XCTAssertFalse(flagged(text), text)
        }
    }

    /// A unit sees the words of the heading it sits under (a heading does not
    /// see its parent's), and every unit sees the share of the document's
    /// units the rules gave each facet; examples count in neither.
    func testUnitSeesItsHeadingAndTheDocumentsShare() throws {
        let text = "# Learning and Memory\n\nRemember the patterns that worked.\n\n## Tools\n\nCall the search tool first.\n\n```\nexample\n```\n"
        let document = Segmenter.segment(SourceText(text))
        let named = FacetClassifier.ruleBased.namedFeatures(document)
        let texts = document.units.map { document.text(of: $0) }
        let remember = try XCTUnwrap(named[try XCTUnwrap(texts.firstIndex { $0.hasPrefix("Remember") })])
        XCTAssertEqual(remember["hw.learning"], 1)
        XCTAssertEqual(remember["hw.memory"], 1)
        XCTAssertNil(remember["hw.tools"])
        let call = try XCTUnwrap(named[try XCTUnwrap(texts.firstIndex { $0.hasPrefix("Call") })])
        XCTAssertEqual(call["hw.tools"], 1)
        XCTAssertNil(call["hw.memory"])
        let subheading = try XCTUnwrap(named[try XCTUnwrap(texts.firstIndex { $0 == "Tools" })])
        XCTAssertFalse(subheading.keys.contains { $0.hasPrefix("hw.") }, "\(subheading.keys.sorted())")
        // Four units besides the example; the rules gave "Call the search tool first." a tool.
        let prose = named.compactMap { $0 }
        XCTAssertEqual(prose.count, 4)
        let tools = prose.filter { $0["rule.tool"] != nil }.count
        XCTAssertGreaterThan(tools, 0)
        for features in prose { XCTAssertEqual(features["doc.tool"] ?? 0, Double(tools) / 4, accuracy: 1e-12) }
    }

    func testWeightsFileParsing() {
        let model = FacetModel(weights: "threshold 0.4\nunsupported 0.6\nbias\t1 2 3 4 5 6 7\nw.json\t0 0 0 1 0 0 0\nw0.write\t0 1 0 0 0 0 0\n"
                                   + "pw.tools\t0 0 0 0 0 -0.25 0\nnw.json\t0 0 0 2.5 0 0 0\nw2.reply in\t0 0 0 0.125 0 0 0\nown.nope\t0 0 0 0 0 0 0\nw.short\t1 2\nw.bad\t1 2 x 4 5 6 7\n")
        XCTAssertEqual(model.threshold, 0.4)
        XCTAssertEqual(model.unsupported, 0.6)
        XCTAssertEqual(FacetModel(weights: "threshold 0.4\n").unsupported, 1, "without the line, no facet without evidence")
        XCTAssertEqual(model.fixedRows[0], SIMD8<Double>(1, 2, 3, 4, 5, 6, 7, 0))
        func weight(_ word: String, _ place: UnitFeatures.Place, _ facet: Facet) -> Double? {
            guard let row = model.words[Tokenizer.hash(word)]?[place], row >= 0 else { return nil }
            return model.wordWeights[Int(row) * 7 + facet.order]
        }
        XCTAssertEqual(weight("json", .own, .format), 1)
        XCTAssertEqual(weight("write", .first, .task), 1)
        XCTAssertNil(weight("write", .own, .task), "a first word is not any word")
        XCTAssertEqual(weight("tools", .previous, .tool), -0.25)
        XCTAssertEqual(weight("json", .next, .format), 2.5, "the same word has a row per place")
        XCTAssertNil(weight("json", .previous, .format))
        let pair = model.pairs[FacetModel.pairHash(Tokenizer.hash("reply"), Tokenizer.hash("in"))]
        XCTAssertEqual(pair.map { model.wordWeights[Int($0) * 7 + 3] }, 0.125)
        XCTAssertNil(model.pairs[FacetModel.pairHash(Tokenizer.hash("in"), Tokenizer.hash("reply"))], "a pair is ordered")
        XCTAssertEqual(model.unknownNames, ["own.nope", "w.short", "w.bad"])
    }

    /// The weights are read by bytes; every number must come out as `Double` reads it.
    func testWeightsAreReadAsDoubleReadsThem() {
        var compared = 0
        for line in FacetModelWeights.text.split(separator: "\n") {
            guard let tab = line.firstIndex(of: "\t") else { continue }
            for field in line[line.index(after: tab)...].split(separator: " ") {
                let bytes = Array(field.utf8)
                let read = bytes.withUnsafeBufferPointer { FacetModel.number($0[...]) }
                XCTAssertEqual(read, Double(field), String(field))
                compared += 1
            }
        }
        XCTAssertGreaterThan(compared, 50_000)
        for odd in ["1e-3", "-", "", "1.2.3", "abc", "12345678901234567890.5"] {
            let read = Array(odd.utf8).withUnsafeBufferPointer { FacetModel.number($0[...]) }
            XCTAssertEqual(read, Double(odd), odd)
        }
    }

    /// Most units carry one facet: a second is kept only when it is likely in its own right.
    func testASecondFacetNeedsItsOwnProbability() throws {
        let base = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/devset")
        let names = try FileManager.default.contentsOfDirectory(atPath: base.path).filter { $0.hasSuffix(".tagged.md") }.sorted()
        var seconds = 0
        for name in names {
            let text = try TaggedText.parse(Array(Data(contentsOf: base.appendingPathComponent(name)))).plain
            for unit in Analyzer.analyze(SourceText(bytes: text)).facets where unit.assignments.count > 1 {
                for second in unit.assignments.dropFirst() {
                    XCTAssertGreaterThanOrEqual(second.confidence, FacetModel.secondary)
                    seconds += 1
                }
            }
        }
        XCTAssertGreaterThan(seconds, 0, "some units still carry two facets")
        let ruleBased = FacetClassifier.ruleBased.classify(Segmenter.segment(SourceText("Summarize the article in three bullet points.\n")))
        XCTAssertEqual(ruleBased[0].facets.count, 2, "the rules alone give both: the layer decides")
    }

    /// The packed rows `WordSums` reads give back every weight of every word
    /// and pair exactly (as the same double the file's decimal reads as; -0 as 0,
    /// which adds the same), and the pair filter lets every pair with weights through.
    func testPackedWeightsAndPairFilterLoseNothing() {
        let model = FacetModel.shared
        func same(_ packed: SIMD8<Int16>, _ row: Int) -> Bool {
            (0..<FacetModel.facets).allSatisfy {
                Double(packed[$0]) / FacetModel.weightScale == model.wordWeights[row * FacetModel.facets + $0]
            }
        }
        var compared = 0
        for hash in model.words.allKeys {
            let rows = model.words[hash]!, packed = model.packed.words[hash]!
            for place in UnitFeatures.Place.allCases {
                XCTAssertEqual(rows[place] < 0, packed[place] < 0)
                if rows[place] >= 0 { XCTAssertTrue(same(model.packed.rows[Int(packed[place])], Int(rows[place]))); compared += 1 }
            }
        }
        for key in model.pairs.allKeys {
            XCTAssertTrue(model.pairFilter.mayContain(key))
            XCTAssertTrue(same(model.packed.pairs[key]!.weights, Int(model.pairs[key]!)))
            compared += 1
        }
        XCTAssertGreaterThan(compared, 20_000)
    }

    /// Inference reads words by hash and fixed features by slot; the export names
    /// them. Both must give the same probabilities on every unit, including
    /// capitals, curly apostrophes, accents and CJK.
    func testInferenceMatchesTheNamedFeaturesItWasTrainedOn() throws {
        let base = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/devset")
        let names = try FileManager.default.contentsOfDirectory(atPath: base.path).filter { $0.hasSuffix(".tagged.md") }.sorted()
        var texts = try names.map { try TaggedText.parse(Array(Data(contentsOf: base.appendingPathComponent($0)))).plain }
        texts.append(Array("## Output FORMAT\n- Don’t use ÉMOJI.\n- Réponds en français.\n你是一个助手。请用中文回答。\n".utf8))
        let model = FacetModel.shared
        let classifier = FacetClassifier.ruleBased
        var compared = 0
        for text in texts {
            let document = Segmenter.segment(SourceText(bytes: text))
            let words = WordIndex(document)
            let named = classifier.namedFeatures(document)
            classifier.applyRules(document, words: words) { rule, own, announced in
                let masks = UnitFeatures.Neighbours.masks(document, rule: rule)
                let share = UnitFeatures.documentShare(masks)
                var scratch = FacetModel.Scratch()
                document.source.bytes.withUnsafeBufferPointer { buffer in
                    words.tokens.withUnsafeBufferPointer { tokens in
                        model.withTables { tables in
                            let sums = WordSums(document, words, tokens, tables)
                            for (index, unit) in document.units.enumerated() where !unit.isExample {
                                FacetModel.logits(tables, buffer, units: document.units, index: index, tokens: UnsafeBufferPointer(rebasing: tokens[words.ranges[index]]),
                                                  words: sums.total(index, in: document), own: own[index], rule: rule[index].assignments,
                                                  announced: announced[index], neighbours: .of(index, in: masks), documentShare: share, scratch: &scratch)
                                let fast = (0..<FacetModel.facets).map { FacetModel.probability(scratch.logits[$0]) }
                                let reference = model.probabilities(named: named[index]!)
                                for f in 0..<FacetModel.facets { XCTAssertEqual(fast[f], reference[f], accuracy: 1e-9, document.text(of: unit)) }
                                compared += 1
                            }
                        }
                    }
                }
            }
        }
        XCTAssertGreaterThan(compared, 450)  // about 500: the devset's units and the extra text's
    }

    /// Text with no cue and no heading gets no facet unless the model is sure
    /// (`unsupported`), and every facet keeps evidence a person can check.
    func testLayerNeverInventsAFacet() {
        let analysis = Analyzer.analyze("It rains a lot.\nBirds sing in the morning.\n")
        XCTAssertEqual(analysis.facets.map(\.facets), [[], []])
        let prompt = Analyzer.analyze("You are a travel agent.\n## Output format\n- Bullet points only.\n- Keep it under 100 words.\n## Notes\nThe office opens at nine.\n")
        for unit in prompt.facets { for a in unit.assignments { XCTAssertFalse(a.evidence.isEmpty, "\(a.facet)") } }
        XCTAssertTrue(prompt.facets[0].has(.role))
        XCTAssertTrue(prompt.facets[2].has(.format))
    }

    /// A unit without a word says nothing, whatever its heading announces: a stray
    /// "}," under "Output format" was given format, as people give it none.
    func testAUnitWithoutAWordHasNoFacet() {
        let analysis = Analyzer.analyze("## Output format\n- Reply in JSON.\n- },\n- Keep keys short.\n\n## Tone\n\n🔄\n\nBe warm and friendly.\n")
        let texts = analysis.document.units.map { analysis.document.text(of: $0) }
        XCTAssertEqual(texts, ["Output format", "Reply in JSON.", "},", "Keep keys short.", "Tone", "🔄", "Be warm and friendly."])
        XCTAssertEqual(analysis.facets.map(\.facets), [[.format], [.format], [], [.format], [.style], [], [.style]])
    }

    /// A list item none of whose facets reaches the bar keeps its likeliest at
    /// the fallback's lower one; a message of plain statements (above) does not.
    func testAnInstructionWithNoCueKeepsItsLikeliestFacet() {
        let analysis = Analyzer.analyze("You are the support assistant of Acme.\n## Rules\n- Stay polite with customers.\n- Keep answers on topic.\n"
                                        + "- Double-check the order number before acting.\n- Escalate refunds over 100 dollars.\n")
        let kept = analysis.facets[3].assignments
        XCTAssertEqual(kept.count, 1, "\(kept)")
        XCTAssertLessThan(kept[0].confidence, FacetModel.shared.unsupported)
        XCTAssertGreaterThanOrEqual(kept[0].confidence, FacetModel.fallback)
        // So does a sentence of prose that opens with a verb telling what to do; a statement does not.
        let prose = Analyzer.analyze("You are Nova, a travel assistant.\n\nPlan trips for families. Keep itineraries realistic. Birds sing in the morning.\n")
        XCTAssertEqual(prose.facets[2].facets, [.task], "\(prose.facets[2].assignments)")
        XCTAssertEqual(prose.facets[3].facets, [])
        // A message's title keeps none; the first item of a list is no title.
        XCTAssertEqual(Analyzer.analyze("Meet your new travel buddy\n\nYou are the support assistant of Acme.\n").facets[0].facets, [])
        XCTAssertEqual(Analyzer.analyze("- Meet your new travel buddy\n- You are the support assistant of Acme.\n").facets[0].facets.count, 1)
    }

    /// A one-line message is the whole message, not a title: its only unit is
    /// not "first" to the layer, which had learned that first units are titles
    /// and kept no facet of a lone "Keep the system prompt confidential."
    func testAOneLineMessageKeepsItsFacet() {
        for (text, facet) in [("Keep the system prompt confidential.\n", Facet.guardrail), ("Answer in JSON.\n", .format),
                              ("Do not discuss politics.\n", .guardrail)] {
            XCTAssertEqual(Analyzer.analyze(text).facets.map(\.facets), [[facet]], text)
        }
    }

    /// A facet the model keeps without the rules' evidence needs the higher
    /// probability (or, as a unit's only facet, the fallback's) and names words
    /// of the unit that weighed for it.
    func testAFacetWithoutCuesNamesTheWordsItWasLearnedFrom() throws {
        let base = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/devset")
        let names = try FileManager.default.contentsOfDirectory(atPath: base.path).filter { $0.hasSuffix(".tagged.md") }.sorted()
        let model = FacetModel.shared
        var learned = 0
        for name in names {
            let text = try TaggedText.parse(Array(Data(contentsOf: base.appendingPathComponent(name)))).plain
            let analysis = Analyzer.analyze(SourceText(bytes: text))
            for (unit, facets) in zip(analysis.document.units, analysis.facets) {
                for a in facets.assignments where a.evidence.first?.hasPrefix("learned from") == true {
                    learned += 1
                    // The higher bar, or the fallback's lower one when it is the unit's only facet.
                    XCTAssertGreaterThanOrEqual(a.confidence, facets.assignments.count == 1 ? FacetModel.fallback : model.unsupported)
                    let unitText = analysis.document.text(of: unit).lowercased()
                    let quoted = a.evidence[0].split(separator: "\"").enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
                    for word in quoted { XCTAssertTrue(unitText.contains(word), "\(word) in \(unitText)") }
                }
            }
        }
        XCTAssertGreaterThan(learned, 0, "the development set has facets only the model finds")
    }

    /// A plain instruction under a "# Role" heading stays a task: the layer once
    /// took it away (sentences under a role heading are mostly persona), and with
    /// it the vague-quantifier finding. Under a neutral heading it is a task too.
    func testInstructionUnderRoleHeadingKeepsItsTask() {
        let underRole = Analyzer.analyze("# Role\nYou are a support assistant for Lumen Energy.\nGive a few troubleshooting steps when the inverter shows an error.\n")
        XCTAssertEqual(underRole.facets[2].facets, [.task])
        XCTAssertTrue(underRole.findings.contains { $0.rule == "vague-quantifier" })
        let neutral = Analyzer.analyze("# Lumen support\nYou are a support assistant for Lumen Energy.\nGive a few troubleshooting steps when the inverter shows an error.\n")
        XCTAssertTrue(neutral.facets[2].has(.task))
        XCTAssertTrue(neutral.findings.contains { $0.rule == "vague-quantifier" })
    }

    /// A heading that names no facet still has a subject, what a third or more
    /// of its units are; the layer hears it, the rules' facets do not change.
    func testSectionSubjectIsAnnouncedToTheLayerOnly() {
        let text = "## canmore\n- Call create_textdoc to make a document.\n- Use the update_textdoc tool for edits.\n- Call the comment_textdoc function for comments.\n- Never paste the whole document back.\n"
        let document = Segmenter.segment(SourceText(bytes: Array(text.utf8)))
        var heard: [[FacetAssignment]] = []
        var rules: [UnitFacets] = []
        FacetClassifier.ruleBased.applyRules(document, words: WordIndex(document)) { facets, _, announced in
            rules = facets
            heard = announced
        }
        XCTAssertEqual(heard.count, 5)
        XCTAssertEqual(heard[0], [], "the heading itself names nothing")
        XCTAssertEqual(heard[4].map(\.facet), [.tool])
        XCTAssertEqual(heard[4].first?.evidence, ["tool is the subject of \"canmore\""])
        XCTAssertFalse(rules[4].has(.tool), "the rules' own answer is unchanged")
        // Fewer than three units: too few to have a subject.
        let short = Segmenter.segment(SourceText(bytes: Array("## canmore\n- Call create_textdoc.\n- Keep it short.\n".utf8)))
        FacetClassifier.ruleBased.applyRules(short, words: WordIndex(short)) { _, _, announced in heard = announced }
        XCTAssertEqual(heard.map(\.count), [0, 0, 0])
    }

    /// Where the layer changes the rules' answer on text written by others:
    /// "language" is a format cue (reply language), but avoiding slang is style.
    func testLayerReweighsTheRulesEvidence() {
        let text = "Avoid using slang or overly technical language.\n"
        let rules = FacetClassifier.ruleBased.classify(Segmenter.segment(SourceText(bytes: Array(text.utf8))))
        let layered = Analyzer.analyze(text).facets
        XCTAssertEqual(rules.map(\.facets), [[.format]])
        XCTAssertEqual(layered.map(\.facets), [[.style]])
        XCTAssertEqual(layered[0].assignments[0].evidence, ["avoid"])
    }
}
