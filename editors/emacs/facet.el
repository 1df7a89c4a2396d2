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
;; - an lsp-mode client, registered only once lsp-mode is loaded;
;; - `facet-preview' and `facet-preview-cancel' (with Eglot): run the
;;   server's facet.preview command for the buffer and show the preview
;;   file it writes, reloading it while the answers stream in.
;;
;; Set-up:
;;
;;   (add-to-list 'load-path "/path/to/facet/editors/emacs")
;;   (require 'facet)
;;   (add-hook 'facet-mode-hook #'eglot-ensure)   ; or #'lsp-deferred
;;
;; See README.md next to this file.

;;; Code:

(require 'cl-lib)

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

;;;; Previews (with Eglot)

(defcustom facet-preview-refresh-interval 0.2
  "Seconds between reloads of the preview buffer while a preview runs."
  :type 'number)

(defcustom facet-preview-timeout nil
  "Seconds to wait for a preview's answer; nil waits as long as it takes.
Stop a long preview with \[facet-preview-cancel]."
  :type '(choice (const :tag "No limit" nil) number))

(defvar facet-preview-last-result nil
  "The answer of the last finished preview, a plist:
\(:file FILE :cases [(:name NAME :status STATUS :cached BOOL [:error TEXT]) ...]).")

(defvar facet--preview-serial 0 "Numbers the progress tokens of previews.")

(defvar-local facet--preview-file nil
  "In a system-message buffer: the file its previews are written to, once known.")

(defvar-local facet--preview-run nil
  "In a system-message buffer: its running preview.
A plist (:server SERVER :token TOKEN :timer TIMER).")

(declare-function eglot-current-server "ext:eglot")
(declare-function eglot--TextDocumentIdentifier "ext:eglot")
(declare-function jsonrpc-async-request "ext:jsonrpc")
(declare-function jsonrpc-notify "ext:jsonrpc")

(defun facet--preview-show (file)
  "Show FILE in another window, reverting it automatically; return its buffer."
  ;; A buffer already visiting FILE is reloaded by `facet--preview-reload', not
  ;; by `find-file-noselect' (which would ask whether to reread a changed file).
  (let ((buffer (or (get-file-buffer file) (find-file-noselect file))))
    (with-current-buffer buffer
      (auto-revert-mode 1))
    (display-buffer buffer '(nil (inhibit-same-window . t)))
    buffer))

(defun facet--preview-reload (file)
  "Reload the buffer visiting FILE if the file changed and the buffer has no edits."
  (let ((buffer (and file (get-file-buffer file))))
    (when (and buffer (not (buffer-modified-p buffer))
               (not (verify-visited-file-modtime buffer))
               (file-readable-p file))
      (with-current-buffer buffer
        (revert-buffer t t t)))))

(defun facet--preview-finish (source)
  "Forget the running preview of buffer SOURCE and stop its timer."
  (when (buffer-live-p source)
    (with-current-buffer source
      (let ((timer (plist-get facet--preview-run :timer)))
        (when timer (cancel-timer timer)))
      (setq facet--preview-run nil))))

(defun facet--preview-summary (result)
  "A one-line summary of a preview's RESULT."
  (let ((cases (append (plist-get result :cases) nil)))
    (let ((done (cl-count "done" cases :key (lambda (c) (plist-get c :status)) :test #'equal))
          (cached (cl-count-if (lambda (c) (eq (plist-get c :cached) t)) cases))
          (cancelled (cl-some (lambda (c) (equal (plist-get c :status) "cancelled")) cases))
          (failure (cl-find-if (lambda (c) (and (plist-get c :error)
                                                (not (equal (plist-get c :error) "cancelled"))))
                               cases)))
      (concat (if cancelled "cancelled; " "")
              (format "%d of %d answered" done (length cases))
              (if (> cached 0) (format " (%d from the cache)" cached) "")
              (if failure (format "; %s: %s" (plist-get failure :name) (plist-get failure :error)) "")))))

;;;###autoload
(defun facet-preview (&optional case force endpoint)
  "Preview the system message in this buffer: run Facet's facet.preview.
The server sends the message with its cases (front matter `cases:')
to the endpoint configured in .facet.toml and writes the answers to
.facet/previews/ as they stream in; that file is shown in another
window and reloaded while the preview runs.

CASE (a numeric prefix argument) previews only that case; FORCE (a
plain \[universal-argument]) sends the cases again even when the
cache has answers; ENDPOINT names an endpoint profile other than the
default.  Needs Eglot managing the buffer.  \[facet-preview-cancel]
stops it."
  (interactive (list (and (integerp current-prefix-arg) current-prefix-arg)
                     (consp current-prefix-arg)
                     nil))
  (require 'eglot)
  (let* ((server (or (eglot-current-server)
                     (user-error "Facet: Eglot does not manage this buffer (M-x eglot)")))
         (source (current-buffer))
         (uri (plist-get (eglot--TextDocumentIdentifier) :uri))
         (options (append (and case (list :case case))
                          (and force (list :force t))
                          (and endpoint (list :endpoint endpoint))))
         (token (format "facet-preview-emacs-%d-%d" (emacs-pid) (cl-incf facet--preview-serial)))
         (file facet--preview-file))
    ;; A new preview of the same buffer replaces the running one (the server
    ;; answers the old request as cancelled).
    (facet--preview-finish source)
    (when file
      (facet--preview-show file))
    (setq facet--preview-run
          (list :server server :token token
                :timer (run-with-timer facet-preview-refresh-interval facet-preview-refresh-interval
                                       (lambda ()
                                         (when (buffer-live-p source)
                                           (facet--preview-reload (buffer-local-value 'facet--preview-file source)))))))
    (jsonrpc-async-request
     server :workspace/executeCommand
     (list :command "facet.preview"
           :arguments (if options (vector uri options) (vector uri))
           :workDoneToken token)
     :timeout facet-preview-timeout
     :success-fn
     (lambda (result)
       (when (buffer-live-p source)
         (with-current-buffer source
           (when (equal (plist-get facet--preview-run :token) token)
             (facet--preview-finish source)
             (let ((file (plist-get result :file)))
               (setq facet--preview-file file
                     facet-preview-last-result result)
               (when file
                 (facet--preview-show file)
                 (facet--preview-reload file)))
             (message "Facet preview: %s" (facet--preview-summary result))))))
     :error-fn
     (lambda (error)
       (when (buffer-live-p source)
         (with-current-buffer source
           (when (equal (plist-get facet--preview-run :token) token)
             (facet--preview-finish source)
             (facet--preview-reload facet--preview-file))))
       (message "Facet preview: %s" (or (plist-get error :message) error)))
     :timeout-fn
     (lambda ()
       (facet--preview-finish source)
       (message "Facet preview: no answer within %s s" facet-preview-timeout)))
    (message "Facet preview: started")
    token))

(defun facet-preview-cancel ()
  "Stop the running preview of this buffer.
The server ends the request at once and marks the cases cancelled."
  (interactive)
  (let ((run facet--preview-run))
    (unless run
      (user-error "Facet: no preview is running for this buffer"))
    (jsonrpc-notify (plist-get run :server) :window/workDoneProgress/cancel
                    (list :token (plist-get run :token)))))

(defun facet-preview-running-p (&optional buffer)
  "Whether a preview of BUFFER (default: the current buffer) is running."
  (and (buffer-local-value 'facet--preview-run (or buffer (current-buffer))) t))

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
