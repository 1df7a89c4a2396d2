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
;;   file it writes, reloading it while the answers stream in;
;; - `facet-evaluate' and `facet-evaluate-cancel' (with Eglot): the same
;;   for facet.evaluate, which has a judge score the answers.
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

;;;; Previews and evaluations (with Eglot)

(defcustom facet-preview-refresh-interval 0.2
  "Seconds between reloads of the report buffer while a preview or evaluation runs."
  :type 'number)

(defcustom facet-preview-timeout nil
  "Seconds to wait for the answer of a preview or evaluation; nil: no limit.
Stop a long run with \\[facet-preview-cancel] or \\[facet-evaluate-cancel]."
  :type '(choice (const :tag "No limit" nil) number))

(defvar facet-preview-last-result nil
  "The answer of the last finished preview, a plist:
\(:file FILE :cases [(:name NAME :status STATUS :cached BOOL [:error TEXT]) ...]).")

(defvar facet-evaluate-last-result nil
  "The answer of the last finished evaluation, a plist:
\(:file FILE :cancelled BOOL :requests N
 :endpoints [(:endpoint NAME :mean NUMBER-OR-NIL) ...]
 :notFollowed [MESSAGE ...]).")

(defvar facet--run-serial 0 "Numbers the progress tokens of previews and evaluations.")

(defvar-local facet--files nil
  "In a system-message buffer: the files its runs write to, once known.
An alist (KIND . FILE); KIND is `preview' or `evaluate'.")

(defvar-local facet--runs nil
  "In a system-message buffer: its running previews and evaluations.
An alist (KIND . (:server SERVER :token TOKEN :timer TIMER)).")

(defconst facet--kinds
  '((preview :command "facet.preview" :label "preview"
             :result facet-preview-last-result :summary facet--preview-summary)
    (evaluate :command "facet.evaluate" :label "evaluation"
              :result facet-evaluate-last-result :summary facet--evaluate-summary))
  "What differs between `facet-preview' and `facet-evaluate'.")

(declare-function eglot-current-server "ext:eglot")
(declare-function eglot--TextDocumentIdentifier "ext:eglot")
(declare-function jsonrpc-async-request "ext:jsonrpc")
(declare-function jsonrpc-notify "ext:jsonrpc")

(defun facet--show (file)
  "Show FILE in another window, reverting it automatically; return its buffer."
  ;; A buffer already visiting FILE is reloaded by `facet--reload', not by
  ;; `find-file-noselect' (which would ask whether to reread a changed file).
  (let ((buffer (or (get-file-buffer file) (find-file-noselect file))))
    (with-current-buffer buffer
      (auto-revert-mode 1))
    (display-buffer buffer '(nil (inhibit-same-window . t)))
    buffer))

(defun facet--reload (file)
  "Reload the buffer visiting FILE if the file changed and the buffer has no edits."
  (let ((buffer (and file (get-file-buffer file))))
    (when (and buffer (not (buffer-modified-p buffer))
               (not (verify-visited-file-modtime buffer))
               (file-readable-p file))
      (with-current-buffer buffer
        (revert-buffer t t t)))))

(defun facet--file (kind &optional buffer)
  "The file that runs of KIND in BUFFER (default: current) write to, once known."
  (alist-get kind (buffer-local-value 'facet--files (or buffer (current-buffer)))))

(defun facet--current-p (source kind token)
  "Whether TOKEN is that of the running command of KIND in buffer SOURCE."
  (and (buffer-live-p source)
       (equal (plist-get (alist-get kind (buffer-local-value 'facet--runs source)) :token) token)))

(defun facet--finish (source kind)
  "Forget the running command of KIND in buffer SOURCE and stop its timer."
  (when (buffer-live-p source)
    (with-current-buffer source
      (let ((timer (plist-get (alist-get kind facet--runs) :timer)))
        (when timer (cancel-timer timer)))
      (setf (alist-get kind facet--runs nil 'remove) nil))))

(defun facet--options (&rest plist)
  "PLIST without its nil values, or nil if none is left."
  (cl-loop for (key value) on plist by #'cddr
           when value append (list key value)))

(defun facet--run (kind options)
  "Run the server's command of KIND (`preview' or `evaluate') for this buffer.
OPTIONS is the command's options plist, or nil.  The file the server
writes is shown in another window and reloaded while the command runs;
the answer is summed up in the echo area.  Return the progress token."
  (require 'eglot)
  (let* ((spec (alist-get kind facet--kinds))
         (label (plist-get spec :label))
         (server (or (eglot-current-server)
                     (user-error "Facet: Eglot does not manage this buffer (M-x eglot)")))
         (source (current-buffer))
         (uri (plist-get (eglot--TextDocumentIdentifier) :uri))
         ;; Our own progress token: cancelling it (window/workDoneProgress/cancel)
         ;; stops the run and still gets its answer.
         (token (format "facet-%s-emacs-%d-%d" kind (emacs-pid) (cl-incf facet--run-serial)))
         (file (facet--file kind)))
    ;; A new run replaces the running one of the same kind (the server answers
    ;; the old request as cancelled).
    (facet--finish source kind)
    (when file
      (facet--show file))
    (setf (alist-get kind facet--runs)
          (list :server server :token token
                :timer (run-with-timer facet-preview-refresh-interval facet-preview-refresh-interval
                                       (lambda ()
                                         (when (buffer-live-p source)
                                           (facet--reload (facet--file kind source)))))))
    (jsonrpc-async-request
     server :workspace/executeCommand
     (list :command (plist-get spec :command)
           :arguments (if options (vector uri options) (vector uri))
           :workDoneToken token)
     :timeout facet-preview-timeout
     :success-fn
     (lambda (result)
       (when (facet--current-p source kind token)
         (facet--finish source kind)
         (let ((file (plist-get result :file)))
           (with-current-buffer source
             (setf (alist-get kind facet--files) file))
           (set (plist-get spec :result) result)
           (when file
             (facet--show file)
             (facet--reload file)))
         (message "Facet %s: %s" label (funcall (plist-get spec :summary) result))))
     :error-fn
     (lambda (error)
       (when (facet--current-p source kind token)
         (facet--finish source kind)
         (facet--reload (facet--file kind source)))
       (message "Facet %s: %s" label (or (plist-get error :message) error)))
     :timeout-fn
     (lambda ()
       (when (facet--current-p source kind token)
         (facet--finish source kind))
       (message "Facet %s: no answer within %s s" label facet-preview-timeout)))
    (message "Facet %s: started" label)
    token))

(defun facet--cancel (kind)
  "Stop the running command of KIND in this buffer."
  (let ((run (alist-get kind facet--runs)))
    (unless run
      (user-error "Facet: no %s is running for this buffer" (plist-get (alist-get kind facet--kinds) :label)))
    (jsonrpc-notify (plist-get run :server) :window/workDoneProgress/cancel
                    (list :token (plist-get run :token)))))

(defun facet--prefix-arguments ()
  "CASE and FORCE from the prefix argument: a number is a case, \\[universal-argument] forces."
  (list (and (integerp current-prefix-arg) current-prefix-arg)
        (consp current-prefix-arg)))

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

(defun facet--evaluate-summary (result)
  "A one-line summary of an evaluation's RESULT: each endpoint's mean score."
  (let ((missed (length (plist-get result :notFollowed))))
    (concat (if (eq (plist-get result :cancelled) t) "cancelled; " "")
            (mapconcat (lambda (score)
                         ;; The mean is null when no answer of the endpoint was judged.
                         (let ((mean (plist-get score :mean)))
                           (format "%s %s" (plist-get score :endpoint)
                                   (if (numberp mean) (format "%.2f" mean) "–"))))
                       (plist-get result :endpoints) ", ")
            (if (> missed 0) (format "; %d not followed" missed) ""))))

;;;###autoload
(defun facet-preview (&optional case force endpoint)
  "Preview the system message in this buffer: run Facet's facet.preview.
The server sends the message with its cases (front matter `cases:')
to the endpoint configured in .facet.toml and writes the answers to
.facet/previews/ as they stream in; that file is shown in another
window and reloaded while the preview runs.

CASE (a numeric prefix argument) previews only that case; FORCE (a
plain \\[universal-argument]) sends the cases again even when the
cache has answers; ENDPOINT names an endpoint profile other than the
default.  Needs Eglot managing the buffer.  \\[facet-preview-cancel]
stops it."
  (interactive (facet--prefix-arguments))
  (facet--run 'preview (facet--options :case case :force (and force t) :endpoint endpoint)))

;;;###autoload
(defun facet-evaluate (&optional case force endpoint compare judge)
  "Evaluate the system message in this buffer: run Facet's facet.evaluate.
The server sends every case to an endpoint, or to the endpoints of
`compare' in .facet.toml side by side, has the judge endpoint score
each answer on each rubric, and writes the scores to
.facet/previews/NAME.eval.md, shown in another window.  Rubrics the
models did not follow then show as diagnostics on their sentences.

CASE (a numeric prefix argument) evaluates only that case; FORCE (a
plain \\[universal-argument]) sends the requests again even when the
cache has answers and scores.  From Lisp: ENDPOINT evaluates that
endpoint profile alone, COMPARE is a list of profiles to compare, and
JUDGE the profile that scores.  Needs Eglot managing the buffer.
\\[facet-evaluate-cancel] stops it."
  (interactive (facet--prefix-arguments))
  (facet--run 'evaluate
              (facet--options :case case :force (and force t) :endpoint endpoint
                              :compare (and compare (vconcat compare))
                              :judge judge)))

(defun facet-preview-cancel ()
  "Stop the running preview of this buffer.
The server ends the request at once and marks the cases cancelled."
  (interactive)
  (facet--cancel 'preview))

(defun facet-evaluate-cancel ()
  "Stop the running evaluation of this buffer.
The server ends the request at once; its file shows the evaluation cancelled."
  (interactive)
  (facet--cancel 'evaluate))

(defun facet-preview-running-p (&optional buffer)
  "Whether a preview of BUFFER (default: the current buffer) is running."
  (and (alist-get 'preview (buffer-local-value 'facet--runs (or buffer (current-buffer)))) t))

(defun facet-evaluate-running-p (&optional buffer)
  "Whether an evaluation of BUFFER (default: the current buffer) is running."
  (and (alist-get 'evaluate (buffer-local-value 'facet--runs (or buffer (current-buffer)))) t))

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
