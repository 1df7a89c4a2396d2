;;; test-preview.el --- Headless Emacs + Eglot test of `facet-preview'  -*- lexical-binding: t; -*-

;; Run through run.sh:  emacs --batch -l test-preview.el
;; Environment: FACET_BIN (default <repo>/.build/debug/facet),
;; FACET_TEST_TIMEOUT (seconds, default 10).  Needs python3 for
;; Tests/Support/fake-openai (model slow-50: one token every 50 ms).
;;
;; Checks, in order (each fails the run with a message):
;;  1. `facet-preview' on a message with three cases answers with the preview file;
;;     that file is shown in another window (the selected one keeps the message),
;;     with `auto-revert-mode', and holds "Echo: <user message>" for each case,
;;     the endpoint and the model;
;;  2. `facet-preview' with FORCE shows the known file at once and reloads it while
;;     the answers stream (a version still streaming is seen); nothing is cached;
;;  3. `facet-preview' with CASE 2 previews that case only, from the cache;
;;  4. an endless answer (ENDPOINT "endless") stops at once on `facet-preview-cancel',
;;     and the buffer shows the cancelled preview.

;;; Code:

(load (expand-file-name "test-harness.el" (file-name-directory (or load-file-name buffer-file-name))) nil t)

(defconst facet-test-cases
  '(("case 1" . "What is your refund policy for annual plans?")
    ("greeting" . "Say hello to a new customer.")
    ("follow-up" . "The one from March."))
  "Each case of the message: its name and the user message the fake echoes.")

(defun facet-test-statuses (result)
  (mapcar (lambda (c) (list (plist-get c :name) (plist-get c :status) (plist-get c :cached)))
          (plist-get result :cases)))

