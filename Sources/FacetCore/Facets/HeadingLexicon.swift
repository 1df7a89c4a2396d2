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

    static let compiled: [(Facet, [[UInt64]], [String])] = table.map { facet, names in
        (facet, names.map { $0.split(separator: " ").map { CompiledLexicon.hashWord(String($0)) } }, names)
    }

    static func facets(forHeading text: String) -> [FacetAssignment] {
        let spaced = text.replacingUnderscoresAndHyphens()
        let bytes = Array(spaced.utf8)
        var tokens: [Token] = []
        bytes.withUnsafeBufferPointer { Tokenizer.tokenize($0, 0..<$0.count, into: &tokens) }
        let hashes = tokens.map(\.hash)
        var result: [FacetAssignment] = []
        for (facet, phrases, names) in compiled {
            for (phrase, name) in zip(phrases, names) where contains(hashes, phrase) || (!name.utf8.contains(where: { $0 < 0x80 }) && spaced.contains(name)) {
                result.append(FacetAssignment(facet: facet, confidence: 0.9, evidence: ["heading \"\(text)\""]))
                break
            }
        }
        // Mixed headings ("Rules and output format") keep at most two facets.
        if result.count > 2 { result = Array(result.prefix(2)) }
        return result
    }

    static func contains(_ haystack: [UInt64], _ needle: [UInt64]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        for start in 0...(haystack.count - needle.count) where Array(haystack[start..<start + needle.count]) == needle { return true }
        return false
    }
}

extension String {
    /// `output_format` and `output-format` read as "output format".
    func replacingUnderscoresAndHyphens() -> String {
        String(unicodeScalars.map { $0 == "_" || $0 == "-" ? " " : Character($0) })
    }
}
