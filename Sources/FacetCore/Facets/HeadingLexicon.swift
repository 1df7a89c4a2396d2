/// What a heading or an XML section name announces. Matched on the words of
/// the name ("## Output format", `<output_format>`, "**Tone:**").
enum HeadingLexicon {
    static let table: [(Facet, [String])] = [
        (.role, ["role", "roles", "persona", "identity", "who you are", "about you", "character", "you are", "profile", "rol", "rolle", "rôle", "personaje", "身份", "角色", "役割"]),
        (.task, ["task", "tasks", "instruction", "instructions", "steps", "step", "objective", "objectives", "goal", "goals", "purpose", "mission", "workflow", "process", "procedure", "what to do", "job", "responsibilities", "responsibility", "approach", "method", "how to respond", "how to help", "behavior", "behaviour", "actions", "tarea", "aufgabe", "aufgaben", "tâche", "tâches", "任务", "タスク", "指示", "手順"]),
        (.background, ["context", "background", "about", "company", "product", "products", "knowledge", "information", "info", "audience", "users", "user", "customer", "customers", "facts", "domain", "situation", "environment", "setting", "policies", "policy", "overview", "contexto", "kontext", "hintergrund", "contexte", "背景", "コンテキスト"]),
        (.format, ["format", "formatting", "output", "outputs", "response format", "structure", "template", "layout", "length", "schema", "output instructions", "formato", "ausgabe", "sortie", "格式", "形式", "出力"]),
        (.style, ["tone", "style", "voice", "personality", "communication", "writing style", "manner", "language style", "tono", "estilo", "ton", "stil", "语气", "口調", "スタイル", "トーン"]),
        (.tool, ["tool", "tools", "functions", "function", "api", "apis", "plugins", "capabilities", "actions available", "available tools", "herramientas", "werkzeuge", "outils", "工具", "ツール"]),
        (.guardrail, ["guardrail", "guardrails", "safety", "security", "restriction", "restrictions", "limitation", "limitations", "boundaries", "boundary", "don'ts", "do not", "never", "what not to do", "prohibited", "privacy", "confidentiality", "constraints", "constraint", "rules", "red lines", "compliance", "ethics", "disclaimer", "refusals", "restricciones", "reglas", "regeln", "einschränkungen", "règles", "限制", "禁止", "制約", "ルール"]),
    ]

    /// Per name: its word hashes, and its UTF-8 bytes when it has no ASCII at all
    /// (CJK names, matched as substrings since those scripts have no spaces).
    static let compiled: [(Facet, [(words: [UInt64], substring: [UInt8]?)])] = table.map { facet, names in
        (facet, names.map { name in
            (name.split(separator: " ").map { CompiledLexicon.hashWord(String($0)) },
             name.utf8.contains(where: { $0 < 0x80 }) ? nil : Array(name.utf8))
        })
    }

    /// The names in `compiled`, flattened, with their facet's `order`.
    static let names: [(facet: Int, words: [UInt64], substring: [UInt8]?)] = compiled.flatMap { facet, names in
        names.map { (facet.order, $0.words, $0.substring) }
    }

    /// Indices into `names` by first word: a heading's words are looked up,
    /// rather than every name searched for in them.
    static let byFirstWord = WordLists(names.indices.compactMap { index in
        names[index].words.first.map { (key: $0, value: index) }
    })

    static func facets(forHeading text: String) -> [FacetAssignment] {
        // `output_format` and `output-format` read as "output format".
        let bytes = text.utf8.map { $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") ? UInt8(ascii: " ") : $0 }
        let hasNonASCII = bytes.contains { $0 >= 0x80 }
        var tokens: [Token] = []
        bytes.withUnsafeBufferPointer { Tokenizer.tokenize($0, 0..<$0.count, into: &tokens) }
        let names = Self.names, byFirstWord = Self.byFirstWord  // static lets, read once
        // Which facets (by `order`) a name of theirs is found for.
        var found: UInt8 = 0
        for start in tokens.indices {
            for k in byFirstWord[tokens[start].hash] {
                let words = names[byFirstWord.items[k]].words
                guard start + words.count <= tokens.count else { continue }
                if words.indices.allSatisfy({ tokens[start + $0].hash == words[$0] }) { found |= 1 << names[byFirstWord.items[k]].facet }
            }
        }
        if hasNonASCII {
            for name in names where found & (1 << name.facet) == 0 {
                if let substring = name.substring, contains(bytes, substring) { found |= 1 << name.facet }
            }
        }
        guard found != 0 else { return [] }
        let evidence = ["heading \"\(text)\""]
        var result: [FacetAssignment] = []
        for order in 0..<FacetModel.facets where found & (1 << order) != 0 {
            result.append(FacetAssignment(facet: Facet.at(order), confidence: 0.9, evidence: evidence))
        }
        // Mixed headings ("Rules and output format") keep at most two facets.
        if result.count > 2 { result = Array(result.prefix(2)) }
        return result
    }

    static func contains<T: Equatable>(_ haystack: [T], _ needle: [T]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] && haystack[start..<start + needle.count].elementsEqual(needle) {
            return true
        }
        return false
    }
}
