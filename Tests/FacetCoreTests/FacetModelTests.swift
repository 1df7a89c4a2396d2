import Foundation
import XCTest
@testable import FacetCore

final class FacetModelTests: XCTestCase {
    func testWeightsFileIsCurrent() {
        let model = FacetModel.shared
        XCTAssertEqual(model.unknownNames, [], "FacetModelWeights.swift names features UnitFeatures no longer has: retrain (bench/train-facets.py --write)")
        XCTAssertGreaterThan(model.wordWeights.count / FacetModel.facets, 1000)
        XCTAssertEqual(model.threshold, 0.3)
    }

    func testEveryFixedSlotHasItsOwnName() {
        let names = UnitFeatures.Fixed.names
        XCTAssertEqual(names.count, UnitFeatures.Fixed.count)
        XCTAssertFalse(names.contains(""))
        XCTAssertEqual(Set(names).count, names.count)
    }

    func testWeightsFileParsing() {
        let model = FacetModel(weights: "threshold 0.4\nbias\t1 2 3 4 5 6 7\nw.json\t0 0 0 1 0 0 0\nw0.write\t0 1 0 0 0 0 0\nown.nope\t0 0 0 0 0 0 0\nw.short\t1 2\n")
        XCTAssertEqual(model.threshold, 0.4)
        XCTAssertEqual(Array(model.fixed[0..<7]), [1, 2, 3, 4, 5, 6, 7])
        XCTAssertEqual(model.words[Tokenizer.hash("json")].map { model.wordWeights[$0 * 7 + 3] }, 1)
        XCTAssertEqual(model.firstWords[Tokenizer.hash("write")].map { model.wordWeights[$0 * 7 + 1] }, 1)
        XCTAssertNil(model.words[Tokenizer.hash("write")], "a first word is not any word")
        XCTAssertEqual(model.unknownNames, ["own.nope", "w.short"])
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
                var scratch = FacetModel.Scratch(model)
                document.source.bytes.withUnsafeBufferPointer { buffer in
                    words.tokens.withUnsafeBufferPointer { tokens in
                        for (index, unit) in document.units.enumerated() where !unit.isExample {
                            model.withTables { tables in
                                FacetModel.logits(tables, buffer, unit: unit, index: index, tokens: UnsafeBufferPointer(rebasing: tokens[words.ranges[index]]),
                                                         own: own[index], rule: rule[index].assignments, announced: announced[index], scratch: &scratch)
                            }
                            let fast = scratch.logits.map(FacetModel.probability)
                            let reference = model.probabilities(named: named[index]!)
                            for f in 0..<FacetModel.facets { XCTAssertEqual(fast[f], reference[f], accuracy: 1e-9, document.text(of: unit)) }
                            compared += 1
                        }
                    }
                }
            }
        }
        XCTAssertGreaterThan(compared, 500)
    }

    /// The layer only weighs what the rules found: text with no cue and no
    /// heading gets no facet, and every facet keeps evidence a person can check.
    func testLayerNeverInventsAFacet() {
        let analysis = Analyzer.analyze("It rains a lot.\nBirds sing in the morning.\n")
        XCTAssertEqual(analysis.facets.map(\.facets), [[], []])
        let prompt = Analyzer.analyze("You are a travel agent.\n## Output format\n- Bullet points only.\n- Keep it under 100 words.\n## Notes\nThe office opens at nine.\n")
        for unit in prompt.facets { for a in unit.assignments { XCTAssertFalse(a.evidence.isEmpty, "\(a.facet)") } }
        XCTAssertTrue(prompt.facets[0].has(.role))
        XCTAssertTrue(prompt.facets[2].has(.format))
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
