;;; test-evaluate.el --- Headless Emacs + Eglot test of `facet-evaluate'  -*- lexical-binding: t; -*-

;; Run through run.sh:  emacs --batch -l test-evaluate.el
;; Environment: FACET_BIN (default <repo>/.build/debug/facet),
;; FACET_TEST_TIMEOUT (seconds, default 10).  Needs python3 for
;; Tests/Support/fake-openai, which plays both models and the judge: "small"
;; (quality-4+format=1) scores 4 on every rubric but the format one (1),
;; "strong" (quality-5) scores 5, and "judge" reads those scores back.
;;
;; Checks, in order (each fails the run with a message):
;;  1. `facet-evaluate' compares small and strong ([preview] compare): the answer
;;     gives their means, and .facet/previews/billing.eval.md is shown in another
;;     window (the selected one keeps the message) with "⚑ small falls short" and
;;     "| format | 1 ⚠";
;;  2. Flymake shows a "not-followed" diagnostic (source "facet eval") on the line
;;     of "Reply in JSON only.";
;;  3. `facet-evaluate' with CASE 2 and ENDPOINT "small" scores that case on small alone;
;;  4. comparing small with an endless endpoint runs until `facet-evaluate-cancel',
;;     which ends it; the buffer then shows the evaluation cancelled.

;;; Code:

(load (expand-file-name "test-harness.el" (file-name-directory (or load-file-name buffer-file-name))) nil t)

(defconst facet-test-format-line 10 "The line of \"Reply in JSON only.\".")

