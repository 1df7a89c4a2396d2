;;; facet.el --- Major mode and language server set-up for Facet system messages  -*- lexical-binding: t; -*-

;; Version: 0.1.0
;; Package-Requires: ((emacs "27.1"))
;; Keywords: languages, tools
;; URL: https://github.com/facet-lsp/facet

;;; Commentary:

;; Facet is a language server for LLM system messages (`facet lsp').
;; This file provides:
;;
;; - `facet-mode', derived from `markdown-mode' when that package is
;;   installed, else from `text-mode';
;; - `auto-mode-alist' entries for *.system.md, *.sysmsg, *.prompt.md and
;;   *.system.txt;
;; - an `eglot-server-programs' entry (Eglot 1.9 and later), sending
;;   `facet-settings' as initializationOptions;
;; - an lsp-mode client, registered only once lsp-mode is loaded.
;;
;; Set-up:
;;
;;   (add-to-list 'load-path "/path/to/facet/editors/emacs")
;;   (require 'facet)
;;   (add-hook 'facet-mode-hook #'eglot-ensure)   ; or #'lsp-deferred
;;
;; See README.md next to this file.

;;; Code:

(defgroup facet nil
  "Facet, a language server for LLM system messages."
  :group 'languages
  :prefix "facet-")

(defcustom facet-executable "facet"
  "The Facet program: a name on variable `exec-path' or an absolute file name."
  :type 'string
  :risky t)

(defcustom facet-server-arguments '("lsp")
  "Arguments that start the language server.
For example \\='(\"lsp\" \"--log-level\" \"info\" \"--trace-file\" \"/tmp/facet.trace\")."
  :type '(repeat string)
  :risky t)

(defcustom facet-settings nil
  "Facet settings, sent to the server as initializationOptions.
A plist, as Eglot and lsp-mode serialize it to JSON: keywords become
keys, vectors become arrays, t is true and :json-false is false.  Example:

  (:rules (:vague-quantifier \"off\" :weak-instruction \"warning\")
   :requiredFacets [\"role\" \"task\" \"format\"]
   :inlayHints t
   :diagnosticsDelay 200)

A .facet.toml next to a file (or above it) wins over these.  With
Eglot, a :facet section in `eglot-workspace-configuration' overrides
them key by key once the server asks for it."
  :type '(plist :key-type symbol :value-type sexp))

;;;###autoload
(defconst facet-file-regexp
  "\\.\\(?:system\\.md\\|sysmsg\\|prompt\\.md\\|system\\.txt\\)\\'"
  "File names Facet treats as system messages.")

(defun facet--initialization-options (&rest _)
  "Return the initializationOptions object: `facet-settings', or null."
  facet-settings)

(defun facet-server-command ()
  "Return the command line of the Facet language server."
  (cons facet-executable facet-server-arguments))

;;;; The major mode

;; Resolved when this file loads: Markdown editing if markdown-mode is installed.
(defalias 'facet--parent-mode
  (if (require 'markdown-mode nil t) 'markdown-mode 'text-mode)
  "The mode `facet-mode' derives from: `markdown-mode' or `text-mode'.")

;;;###autoload
(define-derived-mode facet-mode facet--parent-mode "Facet"
  "Major mode for LLM system messages checked by the Facet language server.
Start the server with \\[eglot] (or `lsp'); to do it automatically, add
`eglot-ensure' or `lsp-deferred' to `facet-mode-hook'."
  (setq-local comment-start "<!-- ")
  (setq-local comment-end " -->"))

;;;###autoload
(add-to-list 'auto-mode-alist (cons facet-file-regexp 'facet-mode))

;;;; Eglot

(defun facet--eglot-contact (&optional _interactive)
  "Return the Eglot contact for Facet.
Eglot calls this when it starts a server, so customizations apply."
  (append (facet-server-command)
          (list :initializationOptions #'facet--initialization-options)))

(with-eval-after-load 'eglot
  (defvar eglot-server-programs)
  ;; The language id Eglot sends is "facet", from the mode's name.
  (add-to-list 'eglot-server-programs '(facet-mode . facet--eglot-contact)))

;;;; lsp-mode (registered only if lsp-mode is loaded)

(declare-function lsp-register-client "ext:lsp-mode")
(declare-function make-lsp-client "ext:lsp-mode")
(declare-function lsp-stdio-connection "ext:lsp-mode")
(declare-function lsp-activate-on "ext:lsp-mode")
(defvar lsp-language-id-configuration)

(with-eval-after-load 'lsp-mode
  (add-to-list 'lsp-language-id-configuration '(facet-mode . "facet"))
  (lsp-register-client
   (make-lsp-client
    :new-connection (lsp-stdio-connection #'facet-server-command)
    :activation-fn (lsp-activate-on "facet")
    :initialization-options #'facet--initialization-options
    :server-id 'facet)))

(provide 'facet)
;;; facet.el ends here
