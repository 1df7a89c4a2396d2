extension SegmenterState {
    /// The sections of a text and where they cross, from the tags alone: no units.
    /// For a text with no front matter (a stretch of a message from a tag on).
    static func sectionTags(_ source: SourceText) -> (sections: [Section], crossings: [SectionCrossing]) {
        source.bytes.withUnsafeBufferPointer { buffer in
            var state = SegmenterState(buffer: buffer, lines: source.lines, contentStart: source.textStart)
            state.findOpaqueRegions(from: source.textStart)
            state.findTags(from: source.textStart)
            return (state.sections, state.crossings)
        }
    }
}