(defun facet-test-evaluate-and-wait (source &rest args)
  "Run `facet-evaluate' with ARGS in SOURCE; wait for its answer and return it."
  (with-current-buffer source
    (setq facet-evaluate-last-result nil)
    (apply #'facet-evaluate args)
    (facet-test-check (facet-evaluate-running-p) "facet-evaluate %S started nothing" args)
    (facet-test-wait (lambda () (not (facet-evaluate-running-p source)))
                     (format "facet-evaluate %S answering" args))
    facet-evaluate-last-result))

(defun facet-test-means (result)
  "The endpoints' means in RESULT, as \"NAME=MEAN ...\"."
  (mapconcat (lambda (score) (format "%s=%s" (plist-get score :endpoint) (plist-get score :mean)))
             (plist-get result :endpoints) " "))

(defun facet-test-run ()
  (facet-test-load-facet)
  (facet-test-check (and (commandp 'facet-evaluate) (commandp 'facet-evaluate-cancel))
                    "facet.el defines no facet-evaluate and facet-evaluate-cancel commands")
  (let* ((port (facet-test-start-fake))
         (base-url (format "http://127.0.0.1:%d/v1" port))
         (file (expand-file-name "billing.system.md" facet-test-tmp)))
    (with-temp-file (expand-file-name ".facet.toml" facet-test-tmp)
      (insert "[preview]\ncompare = [\"small\", \"strong\"]\n[judge]\nendpoint = \"judge\"\n")
      (dolist (e '(("small" . "quality-4+format=1") ("strong" . "quality-5") ("judge" . "judge") ("endless" . "endless")))
        (insert "[endpoints." (car e) "]\nbase-url = \"" base-url "\"\nmodel = \"" (cdr e) "\"\n")))
    (with-temp-file file
      (insert "---\ncases:\n"
              "  - Where is my invoice for March?\n"
              "  - name: refund\n    user: I want my money back.\n"
              "  - Can I switch to the annual plan?\n"
              "---\n"
              "You are Orbit's billing assistant for a software company.\n"
              "Answer questions about invoices, refunds and plans.\n"
              "Reply in JSON only.\n"))
    (facet-test-out "ok  fake endpoint at %s; workspace %s" base-url facet-test-tmp)

    (let* ((source (facet-test-visit file))
           (server (eglot-current-server)))

      ;; 1. The comparison configured in .facet.toml.
      (let* ((started (float-time))
             (result (facet-test-evaluate-and-wait source))
             (elapsed (* 1000 (- (float-time) started)))
             (eval-file (plist-get result :file))
             (buffer (and eval-file (get-file-buffer eval-file))))
        (facet-test-check (and (eq (plist-get result :cancelled) :json-false)
                               (equal (facet-test-means result) "small=3 strong=5"))
                          "the answer of facet-evaluate: %S" result)
        (facet-test-check (and (equal eval-file (expand-file-name ".facet/previews/billing.eval.md" facet-test-tmp))
                               (file-exists-p eval-file))
                          "the evaluation file is %S" eval-file)
        (facet-test-check (and (buffer-live-p buffer) (get-buffer-window buffer)) "no window shows %s" eval-file)
        (facet-test-check (eq (window-buffer (selected-window)) source) "the selected window no longer shows the message")
        (let ((text (facet-test-text buffer)))
          (dolist (piece '("⚑ small falls short" "| format | 1 ⚠"))
            (facet-test-check (string-search piece text) "the evaluation buffer lacks %S:\n%s" piece text)))
        (facet-test-check (equal (facet--evaluate-summary result) "small 3.00, strong 5.00; 1 not followed")
                          "the summary: %S" (facet--evaluate-summary result))
        (facet-test-out "ok  facet-evaluate answered in %.0f ms (%d requests); billing.eval.md shown with the flagged gap"
                        elapsed (plist-get result :requests))

        ;; 2. The rubric small did not follow, as Flymake shows it. Flymake starts on
        ;; the first command, which never comes in batch mode; start it by hand.
        (let ((finding
               (facet-test-wait
                (lambda ()
                  (with-current-buffer source
                    (when (and (bound-and-true-p flymake-mode) (not (flymake-running-backends)))
                      (flymake-start))
                    (cl-some (lambda (d)
                               (let ((spec (alist-get 'eglot-lsp-diag (flymake-diagnostic-data d))))
                                 (and (equal (plist-get spec :code) "not-followed")
                                      (= (save-restriction (widen) (line-number-at-pos (flymake-diagnostic-beg d)))
                                         facet-test-format-line)
                                      spec)))
                             (flymake-diagnostics))))
                (format "a not-followed diagnostic on line %d" facet-test-format-line))))
          (facet-test-check (equal (plist-get finding :source) "facet eval") "the finding's source: %S" finding)
          (facet-test-out "ok  not-followed on line %d: %s" facet-test-format-line (plist-get finding :message)))

        ;; 3. One case on one endpoint.
        (let ((result (facet-test-evaluate-and-wait source 2 nil "small")))
          (facet-test-check (equal (facet-test-means result) "small=3")
                            "case 2 on small alone: got %S" result)
          (let ((text (facet-test-text buffer)))
            (facet-test-check (and (string-search "refund" text) (not (string-search "annual plan" text)))
                              "the evaluation buffer does not show case 2 alone:\n%s" text))
          (facet-test-out "ok  facet-evaluate with case 2 and endpoint small: that case on small alone (%d requests)"
                          (plist-get result :requests)))

        ;; 4. Cancelling an evaluation that never ends.
        (with-current-buffer source
          (setq facet-evaluate-last-result nil)
          (facet-evaluate nil t nil '("small" "endless")))
        (sleep-for 0.3) ; let the endless answer begin
        (let ((cancelled-at (float-time)))
          (with-current-buffer source (facet-evaluate-cancel))
          (facet-test-wait (lambda () (not (facet-evaluate-running-p source))) "the evaluation stopping after facet-evaluate-cancel" 2)
          (facet-test-check (eq (plist-get facet-evaluate-last-result :cancelled) t)
                            "the cancelled evaluation's answer: %S" facet-evaluate-last-result)
          (facet-test-check (string-search "| Status | cancelled |" (facet-test-text buffer))
                            "the evaluation buffer does not show the cancelled evaluation:\n%s" (facet-test-text buffer))
          (facet-test-out "ok  facet-evaluate-cancel ended the endless evaluation in %.0f ms; the buffer shows it cancelled"
                          (* 1000 (- (float-time) cancelled-at)))))

      (facet-test-shutdown server))))

(facet-test-main "emacs evaluate" "facet-emacs-evaluate-" #'facet-test-stop-fake)

;;; test-evaluate.el ends here
