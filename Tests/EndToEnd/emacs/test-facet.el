;;; test-facet.el --- Headless Emacs + Eglot test of editors/emacs/facet.el  -*- lexical-binding: t; -*-

;; Run through run.sh:  emacs --batch -l test-facet.el
;; (no -Q: Debian's site-start puts the elpa-eglot package on `load-path').
;; Environment: FACET_BIN (default <repo>/.build/debug/facet),
;; FACET_TEST_TIMEOUT (seconds, default 10).
;;
;; Checks, in order (each fails the run with a message):
;;  1. facet.el gives *.system.md, *.sysmsg, *.prompt.md, *.system.txt and a file with
;;     "-*- mode: facet -*-" on its first line `facet-mode' (not notes.md), and `facet-mode' derives from markdown-mode when that is
;;     installed (FACET_TEST_MARKDOWN_STUB=1 provides a stub), else from text-mode;
;;  2. the shipped `eglot-server-programs' entry starts the server for the fixture;
;;  3. Facet's diagnostics reach Flymake: weak-instruction on line 10 of the fixture;
;;  4. `facet-settings' reach the server (initializationOptions): vague-quantifier is off;
;;  5. hover on line 5 ("You are Nova, ...") says "Facet: this sentence is role"
;;     (with the asterisks of **role** when Eglot asks for Markdown);
;;  6. the other system-message buffers share the one server;
;;  7. `eglot-completion-at-point' on an empty line of a message without a harmlessness
;;     preference offers one from the embedded collection, whose candidate is its
;;     description; choosing it inserts that description;
;;  8. `eglot-code-actions' at line 10 ("Try to solve ...") includes the preferred quick fix
;;     "Remove \"Try to\""; `eglot--apply-workspace-edit' applies it, the line reads
;;     "- Solve the problem in one reply." and weak-instruction leaves Flymake;
;;  9. after shutdown and exit the server process ends with status 0.

;;; Code:

(load (expand-file-name "test-harness.el" (file-name-directory (or load-file-name buffer-file-name))) nil t)

(defvar facet-test-markdown nil "Whether markdown-mode is available.")

(defun facet-test-visit (name)
  "Visit NAME in the temp folder; return the buffer."
  (find-file-noselect (expand-file-name name facet-test-tmp)))

(defun facet-test-line (pos)
  (save-restriction (widen) (line-number-at-pos pos)))

(defun facet-test-run ()
  (let ((bin (or (getenv "FACET_BIN") "")))
    (when (string-empty-p bin)
      (setq bin (expand-file-name ".build/debug/facet" facet-test-repo)))
    (facet-test-check (file-executable-p bin) "FACET_BIN is not an executable file: %s" bin)

    ;; Eglot from Debian's elpa-eglot (or any installed package).
    (unless (require 'eglot nil t)
      (require 'package)
      (package-initialize)
      (facet-test-check (require 'eglot nil t) "eglot is not installed"))
    (facet-test-out "emacs %s, %s, facet at %s"
                    emacs-version (or (bound-and-true-p eglot-version)
                                      (let ((lib (locate-library "eglot")))
                                        (and lib (file-name-nondirectory (directory-file-name (file-name-directory lib))))))
                    bin)

    ;; FACET_TEST_MARKDOWN_STUB=1: a minimal markdown-mode on `load-path', to check the
    ;; Markdown branch of facet.el on machines without the markdown-mode package.
    (when (member (getenv "FACET_TEST_MARKDOWN_STUB") '("1" "yes" "true"))
      (let ((dir (expand-file-name "stub-lisp" facet-test-tmp)))
        (make-directory dir t)
        (with-temp-file (expand-file-name "markdown-mode.el" dir)
          (insert ";;; markdown-mode.el --- stub for test-facet.el  -*- lexical-binding: t; -*-\n"
                  "(define-derived-mode markdown-mode text-mode \"Markdown\")\n"
                  "(add-to-list 'auto-mode-alist '(\"\\\\.md\\\\'\" . markdown-mode))\n"
                  "(provide 'markdown-mode)\n"))
        (push dir load-path)
        (facet-test-out "using a stub markdown-mode (%s)" dir)))
    (setq facet-test-markdown (and (locate-library "markdown-mode") t))

    ;; The shipped package, loaded as a user would.
    (add-to-list 'load-path (expand-file-name "editors/emacs" facet-test-repo))
    (require 'facet)
    (setq facet-executable bin
          facet-server-arguments (list "lsp" "--trace-file" facet-test-trace)
          facet-settings '(:rules (:vague-quantifier "off")))

    ;; The fixture, copied (never edit files in the repository).
    (let ((fixture (expand-file-name "examples/support-agent.system.md" facet-test-repo)))
      (facet-test-check (file-readable-p fixture) "fixture missing: %s" fixture)
      (copy-file fixture (expand-file-name "support-agent.system.md" facet-test-tmp)))
    (dolist (name '("b.sysmsg" "c.prompt.md" "d.system.txt" "notes.md"))
      (write-region "Answer in English.\n" nil (expand-file-name name facet-test-tmp) nil 'silent))
    ;; The opt-in documented in editors/README.md: a file-local mode on the first line.
    (write-region "<!-- -*- mode: facet -*- -->\nAnswer in English.\n" nil
                  (expand-file-name "opt-in.md" facet-test-tmp) nil 'silent)

    ;; 1. Modes.
    (let ((buf (facet-test-visit "support-agent.system.md"))
          (others (mapcar #'facet-test-visit '("b.sysmsg" "c.prompt.md" "d.system.txt" "opt-in.md")))
          (notes (facet-test-visit "notes.md"))
          server)
      (dolist (b (cons buf others))
        (facet-test-check (eq (buffer-local-value 'major-mode b) 'facet-mode)
                          "%s: major mode is %s, expected facet-mode"
                          (buffer-name b) (buffer-local-value 'major-mode b)))
      (facet-test-check (not (eq (buffer-local-value 'major-mode notes) 'facet-mode))
                        "notes.md: major mode is facet-mode, expected a Markdown or text mode")
      (let ((parent (if facet-test-markdown 'markdown-mode 'text-mode)))
        (facet-test-check (with-current-buffer buf (derived-mode-p parent))
                          "facet-mode does not derive from %s" parent)
        (when facet-test-markdown
          (facet-test-check (eq (buffer-local-value 'major-mode notes) 'markdown-mode)
                            "notes.md: major mode is %s, expected markdown-mode"
                            (buffer-local-value 'major-mode notes))))
      (facet-test-out "ok  facet-mode for *.system.md, *.sysmsg, *.prompt.md, *.system.txt and opt-in.md (-*- mode: facet -*-), parent %s; notes.md is %s"
                      (symbol-function 'facet--parent-mode) (buffer-local-value 'major-mode notes))

      ;; 2. Start Eglot the way M-x eglot does, from the shipped `eglot-server-programs' entry
      ;; (`eglot-ensure' does nothing in batch mode).
      (with-current-buffer buf
        (let ((guess (eglot--guess-contact)))
          (facet-test-check (equal (car guess) '(facet-mode))
                            "eglot-server-programs: managed modes are %S, expected (facet-mode)" (car guess))
          (facet-test-check (and (equal (car (nth 3 guess)) facet-executable)
                                 (memq :initializationOptions (nth 3 guess)))
                            "eglot-server-programs: the contact for facet-mode is %S, expected (%s lsp ... :initializationOptions ...)"
                            (nth 3 guess) facet-executable)
          (setq server (apply #'eglot guess)))
        (facet-test-wait (lambda () (and (eglot-current-server) (bound-and-true-p eglot--managed-mode)))
                         "Eglot managing the fixture")
        (setq server (eglot-current-server))
        (facet-test-out "ok  eglot started %s (language id %s)" (jsonrpc-name server) (eglot--language-id server))

        ;; 3. Diagnostics, as Flymake shows them. Flymake starts on the first command,
        ;; which never comes in batch mode; start it by hand.
        (let* ((started (float-time))
               (diags (facet-test-wait
                       (lambda ()
                         (when (and (bound-and-true-p flymake-mode) (not (flymake-running-backends)))
                           (flymake-start))
                         (flymake-diagnostics))
                       "Flymake diagnostics from Facet"))
               (waited (* 1000 (- (float-time) started)))
               (found (mapcar (lambda (d)
                                (let ((spec (alist-get 'eglot-lsp-diag (flymake-diagnostic-data d))))
                                  (list (plist-get spec :code)
                                        (facet-test-line (flymake-diagnostic-beg d))
                                        (plist-get spec :source))))
                              diags))
               (summary (mapconcat (lambda (f) (format "%s@%s" (nth 0 f) (nth 1 f))) found ", "))
               (want-rule "weak-instruction")
               (want-line 10))
          (facet-test-check (cl-find-if (lambda (f) (and (equal (nth 0 f) want-rule)
                                                         (equal (nth 1 f) want-line)
                                                         (equal (nth 2 f) "facet")))
                                        found)
                            "expected %s (source facet) on line %d; got: %s" want-rule want-line summary)
          (facet-test-out "ok  diagnostic %s on line %d (after %.0f ms; all: %s)" want-rule want-line waited summary)

          ;; 4. Settings.
          (facet-test-check (not (assoc "vague-quantifier" found))
                            "vague-quantifier is reported although facet-settings turn it off: %s" summary)
          (facet-test-out "ok  facet-settings applied: vague-quantifier is off"))

        ;; 5. Hover, at a position Eglot computes from point, rendered the way Eglot shows it.
        (let* ((hover-line 5) (hover-column 10)
               ;; Eglot asks for Markdown only when it can render it (markdown-mode's
               ;; gfm-view-mode); otherwise Facet sends plain text without the asterisks.
               (want (if (fboundp 'gfm-view-mode)
                         "Facet: this sentence is \\*\\*role\\*\\*"
                       "Facet: this sentence is role"))
               (params (save-excursion
                         (goto-char (point-min))
                         (forward-line (1- hover-line))
                         (move-to-column hover-column)
                         (eglot--TextDocumentPositionParams)))
               (hover (jsonrpc-request server :textDocument/hover params :timeout facet-test-timeout))
               (contents (plist-get hover :contents))
               (text (and contents (eglot--hover-info contents (plist-get hover :range)))))
          (facet-test-check (stringp text) "no hover at line %d, column %d" hover-line hover-column)
          (facet-test-check (string-match-p want (substring-no-properties text))
                            "hover at line %d does not match %S; got:\n%s" hover-line want text)
          (facet-test-out "ok  hover at %d:%d starts %S" hover-line hover-column
                          (car (split-string (substring-no-properties text) "\n")))))

      ;; 6. One server for the folder.
      (dolist (b others)
        (with-current-buffer b
          (facet-test-check (eq (eglot-current-server) server)
                            "%s is not managed by the shared server" (buffer-name b))))
      (with-current-buffer notes
        (facet-test-check (null (eglot-current-server)) "notes.md is managed by Facet's server"))
      (facet-test-out "ok  %d system-message buffers share one server; notes.md has none" (1+ (length others)))

      ;; 7. Completion of a preference from the embedded collection (nothing imported): on an
      ;; empty line of a message with no harmlessness preference, Eglot's capf offers one, and
      ;; choosing it inserts its description.
      (write-region "You are a Python tutor for high-school students.\nExplain each concept with a short code example.\nKeep a friendly tone.\n\n"
                    nil (expand-file-name "tutor.system.md" facet-test-tmp) nil 'silent)
      (with-current-buffer (facet-test-visit "tutor.system.md")
        (facet-test-wait (lambda () (and (eq (eglot-current-server) server) (bound-and-true-p eglot--managed-mode)))
                         "the shared server managing tutor.system.md")
        (goto-char (point-max))
        (facet-test-check (= (facet-test-line (point)) 5) "tutor.system.md: point is on line %d, expected 5" (facet-test-line (point)))
        (let* ((capf (eglot-completion-at-point))
               (beg (nth 0 capf)) (end (nth 1 capf)) (table (nth 2 capf))
               (exit (plist-get (nthcdr 3 capf) :exit-function))
               (item-of (lambda (proxy) (get-text-property 0 'eglot--lsp-item proxy)))
               (candidates (and capf (all-completions "" table)))
               (harmless (cl-find-if (lambda (proxy)
                                       (let ((detail (or (plist-get (funcall item-of proxy) :detail) "")))
                                         (and (string-prefix-p "harmlessness/" detail)
                                              (string-match-p "facet-default" detail))))
                                     candidates)))
          (facet-test-check capf "eglot-completion-at-point returned nothing on line 5 of tutor.system.md")
          (facet-test-check harmless "no harmlessness preference among %d completion items: %S"
                            (length candidates) (mapcar (lambda (c) (plist-get (funcall item-of c) :detail)) candidates))
          (let ((item (funcall item-of harmless)))
            (facet-test-check (and (equal (substring-no-properties harmless) (plist-get item :insertText))
                                   (> (length harmless) 20))
                              "the harmlessness preference %S does not insert its description: %S"
                              (plist-get item :label) (substring-no-properties harmless))
            ;; Choose it as `completion-in-region' does: replace the prefix, then run the exit function.
            (delete-region beg end)
            (goto-char beg)
            (insert harmless)
            (when exit (funcall exit harmless 'finished))
            (facet-test-check (equal (buffer-substring-no-properties (line-beginning-position) (line-end-position))
                                     (substring-no-properties harmless))
                              "after completing, line 5 of tutor.system.md is %S"
                              (buffer-substring-no-properties (line-beginning-position) (line-end-position)))
            (facet-test-out "ok  completion offers %d preferences; harmlessness: %S, inserted on line 5"
                            (length candidates) (plist-get item :label)))))

      ;; 8. A code action: the actions `eglot-code-actions' finds at point on line 10 ("Try to
      ;; solve ...", with Flymake's diagnostics there as context), and the chosen one's edit
      ;; applied as Eglot's menu does.
      (with-current-buffer buf
        (let* ((fix-line 10) (want-title "Remove \"Try to\"") (want-text "- Solve the problem in one reply.")
               (actions (save-excursion
                          (goto-char (point-min))
                          (forward-line (1- fix-line))
                          (move-to-column 2)
                          (eglot-code-actions (point) (point))))
               (fix (cl-find want-title actions :key (lambda (a) (plist-get a :title)) :test #'equal)))
          (facet-test-check fix "no %S action on line %d; got: %S" want-title fix-line
                            (mapcar (lambda (a) (plist-get a :title)) actions))
          (facet-test-check (and (equal (plist-get fix :kind) "quickfix") (eq (plist-get fix :isPreferred) t)
                                 (plist-get fix :edit))
                            "the fix is not a preferred quickfix with an edit: %S" fix)
          (eglot--apply-workspace-edit (plist-get fix :edit))
          (let ((fixed (save-excursion
                         (goto-char (point-min))
                         (forward-line (1- fix-line))
                         (buffer-substring-no-properties (line-beginning-position) (line-end-position)))))
            (facet-test-check (equal fixed want-text) "after the fix line %d is %S, expected %S" fix-line fixed want-text)
            ;; Eglot sends the change from an idle timer, which batch mode never runs; send it now.
            (eglot--signal-textDocument/didChange)
            (let ((codes nil))
              (facet-test-wait
               (lambda ()
                 (when (and (bound-and-true-p flymake-mode) (not (flymake-running-backends)))
                   (flymake-start))
                 (setq codes (mapcar (lambda (d)
                                       (format "%s@%d"
                                               (plist-get (alist-get 'eglot-lsp-diag (flymake-diagnostic-data d)) :code)
                                               (facet-test-line (flymake-diagnostic-beg d))))
                                     (flymake-diagnostics)))
                 (and codes (not (cl-find-if (lambda (c) (string-prefix-p "weak-instruction@" c)) codes))))
               "Flymake dropping weak-instruction after the fix")
              (facet-test-out "ok  code action %S (of %d) applied: line %d reads %S; diagnostics now: %s"
                              want-title (length actions) fix-line fixed (string-join codes ", "))))))

      ;; 9. Clean shutdown. (`eglot-shutdown' kills the process right after sending
      ;; exit, so send shutdown and exit here and let the server end by itself.)
      (let ((process (jsonrpc--process server)))
        (setf (eglot--shutdown-requested server) t)
        (jsonrpc-request server :shutdown nil :timeout facet-test-timeout)
        (jsonrpc-notify server :exit nil)
        (facet-test-wait (lambda () (not (process-live-p process))) "the server exiting after shutdown and exit")
        (facet-test-check (and (eq (process-status process) 'exit) (eq (process-exit-status process) 0))
                          "the server ended with %s %s after shutdown and exit, expected exit 0"
                          (process-status process) (process-exit-status process))
        (facet-test-out "ok  server exited with status 0 after shutdown and exit")))))

(facet-test-main "emacs" "facet-emacs-")

;;; test-facet.el ends here