(defun facet-test-preview-and-wait (source &rest args)
  "Run `facet-preview' with ARGS in SOURCE; wait for its answer.
Returns (RESULT . VERSIONS): the answer, and each text of the preview
buffer seen while the preview ran, as (RUNNING-P . TEXT)."
  (let ((versions nil))
    (with-current-buffer source
      (setq facet-preview-last-result nil)
      (apply #'facet-preview args)
      (facet-test-check (facet-preview-running-p) "facet-preview started nothing")
      (facet-test-wait
       (lambda ()
         (let* ((file (facet--file 'preview source))
                (buffer (and file (get-file-buffer file))))
           (when buffer
             (let ((text (facet-test-text buffer)))
               (unless (equal text (cdar versions))
                 (push (cons (facet-preview-running-p source) text) versions)))))
         (not (facet-preview-running-p source)))
       (format "facet-preview %S answering" args)))
    (cons facet-preview-last-result (nreverse versions))))

(defun facet-test-run ()
  (facet-test-load-facet)
  (facet-test-check (and (commandp 'facet-preview) (commandp 'facet-preview-cancel))
                    "facet.el defines no facet-preview and facet-preview-cancel commands")
  (let* ((port (facet-test-start-fake))
         (base-url (format "http://127.0.0.1:%d/v1" port))
         (file (expand-file-name "billing.system.md" facet-test-tmp)))
    (with-temp-file (expand-file-name ".facet.toml" facet-test-tmp)
      (insert "[preview]\nendpoint = \"fake\"\n"
              "[endpoints.fake]\nbase-url = \"" base-url "\"\nmodel = \"slow-50\"\n"
              "[endpoints.endless]\nbase-url = \"" base-url "\"\nmodel = \"endless\"\n"))
    (with-temp-file file
      (insert "---\ncases:\n"
              "  - " (cdr (nth 0 facet-test-cases)) "\n"
              "  - name: greeting\n    user: " (cdr (nth 1 facet-test-cases)) "\n"
              "  - name: follow-up\n    turns:\n"
              "      - user: My invoice is wrong.\n"
              "      - assistant: Sorry to hear that. Which invoice is it?\n"
              "      - user: " (cdr (nth 2 facet-test-cases)) "\n"
              "---\n"
              "You are Orbit's billing assistant for a software company.\n"
              "Answer questions about invoices, refunds and plans.\n"
              "Reply in at most three sentences.\n"))
    (facet-test-out "ok  fake endpoint at %s; workspace %s" base-url facet-test-tmp)

    (let* ((source (facet-test-visit file))
           (server (eglot-current-server)))
      ;; 1. The first preview: the file is known from the answer (Eglot 1.9 has no window/showDocument).
      (let* ((started (float-time))
             (run (facet-test-preview-and-wait source))
             (elapsed (* 1000 (- (float-time) started)))
             (result (car run))
             (preview-file (plist-get result :file))
             (preview (and preview-file (get-file-buffer preview-file))))
        (facet-test-check (equal (facet-test-statuses result)
                                 (mapcar (lambda (c) (list (car c) "done" :json-false)) facet-test-cases))
                          "the answer's cases: %S" (plist-get result :cases))
        (facet-test-check (and preview-file (string-prefix-p (expand-file-name ".facet/previews/" facet-test-tmp) preview-file))
                          "the preview file is %S, expected one in .facet/previews/" preview-file)
        (facet-test-check (buffer-live-p preview) "no buffer visits %s" preview-file)
        (facet-test-check (get-buffer-window preview) "no window shows the preview")
        (facet-test-check (eq (window-buffer (selected-window)) source) "the selected window no longer shows the message")
        (facet-test-check (buffer-local-value 'auto-revert-mode preview) "auto-revert-mode is off in the preview buffer")
        (let ((text (facet-test-text preview)))
          (dolist (c facet-test-cases)
            (facet-test-check (string-search (concat "Echo: " (cdr c)) text)
                              "the preview buffer lacks \"Echo: %s\":\n%s" (cdr c) text))
          (facet-test-check (and (string-search (format "fake (%s)" base-url) text)
                                 (string-search "| Model | slow-50 |" text))
                            "the preview buffer does not name the endpoint and the model:\n%s" text))
        (facet-test-out "ok  facet-preview answered in %.0f ms; %s shown in another window with the 3 answers, endpoint and model"
                        elapsed (file-relative-name preview-file facet-test-tmp))

        ;; 2. Forced: the known file is shown at once and reloaded as the answers stream.
        (let* ((run (facet-test-preview-and-wait source nil t))
               (versions (cdr run))
               (streaming (cl-count-if (lambda (v) (and (car v) (string-search "streaming…" (cdr v)))) versions)))
          (facet-test-check (equal (mapcar #'cl-third (facet-test-statuses (car run))) '(:json-false :json-false :json-false))
                            "a forced preview came from the cache: %S" (plist-get (car run) :cases))
          (facet-test-check (> streaming 0)
                            "the preview buffer was not reloaded while the answers streamed (%d versions seen)" (length versions))
          (facet-test-check (not (string-search "streaming…" (facet-test-text preview)))
                            "the preview buffer was not reloaded after the end")
          (facet-test-out "ok  a forced preview reloaded the buffer %d times as it streamed (%d versions while streaming)"
                          (length versions) streaming))

        ;; 3. One case, from the cache.
        (let ((result (car (facet-test-preview-and-wait source 2))))
          (facet-test-check (equal (facet-test-statuses result) '(("greeting" "done" t)))
                            "case 2 alone, from the cache: got %S" (plist-get result :cases))
          (facet-test-check (string-search "## Case 2: greeting (cached)" (facet-test-text preview))
                            "the preview buffer does not show case 2 from the cache:\n%s" (facet-test-text preview))
          (facet-test-out "ok  facet-preview with case 2: that case only, from the cache"))

        ;; 4. Cancelling an endless answer.
        (with-current-buffer source
          (facet-preview nil t "endless"))
        (facet-test-wait (lambda () (string-search "tick tick" (facet-test-text preview)))
                         "the endless answer in the preview buffer")
        (let ((cancelled-at (float-time)))
          (with-current-buffer source (facet-preview-cancel))
          (facet-test-wait (lambda () (not (facet-preview-running-p source))) "the preview stopping after facet-preview-cancel" 2)
          (facet-test-check (equal (mapcar #'cl-second (facet-test-statuses facet-preview-last-result))
                                   '("cancelled" "cancelled" "cancelled"))
                            "the cancelled preview's cases: %S" (plist-get facet-preview-last-result :cases))
          (facet-test-check (string-search "| Status | cancelled |" (facet-test-text preview))
                            "the preview buffer does not show the cancelled preview:\n%s" (facet-test-text preview))
          (facet-test-out "ok  facet-preview-cancel ended the endless preview in %.0f ms; the buffer shows it cancelled"
                          (* 1000 (- (float-time) cancelled-at))))

        ;; billing.system.md's report is billing.preview.md, which facet-file-regexp does not match.
        (facet-test-check (not (eq (buffer-local-value 'major-mode preview) 'facet-mode))
                          "the preview buffer opened in facet-mode")
        (facet-test-out "ok  the preview buffer is not in facet-mode"))

      (facet-test-shutdown server))))

(facet-test-main "emacs preview" "facet-emacs-preview-" #'facet-test-stop-fake)

;;; test-preview.el ends here
